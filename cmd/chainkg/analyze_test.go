package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"chainkg/data"
	"chainkg/graph"
	"chainkg/loaders"
)

func analyzeNoEnv(string) string { return "" }

func runAnalyzeCLI(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, analyzeNoEnv, &out, &errb)
	return out.String(), errb.String(), err
}

func TestAnalyzeChainJSON(t *testing.T) {
	out, stderr, err := runAnalyzeCLI(t, "analyze", "--chain", "chain-ai", "--format", "json")
	if err != nil {
		t.Fatalf("analyze: %v\n%s", err, stderr)
	}
	var r graph.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("output is not a report: %v", err)
	}
	if r.Gap.Chain.ID != "chain-ai" || len(r.Gap.Segments) == 0 {
		t.Fatalf("report for %q with %d segments", r.Gap.Chain.ID, len(r.Gap.Segments))
	}
	for _, v := range r.Gap.Segments {
		if v.Segment.Name == "" || len(v.Reasons) == 0 {
			t.Errorf("segment %s: name %q reasons %q", v.Segment.ID, v.Segment.Name, v.Reasons)
		}
	}
	if r.Options.Scope != "Yangpu" {
		t.Errorf("default scope %q", r.Options.Scope)
	}
}

func TestAnalyzeFormats(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"table", []string{"analyze", "--chain", "chain-h2"}, []string{
			"one map, N lists", "Segment map", "STATUS", "Missing links to fill", "Weak links to strengthen",
			"Partnerships to broker", "Frontier to extend into", "Transfer pipeline", "Chain-master ecosystems"}},
		{"markdown", []string{"analyze", "--chain", "chain-h2", "--format", "markdown"}, []string{
			"# Hydrogen energy", "## Segment map", "| STAGE | # | SEGMENT | STATUS |", "## Missing links to fill"}},
		{"build view", []string{"analyze"}, []string{"build view", "chain-ai", "chain-h2", "COMPLETENESS", "NEEDS BUILD"}},
		{"build view all json", []string{"analyze", "--chain", "all", "--format", "json"}, []string{`"completeness"`, `"anchors"`}},
		{"explicit data dir", []string{"analyze", "--chain", "chain-h2", "--data", "../../data/yangpu"}, []string{"Segment map"}},
		{"scope option", []string{"analyze", "--chain", "chain-h2", "--scope", "Shanghai", "--format", "json"}, []string{`"scope": "Shanghai"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, stderr, err := runAnalyzeCLI(t, tc.args...)
			if err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out[:min(len(out), 2000)])
				}
			}
		})
	}
}

func TestAnalyzeErrors(t *testing.T) {
	cases := []struct {
		name  string
		args  []string
		usage bool
		code  graph.Code
	}{
		{"bad format", []string{"analyze", "--format", "xml"}, true, ""},
		{"bad option", []string{"analyze", "--min-maturity", "12"}, true, ""},
		{"data with neo4j", []string{"analyze", "--neo4j", "bolt://127.0.0.1:1", "--data", "x"}, true, ""},
		{"stray argument", []string{"analyze", "chain-ai"}, true, ""},
		{"unknown chain", []string{"analyze", "--chain", "chain-none"}, false, graph.CodeNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runAnalyzeCLI(t, tc.args...)
			if err == nil {
				t.Fatal("no error")
			}
			var ue usageError
			if isUsage := errors.As(err, &ue); isUsage != tc.usage {
				t.Fatalf("usage error = %v, want %v (%v)", isUsage, tc.usage, err)
			}
			if tc.code != "" && graph.CodeOf(err) != tc.code {
				t.Fatalf("code %s, want %s (%v)", graph.CodeOf(err), tc.code, err)
			}
		})
	}
}

// TestAnalyzeNeo4jMatchesEmbedded loads the bundled dataset into Neo4j and
// checks that `analyze --neo4j` prints the same report as the embedded
// store (the graph revision aside).
func TestAnalyzeNeo4jMatchesEmbedded(t *testing.T) {
	ctx := context.Background()
	s, env := emptyNeo4j(t)
	ds, err := loaders.ReadDataset(data.FS, data.Default)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := loaders.Load(ctx, s, ds, loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string {
		switch k {
		case "NEO4J_USERNAME":
			return env.Username
		case "NEO4J_PASSWORD":
			return env.Password
		}
		return ""
	}
	for _, chain := range []string{"chain-ai", "chain-h2", "all"} {
		t.Run(chain, func(t *testing.T) {
			var neo, emb, errb bytes.Buffer
			if err := run(ctx, []string{"analyze", "--neo4j", env.URI, "--chain", chain, "--format", "json"}, getenv, &neo, &errb); err != nil {
				t.Fatalf("neo4j: %v\n%s", err, errb.String())
			}
			if err := run(ctx, []string{"analyze", "--chain", chain, "--format", "json"}, analyzeNoEnv, &emb, &errb); err != nil {
				t.Fatalf("embedded: %v\n%s", err, errb.String())
			}
			strip := func(b []byte) string {
				var v any
				if err := json.Unmarshal(b, &v); err != nil {
					t.Fatal(err)
				}
				if m, ok := v.(map[string]any); ok {
					if g, ok := m["gap"].(map[string]any); ok {
						delete(g, "revision")
					}
				}
				out, _ := json.Marshal(v)
				return string(out)
			}
			if a, b := strip(neo.Bytes()), strip(emb.Bytes()); a != b {
				t.Fatalf("Neo4j and embedded reports differ:\nneo4j    %.600s\nembedded %.600s", a, b)
			}
		})
	}
}
