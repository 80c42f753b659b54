package storetest

import (
	"fmt"
	"slices"
	"testing"

	"chainkg/graph"
)

var readTests = []subtest{
	{"IDs", testReadIDs},
	{"Where", testReadWhere},
	{"WhereSpecialCharacters", testReadWhereSpecial},
	{"Order", testReadOrder},
	{"Paging", testReadPaging},
	{"CursorPosition", testReadCursorPosition},
	{"BadInput", testReadBadInput},
	{"Nested", testReadNested},
	{"NestedPaging", testReadNestedPaging},
}

func read(t testing.TB, s graph.Store, q graph.Query) *graph.Page {
	t.Helper()
	p, err := s.Read(bg, q)
	if err != nil {
		t.Fatalf("Read %s: %v", q, err)
	}
	return tidyPage(p)
}

func where(field string, op graph.Op, v any) graph.Cond {
	return graph.Cond{Field: field, Op: op, Value: v}
}

// testReadIDs: the nodes with those ids in the order given, duplicates and
// missing ids skipped, Kind and Where applied, no paging.
func testReadIDs(t *testing.T, s graph.Store) {
	nodes, edges := Fixture()
	Load(t, s, nodes, edges)
	o := newOracle(nodes, edges)
	asked := []string{"ent:moxing", "nope", "uni:fudan", "ent:moxing", "ent:chuqing", "chain:ai"}
	for _, tc := range []struct {
		name string
		q    graph.Query
		want []string
	}{
		{"any kind", graph.Query{IDs: asked}, []string{"ent:moxing", "uni:fudan", "ent:chuqing", "chain:ai"}},
		{"kind", graph.Query{IDs: asked, Kind: graph.KindEnterprise, Total: true}, []string{"ent:moxing", "ent:chuqing"}},
		{"where", graph.Query{IDs: asked, Kind: graph.KindEnterprise, Where: []graph.Cond{where("region", graph.OpEq, "Other")}, Total: true}, []string{"ent:chuqing"}},
		{"none", graph.Query{IDs: []string{"nope"}, Total: true}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := read(t, s, tc.q)
			same(t, "ids", itemIDs(p), tc.want)
			same(t, "page", p, tidyPage(o.read(tc.q)))
			if p.HasNext || p.HasPrev {
				t.Errorf("hasNext/hasPrev set on an ids query")
			}
			if tc.q.Total && p.Total != len(tc.want) {
				t.Errorf("total %d, want %d", p.Total, len(tc.want))
			} else if !tc.q.Total && p.Total != -1 {
				t.Errorf("total %d not asked, want -1", p.Total)
			}
		})
	}
}

