package loaders_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"chainkg/data"
	"chainkg/graph"
	"chainkg/graph/memstore"
	"chainkg/loaders"
)

// baseFS is a small valid dataset the broken-file cases start from.
func baseFS() fstest.MapFS {
	return fstest.MapFS{
		"ds/dataset.yaml": {Data: []byte(`name: tiny
source: test
asOf: 2024-01
chains: [chains.yaml]
nodes:
  - {file: ents.csv, kind: Enterprise}
  - {file: labs.jsonl, kind: Lab}
  - {file: misc.yaml}
edges:
  - {file: ops.csv, type: OPERATES_IN}
  - {file: coop.jsonl, type: COOPERATES_WITH}
`)},
		"ds/chains.yaml": {Data: []byte(`fields:
  - {id: tf-a, name: Field A}
chains:
  - id: ch-1
    name: Chain one
    segments:
      - {id: s-1, name: Seg one, stage: UPSTREAM, requires: [tf-a], feeds: [s-2]}
      - {id: s-2, name: Seg two, stage: DOWNSTREAM}
`)},
		"ds/ents.csv":   {Data: []byte("id,name,name_zh,tier,employees,highTech\nent-1,One,一,SME,10,false\nent-2,Two,二,LEADER,2000,true\n")},
		"ds/labs.jsonl": {Data: []byte(`{"id":"lab-1","name":"Lab one","labType":"KEY_LAB","region":"Yangpu"}` + "\n")},
		"ds/misc.yaml":  {Data: []byte("- {id: u-1, kind: University, name: Uni, region: Yangpu}\n")},
		"ds/ops.csv":    {Data: []byte("from,to,role\nent-1,s-1,maker\nent-2,s-2,\n")},
		"ds/coop.jsonl": {Data: []byte(`{"from":"ent-1","to":"lab-1","since":2020}` + "\n")},
	}
}

func TestReadDatasetBase(t *testing.T) {
	ds, err := loaders.ReadDataset(baseFS(), "ds")
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]graph.Node{}
	for _, n := range ds.Nodes {
		byID[n.ID] = n
	}
	if got, want := len(ds.Nodes), 8; got != want { // chain, 2 segments, field, 2 ents, lab, uni
		t.Errorf("nodes = %d, want %d", got, want)
	}
	if got, want := len(ds.Edges), 7; got != want { // HAS_SEGMENT x2, REQUIRES, FEEDS, OPERATES_IN x2, COOPERATES_WITH
		t.Errorf("edges = %d, want %d", got, want)
	}
	e2 := byID["ent-2"]
	if e2.Props["employees"] != int64(2000) || e2.Props["highTech"] != true || e2.NameZh != "二" {
		t.Errorf("ent-2 = %+v", e2)
	}
	if e2.Prov.Source != "test" || e2.Prov.AsOf != "2024-01-01" {
		t.Errorf("default provenance not applied: %+v", e2.Prov)
	}
	if s := byID["s-2"]; s.Props["chainId"] != "ch-1" || s.Props["order"] != int64(2) {
		t.Errorf("segment chainId/order not derived: %+v", s.Props)
	}
	if loc := ds.NodeLocation(0); loc.File != "ds/chains.yaml" || loc.Line != 2 {
		t.Errorf("first node location = %v", loc)
	}
}

// brokenCase is one broken input: it replaces (or adds) one file of baseFS.
type brokenCase struct {
	name      string
	file, src string
	wantFile  string
	wantLine  int
	wantField string
	wantCode  graph.Code
	wantMsg   string
}

