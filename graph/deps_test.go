package graph_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyRule checks the house plan's rule: graph imports only the
// standard library; the stores, loaders, schema and server import graph and
// their own third-party libraries but never each other.
func TestDependencyRule(t *testing.T) {
	siblings := []string{"chainkg/graph/neo4jstore", "chainkg/graph/memstore", "chainkg/loaders", "chainkg/schema", "chainkg/server"}
	deps := func(pkg string) []string {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		return strings.Fields(string(out))
	}
	for _, d := range deps("chainkg/graph") {
		if d != "chainkg/graph" {
			t.Errorf("graph imports %s; it may import only the standard library", d)
		}
	}
	for _, pkg := range siblings {
		for _, d := range deps(pkg) {
			for _, other := range siblings {
				if other != pkg && d == other {
					t.Errorf("%s imports %s; siblings must not import each other", pkg, other)
				}
			}
		}
	}
}