// Enterprises of the fixture, by id: chuqing huayi kangcai moxing qingneng
// shenlan shuju zhixin.
var whereCases = []struct {
	name string
	cond []graph.Cond
	want []string
}{
	{"EQ string", []graph.Cond{where("region", graph.OpEq, "Yangpu")}, []string{"ent:kangcai", "ent:moxing", "ent:qingneng", "ent:shenlan", "ent:zhixin"}},
	{"EQ is case-sensitive", []graph.Cond{where("name", graph.OpEq, "moxing ai")}, []string{}},
	{"EQ Chinese", []graph.Cond{where("nameZh", graph.OpEq, "模型智能")}, []string{"ent:moxing"}},
	{"NE string", []graph.Cond{where("region", graph.OpNe, "Yangpu")}, []string{"ent:chuqing", "ent:huayi", "ent:shuju"}},
	{"NE Chinese", []graph.Cond{where("nameZh", graph.OpNe, "模型智能")}, []string{"ent:chuqing", "ent:huayi", "ent:kangcai", "ent:qingneng", "ent:shenlan", "ent:shuju", "ent:zhixin"}},
	{"EQ bool", []graph.Cond{where("highTech", graph.OpEq, true)}, []string{"ent:huayi", "ent:moxing", "ent:qingneng", "ent:zhixin"}},
	{"EQ false skips missing", []graph.Cond{where("highTech", graph.OpEq, false)}, []string{}},
	{"NE skips missing", []graph.Cond{where("highTech", graph.OpNe, true)}, []string{}},
	{"NE false skips missing", []graph.Cond{where("chainMaster", graph.OpNe, false)}, []string{"ent:huayi", "ent:qingneng", "ent:zhixin"}},
	{"GT float", []graph.Cond{where("revenue", graph.OpGt, 150.5)}, []string{"ent:huayi", "ent:qingneng", "ent:zhixin"}},
	{"GTE float", []graph.Cond{where("revenue", graph.OpGte, 150.5)}, []string{"ent:huayi", "ent:moxing", "ent:qingneng", "ent:zhixin"}},
	{"LT float skips missing", []graph.Cond{where("revenue", graph.OpLt, 100.0)}, []string{"ent:kangcai", "ent:shuju"}},
	{"LTE float", []graph.Cond{where("revenue", graph.OpLte, 85.0)}, []string{"ent:kangcai", "ent:shuju"}},
	{"LT int", []graph.Cond{where("employees", graph.OpLt, int64(100))}, []string{"ent:kangcai", "ent:shenlan"}},
	{"GT float fraction", []graph.Cond{where("rdIntensity", graph.OpGt, 0.1)}, []string{"ent:moxing", "ent:qingneng", "ent:zhixin"}},
	{"conjunction", []graph.Cond{where("founded", graph.OpGte, int64(2019)), where("region", graph.OpEq, "Other")}, []string{"ent:chuqing"}},
	{"IN", []graph.Cond{where("tier", graph.OpIn, []any{"HIGH_TECH", "LEADER"})}, []string{"ent:moxing", "ent:qingneng", "ent:zhixin"}},
	{"IN regions", []graph.Cond{where("region", graph.OpIn, []any{"Shanghai", "Other", "Mars"})}, []string{"ent:chuqing", "ent:huayi", "ent:shuju"}},
	{"IN empty", []graph.Cond{where("tier", graph.OpIn, []any{})}, []string{}},
	{"IN ints", []graph.Cond{where("founded", graph.OpIn, []any{int64(2012), int64(2023), int64(1900)})}, []string{"ent:shenlan", "ent:zhixin"}},
	{"CONTAINS folds case", []graph.Cond{where("name", graph.OpContains, "MEDICAL")}, []string{"ent:huayi", "ent:shenlan"}},
	{"STARTS_WITH folds case", []graph.Cond{where("name", graph.OpStartsWith, "moXing")}, []string{"ent:moxing"}},
	{"CONTAINS Chinese", []graph.Cond{where("nameZh", graph.OpContains, "智能")}, []string{"ent:moxing", "ent:shenlan"}},
	{"CONTAINS one Chinese character", []graph.Cond{where("nameZh", graph.OpContains, "氢")}, []string{"ent:chuqing", "ent:qingneng"}},
	{"STARTS_WITH Chinese", []graph.Cond{where("nameZh", graph.OpStartsWith, "氢")}, []string{"ent:qingneng"}},
	{"STARTS_WITH id", []graph.Cond{where("id", graph.OpStartsWith, "ent:s")}, []string{"ent:shenlan", "ent:shuju"}},
	{"EQ id", []graph.Cond{where("id", graph.OpEq, "ent:huayi")}, []string{"ent:huayi"}},
	{"provenance source", []graph.Cond{where("source", graph.OpEq, graph.SourceSynthetic)}, []string{"ent:chuqing", "ent:huayi", "ent:kangcai", "ent:moxing", "ent:qingneng", "ent:shenlan", "ent:shuju", "ent:zhixin"}},
	{"date GT", []graph.Cond{where("asOf", graph.OpGt, "2024-02-29")}, []string{"ent:chuqing", "ent:huayi", "ent:kangcai", "ent:moxing", "ent:qingneng", "ent:shenlan", "ent:shuju", "ent:zhixin"}},
	{"date STARTS_WITH", []graph.Cond{where("asOf", graph.OpStartsWith, "2023")}, []string{}},
	{"missing provenance field", []graph.Cond{where("confidence", graph.OpGte, 0.0)}, []string{}},
	{"enum value outside the enum", []graph.Cond{where("tier", graph.OpEq, "GIANT")}, []string{}},
}