var brokenCases = []brokenCase{
	{"missing column", "ds/ents.csv", "id,name,name_zh,tier,employees,highTech\nent-1,One,一,SME,10\n", "ds/ents.csv", 2, "highTech", graph.CodeInvalidInput, "missing column"},
	{"bad number", "ds/ents.csv", "id,name,name_zh,tier,employees,highTech\nent-1,One,一,SME,10,false\nent-2,Two,二,LEADER,lots,true\n", "ds/ents.csv", 3, "employees", graph.CodeInvalidInput, `"lots" is not an integer`},
	{"unknown kind", "ds/misc.yaml", "- {id: u-1, kind: University, name: Uni}\n- {id: x-1, kind: Spaceship, name: X}\n", "ds/misc.yaml", 2, "kind", graph.CodeInvalidInput, `unknown node kind "Spaceship"`},
	{"unknown enum", "ds/labs.jsonl", `{"id":"lab-1","name":"Lab one","labType":"GARAGE"}` + "\n", "ds/labs.jsonl", 1, "labType", graph.CodeInvalidInput, "is not one of"},
	{"edge to a node that exists nowhere", "ds/ops.csv", "from,to,role\nent-1,s-1,maker\nent-2,s-404,\n", "ds/ops.csv", 3, "to", graph.CodeNotFound, `"s-404" exists neither in the dataset nor in the store`},
	{"invalid UTF-8", "ds/ents.csv", "id,name,name_zh,tier,employees,highTech\nent-1,One,\xff\xfe,SME,10,false\n", "ds/ents.csv", 2, "name_zh", graph.CodeInvalidInput, "invalid UTF-8"},
	{"invalid UTF-8 in JSONL", "ds/labs.jsonl", "{\"id\":\"lab-1\",\"name\":\"Lab \xc3\"}\n", "ds/labs.jsonl", 1, "", graph.CodeInvalidInput, "invalid UTF-8"},
	{"invalid UTF-8 in YAML", "ds/misc.yaml", "- {id: u-1, kind: University,\n   name: \"Uni \xe4\"}\n", "ds/misc.yaml", 2, "", graph.CodeInvalidInput, "invalid UTF-8"},
	{"duplicate id with different data", "ds/misc.yaml", "- {id: u-1, kind: University, name: Uni}\n- {id: ent-1, kind: Enterprise, name: One, nameZh: 一, tier: SME, employees: 11, highTech: false}\n", "ds/misc.yaml", 2, "employees", graph.CodeConflict, "duplicate id \"ent-1\" with different data (first at ds/ents.csv:2"},
	{"empty file", "ds/ents.csv", "", "ds/ents.csv", 1, "", graph.CodeInvalidInput, "empty file"},
	{"empty JSONL file", "ds/coop.jsonl", "\n\n", "ds/coop.jsonl", 1, "", graph.CodeInvalidInput, "empty file"},
	{"edge kinds not allowed", "ds/coop.jsonl", `{"from":"ent-1","to":"s-1"}` + "\n", "ds/coop.jsonl", 1, "type", graph.CodeInvalidInput, "COOPERATES_WITH cannot link ent-1 (Enterprise) to s-1 (Segment)"},
	{"unknown column", "ds/ops.csv", "from,to,colour\nent-1,s-1,red\n", "ds/ops.csv", 2, "colour", graph.CodeInvalidInput, `unknown column "colour" for relation OPERATES_IN`},
	{"bad date", "ds/labs.jsonl", `{"id":"lab-1","name":"Lab one","asOf":"2024-13-01"}` + "\n", "ds/labs.jsonl", 1, "asOf", graph.CodeInvalidInput, "not a valid date"},
	{"invalid id", "ds/ents.csv", "id,name\nent 1,One\n", "ds/ents.csv", 2, "id", graph.CodeInvalidInput, "invalid id"},
	{"manifest typo", "ds/dataset.yaml", "name: tiny\nsource: test\nnodez: []\n", "ds/dataset.yaml", 3, "nodez", graph.CodeInvalidInput, `unknown key "nodez"`},
	{"bad stage in a chain template", "ds/chains.yaml", "chains:\n  - id: ch-1\n    name: C\n    segments:\n      - {id: s-1, name: S, stage: SIDESTREAM}\n", "ds/chains.yaml", 5, "stage", graph.CodeInvalidInput, "is not one of"},
	{"value cut at an unquoted comma", "ds/misc.yaml", "- {id: u-1, kind: University, name: Uni}\n- {id: u-2, kind: University, name: Lidar, radar and sensors}\n", "ds/misc.yaml", 2, "radar and sensors", graph.CodeInvalidInput, `unknown column "radar and sensors" for kind University, with no value`},
	{"missing file", "ds/dataset.yaml", "name: tiny\nsource: test\nnodes: [{file: nope.csv, kind: Lab}]\n", "ds/nope.csv", 0, "", graph.CodeInvalidInput, "cannot open file"},
}

