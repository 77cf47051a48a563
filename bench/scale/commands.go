package main

import (
	"fmt"

	"vault/bench/scale/fill"
	"vault/vault"
	"vault/vault/check"
)

// fixture is a vault built for the benchmarks and what is known about it.
type fixture struct {
	path    string
	pass    []byte
	res     *fill.Result
	claim   string // the claim check and log-call use (one in the middle)
	showID  string // the item show shows
	records int    // items and claims
}

// newFixture describes the vault that fill.Build made at path.
func newFixture(path string, pass []byte, res *fill.Result) *fixture {
	fx := &fixture{path: path, pass: pass, res: res, claim: res.Claims[len(res.Claims)/2], records: res.Items + len(res.Claims)}
	if len(res.SampleIDs) > 0 {
		fx.showID = res.SampleIDs[len(res.SampleIDs)/2]
	}
	return fx
}

// command is the vault logic of one CLI command, as cmd/vault calls it,
// without its output: what it costs beyond opening the vault.
type command struct {
	name     string
	readOnly bool
	cli      []string // the arguments of the same command for the binary
	run      func(v *vault.Vault, fx *fixture) error
}

// commands returns the commands measured, in the order of the tables.
// log-call comes last: it adds a record each time it runs.
func commands(fx *fixture) []command {
	return []command{
		{name: "list", readOnly: true, cli: []string{"list"}, run: runList},
		{name: "search", readOnly: true, cli: []string{"search", fill.Needle}, run: runSearch},
		{name: "show", readOnly: true, cli: []string{"show", fx.showID}, run: runShow},
		{name: "check", readOnly: true, cli: []string{"check", "--claim", fx.claim, "--as-of", string(fill.AsOf)}, run: runCheck},
		{name: "status", readOnly: true, cli: []string{"status", "--as-of", string(fill.AsOf)}, run: runStatus},
		{name: "log-call", readOnly: false, cli: []string{"log-call", "--claim", fx.claim, "--rep", "Dana #4411", "--ref", "REF-1", "--summary", "Asked about the status"}, run: runLogCall},
	}
}

// claimNames is recClaimNames of cmd/vault: every command that prints items
// names their claims.
func claimNames(v *vault.Vault) (map[string]string, error) {
	claims, err := v.Claims()
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(claims))
	for _, c := range claims {
		m[c.ID] = c.Name
	}
	return m, nil
}

// runList is `vault list` (cmd_records_list.go) without printing.
func runList(v *vault.Vault, _ *fixture) error {
	items, err := v.List(vault.Filter{})
	if err != nil {
		return err
	}
	names, err := claimNames(v)
	if err != nil {
		return err
	}
	if len(items) == 0 || len(names) == 0 {
		return fmt.Errorf("list found %d items in %d claims", len(items), len(names))
	}
	return nil
}

// runSearch is `vault search NEEDLE` without printing.
func runSearch(v *vault.Vault, _ *fixture) error {
	hits, err := v.Search(fill.Needle, vault.Filter{})
	if err != nil {
		return err
	}
	if _, err := claimNames(v); err != nil {
		return err
	}
	if len(hits) == 0 {
		return fmt.Errorf("search %q found nothing", fill.Needle)
	}
	return nil
}

// runShow is `vault show ID` of an item without printing.
func runShow(v *vault.Vault, fx *fixture) error {
	if _, err := v.Resolve(fx.showID, nil); err != nil {
		return err
	}
	_, err := claimNames(v)
	return err
}

// runCheck is `vault check --claim NAME` (cmd_check.go) without printing.
func runCheck(v *vault.Vault, fx *fixture) error {
	c, err := v.ClaimByName(fx.claim)
	if err != nil {
		return err
	}
	items, err := v.Items(c.ID)
	if err != nil {
		return err
	}
	check.Summarize(c, items, fill.AsOf)
	return nil
}

// runStatus is `vault status` (cmd_check.go) without printing.
func runStatus(v *vault.Vault, _ *fixture) error {
	claims, err := v.Claims()
	if err != nil {
		return err
	}
	all, err := v.Items("")
	if err != nil {
		return err
	}
	byClaim := map[string][]vault.Record{}
	for _, r := range all {
		byClaim[r.ClaimID()] = append(byClaim[r.ClaimID()], r)
	}
	sums := make([]check.Summary, 0, len(claims))
	for _, c := range claims {
		sums = append(sums, check.Summarize(c, byClaim[c.ID], fill.AsOf))
	}
	check.SortSummaries(sums)
	return nil
}

// runLogCall is `vault log-call --claim NAME ...`: one write transaction.
func runLogCall(v *vault.Vault, fx *fixture) error {
	c, err := v.ClaimByName(fx.claim)
	if err != nil {
		return err
	}
	_, _, err = v.LogCall(c, vault.Call{Rep: "Dana #4411", Ref: "REF-1", Summary: "Asked about the status"})
	return err
}