func testReadWhere(t *testing.T, s graph.Store) {
	nodes, edges := Fixture()
	Load(t, s, nodes, edges)
	o := newOracle(nodes, edges)
	for _, tc := range whereCases {
		t.Run(tc.name, func(t *testing.T) {
			q := graph.Query{Kind: graph.KindEnterprise, Where: tc.cond, First: 100, Total: true}
			if got := itemIDs(tc2page(o, q)); !slices.Equal(got, tc.want) {
				t.Fatalf("test bug: the oracle gives %v, the case says %v", got, tc.want)
			}
			p := read(t, s, q)
			same(t, "ids", itemIDs(p), tc.want)
			same(t, "page", p, tidyPage(o.read(q)))
		})
	}
}

// testReadWhereSpecial: values are data, never syntax: quotes, regex and
// LIKE metacharacters, parentheses and ampersands match literally.
func testReadWhereSpecial(t *testing.T, s graph.Store) {
	nodes, edges := Fixture()
	extra := []graph.Node{
		{ID: "tf:quote", Kind: graph.KindTechField, Name: `It's a "quoted" \ field`, Prov: syn("")},
		{ID: "tf:regex", Kind: graph.KindTechField, Name: "a.*b [x]+ (y)? %_", Prov: syn("")},
	}
	Load(t, s, append(slices.Clone(nodes), extra...), edges)
	o := newOracle(append(slices.Clone(nodes), extra...), edges)
	for _, tc := range []struct {
		name string
		q    graph.Query
		want []string
	}{
		{"parentheses", graph.Query{Kind: graph.KindPolicy, Where: []graph.Cond{where("name", graph.OpContains, "(trial)")}}, []string{"policy:life-health"}},
		{"ampersand", graph.Query{Kind: graph.KindPlatform, Where: []graph.Cond{where("name", graph.OpContains, "r&d")}}, []string{"plat:brain-chip"}},
		{"full-width parenthesis", graph.Query{Kind: graph.KindPolicy, Where: []graph.Cond{where("nameZh", graph.OpContains, "（试行）")}}, []string{"policy:life-health"}},
		{"quotes", graph.Query{Kind: graph.KindTechField, Where: []graph.Cond{where("name", graph.OpContains, `'s a "quoted" \`)}}, []string{"tf:quote"}},
		{"regex is literal", graph.Query{Kind: graph.KindTechField, Where: []graph.Cond{where("name", graph.OpContains, ".*")}}, []string{"tf:regex"}},
		{"regex prefix is literal", graph.Query{Kind: graph.KindTechField, Where: []graph.Cond{where("name", graph.OpStartsWith, "a.")}}, []string{"tf:regex"}},
		{"like wildcards are literal", graph.Query{Kind: graph.KindTechField, Where: []graph.Cond{where("name", graph.OpContains, "%_")}}, []string{"tf:regex"}},
		{"equality with quotes", graph.Query{Kind: graph.KindTechField, Where: []graph.Cond{where("name", graph.OpEq, `It's a "quoted" \ field`)}}, []string{"tf:quote"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.q.First = 50
			if got := itemIDs(o.read(tc.q)); !slices.Equal(got, tc.want) {
				t.Fatalf("test bug: the oracle gives %v, the case says %v", got, tc.want)
			}
			p := read(t, s, tc.q)
			same(t, "ids", itemIDs(p), tc.want)
		})
	}
}

func tc2page(o *oracle, q graph.Query) *graph.Page { return o.read(q) }

func order(field string, desc bool) *graph.Order { return &graph.Order{Field: field, Desc: desc} }

// testReadOrder: by the field, then id ascending (also when descending); a
// missing value sorts last ascending and first descending.
func testReadOrder(t *testing.T, s graph.Store) {
	nodes, edges := Fixture()
	Load(t, s, nodes, edges)
	o := newOracle(nodes, edges)
	for _, tc := range []struct {
		name string
		q    graph.Query
		want []string
	}{
		{"id", graph.Query{Kind: graph.KindEnterprise, First: 100}, []string{"ent:chuqing", "ent:huayi", "ent:kangcai", "ent:moxing", "ent:qingneng", "ent:shenlan", "ent:shuju", "ent:zhixin"}},
		{"id desc", graph.Query{Kind: graph.KindEnterprise, First: 100, OrderBy: order("id", true)}, []string{"ent:zhixin", "ent:shuju", "ent:shenlan", "ent:qingneng", "ent:moxing", "ent:kangcai", "ent:huayi", "ent:chuqing"}},
		{"float asc, missing last", graph.Query{Kind: graph.KindEnterprise, First: 100, OrderBy: order("revenue", false)}, []string{"ent:kangcai", "ent:shuju", "ent:moxing", "ent:qingneng", "ent:huayi", "ent:zhixin", "ent:chuqing", "ent:shenlan"}},
		{"float desc, missing first", graph.Query{Kind: graph.KindEnterprise, First: 100, OrderBy: order("revenue", true)}, []string{"ent:chuqing", "ent:shenlan", "ent:zhixin", "ent:huayi", "ent:qingneng", "ent:moxing", "ent:shuju", "ent:kangcai"}},
		{"string asc, ties by id", graph.Query{Kind: graph.KindEnterprise, First: 100, OrderBy: order("tier", false)}, []string{"ent:moxing", "ent:qingneng", "ent:zhixin", "ent:chuqing", "ent:shuju", "ent:huayi", "ent:shenlan", "ent:kangcai"}},
		{"string desc, ties by id ascending", graph.Query{Kind: graph.KindEnterprise, First: 100, OrderBy: order("tier", true)}, []string{"ent:kangcai", "ent:shenlan", "ent:huayi", "ent:chuqing", "ent:shuju", "ent:zhixin", "ent:moxing", "ent:qingneng"}},
		{"int with filter", graph.Query{Kind: graph.KindEnterprise, First: 100, OrderBy: order("founded", false), Where: []graph.Cond{where("region", graph.OpEq, "Yangpu")}}, []string{"ent:zhixin", "ent:qingneng", "ent:kangcai", "ent:moxing", "ent:shenlan"}},
		{"segments by order", graph.Query{Kind: graph.KindSegment, First: 100, OrderBy: order("order", false), Where: []graph.Cond{where("chainId", graph.OpEq, "chain:health")}}, []string{"seg:health-materials", "seg:health-devices", "seg:health-diagnosis"}},
		{"first 3", graph.Query{Kind: graph.KindEnterprise, First: 3, OrderBy: order("revenue", true)}, []string{"ent:chuqing", "ent:shenlan", "ent:zhixin"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := itemIDs(o.read(tc.q)); !slices.Equal(got, tc.want) {
				t.Fatalf("test bug: the oracle gives %v, the case says %v", got, tc.want)
			}
			p := read(t, s, tc.q)
			same(t, "ids", itemIDs(p), tc.want)
			same(t, "page", p, tidyPage(o.read(tc.q)))
		})
	}
	// Chinese names order by code point.
	q := graph.Query{Kind: graph.KindEnterprise, First: 100, OrderBy: order("nameZh", false)}
	same(t, "nameZh", read(t, s, q), tidyPage(o.read(q)))
}

// Generated enterprises for paging: ties, missing values, Chinese names.
func pagingData() ([]graph.Node, []graph.Edge) {
	seg := graph.Node{ID: "seg:gen", Kind: graph.KindSegment, Name: "Generated Segment", Props: map[string]any{"stage": "MIDSTREAM"}, Prov: syn("")}
	nodes := []graph.Node{seg}
	var edges []graph.Edge
	for i := range 40 {
		p := map[string]any{"tier": graph.Tiers[i%len(graph.Tiers)]}
		if i%5 != 0 {
			p["revenue"] = float64((i * 7) % 13)
		}
		if i%7 != 0 {
			p["founded"] = int64(2000 + (i*3)%10)
		}
		p["region"] = map[bool]string{true: "Yangpu", false: "Other"}[i%2 == 0]
		switch i % 4 {
		case 0:
			p["highTech"] = true
		case 1:
			p["highTech"] = false
		}
		n := graph.Node{ID: fmt.Sprintf("gen:e%02d", i), Kind: graph.KindEnterprise, Name: fmt.Sprintf("Firm %02d", (i*17)%40), Props: p, Prov: syn("")}
		if i%3 != 0 {
			n.NameZh = fmt.Sprintf("企业%c%02d", []rune("甲乙丙丁戊")[i%5], i%11)
		}
		nodes = append(nodes, n)
		e := graph.Edge{Type: graph.RelOperatesIn, From: n.ID, To: seg.ID, Prov: syn("")}
		if i%3 != 1 {
			e.Props = map[string]any{"share": float64(i%4) / 4}
		}
		edges = append(edges, e)
	}
	return nodes, edges
}

var pagingQueries = []struct {
	name string
	q    graph.Query
}{
	{"by id", graph.Query{Kind: graph.KindEnterprise}},
	{"by id desc", graph.Query{Kind: graph.KindEnterprise, OrderBy: order("id", true)}},
	{"revenue asc", graph.Query{Kind: graph.KindEnterprise, OrderBy: order("revenue", false)}},
	{"revenue desc", graph.Query{Kind: graph.KindEnterprise, OrderBy: order("revenue", true)}},
	{"founded desc Yangpu", graph.Query{Kind: graph.KindEnterprise, OrderBy: order("founded", true), Where: []graph.Cond{where("region", graph.OpEq, "Yangpu")}}},
	{"nameZh asc", graph.Query{Kind: graph.KindEnterprise, OrderBy: order("nameZh", false)}},
	{"name desc not false", graph.Query{Kind: graph.KindEnterprise, OrderBy: order("name", true), Where: []graph.Cond{where("highTech", graph.OpNe, false)}}},
	{"tier asc", graph.Query{Kind: graph.KindEnterprise, OrderBy: order("tier", false)}},
	{"filter, id order", graph.Query{Kind: graph.KindEnterprise, Where: []graph.Cond{where("nameZh", graph.OpContains, "乙")}}},
}

// testReadPaging walks whole lists with several page sizes: every item
// exactly once, in order, with the oracle's page (cursors included) at each
// step, HasNext on all pages but the last, HasPrev on all but the first and
// Total constant.
func testReadPaging(t *testing.T, s graph.Store) {
	nodes, edges := pagingData()
	Load(t, s, nodes, edges)
	o := newOracle(nodes, edges)
	for _, pq := range pagingQueries {
		t.Run(pq.name, func(t *testing.T) {
			full := pq.q
			full.First, full.Total = graph.MaxPageSize, true
			all := read(t, s, full)
			same(t, "whole list", all, tidyPage(o.read(full)))
			if all.HasNext || all.HasPrev || all.Total != len(all.Items) {
				t.Errorf("whole list: hasNext %v hasPrev %v total %d (items %d)", all.HasNext, all.HasPrev, all.Total, len(all.Items))
			}
			for _, it := range all.Items {
				var v any
				if pq.q.OrderBy != nil {
					v = Canon(it.Node).Flatten()[pq.q.OrderBy.Field]
				}
				if want := graph.EncodeCursor(v, it.Node.ID); it.Cursor != want {
					t.Errorf("cursor of %s = %q, want graph.EncodeCursor(%v, %q) = %q", it.Node.ID, it.Cursor, v, it.Node.ID, want)
				}
			}
			for _, size := range []int{1, 2, 3, 7, len(all.Items), len(all.Items) + 1} {
				var got []string
				q := pq.q
				q.First, q.Total = size, true
				for step := 0; ; step++ {
					if step > len(all.Items)+1 {
						t.Fatalf("size %d: paging does not end", size)
					}
					p := read(t, s, q)
					same(t, fmt.Sprintf("size %d page %d", size, step), p, tidyPage(o.read(q)))
					if p.HasPrev != (step > 0) {
						t.Errorf("size %d page %d: hasPrev %v", size, step, p.HasPrev)
					}
					if p.Total != len(all.Items) {
						t.Errorf("size %d page %d: total %d, want %d", size, step, p.Total, len(all.Items))
					}
					got = append(got, itemIDs(p)...)
					if !p.HasNext {
						break
					}
					if len(p.Items) != size {
						t.Fatalf("size %d page %d: %d items with hasNext", size, step, len(p.Items))
					}
					q.After = p.Items[len(p.Items)-1].Cursor
				}
				same(t, fmt.Sprintf("size %d: all pages", size), got, itemIDs(all))
			}
		})
	}
}

// testReadCursorPosition: a cursor is a position in the order, not a
// pointer to an item: it works for values and ids no node has.
func testReadCursorPosition(t *testing.T, s graph.Store) {
	nodes, edges := Fixture()
	Load(t, s, nodes, edges)
	o := newOracle(nodes, edges)
	for _, tc := range []struct {
		name string
		q    graph.Query
		want []string
	}{
		{"between values", graph.Query{Kind: graph.KindEnterprise, First: 3, OrderBy: order("revenue", false), After: graph.EncodeCursor(150.5, "ent:a")}, []string{"ent:moxing", "ent:qingneng", "ent:huayi"}},
		{"equal value, later id", graph.Query{Kind: graph.KindEnterprise, First: 3, OrderBy: order("revenue", false), After: graph.EncodeCursor(150.5, "ent:z")}, []string{"ent:qingneng", "ent:huayi", "ent:zhixin"}},
		{"missing value ascending", graph.Query{Kind: graph.KindEnterprise, First: 3, OrderBy: order("revenue", false), After: graph.EncodeCursor(nil, "ent:d")}, []string{"ent:shenlan"}},
		{"missing value descending", graph.Query{Kind: graph.KindEnterprise, First: 3, OrderBy: order("revenue", true), After: graph.EncodeCursor(nil, "ent:d")}, []string{"ent:shenlan", "ent:zhixin", "ent:huayi"}},
		{"by id", graph.Query{Kind: graph.KindEnterprise, First: 2, After: graph.EncodeCursor(nil, "ent:n")}, []string{"ent:qingneng", "ent:shenlan"}},
		{"past the end", graph.Query{Kind: graph.KindEnterprise, First: 2, After: graph.EncodeCursor(nil, "ent:zz")}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := itemIDs(o.read(tc.q)); !slices.Equal(got, tc.want) {
				t.Fatalf("test bug: the oracle gives %v, the case says %v", got, tc.want)
			}
			p := read(t, s, tc.q)
			same(t, "ids", itemIDs(p), tc.want)
			same(t, "page", p, tidyPage(o.read(tc.q)))
			if !p.HasPrev {
				t.Errorf("hasPrev false with a cursor")
			}
		})
	}
}

// testReadBadInput: queries CheckQuery refuses, including bad cursors, are
// CodeInvalidInput (or CodeLimit for shape limits).
func testReadBadInput(t *testing.T, s graph.Store) {
	nodes, edges := Fixture()
	Load(t, s, nodes, edges)
	ent := func(q graph.Query) graph.Query {
		q.Kind = graph.KindEnterprise
		if q.First == 0 {
			q.First = 5
		}
		return q
	}
	for _, tc := range []struct {
		name string
		q    graph.Query
		code graph.Code
	}{
		{"cursor not base64", ent(graph.Query{After: "!!!"}), graph.CodeInvalidInput},
		{"cursor not JSON", ent(graph.Query{After: "bm90IGpzb24"}), graph.CodeInvalidInput},
		{"cursor value of the wrong type", ent(graph.Query{OrderBy: order("revenue", false), After: graph.EncodeCursor("high", "ent:x")}), graph.CodeInvalidInput},
		{"cursor with a value but no order", ent(graph.Query{After: graph.EncodeCursor(3.0, "ent:x")}), graph.CodeInvalidInput},
		{"cursor with a bad id", ent(graph.Query{After: graph.EncodeCursor(nil, "bad id")}), graph.CodeInvalidInput},
		{"no kind", graph.Query{First: 5}, graph.CodeInvalidInput},
		{"unknown kind", graph.Query{Kind: "Spaceship", First: 5}, graph.CodeInvalidInput},
		{"first 0", graph.Query{Kind: graph.KindEnterprise}, graph.CodeInvalidInput},
		{"first too big", ent(graph.Query{First: graph.MaxPageSize + 1}), graph.CodeInvalidInput},
		{"filter on an unfilterable field", ent(graph.Query{Where: []graph.Cond{where("aliases", graph.OpEq, "x")}}), graph.CodeInvalidInput},
		{"filter value of the wrong type", ent(graph.Query{Where: []graph.Cond{where("founded", graph.OpEq, "1999")}}), graph.CodeInvalidInput},
		{"unknown operator", ent(graph.Query{Where: []graph.Cond{where("name", "LIKE", "x")}}), graph.CodeInvalidInput},
		{"sort on an unsortable field", ent(graph.Query{OrderBy: order("highTech", false)}), graph.CodeInvalidInput},
		{"unknown relation", ent(graph.Query{Rels: []graph.RelQuery{{Key: "x", Type: "LIKES", Dir: graph.Out, Query: graph.Query{First: 1}}}}), graph.CodeInvalidInput},
		{"bad nested cursor", ent(graph.Query{Rels: []graph.RelQuery{{Key: "x", Type: graph.RelSupplies, Dir: graph.Out, Query: graph.Query{First: 1, After: "%%"}}}}), graph.CodeInvalidInput},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Read(bg, tc.q)
			wantCode(t, tc.name, err, tc.code)
		})
	}
}

