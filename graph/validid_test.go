package graph

import (
	"regexp"
	"strings"
	"testing"
)

// idReference is the documented pattern ValidID implements by hand.
var idReference = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}$`)

func TestValidIDMatchesPattern(t *testing.T) {
	cases := []string{"", "a", "A", "0", "-a", ".a", "_a", ":a", "a-b.c_d:e", "seg:ai-models", "a b", "a\n", "a\nb", "é", "aé",
		"a/b", "a+b", strings.Repeat("a", 128), strings.Repeat("a", 129), "a" + strings.Repeat("-", 127), "\x00", "a\x00"}
	for c := byte(0); c < 128; c++ {
		cases = append(cases, string([]byte{c}), "a"+string([]byte{c}))
	}
	for _, s := range cases {
		if got, want := ValidID(s), idReference.MatchString(s); got != want {
			t.Errorf("ValidID(%q) = %v, the pattern says %v", s, got, want)
		}
	}
}

func FuzzValidID(f *testing.F) {
	for _, s := range []string{"a", "seg:ai-models", "-x", strings.Repeat("z", 130)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := ValidID(s), idReference.MatchString(s); got != want {
			t.Errorf("ValidID(%q) = %v, the pattern says %v", s, got, want)
		}
	})
}
