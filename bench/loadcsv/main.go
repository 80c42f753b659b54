// Command loadcsv loads a chainkg dataset directory of CSV files (as written
// by `chainkg gen`) into Neo4j with Neo4j's own LOAD CSV, for the side-by-side
// benchmark in bench/run.sh. It writes the same graph `chainkg load` writes:
// nodes MERGEd on (:Node {id}) with their kind label and all properties
// replaced (SET n = {...}, typed as graph.Kinds declares: ints, floats,
// booleans, string lists split on '|', dates as strings), then edges with
// both ends MATCHed and the relationship MERGEd by (type, from, to) with its
// properties replaced. Every file is one auto-commit
// `LOAD CSV WITH HEADERS ... CALL (row) { ... } IN TRANSACTIONS OF N ROWS`.
//
// The server must read the dataset directory as its import directory
// (server.directories.import; NEO4J_IMPORT_DIR in deploy/neo4j/neo4j.sh): files
// are named file:///<path in dataset.yaml>. Constraints and indexes are not
// created here; run `chainkg migrate` first so both loaders maintain the same
// schema.
//
//	go run ./bench/loadcsv -dir DATASET [-batch 5000] [-json]
//	go run ./bench/loadcsv -wipe
//
// -wipe deletes every relationship and every :Node node (in transactions,
// keeping the schema), so that bench/run.sh --warm can load again into the
// same running server.
//
// NEO4J_URI, NEO4J_USERNAME and NEO4J_PASSWORD name the server.
package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"chainkg/graph"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"gopkg.in/yaml.v3"
)

// manifest is the part of dataset.yaml this loader understands.
type manifest struct {
	Source string      `yaml:"source"`
	AsOf   string      `yaml:"asOf"`
	Chains []string    `yaml:"chains"`
	Nodes  []fileEntry `yaml:"nodes"`
	Edges  []fileEntry `yaml:"edges"`
}

type fileEntry struct {
	File   string `yaml:"file"`
	Kind   string `yaml:"kind"`
	Type   string `yaml:"type"`
	Format string `yaml:"format"`
	Source string `yaml:"source"`
	AsOf   string `yaml:"asOf"`
}

// step is one LOAD CSV statement and the number of data rows it reads.
type step struct {
	File   string `json:"file"`
	Label  string `json:"label"`
	Rows   int    `json:"rows"`
	cypher string
}

// result is what -json prints: per file and in total.
type result struct {
	Files   []fileResult `json:"files"`
	Rows    int          `json:"rows"`
	Seconds float64      `json:"seconds"`
	RowsPS  float64      `json:"rowsPerSecond"`
}

type fileResult struct {
	step
	Seconds float64 `json:"seconds"`
}

func main() {
	dir := flag.String("dir", "", "dataset directory (holds dataset.yaml); the server's import directory")
	batch := flag.Int("batch", 5000, "rows per transaction (IN TRANSACTIONS OF N ROWS)")
	asJSON := flag.Bool("json", false, "print the result as JSON")
	printOnly := flag.Bool("print", false, "print the statements and exit")
	wipe := flag.Bool("wipe", false, "delete every relationship and :Node node (keeps the schema) and exit")
	flag.Parse()
	if *wipe {
		if _, err := run(context.Background(), wipeSteps); err != nil {
			fmt.Fprintln(os.Stderr, "loadcsv: wipe:", err)
			os.Exit(1)
		}
		return
	}
	if *dir == "" || *batch <= 0 {
		fmt.Fprintln(os.Stderr, "usage: loadcsv -dir DATASET [-batch N] [-json] [-print]")
		os.Exit(2)
	}
	steps, err := plan(*dir, *batch)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadcsv:", err)
		os.Exit(1)
	}
	if *printOnly {
		for _, s := range steps {
			fmt.Printf("// %s (%d rows)\n%s;\n\n", s.File, s.Rows, s.cypher)
		}
		return
	}
	res, err := run(context.Background(), steps)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadcsv:", err)
		os.Exit(1)
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(res)
		return
	}
	for _, f := range res.Files {
		fmt.Printf("%-28s %9d rows %8.2fs %10.0f rows/s\n", f.File, f.Rows, f.Seconds, float64(f.Rows)/f.Seconds)
	}
	fmt.Printf("%-28s %9d rows %8.2fs %10.0f rows/s\n", "total", res.Rows, res.Seconds, res.RowsPS)
}

// wipeSteps empty the graph for -wipe: relationships first (deleting a
// node with many relationships in one go needs them all in memory).
var wipeSteps = []step{
	{File: "relationships", cypher: "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS"},
	{File: "nodes", cypher: "MATCH (n:Node) CALL (n) { DELETE n } IN TRANSACTIONS OF 20000 ROWS"},
}