// dashboardQuery is the dashboard's typical root field: chains with their
// segments, each segment's local enterprises (with the OPERATES_IN edge) and
// their suppliers and partners, two levels of nesting below the segments.
func dashboardQuery() graph.Query {
	return graph.Query{Kind: graph.KindChain, First: 10, Total: true, Rels: []graph.RelQuery{
		{Key: "segments", Type: graph.RelHasSegment, Dir: graph.Out, Query: graph.Query{Kind: graph.KindSegment, OrderBy: order("order", false), First: 10, Total: true, Rels: []graph.RelQuery{
			{Key: "enterprises", Type: graph.RelOperatesIn, Dir: graph.In, Query: graph.Query{Kind: graph.KindEnterprise,
				Where: []graph.Cond{where("region", graph.OpEq, "Yangpu")}, OrderBy: order("revenue", true), First: 1, Total: true, Rels: []graph.RelQuery{
					{Key: "suppliers", Type: graph.RelSupplies, Dir: graph.In, Query: graph.Query{First: 5}},
					{Key: "partners", Type: graph.RelCooperates, Dir: graph.Out, Query: graph.Query{First: 5, Total: true}},
					{Key: "partneredBy", Type: graph.RelCooperates, Dir: graph.In, Query: graph.Query{Kind: graph.KindLab, First: 5, Total: true}},
				}}},
			{Key: "fedBy", Type: graph.RelFeeds, Dir: graph.In, Query: graph.Query{First: 5, OrderBy: order("name", false)}},
		}}},
		{Key: "masters", Type: graph.RelMasters, Dir: graph.In, Query: graph.Query{Kind: graph.KindEnterprise, First: 5}},
	}}
}

