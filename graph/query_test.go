package graph

import (
	"testing"
)

func TestCursorRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		v    any
		p    PropSpec
	}{
		{"id only", nil, PropSpec{}},
		{"string", "复旦", PropSpec{Type: TString}},
		{"int", int64(2015), PropSpec{Type: TInt}},
		{"float", 12.5, PropSpec{Type: TFloat}},
		{"missing value", nil, PropSpec{Type: TInt}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := EncodeCursor(tc.v, "ent-42")
			v, id, err := DecodeCursor(c, tc.p)
			if err != nil || id != "ent-42" || v != tc.v {
				t.Fatalf("got %v %q %v", v, id, err)
			}
		})
	}
	for _, bad := range []string{"", "!!", EncodeCursor("x", "bad id"), "WzFd"} {
		if _, _, err := DecodeCursor(bad, PropSpec{Type: TString}); CodeOf(err) != CodeInvalidInput {
			t.Errorf("cursor %q accepted", bad)
		}
	}
}

func FuzzDecodeCursor(f *testing.F) {
	f.Add(EncodeCursor("a", "b"), 1)
	f.Add(EncodeCursor(int64(3), "b"), 2)
	f.Add("", 0)
	f.Fuzz(func(t *testing.T, s string, typ int) {
		p := PropSpec{Type: PropType(typ % 7)}
		v, id, err := DecodeCursor(s, p)
		if err != nil {
			return
		}
		if !ValidID(id) {
			t.Fatalf("accepted invalid id %q", id)
		}
		// A decoded cursor re-encodes to one that decodes the same.
		v2, id2, err := DecodeCursor(EncodeCursor(v, id), p)
		if err != nil || id2 != id || v2 != v {
			t.Fatalf("re-encode: %v %v %v / %v %v", v, id, err, v2, id2)
		}
	})
}

func TestCheckQuery(t *testing.T) {
	ok := Query{Kind: KindEnterprise, First: 10, Where: []Cond{{Field: "tier", Op: OpEq, Value: "SME"}, {Field: "founded", Op: OpGte, Value: int64(2010)}},
		OrderBy: &Order{Field: "name"}, Rels: []RelQuery{{Key: "operatesIn", Type: RelOperatesIn, Dir: Out, Query: Query{Kind: KindSegment, First: 5}}}}
	tests := []struct {
		name string
		edit func(q *Query)
		ok   bool
	}{
		{"valid", func(*Query) {}, true},
		{"ids without kind", func(q *Query) { *q = Query{IDs: []string{"a"}} }, true},
		{"no kind no ids", func(q *Query) { q.Kind = "" }, false},
		{"unknown kind", func(q *Query) { q.Kind = "Company" }, false},
		{"first zero", func(q *Query) { q.First = 0 }, false},
		{"first too big", func(q *Query) { q.First = MaxPageSize + 1 }, false},
		{"filter not allowed", func(q *Query) { q.Where = []Cond{{Field: "aliases", Op: OpEq, Value: "x"}} }, false},
		{"wrong value type", func(q *Query) { q.Where = []Cond{{Field: "founded", Op: OpEq, Value: "2010"}} }, false},
		{"contains on int", func(q *Query) { q.Where = []Cond{{Field: "founded", Op: OpContains, Value: "20"}} }, false},
		{"in list", func(q *Query) { q.Where = []Cond{{Field: "tier", Op: OpIn, Value: []any{"SME", "LEADER"}}} }, true},
		{"gt on bool", func(q *Query) { q.Where = []Cond{{Field: "highTech", Op: OpGt, Value: true}} }, false},
		{"sort not allowed", func(q *Query) { q.OrderBy = &Order{Field: "chainMaster"} }, false},
		{"bad cursor", func(q *Query) { q.After = "zzz" }, false},
		{"good cursor", func(q *Query) { q.After = EncodeCursor("Acme", "e1") }, true},
		{"dup rel key", func(q *Query) { q.Rels = append(q.Rels, q.Rels[0]) }, false},
		{"bad dir", func(q *Query) {
			q.Rels = []RelQuery{{Key: "x", Type: RelSupplies, Dir: "BOTH", Query: Query{First: 1}}}
		}, false},
		{"ids nested", func(q *Query) {
			q.Rels = []RelQuery{{Key: "x", Type: RelSupplies, Dir: Out, Query: Query{IDs: []string{"a"}, First: 1}}}
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := ok
			q.Rels = append([]RelQuery(nil), ok.Rels...)
			tc.edit(&q)
			err := CheckQuery(q)
			if (err == nil) != tc.ok {
				t.Fatalf("CheckQuery = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestMatchSearch(t *testing.T) {
	n := Node{ID: "u1", Name: "Fudan University", NameZh: "复旦大学", Aliases: []string{"FDU"}}
	tests := []struct {
		text  string
		score int
		ok    bool
	}{
		{"复旦", 2, true},
		{"旦大", 1, true},
		{"fudan university", 3, true},
		{"FDU", 3, true},
		{"univ fudan", 1, true},
		{"univ 复旦", 1, true},
		{"tongji", 0, false},
		{"   ", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			s, ok := MatchSearch(n, tc.text)
			if s != tc.score || ok != tc.ok {
				t.Fatalf("MatchSearch(%q) = %d %v, want %d %v", tc.text, s, ok, tc.score, tc.ok)
			}
		})
	}
	hits := []SearchHit{{Node: Node{ID: "b", Name: "B"}, Score: 1}, {Node: Node{ID: "a", Name: "B"}, Score: 1}, {Node: Node{ID: "c", Name: "Z"}, Score: 3}}
	SortHits(hits)
	if hits[0].Node.ID != "c" || hits[1].Node.ID != "a" || hits[2].Node.ID != "b" {
		t.Fatalf("SortHits order: %v", hits)
	}
}
