package webui

import (
	"fmt"
	"mime"
	"net/http"
	"path/filepath"
	"strings"

	"vault/vault"
	"vault/vault/check"
)

// claimForm is the new-claim form's fields, kept to show them again with
// an error.
type claimForm struct {
	Name, Insurer, Plan, Patient, MemberID, Group, Provider, NPI, License, Referrer, Diagnoses string
}

// newClaimPage shows the empty new-claim form.
func (s *Server) newClaimPage(q *request) error {
	s.renderClaimForm(q, claimForm{}, "")
	return nil
}

func (s *Server) renderClaimForm(q *request, f claimForm, msg string) {
	status := http.StatusOK
	if msg != "" {
		status = http.StatusUnprocessableEntity
	}
	s.render(q.w, status, "claim_new", s.viewData(q.sess, "New claim", map[string]any{
		"Form": f, "Error": msg, "Plans": vault.Plans(),
	}))
}

// newClaimPost creates the claim with vault.NewClaim, as `vault claim new`.
func (s *Server) newClaimPost(q *request) error {
	if !parseForm(q.w, q.r, q.sess) {
		return nil
	}
	v := q.r.PostFormValue
	f := claimForm{Name: v("name"), Insurer: v("insurer"), Plan: v("plan"), Patient: v("patient"), MemberID: v("member_id"),
		Group: v("group"), Provider: v("provider"), NPI: v("npi"), License: v("license"), Referrer: v("referrer"), Diagnoses: v("diagnoses")}
	var diags []string
	for _, d := range strings.FieldsFunc(f.Diagnoses, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		diags = append(diags, d)
	}
	cl := vault.Claim{Name: strings.TrimSpace(f.Name), Insurer: f.Insurer, Plan: f.Plan, Patient: f.Patient, MemberID: f.MemberID,
		Group: f.Group, Provider: f.Provider, NPI: f.NPI, License: f.License, Referrer: f.Referrer, Diagnoses: diags}
	if cl.Name == "" {
		s.renderClaimForm(q, f, "Give the claim a name, such as back-2026.")
		return nil
	}
	added, err := q.v.NewClaim(cl)
	if err != nil {
		s.renderClaimForm(q, f, describe(err))
		return nil
	}
	http.Redirect(q.w, q.r, "/claims/"+added.ID, http.StatusSeeOther)
	return nil
}

// timelineItem is one line of a claim's timeline.
type timelineItem struct {
	ID, Kind, Summary string
	Date              vault.Date
	Findings          []check.Finding
}