// testReadNested: relation fields two levels deep, both directions, with
// where, order, first, total and the edge attached to each item.
func testReadNested(t *testing.T, s graph.Store) {
	nodes, edges := Fixture()
	Load(t, s, nodes, edges)
	o := newOracle(nodes, edges)
	q := dashboardQuery()
	p := read(t, s, q)
	same(t, "dashboard page", p, tidyPage(o.read(q)))

	// Hand-checked facts, so that the oracle is not the only judge.
	same(t, "chains", itemIDs(p), []string{"chain:ai", "chain:h2", "chain:health"})
	ai := p.Items[0]
	same(t, "ai segments", itemIDs(ai.Rels["segments"]), []string{"seg:ai-compute", "seg:ai-data", "seg:ai-models", "seg:ai-apps"})
	same(t, "ai masters", itemIDs(ai.Rels["masters"]), []string{"ent:zhixin"})
	models := ai.Rels["segments"].Items[2]
	same(t, "models fedBy", itemIDs(models.Rels["fedBy"]), []string{"seg:ai-compute", "seg:ai-data"})
	ents := models.Rels["enterprises"]
	same(t, "models enterprises", itemIDs(ents), []string{"ent:moxing"})
	if ents.Total != 1 || ents.HasNext {
		t.Errorf("models enterprises: total %d hasNext %v", ents.Total, ents.HasNext)
	}
	mx := ents.Items[0]
	same(t, "operates-in edge", mx.Edge, ptr(CanonEdge(find2(edges, graph.EdgeKey{Type: graph.RelOperatesIn, From: "ent:moxing", To: "seg:ai-models"}))))
	same(t, "moxing suppliers", itemIDs(mx.Rels["suppliers"]), []string{"ent:shuju", "ent:zhixin"})
	same(t, "moxing partners", itemIDs(mx.Rels["partners"]), []string{"ent:shenlan"})
	same(t, "moxing lab partners", itemIDs(mx.Rels["partneredBy"]), []string{"lab:fudan-ai"})
	health := p.Items[2]
	devices := health.Rels["segments"].Items[1]
	if e := devices.Rels["enterprises"]; len(e.Items) != 0 || e.Total != 0 {
		t.Errorf("health-devices has no local enterprise, got %v (total %d)", itemIDs(e), e.Total)
	}
	diag := health.Rels["segments"].Items[2]
	same(t, "diagnosis fedBy (by name)", itemIDs(diag.Rels["fedBy"]), []string{"seg:health-devices", "seg:ai-models"})
}

