package neo4jstore

import (
	"context"
	"strings"
	"unicode"

	"chainkg/graph"
)

// Search statements. Both return every candidate; the matching rules
// (graph.SearchRules) are applied in Go with graph.MatchSearch and ranked by
// graph.SortHits, so both stores return exactly the same hits.
const (
	// searchFulltextCypher fetches candidates from the full-text index.
	searchFulltextCypher = "CALL db.index.fulltext.queryNodes($index, $q) YIELD node AS n " +
		"WHERE size($kinds) = 0 OR any(l IN labels(n) WHERE l IN $kinds) " +
		"RETURN properties(n) AS p, labels(n) AS l"
	// searchScanCypher is the fallback: a CONTAINS scan over the folded
	// names (a superset of the Go rule up to case-mapping differences
	// between Java and Go, which the Go filter then settles).
	searchScanCypher = "MATCH (n:Node) " +
		"WHERE (size($kinds) = 0 OR any(l IN labels(n) WHERE l IN $kinds)) " +
		"AND all(t IN $terms WHERE toLower(n.name) CONTAINS t OR toLower(coalesce(n.nameZh, '')) CONTAINS t " +
		"OR any(a IN coalesce(n.aliases, []) WHERE toLower(a) CONTAINS t)) " +
		"RETURN properties(n) AS p, labels(n) AS l"
)

// fulltextQuery returns a Lucene query whose hits are guaranteed to be a
// superset of the nodes graph.MatchSearch accepts for these terms, or false
// when no such query is known and Search must scan.
//
// The index uses the standard tokenizer (see FulltextAnalyzer):
//
//   - A term made only of Han ideographs becomes a phrase query ("复旦"):
//     every ideograph is its own token, so any name containing the term
//     contains those tokens at consecutive positions. Single ideographs work
//     the same way.
//   - A term made only of ASCII letters and digits becomes a wildcard query
//     (*term*): the tokenizer never splits a run of ASCII letters and digits
//     (UAX#29 WB5, WB8-WB10) and lower-cases tokens, so a name containing
//     the term has a token containing it.
//   - Any other term (punctuation, other scripts, mixed Han and Latin, where
//     token boundaries depend on neighbouring characters) has no guaranteed
//     superset: the whole search falls back to the CONTAINS scan.
//
// Terms are ANDed; each clause searches name, nameZh and aliases, so terms
// may match different names, as the rules say.
func fulltextQuery(terms []string) (string, bool) {
	if len(terms) == 0 {
		return "", false
	}
	clauses := make([]string, 0, len(terms))
	for _, t := range terms {
		switch {
		case allRunes(t, func(r rune) bool { return unicode.Is(unicode.Han, r) }):
			clauses = append(clauses, `"`+t+`"`)
		case allRunes(t, func(r rune) bool { return r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }):
			clauses = append(clauses, "*"+t+"*")
		default:
			return "", false
		}
	}
	return strings.Join(clauses, " AND "), true
}

func allRunes(s string, f func(rune) bool) bool {
	for _, r := range s {
		if !f(r) {
			return false
		}
	}
	return s != ""
}

// Search finds nodes by name following graph.SearchRules: candidates from
// the full-text index when fulltextQuery guarantees a superset, else from a
// CONTAINS scan; then graph.MatchSearch and graph.SortHits in Go. First <= 0
// means no limit.
func (s *Store) Search(ctx context.Context, q graph.SearchQuery) ([]graph.SearchHit, error) {
	terms := graph.SearchTerms(q.Text)
	if len(terms) == 0 {
		return []graph.SearchHit{}, nil
	}
	kinds := make([]string, 0, len(q.Kinds))
	for _, k := range q.Kinds {
		if _, err := kindLabel(k); err != nil {
			return nil, err
		}
		kinds = append(kinds, string(k))
	}
	cypher, params := searchStatement(terms, kinds)
	recs, err := s.query(ctx, "neo4j: search", cypher, params)
	if err != nil {
		return nil, err
	}
	hits := make([]graph.SearchHit, 0, len(recs))
	for _, r := range recs {
		n := nodeFrom(r.Values[0], r.Values[1])
		if score, ok := graph.MatchSearch(n, q.Text); ok {
			hits = append(hits, graph.SearchHit{Node: n, Score: score})
		}
	}
	graph.SortHits(hits)
	if q.First > 0 && len(hits) > q.First {
		hits = hits[:q.First]
	}
	return hits, nil
}

// searchStatement picks the full-text or the scan statement.
func searchStatement(terms, kinds []string) (string, map[string]any) {
	if lq, ok := fulltextQuery(terms); ok {
		return searchFulltextCypher, map[string]any{"index": FulltextIndex, "q": lq, "kinds": kinds}
	}
	return searchScanCypher, map[string]any{"terms": terms, "kinds": kinds}
}
