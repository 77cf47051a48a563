package check

import (
	"testing"

	"vault/vault"
)

// TestPainChangeOf: the earliest scored "before" note and the latest scored
// "after" or "progress" note, whatever the order of the notes; notes of
// other phases or without a score are skipped.
func TestPainChangeOf(t *testing.T) {
	b1, b2 := cond("b1", "2026-03-04", "before", 6), cond("b2", "2026-03-04", "before", 8)
	b0 := cond("b0", "2026-03-01", "before", -1)
	p1, a1 := cond("p1", "2026-03-11", "progress", 4), cond("a1", "2026-03-18", "after", 3)
	a2 := cond("a2", "2026-03-25", "after", -1)
	tests := []struct {
		name          string
		notes         []*vault.Condition
		before, after string
		points        int
		verdict       string
	}{
		{"first before, last after", []*vault.Condition{a2, p1, b2, a1, b1, b0}, "b1", "a1", 3, "3 points better (50%), a clinically meaningful change (2 points or 30%)"},
		{"progress counts as after", []*vault.Condition{b1, p1}, "b1", "p1", 2, "2 points better (33%), a clinically meaningful change (2 points or 30%)"},
		{"same day: by ID", []*vault.Condition{b2, b1, p1}, "b1", "p1", 2, ""},
		{"worse", []*vault.Condition{cond("b", "2026-03-04", "before", 2), cond("a", "2026-03-18", "after", 5)}, "b", "a", -3, "3 points worse"},
		{"no change", []*vault.Condition{cond("b", "2026-03-04", "before", 0), cond("a", "2026-03-18", "after", 0)}, "b", "a", 0, "no change"},
		{"an after note before the before note still counts", []*vault.Condition{cond("a", "2026-03-01", "after", 5), b1}, "b1", "a", 1, ""},
		{"no scored after note", []*vault.Condition{b1, a2}, "b1", "", 0, ""},
		{"no scored before note", []*vault.Condition{b0, a1, nil}, "", "a1", 0, ""},
		{"none", nil, "", "", 0, ""},
	}
	id := func(c *vault.Condition) string {
		if c == nil {
			return ""
		}
		return c.ID
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := PainChangeOf(tc.notes)
			if id(p.Before) != tc.before || id(p.After) != tc.after {
				t.Fatalf("notes %q -> %q, want %q -> %q", id(p.Before), id(p.After), tc.before, tc.after)
			}
			if p.Complete() != (tc.before != "" && tc.after != "") {
				t.Errorf("Complete() = %v", p.Complete())
			}
			if p.Points() != tc.points {
				t.Errorf("Points() = %d, want %d", p.Points(), tc.points)
			}
			if tc.verdict != "" && p.Verdict() != tc.verdict {
				t.Errorf("Verdict() = %q, want %q", p.Verdict(), tc.verdict)
			}
			if !p.Complete() && p.Verdict() != "" {
				t.Errorf("an incomplete change has the verdict %q", p.Verdict())
			}
		})
	}
}