// testReadNestedPaging pages through a relation field with cursors.
func testReadNestedPaging(t *testing.T, s graph.Store) {
	nodes, edges := pagingData()
	Load(t, s, nodes, edges)
	o := newOracle(nodes, edges)
	rel := func(size int, after string) graph.Query {
		return graph.Query{IDs: []string{"seg:gen"}, Rels: []graph.RelQuery{{Key: "e", Type: graph.RelOperatesIn, Dir: graph.In,
			Query: graph.Query{Kind: graph.KindEnterprise, OrderBy: order("revenue", true), Where: []graph.Cond{where("highTech", graph.OpNe, true)}, First: size, After: after, Total: true}}}}
	}
	all := read(t, s, rel(graph.MaxPageSize, ""))
	same(t, "whole relation", all, tidyPage(o.read(rel(graph.MaxPageSize, ""))))
	want := itemIDs(all.Items[0].Rels["e"])
	if len(want) < 10 {
		t.Fatalf("test bug: only %d related items", len(want))
	}
	var got []string
	after := ""
	for step := 0; step < 100; step++ {
		q := rel(4, after)
		p := read(t, s, q)
		same(t, fmt.Sprintf("page %d", step), p, tidyPage(o.read(q)))
		r := p.Items[0].Rels["e"]
		got = append(got, itemIDs(r)...)
		if !r.HasNext {
			break
		}
		after = r.Items[len(r.Items)-1].Cursor
	}
	same(t, "all pages", got, want)
}
