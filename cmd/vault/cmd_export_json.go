package main

import (
	"time"

	"vault/vault"
	"vault/vault/export"
)

// The JSON views of requests and exports. Their field names are a contract
// (README): add fields, never rename or remove them.

type expRequestJSON struct {
	ID       string   `json:"id"`
	Claim    string   `json:"claim"` // the claim's name
	Received string   `json:"received"`
	Due      string   `json:"due"`
	Kinds    []string `json:"kinds"`
	From     string   `json:"from"`
	To       string   `json:"to"`
	On       []string `json:"on"`
	IDs      []string `json:"ids"`
	Note     string   `json:"note"`
	Status   string   `json:"status"`   // open, overdue, answered
	Answered string   `json:"answered"` // the ID of the export that answered it, or ""
}

func expRequestsJSON(list []export.Standing, names map[string]string) []expRequestJSON {
	out := make([]expRequestJSON, 0, len(list))
	for _, st := range list {
		r := st.Request
		j := expRequestJSON{ID: r.ID, Claim: names[r.Claim], Received: string(r.Received), Due: string(r.Due),
			Kinds: nonNil(r.Kinds), From: string(r.From), To: string(r.To), On: []string{}, IDs: nonNil(r.IDs),
			Note: r.Note, Status: st.State.Status, Answered: st.State.AnsweredBy}
		for _, d := range r.On {
			j.On = append(j.On, string(d))
		}
		out = append(out, j)
	}
	return out
}

type expFileJSON struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	ID     string `json:"id,omitempty"`
}

type expExportJSON struct {
	ID           string        `json:"id"`
	Claim        string        `json:"claim"` // the claim's name
	Request      string        `json:"request"`
	At           string        `json:"at"` // RFC 3339
	Output       string        `json:"output"`
	BundleSHA256 string        `json:"bundle_sha256"`
	BundleSize   int64         `json:"bundle_size"`
	Files        []expFileJSON `json:"files"`
	Missing      []string      `json:"missing"`
	Kind         string        `json:"kind"`  // "zip" or "pdf"
	Pages        int           `json:"pages"` // a PDF packet's pages, 0 for a zip
	Part         int           `json:"part,omitempty"`
	Parts        int           `json:"parts,omitempty"`
}

func expExportsJSON(list []*vault.Export, names map[string]string) []expExportJSON {
	out := make([]expExportJSON, 0, len(list))
	for _, x := range list {
		j := expExportJSON{ID: x.ID, Claim: names[x.Claim], Request: x.Request, At: x.At.UTC().Format(time.RFC3339),
			Output: x.Output, BundleSHA256: x.BundleSHA256, BundleSize: x.BundleSize, Files: []expFileJSON{}, Missing: nonNil(x.Missing),
			Kind: "zip", Pages: x.Pages, Part: x.Part, Parts: x.Parts}
		if x.Kind != "" {
			j.Kind = x.Kind
		}
		for _, f := range x.Files {
			j.Files = append(j.Files, expFileJSON{Path: f.Path, SHA256: f.SHA256, Size: f.Size, ID: f.ID})
		}
		out = append(out, j)
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
