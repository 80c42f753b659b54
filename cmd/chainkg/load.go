package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"chainkg/graph"
	"chainkg/loaders"
)

const loadUsage = `usage: chainkg load [--neo4j URI] [--dry-run] [--json] [--batch N] [--workers N] [--cpuprofile FILE] [--mapping FILE]... [PATH...]

Validates the datasets (PATH: a directory with dataset.yaml; see docs/dataset.md)
and the mapped imports (--mapping FILE: a mapping of foreign CSV/JSONL files),
all of them before writing anything, then writes them in batches, one
transaction per batch, and prints a report per kind. Any error (file:line:field)
means nothing was written. Re-running the same load changes nothing.

Without --neo4j (or NEO4J_URI) the target is a fresh embedded store that is
discarded when the command ends: useful with --dry-run, or to see the counts.
NEO4J_USERNAME and NEO4J_PASSWORD give the Neo4j credentials. Into Neo4j the
client trades memory for CPU (GOGC=400 under a 2 GiB soft limit); set GOGC or
GOMEMLIMIT to choose otherwise.

flags:
`

// A load into Neo4j allocates per row (parsed values, property maps,
// statement parameters) and keeps little (the index of ids and hashes):
// with Go's default GOGC=100 the collector ran so often that it took about
// a fifth of the client's CPU, which on a machine shared with the Neo4j
// server is CPU the server does not get. So `chainkg load --neo4j` lets the
// heap grow to 5x the live data (GOGC=400) under a soft limit of
// loadMemoryLimit (near it the collector works harder rather than exceed
// it). Measured (bench/README.md): at 100,000 enterprises client CPU
// 7.8-8.3 s -> 6.3-6.9 s, peak RSS 165 MB -> 390 MB; at 1M the validation
// pass 37.9 s -> 30.1 s of CPU, 0.97 GB -> 1.87 GB. GOGC or GOMEMLIMIT in
// the environment override these. A load into the embedded store keeps
// Go's defaults: there the store itself is the live heap.
const (
	loadGCPercent   = 400
	loadMemoryLimit = 2 << 30
)

// tuneGC applies the load's collector settings unless the environment sets
// its own, and returns what restores the previous ones.
func tuneGC(getenv env) func() {
	restore := func() {}
	if getenv("GOGC") == "" {
		prev := debug.SetGCPercent(loadGCPercent)
		restore = func() { debug.SetGCPercent(prev) }
	}
	if getenv("GOMEMLIMIT") == "" {
		prev := debug.SetMemoryLimit(loadMemoryLimit)
		r := restore
		restore = func() { debug.SetMemoryLimit(prev); r() }
	}
	return restore
}

func init() {
	commands["load"] = command{summary: "validate and load datasets (dataset.yaml dirs, --mapping files) into a store", run: runLoad}
}

func runLoad(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	neo4jURI := fs.String("neo4j", getenv("NEO4J_URI"), "Neo4j URI (bolt:// or neo4j://); default $NEO4J_URI, else the embedded store")
	dryRun := fs.Bool("dry-run", false, "validate everything (also against the store) and write nothing")
	asJSON := fs.Bool("json", false, "print the report as JSON on stdout")
	batch := fs.Int("batch", loaders.DefaultBatchSize, "rows per write transaction")
	workers := fs.Int("workers", loaders.DefaultWorkers, "batches written at once, each its own transaction (edge batches written at once never share an endpoint; 1 keeps what a failure leaves committed a prefix of the files); when not given, a Neo4j server still compiling its code (just started) gets one batch at a time until its compilers settle")
	cpuProfile := fs.String("cpuprofile", "", "write a Go CPU profile of the load to this file (go tool pprof)")
	var mappings stringList
	fs.Var(&mappings, "mapping", "a mapping file for a foreign CSV/JSONL import (repeatable)")
	fs.Usage = func() {
		fmt.Fprint(stderr, loadUsage)
		fs.PrintDefaults()
	}
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError{err.Error()}
	}
	if len(paths) == 0 && len(mappings) == 0 {
		fs.Usage()
		return usageError{"load: give at least one dataset directory or --mapping file"}
	}
	if *batch <= 0 {
		return usageError{"load: --batch must be positive"}
	}
	if *workers <= 0 {
		return usageError{"load: --workers must be positive"}
	}

	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("load: --cpuprofile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("load: --cpuprofile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}

	// One dataset directory streams (two passes, little memory); several
	// sources, or a mapped import, are read whole and merged first.
	var ds *loaders.Dataset
	if len(paths) != 1 || len(mappings) > 0 {
		var parts []*loaders.Dataset
		var readErrs []error
		for _, p := range paths {
			d, err := loaders.ReadDataset(os.DirFS(p), ".")
			if err != nil {
				readErrs = append(readErrs, prefixFiles(err, p))
				continue
			}
			parts = append(parts, d)
		}
		for _, m := range mappings {
			dir, file := filepath.Split(m)
			if dir == "" {
				dir = "."
			}
			d, err := loaders.ReadMapped(os.DirFS(dir), file)
			if err != nil {
				readErrs = append(readErrs, prefixFiles(err, dir))
				continue
			}
			parts = append(parts, d)
		}
		if len(readErrs) > 0 {
			return reportErrors(stderr, errors.Join(readErrs...))
		}
		var err error
		if ds, err = loaders.Merge(parts...); err != nil {
			return reportErrors(stderr, err)
		}
	}

	store, err := openStore(ctx, *neo4jURI, getenv)
	if err != nil {
		return err
	}
	defer store.Close(context.WithoutCancel(ctx))
	if *neo4jURI != "" {
		defer tuneGC(getenv)()
	}

	opts := loaders.Options{BatchSize: *batch, DryRun: *dryRun, Workers: *workers, Pace: !flagSet(fs, "workers")}
	var prog *progress
	if isTerminal(stderr) && !*asJSON {
		prog = &progress{w: stderr}
		opts.Progress = prog.update
		fmt.Fprint(stderr, "validating ...")
		prog.drawn = true
	}
	var rep *loaders.Report
	if ds != nil {
		rep, err = loaders.Load(ctx, store, ds, opts)
	} else {
		rep, err = loaders.LoadDir(ctx, store, os.DirFS(paths[0]), ".", opts)
		if err != nil {
			err = prefixFiles(err, paths[0])
		}
	}
	if prog != nil {
		prog.clear()
	}
	if err != nil {
		if n := written(rep); n > 0 {
			return fmt.Errorf("load stopped after %d rows were committed in complete batches; re-run the same load to converge: %w", n, err)
		}
		switch graph.CodeOf(err) {
		case graph.CodeInvalidInput, graph.CodeNotFound, graph.CodeConflict:
			return reportErrors(stderr, err)
		}
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printReport(stdout, rep, *neo4jURI)
	return nil
}

