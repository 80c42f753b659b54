package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chainkg/loaders"
)

func noEnv(string) string { return "" }

func runCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, noEnv, &out, &errb)
	return out.String(), errb.String(), err
}

func TestLoadCommand(t *testing.T) {
	tmp := t.TempDir()
	broken := filepath.Join(tmp, "broken")
	os.MkdirAll(broken, 0o755)
	os.WriteFile(filepath.Join(broken, "dataset.yaml"), []byte("name: b\nsource: t\nnodes:\n  - {file: e.csv, kind: Enterprise}\n"), 0o644)
	os.WriteFile(filepath.Join(broken, "e.csv"), []byte("id,name,employees\ne1,One,1\ne2,Two,many\ne3,Three,\xff\n"), 0o644)

	cases := []struct {
		name       string
		args       []string
		wantErr    bool
		usage      bool
		wantOut    []string
		wantStderr []string
	}{
		{"dry run of the bundled dataset", []string{"load", "--dry-run", "../../data/yangpu"}, false, false, []string{"dataset yangpu", "valid, nothing written", "Enterprise", "total"}, nil},
		{"flags after the path", []string{"load", "../../data/yangpu", "--dry-run"}, false, false, []string{"valid, nothing written"}, nil},
		{"load into the embedded store", []string{"load", "../../data/yangpu"}, false, false, []string{"loaded into embedded store", "CREATED"}, nil},
		{"mapped import", []string{"load", "--dry-run", "--mapping", "../../loaders/testdata/foreign/mapping.yaml"}, false, false, []string{"dataset ashare-demo", "SUPPLIES", "1 rows skipped as the mapping says"}, nil},
		{"dataset plus mapping", []string{"load", "../../data/yangpu", "--mapping", "../../loaders/testdata/foreign/mapping.yaml"}, false, false, []string{"yangpu+ashare-demo"}, nil},
		{"broken file", []string{"load", broken}, true, false, nil, []string{filepath.Join(broken, "e.csv") + ":3:employees: ", `"many" is not an integer`, filepath.Join(broken, "e.csv") + ":4:employees: invalid UTF-8"}},
		{"missing dir", []string{"load", filepath.Join(tmp, "nope")}, true, false, nil, []string{"dataset.yaml: cannot read the dataset manifest"}},
		{"no path", []string{"load"}, true, true, nil, []string{"usage: chainkg load"}},
		{"bad batch", []string{"load", "--batch", "0", "../../data/yangpu"}, true, true, nil, nil},
		{"unknown flag", []string{"load", "--fast", "../../data/yangpu"}, true, true, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, err := runCmd(t, tc.args...)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v; stderr:\n%s", err, errOut)
			}
			var ue usageError
			if tc.wantErr && errors.As(err, &ue) != tc.usage {
				t.Errorf("usage error = %v, want %v (%v)", !tc.usage, tc.usage, err)
			}
			for _, w := range tc.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tc.wantStderr {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
		})
	}
}

func TestLoadCommandJSON(t *testing.T) {
	out, _, err := runCmd(t, "load", "--json", "../../data/yangpu")
	if err != nil {
		t.Fatal(err)
	}
	var rep loaders.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if rep.Dataset != "yangpu" || rep.Total.Created == 0 || rep.Total.Created != rep.Total.Rows {
		t.Errorf("report: %+v", rep.Total)
	}
}

func TestGenCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "g")
	out, _, err := runCmd(t, "gen", "--enterprises", "500", "--seed", "9", "--out", dir)
	if err != nil || !strings.Contains(out, "wrote "+dir) {
		t.Fatalf("gen: %v %s", err, out)
	}
	out, errOut, err := runCmd(t, "load", "--dry-run", dir)
	if err != nil || !strings.Contains(out, "synthetic-500-seed-9") {
		t.Fatalf("load generated: %v\n%s%s", err, out, errOut)
	}
	for _, args := range [][]string{{"gen"}, {"gen", "--out", dir, "--enterprises", "0"}, {"gen", "--out", dir, "extra"}} {
		var ue usageError
		if _, _, err := runCmd(t, args...); !errors.As(err, &ue) {
			t.Errorf("%v: err = %v, want a usage error", args, err)
		}
	}
}

// TestFlagSet: chainkg load paces its writers (loaders.Options.Pace) only
// when --workers is not on the command line, even when it is given the
// default value.
func TestFlagSet(t *testing.T) {
	for _, c := range []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"--batch", "10"}, false},
		{[]string{"--workers", "2"}, true},
		{[]string{"-workers=1"}, true},
	} {
		fs := flag.NewFlagSet("load", flag.ContinueOnError)
		fs.Int("workers", 2, "")
		fs.Int("batch", 5000, "")
		if err := fs.Parse(c.args); err != nil {
			t.Fatal(err)
		}
		if got := flagSet(fs, "workers"); got != c.want {
			t.Errorf("flagSet(%q, workers) = %v, want %v", c.args, got, c.want)
		}
	}
}
