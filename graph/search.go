package graph

import (
	"sort"
	"strings"
)

// SearchTerms splits search text into folded terms (see SearchRules).
func SearchTerms(text string) []string {
	return strings.Fields(FoldText(text))
}

// MatchSearch applies SearchRules to one node: ok when every term is a
// substring of some name, with the rank score (3 exact, 2 prefix, 1 other).
func MatchSearch(n Node, text string) (score int, ok bool) {
	terms := SearchTerms(text)
	if len(terms) == 0 {
		return 0, false
	}
	names := make([]string, 0, 2+len(n.Aliases))
	for _, s := range append([]string{n.Name, n.NameZh}, n.Aliases...) {
		if s != "" {
			names = append(names, FoldText(s))
		}
	}
	for _, t := range terms {
		found := false
		for _, s := range names {
			if strings.Contains(s, t) {
				found = true
				break
			}
		}
		if !found {
			return 0, false
		}
	}
	whole := strings.Join(terms, " ")
	score = 1
	for _, s := range names {
		if s == whole {
			return 3, true
		}
		if strings.HasPrefix(s, whole) {
			score = 2
		}
	}
	return score, true
}

// SortHits orders hits by score (high first), then name, then id.
func SortHits(hits []SearchHit) {
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.Node.Name != b.Node.Name {
			return a.Node.Name < b.Node.Name
		}
		return a.Node.ID < b.Node.ID
	})
}