func written(rep *loaders.Report) int {
	if rep == nil {
		return 0
	}
	return rep.Total.Created + rep.Total.Updated + rep.Total.Unchanged
}

// parseInterspersed lets flags come after the paths (chainkg load data/x --dry-run).
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// prefixFiles makes the file names in load errors relative to the working
// directory, so that they can be clicked in a terminal or an editor.
func prefixFiles(err error, dir string) error {
	var out []error
	for _, e := range unjoin(err) {
		var ge *graph.Error
		if errors.As(e, &ge) && ge.File != "" {
			c := *ge
			c.File = filepath.Join(dir, filepath.FromSlash(ge.File))
			out = append(out, &c)
			continue
		}
		out = append(out, e)
	}
	return errors.Join(out...)
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, unjoin(e)...)
		}
		return out
	}
	return []error{err}
}

// reportErrors prints one error per line (file:line:field: message) and
// returns the error that makes the exit code non-zero.
func reportErrors(w io.Writer, err error) error {
	errs := unjoin(err)
	for _, e := range errs {
		fmt.Fprintln(w, e)
	}
	return fmt.Errorf("load failed with %d error(s); nothing was written", len(errs))
}

func printReport(w io.Writer, rep *loaders.Report, uri string) {
	target := "embedded store (discarded at exit)"
	if uri != "" {
		target = uri
	}
	verb := "loaded into " + target
	if rep.DryRun {
		verb = "dry run against " + target + ": valid, nothing written"
	}
	fmt.Fprintf(w, "dataset %s: %d rows %s in %.2fs\n", rep.Dataset, rep.Total.Rows, verb, rep.Seconds)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "KIND/TYPE\tROWS\tCREATED\tUPDATED\tUNCHANGED\tREJECTED\tTIME\tROWS/S\t")
	for _, r := range append(rep.Rows(), rep.Total) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%.2fs\t%s\t\n", r.Kind, r.Rows, r.Created, r.Updated, r.Unchanged, r.Rejected, r.Seconds, rate(r.RowsPerS))
	}
	tw.Flush()
	if rep.Skipped > 0 {
		fmt.Fprintf(w, "%d rows skipped as the mapping says\n", rep.Skipped)
	}
	if rep.PacedSeconds > 0 {
		fmt.Fprintf(w, "one batch at a time for %.1fs, while the server's JIT compilers were busy (as after a start); --workers N fixes the number\n", rep.PacedSeconds)
	}
	if !rep.DryRun && !rep.Changed() {
		fmt.Fprintln(w, "nothing changed")
	}
}

func rate(v float64) string {
	if v == 0 {
		return "-"
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progress draws one self-overwriting line: rows, rows/s, ETA.
type progress struct {
	w     io.Writer
	start time.Time
	base  int // rows done at start
	last  time.Time
	drawn bool
}

func (p *progress) update(done, total int) {
	now := time.Now()
	if p.start.IsZero() {
		// The clock starts with the first written batch: validation came
		// before and is not a write rate.
		p.start, p.base = now, done
	}
	if done < total && now.Sub(p.last) < 200*time.Millisecond && p.last != (time.Time{}) {
		return
	}
	p.last = now
	el := now.Sub(p.start).Seconds()
	rps := 0.0
	if el > 0 {
		rps = float64(done-p.base) / el
	}
	eta := "-"
	if rps > 0 {
		eta = time.Duration(float64(total-done) / rps * float64(time.Second)).Round(time.Second).String()
	}
	fmt.Fprintf(p.w, "\r\033[K%d/%d rows  %.0f rows/s  ETA %s", done, total, rps, eta)
	p.drawn = true
}

func (p *progress) clear() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// flagSet reports whether the command line gave flag name.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}
