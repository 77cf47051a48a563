package vault

import (
	"fmt"
	"sort"
	"strings"
)

// Claims returns every claim, ordered by name.
func (v *Vault) Claims() ([]*Claim, error) {
	if err := v.load(); err != nil {
		return nil, err
	}
	var out []*Claim
	for _, r := range v.cache.inOrder() {
		if c, ok := r.(*Claim); ok {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// ClaimByName returns the claim with this name. When there is none the error
// suggests the nearest names.
func (v *Vault) ClaimByName(name string) (*Claim, error) {
	claims, err := v.Claims()
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(claims))
	for _, c := range claims {
		if c.Name == name {
			return c, nil
		}
		names = append(names, c.Name)
	}
	msg := "unknown claim " + Quote(name)
	if near := Nearest(name, names, 3); len(near) > 0 {
		msg += fmt.Sprintf(" (did you mean %s?)", strings.Join(near, ", "))
	} else if len(names) == 0 {
		msg += " (there are no claims yet: create one with 'vault claim new NAME --insurer X')"
	} else {
		msg += " (see 'vault claim list')"
	}
	return nil, notFoundError(msg)
}

// notFoundError is an ErrNotFound whose message says all by itself
// (`unknown claim "bak" (did you mean back-2026?)`).
type notFoundError string

func (e notFoundError) Error() string { return string(e) }

// Is makes errors.Is(err, ErrNotFound) hold.
func (e notFoundError) Is(target error) bool { return target == ErrNotFound }

// Items returns the records filed under a claim (documents, calls,
// condition notes, requests and exports; not the claim itself), ordered by
// ID. An empty claimID means every claim.
func (v *Vault) Items(claimID string) ([]Record, error) {
	if err := v.load(); err != nil {
		return nil, err
	}
	var out []Record
	for _, r := range v.cache.inOrder() {
		if r.RecordType() != TypeClaim && (claimID == "" || r.ClaimID() == claimID) {
			out = append(out, r)
		}
	}
	return out, nil
}

// Nearest returns up to n candidates closest to s by edit distance, among
// those close enough to be a plausible typo and all equally close.
func Nearest(s string, candidates []string, n int) []string {
	type scored struct {
		name string
		d    int
	}
	var best []scored
	for _, c := range candidates {
		d := editDistance(strings.ToLower(s), strings.ToLower(c))
		limit := max(2, len(s)/3)
		if d <= limit || strings.HasPrefix(c, s) && s != "" {
			best = append(best, scored{c, d})
		}
	}
	sort.SliceStable(best, func(i, j int) bool {
		if best[i].d != best[j].d {
			return best[i].d < best[j].d
		}
		return best[i].name < best[j].name
	})
	// Only the closest are worth naming: "lst" suggests list, not get too.
	var out []string
	for i := 0; i < len(best) && i < n && best[i].d == best[0].d; i++ {
		out = append(out, best[i].name)
	}
	return out
}

// editDistance is the Damerau-Levenshtein (optimal string alignment)
// distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