// plan builds one statement per file of the manifest, nodes first.
func plan(dir string, batch int) ([]step, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "dataset.yaml"))
	if err != nil {
		return nil, err
	}
	var m manifest
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("dataset.yaml: %w", err)
	}
	if len(m.Chains) > 0 {
		return nil, errors.New("dataset.yaml names chain templates (YAML): LOAD CSV reads only CSV datasets such as chainkg gen writes")
	}
	var steps []step
	for _, f := range m.Nodes {
		spec, ok := graph.LookupKind(graph.Kind(f.Kind))
		if !ok {
			return nil, fmt.Errorf("%s: kind %q is not in graph.Kinds (a kind column per row is not supported here)", f.File, f.Kind)
		}
		header, rows, err := readHeader(dir, f)
		if err != nil {
			return nil, err
		}
		props, err := mapExpr(header, f, m, func(name string) (graph.PropSpec, bool) { return spec.Prop(name) })
		if err != nil {
			return nil, err
		}
		q := fmt.Sprintf("LOAD CSV WITH HEADERS FROM %s AS row\nCALL (row) {\n  MERGE (n:Node {id: row.id}) SET n = %s, n:%s\n} IN TRANSACTIONS OF %d ROWS",
			quote("file:///"+f.File), props, spec.Kind, batch)
		steps = append(steps, step{File: f.File, Label: string(spec.Kind), Rows: rows, cypher: q})
	}
	for _, f := range m.Edges {
		spec, ok := graph.LookupRel(graph.RelType(f.Type))
		if !ok {
			return nil, fmt.Errorf("%s: relation type %q is not in graph.Rels (a type column per row is not supported here)", f.File, f.Type)
		}
		header, rows, err := readHeader(dir, f)
		if err != nil {
			return nil, err
		}
		props, err := mapExpr(header, f, m, func(name string) (graph.PropSpec, bool) {
			if name == "from" || name == "to" {
				return graph.PropSpec{}, false
			}
			return spec.Prop(name)
		})
		if err != nil {
			return nil, err
		}
		q := fmt.Sprintf("LOAD CSV WITH HEADERS FROM %s AS row\nCALL (row) {\n  MATCH (a:Node {id: row.from}) MATCH (b:Node {id: row.to})\n  MERGE (a)-[r:%s]->(b) SET r = %s\n} IN TRANSACTIONS OF %d ROWS",
			quote("file:///"+f.File), spec.Type, props, batch)
		steps = append(steps, step{File: f.File, Label: string(spec.Type), Rows: rows, cypher: q})
	}
	return steps, nil
}

// readHeader returns a CSV file's header and its number of data rows.
func readHeader(dir string, f fileEntry) ([]string, int, error) {
	if f.Format != "" && f.Format != "csv" || f.Format == "" && path.Ext(f.File) != ".csv" {
		return nil, 0, fmt.Errorf("%s: LOAD CSV reads CSV files only", f.File)
	}
	fh, err := os.Open(filepath.Join(dir, filepath.FromSlash(f.File)))
	if err != nil {
		return nil, 0, err
	}
	defer fh.Close()
	r := csv.NewReader(fh)
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return nil, 0, fmt.Errorf("%s: header: %w", f.File, err)
	}
	header = append([]string(nil), header...)
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	n := 0
	for {
		_, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", f.File, err)
		}
		n++
	}
	return header, n, nil
}

// mapExpr builds the Cypher map literal of a row's stored properties: each
// column converted to its declared type, plus the manifest's default
// provenance where the file has no such column.
func mapExpr(header []string, f fileEntry, m manifest, lookup func(string) (graph.PropSpec, bool)) (string, error) {
	var parts []string
	seen := map[string]bool{}
	for _, col := range header {
		if col == "from" || col == "to" {
			continue
		}
		name := camel(col)
		p, ok := lookup(name)
		if !ok {
			return "", fmt.Errorf("%s: column %q is not a property here", f.File, col)
		}
		v := "row." + backtick(col)
		switch p.Type {
		case graph.TInt:
			v = "toInteger(" + v + ")"
		case graph.TFloat:
			v = "toFloat(" + v + ")"
		case graph.TBool:
			v = "toBoolean(" + v + ")"
		case graph.TStringList:
			v = "split(" + v + ", '|')"
		}
		if def := defaultProv(name, f, m); def != "" {
			v = "coalesce(" + v + ", " + quote(def) + ")"
		}
		seen[name] = true
		parts = append(parts, backtick(name)+": "+v)
	}
	for _, name := range []string{graph.PropSource, graph.PropAsOf} {
		if def := defaultProv(name, f, m); def != "" && !seen[name] {
			parts = append(parts, backtick(name)+": "+quote(def))
		}
	}
	return "{" + strings.Join(parts, ", ") + "}", nil
}

func defaultProv(name string, f fileEntry, m manifest) string {
	switch name {
	case graph.PropSource:
		return firstNonEmpty(f.Source, m.Source)
	case graph.PropAsOf:
		return firstNonEmpty(f.AsOf, m.AsOf)
	}
	return ""
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// camel turns snake_case column names into the property names (name_zh -> nameZh).
func camel(s string) string {
	var b strings.Builder
	up := false
	for _, r := range s {
		if r == '_' {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

func backtick(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

func quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// run executes the statements one after another in auto-commit sessions
// (CALL { } IN TRANSACTIONS cannot run in an explicit transaction).
func run(ctx context.Context, steps []step) (result, error) {
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		return result{}, errors.New("NEO4J_URI is unset")
	}
	user := os.Getenv("NEO4J_USERNAME")
	if user == "" {
		user = "neo4j"
	}
	driver, err := neo4j.NewDriverWithContext(uri, neo4j.BasicAuth(user, os.Getenv("NEO4J_PASSWORD"), ""))
	if err != nil {
		return result{}, err
	}
	defer driver.Close(ctx)
	if err := driver.VerifyConnectivity(ctx); err != nil {
		return result{}, fmt.Errorf("connect %s: %w", uri, err)
	}
	sess := driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: "neo4j", AccessMode: neo4j.AccessModeWrite})
	defer sess.Close(ctx)
	var res result
	start := time.Now()
	for _, s := range steps {
		t0 := time.Now()
		r, err := sess.Run(ctx, s.cypher, nil)
		if err == nil {
			_, err = r.Consume(ctx)
		}
		if err != nil {
			return result{}, fmt.Errorf("%s: %w", s.File, err)
		}
		res.Files = append(res.Files, fileResult{step: s, Seconds: time.Since(t0).Seconds()})
		res.Rows += s.Rows
	}
	res.Seconds = time.Since(start).Seconds()
	res.RowsPS = float64(res.Rows) / res.Seconds
	return res, nil
}