// claimPage shows a claim's facts, the check's findings (each linked to
// the items it concerns) and every item by date.
func (s *Server) claimPage(q *request) error {
	cl, err := s.claimByID(q.v, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	items, err := q.v.Items(cl.ID)
	if err != nil {
		return fmt.Errorf("read claim %s: %w", cl.Name, err)
	}
	sum := check.Summarize(cl, items, s.today())
	vault.SortItems(items)
	byItem := map[string][]check.Finding{}
	for _, f := range sum.Findings {
		if f.Severity == check.Info {
			continue // shown once, at the top: an info asks nothing of an item
		}
		for _, id := range f.IDs {
			byItem[id] = append(byItem[id], f)
		}
	}
	rows := make([]timelineItem, len(items))
	var conds []*vault.Condition
	for i, it := range items {
		rows[i] = timelineItem{ID: it.RecordID(), Kind: vault.ItemKind(it), Date: vault.ItemDate(it), Summary: itemSummary(it), Findings: byItem[it.RecordID()]}
		if c, ok := it.(*vault.Condition); ok {
			conds = append(conds, c)
		}
	}
	s.render(q.w, http.StatusOK, "claim", s.viewData(q.sess, cl.Name, map[string]any{
		"Claim": cl, "Summary": sum, "Items": rows, "Chart": painChart(conds), "ItemIDs": itemIDs(items),
	}))
	return nil
}

// itemLink is what a finding's link to an item says.
type itemLink struct {
	ID, Kind string
	Date     vault.Date
}

// itemIDs maps a claim's item IDs to their links, so that a finding links
// only to items that are on the page, each by its date and kind.
func itemIDs(items []vault.Record) map[string]*itemLink {
	m := make(map[string]*itemLink, len(items))
	for _, it := range items {
		m[it.RecordID()] = &itemLink{ID: it.RecordID(), Kind: vault.ItemKind(it), Date: vault.ItemDate(it)}
	}
	return m
}

// claimByID returns the claim with this ID.
func (s *Server) claimByID(v *vault.Vault, id string) (*vault.Claim, error) {
	r, err := v.Record(id)
	if err != nil {
		return nil, err
	}
	cl, ok := r.(*vault.Claim)
	if !ok {
		return nil, fmt.Errorf("%s is not a claim: %w", id, vault.ErrNotFound)
	}
	return cl, nil
}

// itemSummary is the one line that says what an item is.
func itemSummary(r vault.Record) string {
	switch it := r.(type) {
	case *vault.Document:
		if it.Title != "" {
			return it.Title
		}
		return vault.SafeName(it.FileName)
	case *vault.Call:
		who := it.Party
		if it.Rep != "" {
			who = strings.TrimSpace(who + " " + it.Rep)
		}
		if who != "" {
			return who + ": " + it.Summary
		}
		return it.Summary
	case *vault.Condition:
		s := it.Phase
		if it.Pain != nil {
			s += fmt.Sprintf(", pain %d/10", *it.Pain)
		}
		if it.Text != "" {
			s += ": " + it.Text
		}
		return s
	case *vault.Request:
		return "request"
	case *vault.Export:
		return "export"
	}
	return string(r.RecordType())
}

// itemPage shows one item's fields, and a document's content in the page.
func (s *Server) itemPage(q *request) error {
	r, err := q.v.Record(q.r.PathValue("id"))
	if err != nil {
		return err
	}
	if r.RecordType() == vault.TypeClaim {
		http.Redirect(q.w, q.r, "/claims/"+r.RecordID(), http.StatusSeeOther)
		return nil
	}
	cl, err := q.v.ClaimOf(r)
	if err != nil {
		return err
	}
	items, err := q.v.Items(cl.ID)
	if err != nil {
		return err
	}
	findings := check.ForItems(check.Summarize(cl, items, s.today()).Findings, map[string]bool{r.RecordID(): true})
	data := map[string]any{"Claim": cl, "Item": r, "Kind": vault.ItemKind(r), "Date": vault.ItemDate(r), "Summary": itemSummary(r), "Findings": findings}
	if d, ok := r.(*vault.Document); ok {
		data["Doc"] = d
		data["View"] = viewAs(d.MediaType)
	}
	s.render(q.w, http.StatusOK, "item", s.viewData(q.sess, itemSummary(r), data))
	return nil
}

// viewAs says how a media type is shown in the item page: "pdf" in a
// frame, "image" as an img, "text" in a frame, "" not at all (download only).
func viewAs(mediaType string) string {
	switch mediaType {
	case "application/pdf":
		return "pdf"
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return "image"
	case "text/plain", "text/plain; charset=utf-8":
		return "text"
	}
	return ""
}

// itemFile streams a document's bytes: inline for the types the item page
// shows (PDF, raster images, plain text), as a download otherwise or when
// ?download=1; never as HTML, under a CSP that allows nothing to run.
func (s *Server) itemFile(q *request) error {
	r, err := q.v.Record(q.r.PathValue("id"))
	if err != nil {
		return err
	}
	d, ok := r.(*vault.Document)
	if !ok {
		return fmt.Errorf("%s is not a document: %w", r.RecordID(), vault.ErrNotFound)
	}
	view := viewAs(d.MediaType)
	h := q.w.Header()
	disposition := "inline"
	ctype := d.MediaType
	switch {
	case view == "text":
		ctype = "text/plain; charset=utf-8"
	case view == "":
		ctype = "application/octet-stream"
		disposition = "attachment"
	}
	if q.r.URL.Query().Get("download") == "1" {
		disposition = "attachment"
	}
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", contentDisposition(disposition, downloadName(d)))
	csp := "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
	if view != "pdf" {
		// Chromium's PDF viewer does not run in a sandboxed document;
		// everything else gets no origin and no script at all.
		csp += "; sandbox"
	}
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Frame-Options", "SAMEORIGIN") // framed by the item page only
	h.Set("Content-Length", fmt.Sprint(d.Size))
	if err := q.v.ReadDocument(d, q.w); err != nil {
		// The status line is sent: cut the connection so that the browser
		// keeps no truncated or unauthenticated copy as if it were the file.
		panic(http.ErrAbortHandler)
	}
	return nil
}

// downloadName is the file name a download is saved under: the original
// name, or the kind and date with the extension of the media type.
func downloadName(d *vault.Document) string {
	if d.FileName != "" {
		return filepath.Base(d.FileName)
	}
	ext := ".bin"
	switch viewAs(d.MediaType) {
	case "pdf":
		ext = ".pdf"
	case "text":
		ext = ".txt"
	case "image":
		ext = "." + strings.TrimPrefix(d.MediaType, "image/")
	}
	return d.Kind + "-" + string(d.Date) + ext
}

// contentDisposition formats the header with the file name quoted (and
// RFC 2231-encoded when it is not ASCII).
func contentDisposition(disposition, name string) string {
	if h := mime.FormatMediaType(disposition, map[string]string{"filename": name}); h != "" {
		return h
	}
	return disposition
}
