package loaders

import (
	"errors"
	"testing"
	"testing/fstest"

	"chainkg/graph"
)

// Every parser must return rows or a located *graph.Error, never panic.

func checkErr(t *testing.T, err error) {
	t.Helper()
	if err == nil || err == errStop {
		return
	}
	var ge *graph.Error
	if !errors.As(err, &ge) {
		t.Fatalf("error is not a *graph.Error: %T %v", err, err)
	}
	if ge.File == "" {
		t.Fatalf("error without a file: %v", err)
	}
}

func FuzzCSV(f *testing.F) {
	f.Add([]byte("id,name,tier\ne1,One,SME\n"))
	f.Add([]byte("id,name\n\"a,b\",c\n"))
	f.Add([]byte("\xef\xbb\xbfid,name\ne1,\xff\n"))
	f.Add([]byte("id,id\n1,2\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"x.csv": {Data: data}}
		err := readRecords(fsys, "x.csv", FormatCSV, func(rec record) error {
			_, err := nodeFromRecord(rec, graph.KindEnterprise, defaults{Source: "fuzz"})
			checkErr(t, err)
			return nil
		})
		checkErr(t, err)
	})
}

func FuzzJSONL(f *testing.F) {
	f.Add([]byte(`{"from":"a","to":"b","since":2020}` + "\n"))
	f.Add([]byte(`{"from":"a","props":{"since":"x"}}` + "\n[1]\n"))
	f.Add([]byte("{\"a\":\"\xc3\"}\n"))
	f.Add([]byte("{} {}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"x.jsonl": {Data: data}}
		err := readRecords(fsys, "x.jsonl", FormatJSONL, func(rec record) error {
			_, err := edgeFromRecord(rec, "", defaults{Source: "fuzz"})
			checkErr(t, err)
			return nil
		})
		checkErr(t, err)
	})
}

func FuzzYAMLRows(f *testing.F) {
	f.Add([]byte("- {id: u1, kind: University, name: U}\n"))
	f.Add([]byte("rows:\n  - id: a\n    aliases: [x, y]\n"))
	f.Add([]byte("- &a {id: x}\n- *a\n"))
	f.Add([]byte("- {id: [1, {a: b}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"x.yaml": {Data: data}}
		err := readRecords(fsys, "x.yaml", FormatYAML, func(rec record) error {
			_, err := nodeFromRecord(rec, "", defaults{Source: "fuzz"})
			checkErr(t, err)
			return nil
		})
		checkErr(t, err)
	})
}

func FuzzManifest(f *testing.F) {
	f.Add([]byte("name: x\nsource: s\nchains: [c.yaml]\nnodes:\n  - {file: n.csv, kind: Lab}\nedges:\n  - {file: e.csv, type: FEEDS}\n"))
	f.Add([]byte("name: x\nnodes: {file: 1}\n"))
	f.Add([]byte("nodes:\n  - file: ../etc/passwd\n"))
	f.Add([]byte("chains: c.yaml\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{
			"d/dataset.yaml": {Data: data},
			"d/c.yaml":       {Data: []byte("chains: [{id: c, name: C, segments: [{id: s, name: S}]}]\n")},
			"d/n.csv":        {Data: []byte("id,name\nl1,L\n")},
			"d/e.csv":        {Data: []byte("from,to\ns,s\n")},
		}
		_, err := ReadDataset(fsys, "d")
		for _, e := range unjoinErr(err) {
			checkErr(t, e)
		}
	})
}

func FuzzChains(f *testing.F) {
	f.Add([]byte("fields: [{id: f, name: F}]\nchains:\n  - id: c\n    name: C\n    segments:\n      - {id: s1, name: S1, requires: [f], feeds: [s2, {to: s2, weight: 0.5}]}\n      - {id: s2, name: S2}\nfeeds: [{from: s1, to: s2}]\n"))
	f.Add([]byte("chains: [{id: c, name: C, segments: {id: s}}]\n"))
	f.Add([]byte("chains: [{id: c, name: C, segments: [{id: s, name: S, feeds: [[1]]}]}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"c.yaml": {Data: data}}
		ds := &Dataset{}
		b := newBuilder(ds)
		readChains(fsys, "c.yaml", defaults{Source: "fuzz"}, b)
		for _, e := range b.errs.errs {
			checkErr(t, e)
		}
	})
}

func FuzzMapping(f *testing.F) {
	f.Add([]byte("name: m\nsource: s\nnodes:\n  - {file: a.csv, kind: Enterprise, id: code, name: n, props: {region: {column: p, values: {上海: Shanghai, '*': Other}}, founded: {column: d, year: true}}}\nedges:\n  - {file: r.jsonl, typeFrom: {column: rel, values: {供应商: SUPPLIES, x: skip}}, from: h, to: t}\n"))
	f.Add([]byte("name: m\nsource: s\nnodes:\n  - {file: a.csv, kindFrom: k, id: code}\n"))
	f.Add([]byte("name: m\nnodes: [{file: a.csv, id: {column: [1]}}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{
			"m.yaml":  {Data: data},
			"a.csv":   {Data: []byte("code,n,p,d,k\n1,A,上海,2001-02-03,Enterprise\n2,B,北京,bad,Lab\n")},
			"r.jsonl": {Data: []byte(`{"h":"1","t":"2","rel":"供应商"}` + "\n" + `{"h":"1","t":"2","rel":"x"}` + "\n")},
		}
		_, err := ReadMapped(fsys, "m.yaml")
		for _, e := range unjoinErr(err) {
			if e.Error() == "" {
				t.Fatal("empty error")
			}
			var ge *graph.Error
			if !errors.As(e, &ge) {
				t.Fatalf("error is not a *graph.Error: %T %v", e, e)
			}
		}
	})
}

func unjoinErr(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, unjoinErr(e)...)
		}
		return out
	}
	return []error{err}
}