// TestBrokenFiles: each broken input gives one clear error naming
// file:line:field, and a store that already holds data stays unchanged.
func TestBrokenFiles(t *testing.T) {
	ctx := context.Background()
	store := memstore.New()
	bundled, err := loaders.ReadDataset(data.FS, data.Default)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := loaders.Load(ctx, store, bundled, loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	checkBroken(t, store)
}

// checkBroken runs every broken case through both load paths against store
// and checks that the store's stats and revision never move.
func checkBroken(t *testing.T, store graph.Store) {
	ctx := context.Background()
	before, err := store.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rev, _ := store.Revision(ctx)
	for _, mode := range []string{"ReadDataset+Load", "LoadDir"} {
		for _, tc := range brokenCases {
			t.Run(mode+"/"+tc.name, func(t *testing.T) {
				fsys := baseFS()
				fsys[tc.file] = &fstest.MapFile{Data: []byte(tc.src)}
				var err error
				if mode == "LoadDir" {
					_, err = loaders.LoadDir(ctx, store, fsys, "ds", loaders.Options{})
					if tc.wantCode == graph.CodeConflict {
						// The streaming path keeps a content hash, not the first
						// row: it names both places but not the differing field.
						tc.wantField, tc.wantMsg = "id", strings.SplitN(tc.wantMsg, ";", 2)[0]
					}
				} else {
					var ds *loaders.Dataset
					ds, err = loaders.ReadDataset(fsys, "ds")
					if err == nil {
						_, err = loaders.Load(ctx, store, ds, loaders.Options{})
					}
				}
				if err == nil {
					t.Fatal("no error")
				}
				errs := flatten(err)
				if len(errs) != 1 {
					t.Fatalf("want one error, got %d: %v", len(errs), err)
				}
				var ge *graph.Error
				if !errors.As(errs[0], &ge) {
					t.Fatalf("not a *graph.Error: %T %v", errs[0], errs[0])
				}
				if ge.File != tc.wantFile || ge.Line != tc.wantLine || ge.Field != tc.wantField || ge.Code != tc.wantCode {
					t.Errorf("got %s:%d:%s (%s), want %s:%d:%s (%s); error: %v", ge.File, ge.Line, ge.Field, ge.Code, tc.wantFile, tc.wantLine, tc.wantField, tc.wantCode, ge)
				}
				if !strings.Contains(ge.Error(), tc.wantMsg) {
					t.Errorf("error %q does not say %q", ge.Error(), tc.wantMsg)
				}
				after, _ := store.Stats(ctx)
				rev2, _ := store.Revision(ctx)
				if rev2 != rev || after.Nodes != before.Nodes || after.Edges != before.Edges {
					t.Errorf("store changed: revision %d -> %d, stats %+v -> %+v", rev, rev2, before, after)
				}
			})
		}
	}
}

func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

// TestManyErrors: several problems are reported at once, capped.
func TestManyErrors(t *testing.T) {
	fsys := baseFS()
	var b strings.Builder
	b.WriteString("id,name,employees\n")
	for i := 0; i < 50; i++ {
		b.WriteString("ent-x" + strings.Repeat("x", i%3) + ",N,abc\n")
	}
	fsys["ds/ents.csv"] = &fstest.MapFile{Data: []byte(b.String())}
	_, err := loaders.ReadDataset(fsys, "ds")
	errs := flatten(err)
	if len(errs) != loaders.MaxErrors+1 {
		t.Fatalf("got %d errors, want %d (+1 'stopped' note)", len(errs), loaders.MaxErrors+1)
	}
	if !strings.Contains(errs[len(errs)-1].Error(), "stopped after") {
		t.Errorf("last error = %v", errs[len(errs)-1])
	}
}

func TestIdenticalDuplicatesAreFine(t *testing.T) {
	fsys := baseFS()
	fsys["ds/misc.yaml"] = &fstest.MapFile{Data: []byte("- {id: u-1, kind: University, name: Uni, region: Yangpu}\n- {id: ent-1, kind: Enterprise, name: One, nameZh: 一, tier: SME, employees: 10, highTech: false}\n")}
	ds, err := loaders.ReadDataset(fsys, "ds")
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Nodes) != 8 {
		t.Errorf("nodes = %d, want 8 (the duplicate collapses)", len(ds.Nodes))
	}
	s := memstore.New()
	rep, err := loaders.LoadDir(context.Background(), s, fsys, "ds", loaders.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := s.Stats(context.Background())
	if st.Nodes != 8 || rep.Total.Created != 8+len(ds.Edges) || rep.Total.Unchanged != 0 {
		t.Errorf("LoadDir wrote %d nodes, report %+v; want 8 and the duplicate written once", st.Nodes, rep.Total)
	}
}

// TestBadRowNoCascade: a self-contained dataset whose bad node row is the
// endpoint of edges gives one error (the row's), not one per edge too.
func TestBadRowNoCascade(t *testing.T) {
	ctx := context.Background()
	fsys := baseFS()
	fsys["ds/dataset.yaml"].Data = []byte(strings.Replace(string(fsys["ds/dataset.yaml"].Data), "asOf: 2024-01\n", "asOf: 2024-01\nselfContained: true\n", 1))
	fsys["ds/ents.csv"] = &fstest.MapFile{Data: []byte("id,name,name_zh,tier,employees,highTech\nent-1,One,一,SME,ten,false\nent-2,Two,二,LEADER,2000,true\n")}
	for _, mode := range []string{"ReadDataset", "LoadDir"} {
		t.Run(mode, func(t *testing.T) {
			var err error
			if mode == "LoadDir" {
				_, err = loaders.LoadDir(ctx, memstore.New(), fsys, "ds", loaders.Options{})
			} else {
				_, err = loaders.ReadDataset(fsys, "ds")
			}
			errs := flatten(err)
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), "ds/ents.csv:2:employees") {
				t.Fatalf("want the one row error, got %d: %v", len(errs), err)
			}
		})
	}
}
