package neo4jstore

import (
	"context"
	"strings"
	"unicode"

	"chainkg/graph"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Search statements. Both return every candidate, names only; the matching
// rules (graph.SearchRules) are applied in Go with graph.MatchSearch and
// ranked by graph.SortHits, so both stores return exactly the same hits;
// then only the First hits are fetched whole, in the same transaction.
const (
	// searchFulltextCypher fetches candidates from the full-text index.
	searchFulltextCypher = "CALL db.index.fulltext.queryNodes($index, $q) YIELD node AS n " +
		"WHERE size($kinds) = 0 OR any(l IN labels(n) WHERE l IN $kinds) " +
		"RETURN n.id AS id, n.name AS name, n.nameZh AS nameZh, n.aliases AS aliases"
	// searchScanCypher is the fallback: a CONTAINS scan over the folded
	// names (a superset of the Go rule up to case-mapping differences
	// between Java and Go, which the Go filter then settles).
	searchScanCypher = "MATCH (n:Node) " +
		"WHERE (size($kinds) = 0 OR any(l IN labels(n) WHERE l IN $kinds)) " +
		"AND all(t IN $terms WHERE toLower(n.name) CONTAINS t OR toLower(coalesce(n.nameZh, '')) CONTAINS t " +
		"OR any(a IN coalesce(n.aliases, []) WHERE toLower(a) CONTAINS t)) " +
		"RETURN n.id AS id, n.name AS name, n.nameZh AS nameZh, n.aliases AS aliases"
)

// fulltextQuery returns a Lucene query whose hits are guaranteed to be a
// superset of the nodes graph.MatchSearch accepts for these terms, or false
// when no such query is known and Search must scan.
//
// The index uses Lucene's standard tokenizer (see FulltextAnalyzer), and a
// term is cut into pieces that survive tokenisation unchanged:
//
//   - A run of ideographs (Han script, Unicode Ideographic property) becomes
//     a phrase query ("复旦"): the tokenizer makes every ideograph its own
//     token, so a name containing the run has those tokens at consecutive
//     positions. A single ideograph works the same way.
//   - A run of ASCII letters and digits becomes a wildcard query (*ai2*):
//     the tokenizer never splits such a run (UAX#29 WB5, WB8-WB10) and
//     lower-cases tokens, so a name containing the run has a token
//     containing it (tokens longer than 255 characters are the exception).
//   - Any other character (punctuation, spaces inside aliases, other
//     scripts, where token boundaries depend on neighbouring characters)
//     only separates pieces: it adds no clause, which keeps the superset.
//
// A term is the AND of its pieces and the query the AND of the terms; each
// clause searches name, nameZh and aliases (terms may match different
// names, as the rules say). A term with no piece at all (only punctuation or
// other scripts) leaves no guarantee: Search then scans. The candidates are
// always filtered by graph.MatchSearch, which is the rule.
func fulltextQuery(terms []string) (string, bool) {
	if len(terms) == 0 {
		return "", false
	}
	var clauses []string
	for _, t := range terms {
		pieces := termPieces(t)
		if len(pieces) == 0 {
			return "", false
		}
		clauses = append(clauses, pieces...)
	}
	return strings.Join(clauses, " AND "), true
}

func isIdeograph(r rune) bool {
	return unicode.Is(unicode.Han, r) && unicode.Is(unicode.Ideographic, r)
}

func isASCIIAlnum(r rune) bool {
	return r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// termPieces cuts a folded term into Lucene clauses (see fulltextQuery).
func termPieces(t string) []string {
	var out []string
	var run []rune
	class := 0 // 1 ideographs, 2 ASCII letters/digits
	flush := func() {
		switch {
		case len(run) == 0:
		case class == 1:
			out = append(out, `"`+string(run)+`"`)
		case class == 2:
			out = append(out, "*"+string(run)+"*")
		}
		run = run[:0]
	}
	for _, r := range t {
		c := 0
		switch {
		case isIdeograph(r):
			c = 1
		case isASCIIAlnum(r):
			c = 2
		}
		if c != class {
			flush()
			class = c
		}
		if c != 0 {
			run = append(run, r)
		}
	}
	flush()
	return out
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
	out, err := s.readTx(ctx, "neo4j: search", func(tx neo4j.ManagedTransaction) (any, error) {
		recs, err := runAll(ctx, tx, cypher, params)
		if err != nil {
			return nil, err
		}
		hits := make([]graph.SearchHit, 0, len(recs))
		for _, r := range recs {
			probe := graph.Node{ID: str(r.Values[0]), Name: str(r.Values[1]), NameZh: str(r.Values[2])}
			probe.Aliases, _ = graph.Normalize(r.Values[3]).([]string)
			if score, ok := graph.MatchSearch(probe, q.Text); ok {
				hits = append(hits, graph.SearchHit{Node: probe, Score: score})
			}
		}
		graph.SortHits(hits)
		if q.First > 0 && len(hits) > q.First {
			hits = hits[:q.First]
		}
		if len(hits) == 0 {
			return hits, nil
		}
		ids := make([]string, len(hits))
		for i, h := range hits {
			ids[i] = h.Node.ID
		}
		recs, err = runAll(ctx, tx, getNodesCypher, map[string]any{"ids": ids})
		if err != nil {
			return nil, err
		}
		full := make(map[string]graph.Node, len(recs))
		for _, r := range recs {
			full[str(r.Values[0])] = nodeFrom(r.Values[1], r.Values[2])
		}
		for i := range hits {
			hits[i].Node = full[hits[i].Node.ID]
		}
		return hits, nil
	})
	if err != nil {
		return nil, err
	}
	return out.([]graph.SearchHit), nil
}

// searchStatement picks the full-text or the scan statement.
func searchStatement(terms, kinds []string) (string, map[string]any) {
	if lq, ok := fulltextQuery(terms); ok {
		return searchFulltextCypher, map[string]any{"index": FulltextIndex, "q": lq, "kinds": kinds}
	}
	return searchScanCypher, map[string]any{"terms": terms, "kinds": kinds}
}
