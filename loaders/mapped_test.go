package loaders_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"testing/fstest"

	"chainkg/graph"
	"chainkg/graph/memstore"
	"chainkg/loaders"
)

// TestReadMappedForeign loads the A-share-style example whose columns,
// codes, units and relation names differ from ours.
func TestReadMappedForeign(t *testing.T) {
	ds, err := loaders.ReadMapped(os.DirFS("testdata/foreign"), "mapping.yaml")
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]graph.Node{}
	for _, n := range ds.Nodes {
		byID[n.ID] = n
	}
	tests := []struct {
		id, prop string
		want     any
	}{
		{"ashare:900001", "region", "Shanghai"},
		{"ashare:900002", "region", "Other"},
		{"ashare:900001", "founded", int64(2009)},
		{"ashare:900001", "revenue", 18300.0},
		{"ashare:900003", "highTech", false},
		{"ashare:900001", "tier", "LEADER"},
		{"ashare:P1002", "stage", "MIDSTREAM"},
		{"ashare:P1002", "chainId", "ashare-ev"},
	}
	for _, tc := range tests {
		t.Run(tc.id+"."+tc.prop, func(t *testing.T) {
			n, ok := byID[tc.id]
			if !ok {
				t.Fatalf("no node %s", tc.id)
			}
			if got := n.Props[tc.prop]; got != tc.want {
				t.Errorf("%s = %#v, want %#v", tc.prop, got, tc.want)
			}
			if n.Prov.Source != "ashare-kg-demo" || n.Prov.AsOf != "2023-12-31" {
				t.Errorf("provenance %+v", n.Prov)
			}
		})
	}
	if n := byID["ashare:900002"]; n.Name != "样本新材料股份有限公司（虚构）" || len(n.Aliases) != 1 || n.Aliases[0] != "样本材料" {
		t.Errorf("name fallback / aliases: %+v", n)
	}
	types := map[graph.RelType]int{}
	for _, e := range ds.Edges {
		types[e.Type]++
		if e.Type == graph.RelFeeds && e.From == "ashare:P1001" && e.Props["weight"] != 0.6 {
			t.Errorf("FEEDS weight = %v", e.Props["weight"])
		}
	}
	want := map[graph.RelType]int{graph.RelFeeds: 4, graph.RelOperatesIn: 4, graph.RelSupplies: 3, graph.RelCooperates: 1}
	for k, v := range want {
		if types[k] != v {
			t.Errorf("%s edges = %d, want %d", k, types[k], v)
		}
	}
	if ds.Skipped != 1 {
		t.Errorf("skipped = %d, want 1 (竞争 maps to skip)", ds.Skipped)
	}
	rep, err := loaders.Load(context.Background(), memstore.New(), ds, loaders.Options{})
	if err != nil || rep.Total.Created != len(ds.Nodes)+len(ds.Edges) {
		t.Fatalf("load: %v %+v", err, rep)
	}
}

func TestReadMappedErrors(t *testing.T) {
	foreign := func() fstest.MapFS {
		fsys := fstest.MapFS{}
		for _, f := range []string{"mapping.yaml", "companies.csv", "products.jsonl", "relations.jsonl"} {
			b, err := os.ReadFile("testdata/foreign/" + f)
			if err != nil {
				t.Fatal(err)
			}
			fsys["m/"+f] = &fstest.MapFile{Data: b}
		}
		return fsys
	}
	cases := []struct {
		name, file, src string
		wantFile        string
		wantLine        int
		wantField       string
	}{
		{"unmapped relation", "m/relations.jsonl", `{"head": "900001", "tail": "900003", "relation": "投资"}` + "\n", "m/relations.jsonl", 1, "relation"},
		{"bad revenue", "m/companies.csv", "股票代码,公司名称,英文名称,省份,成立日期,员工人数,营业收入(元),高新技术企业,股票简称\n900001,甲,A,上海,2009-01-01,10,很多,是,甲\n", "m/companies.csv", 2, "营业收入(元)"},
		{"bad employees", "m/companies.csv", "股票代码,公司名称,英文名称,省份,成立日期,员工人数,营业收入(元),高新技术企业,股票简称\n900001,甲,A,上海,2009-01-01,ten,1,是,甲\n", "m/companies.csv", 2, "员工人数"},
		{"unknown target type", "m/mapping.yaml", "name: x\nsource: y\nedges:\n  - {file: relations.jsonl, from: head, to: tail, type: LIKES}\n", "m/mapping.yaml", 4, "edges.type"},
		{"unknown key", "m/mapping.yaml", "name: x\nsource: y\nnodes:\n  - {file: companies.csv, kind: Enterprise, id: 股票代码, colour: red}\n", "m/mapping.yaml", 4, "colour"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fsys := foreign()
			fsys[tc.file] = &fstest.MapFile{Data: []byte(tc.src)}
			_, err := loaders.ReadMapped(fsys, "m/mapping.yaml")
			errs := flatten(err)
			if len(errs) != 1 {
				t.Fatalf("want one error, got %v", err)
			}
			var ge *graph.Error
			if !errors.As(errs[0], &ge) || ge.File != tc.wantFile || ge.Line != tc.wantLine || ge.Field != tc.wantField {
				t.Errorf("got %v, want %s:%d:%s", errs[0], tc.wantFile, tc.wantLine, tc.wantField)
			}
		})
	}
}
