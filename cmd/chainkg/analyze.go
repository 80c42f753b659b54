package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"text/tabwriter"

	"chainkg/data"
	"chainkg/graph"
	"chainkg/loaders"
)

const analyzeUsage = `usage: chainkg analyze [--chain ID|all] [--neo4j URI] [--data PATH] [--format table|json|markdown] [options]

Prints a chain's "one map, N lists" (一图N清单): the segment map by stage with
each segment's status (MISSING / WEAK / COVERED / STRONG) and reasons, the
missing list with fill candidates (补链), the weak list with partnerships and
services to engage (强链), the frontier (延链), single points of failure and
broken links, the transfer pipeline (成果转化) and the chain-master ecosystem.
Without --chain, or with --chain all, it prints the build view (建链): every
chain with its completeness, strength and anchor candidates.

Without --neo4j (or NEO4J_URI) the embedded store is filled with the bundled
Yangpu dataset, or with --data PATH (a dataset directory). Formulas and
defaults: docs/analysis.md.

flags:
`

func init() {
	commands["analyze"] = command{summary: "chain-leader report: segment map, missing/weak lists, candidates, partnerships, frontier, pipeline", run: runAnalyze}
}

func runAnalyze(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("analyze", flag.ContinueOnError)
	fset.SetOutput(stderr)
	def := graph.DefaultOptions()
	chainID := fset.String("chain", "", "chain id; empty or 'all': the build view over every chain")
	neo4jURI := fset.String("neo4j", getenv("NEO4J_URI"), "Neo4j URI; default $NEO4J_URI, else the embedded store")
	dataPath := fset.String("data", "", "dataset directory for the embedded store (default: the bundled Yangpu dataset)")
	format := fset.String("format", "table", "table, json or markdown")
	scope := fset.String("scope", def.Scope, "region that counts as local")
	maxHHI := fset.Float64("max-hhi", def.MaxHHI, "HHI above which 2+ local firms are HIGH_CONCENTRATION")
	minMat := fset.Int("min-maturity", def.MinMaturity, "readiness level (1-9) from which a lab result can be spun off")
	coverage := fset.Float64("coverage", def.CoverageThreshold, "build view: completeness below which a chain needs building")
	strongMin := fset.Int("strong-min-firms", def.StrongMinFirms, "fewest local firms of a STRONG segment")
	maxCand := fset.Int("max-candidates", def.MaxCandidates, "length of each candidate list")
	jw := fset.Float64("jaccard-weight", def.JaccardWeight, "partnership score: weight of the field Jaccard overlap")
	aw := fset.Float64("aa-weight", def.AdamicAdarWeight, "partnership score: weight of Adamic-Adar on shared neighbours")
	fset.Usage = func() {
		fmt.Fprint(stderr, analyzeUsage)
		fset.PrintDefaults()
	}
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError{err.Error()}
	}
	if fset.NArg() > 0 {
		return usageError{fmt.Sprintf("analyze: unexpected argument %q", fset.Arg(0))}
	}
	switch *format {
	case "table", "json", "markdown":
	default:
		return usageError{fmt.Sprintf("analyze: --format %q: want table, json or markdown", *format)}
	}
	if *neo4jURI != "" && *dataPath != "" {
		return usageError{"analyze: --data fills the embedded store; with --neo4j the graph is already in Neo4j"}
	}
	opt := def
	opt.Scope, opt.MaxHHI, opt.MinMaturity, opt.CoverageThreshold = *scope, *maxHHI, *minMat, *coverage
	opt.StrongMinFirms, opt.MaxCandidates, opt.JaccardWeight, opt.AdamicAdarWeight = *strongMin, *maxCand, *jw, *aw
	if err := opt.Validate(); err != nil {
		return usageError{"analyze: " + err.Error()}
	}

	store, err := openStore(ctx, *neo4jURI, getenv)
	if err != nil {
		return err
	}
	defer store.Close(context.WithoutCancel(ctx))
	if *neo4jURI == "" {
		var fsys fs.FS = data.FS
		dir := data.Default
		if *dataPath != "" {
			fsys, dir = os.DirFS(*dataPath), "."
		}
		ds, err := loaders.ReadDataset(fsys, dir)
		if err != nil {
			return fmt.Errorf("analyze: read dataset: %w", err)
		}
		if _, err := loaders.Load(ctx, store, ds, loaders.Options{}); err != nil {
			return fmt.Errorf("analyze: load dataset: %w", err)
		}
	}

	if *chainID == "" || *chainID == "all" {
		entries, err := buildView(ctx, store, opt)
		if err != nil {
			return err
		}
		return writeBuildView(stdout, *format, entries)
	}
	p, err := store.Projection(ctx, *chainID)
	if err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	r, err := graph.Analyze(p, opt)
	if err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return writeReport(stdout, *format, r)
}

// buildView runs the build view over every chain of the store.
func buildView(ctx context.Context, store graph.Store, opt graph.Options) ([]graph.BuildEntry, error) {
	var ps []*graph.Projection
	q := graph.Query{Kind: graph.KindChain, First: graph.MaxPageSize}
	for {
		page, err := store.Read(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("analyze: list chains: %w", err)
		}
		for _, it := range page.Items {
			p, err := store.Projection(ctx, it.Node.ID)
			if err != nil {
				return nil, fmt.Errorf("analyze: %w", err)
			}
			ps = append(ps, p)
		}
		if !page.HasNext || len(page.Items) == 0 {
			break
		}
		q.After = page.Items[len(page.Items)-1].Cursor
	}
	return graph.BuildView(ps, opt)
}

// doc is a small document model rendered as aligned text or Markdown.
type doc struct {
	markdown bool
	w        io.Writer
	err      error
}

func (d *doc) printf(format string, args ...any) {
	if d.err == nil {
		_, d.err = fmt.Fprintf(d.w, format, args...)
	}
}

func (d *doc) title(s string) {
	if d.markdown {
		d.printf("# %s\n\n", s)
	} else {
		d.printf("%s\n%s\n", s, strings.Repeat("=", min(80, len([]rune(s))+2)))
	}
}

func (d *doc) section(s string) {
	if d.markdown {
		d.printf("\n## %s\n\n", s)
	} else {
		d.printf("\n%s\n%s\n", s, strings.Repeat("-", min(80, len([]rune(s))+2)))
	}
}

func (d *doc) line(format string, args ...any) {
	if d.markdown {
		d.printf(format+"\n\n", args...)
	} else {
		d.printf(format+"\n", args...)
	}
}

func (d *doc) item(depth int, format string, args ...any) {
	d.printf("%s- %s\n", strings.Repeat("  ", depth), fmt.Sprintf(format, args...))
}

func (d *doc) endList() {
	if d.markdown {
		d.printf("\n")
	}
}

func (d *doc) table(header []string, rows [][]string) {
	if len(rows) == 0 {
		d.line("(none)")
		return
	}
	if d.markdown {
		esc := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
		d.printf("| %s |\n|%s\n", strings.Join(header, " | "), strings.Repeat(" --- |", len(header)))
		for _, r := range rows {
			cells := make([]string, len(r))
			for i, c := range r {
				cells[i] = esc(c)
			}
			d.printf("| %s |\n", strings.Join(cells, " | "))
		}
		d.printf("\n")
		return
	}
	tw := tabwriter.NewWriter(d.w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	if err := tw.Flush(); err != nil && d.err == nil {
		d.err = err
	}
}

func labels(refs []graph.NodeRef, max int) string {
	var parts []string
	for i, r := range refs {
		if i == max {
			parts = append(parts, fmt.Sprintf("+%d", len(refs)-max))
			break
		}
		parts = append(parts, r.Label())
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

func pct(x float64) string { return fmt.Sprintf("%.0f%%", x*100) }

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func flagList(fs []graph.Flag) string {
	if len(fs) == 0 {
		return "-"
	}
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = string(f)
	}
	return strings.Join(s, " ")
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// writeReport prints one chain's report.
func writeReport(w io.Writer, format string, r *graph.Report) error {
	if format == "json" {
		return writeJSON(w, r)
	}
	d := &doc{w: w, markdown: format == "markdown"}
	g := r.Gap
	d.title(fmt.Sprintf("%s [%s]: one map, N lists (一图N清单)", g.Chain.Label(), g.Chain.ID))
	var stages []string
	for _, s := range g.ByStage {
		stages = append(stages, fmt.Sprintf("%s %d/%d", s.Stage, s.Present, s.Segments))
	}
	d.line("Scope %s, graph revision %d. Completeness %s (%s); strength %.2f; innovation-chain fusion %s; resilience %.2f.",
		g.Scope, g.Revision, pct(g.Completeness), strings.Join(stages, ", "), g.Strength, pct(g.Fusion), g.Resilience.Score)
	d.line("Segments: %d missing, %d weak, %d covered, %d strong.", g.StatusCounts.Missing, g.StatusCounts.Weak, g.StatusCounts.Covered, g.StatusCounts.Strong)
	if ev := g.Evidence; ev.Facts > 0 {
		d.line("Evidence: %d facts dated %s to %s (%d undated); %s marked synthetic (demo data, not facts about real firms).",
			ev.Facts, orDash(ev.Oldest), orDash(ev.Newest), ev.Undated, pct(ev.Synthetic))
	}
	if ws := g.Resilience.WorstSegment; ws != nil && ws.Share > 0 {
		d.line("Worst loss: without %s, %s of the other segments lose every local supply path (%s).", ws.Node.Label(), pct(ws.Share), labels(ws.Lost, 4))
	}
	lv := r.Leaders
	d.line("Chain leader (链长): %s. Chain-masters (链主): %s.", labels(lv.Leaders, 3), labels(r.Build.ChainMasters, 3))

	d.section("Segment map (产业链图)")
	var rows [][]string
	for _, v := range g.Segments {
		rows = append(rows, []string{v.Stage, fmt.Sprint(v.Order), v.Segment.Label(), string(v.Status), fmt.Sprintf("%.2f", v.Score),
			fmt.Sprint(v.Counts.LocalFirms), fmt.Sprint(v.Counts.Knowledge), fmt.Sprint(v.Counts.Platforms), flagList(v.Flags)})
	}
	d.table([]string{"STAGE", "#", "SEGMENT", "STATUS", "SCORE", "FIRMS", "KNOWLEDGE", "PLATFORMS", "FLAGS"}, rows)
	for _, v := range g.Segments {
		d.item(0, "%s (%s): %s", v.Segment.Label(), v.Status, strings.Join(v.Reasons, "; "))
	}
	d.endList()

	d.section("Missing links to fill (补链), most important first")
	if len(r.Fill) == 0 {
		d.line("(none: every segment has a local firm)")
	}
	for i, f := range r.Fill {
		d.item(0, "%d. %s, importance %.2f: %s", i+1, f.Segment.Label(), f.Importance, strings.Join(f.Reasons, "; "))
		for _, c := range f.Candidates {
			d.item(1, "%s %s (%.2f): %s", c.Kind, c.Actor.Label(), c.Score, strings.Join(c.Reasons, "; "))
		}
	}
	d.endList()

	d.section("Weak links to strengthen (强链)")
	s := r.Strengthen
	if len(s.Weak)+len(s.Flagged) == 0 {
		d.line("(none)")
	}
	for _, v := range s.Weak {
		d.item(0, "WEAK %s (%.2f): %s", v.Segment.Label(), v.Score, flagList(v.Flags))
	}
	for _, v := range s.Flagged {
		d.item(0, "COVERED with flags %s (%.2f): %s", v.Segment.Label(), v.Score, flagList(v.Flags))
	}
	d.endList()
	d.line("Partnerships to broker (lab or university + enterprise, shared fields, no cooperation yet):")
	rows = nil
	for _, p := range s.Partnerships {
		rows = append(rows, []string{p.Knowledge.Label(), p.Enterprise.Label(), fmt.Sprintf("%.2f", p.Score), fmt.Sprintf("%.2f", p.Jaccard), fmt.Sprintf("%.2f", p.AdamicAdar), labels(p.SharedFields, 3), labels(p.Segments, 2)})
	}
	d.table([]string{"KNOWLEDGE", "ENTERPRISE", "SCORE", "JACCARD", "ADAMIC-ADAR", "SHARED FIELDS", "SEGMENTS"}, rows)
	d.line("Platforms, PoC centers, incubators and parks to engage:")
	rows = nil
	for _, c := range s.Services {
		rows = append(rows, []string{c.Actor.Label(), string(c.Actor.Kind), fmt.Sprintf("%.2f", c.Score), labels(c.Segments, 4)})
	}
	d.table([]string{"SERVICE", "KIND", "SCORE", "CAN HELP"}, rows)

	d.section("Single points of failure and broken links")
	if len(g.SinglePoints)+len(g.Links) == 0 {
		d.line("(none)")
	}
	for _, sp := range g.SinglePoints {
		d.item(0, "%s", sp.Reason)
	}
	for _, l := range g.Links {
		d.item(0, "%s: %s", l.Kind, l.Reason)
	}
	d.endList()

	d.section("Frontier to extend into (延链)")
	rows = nil
	for _, f := range r.Extend {
		chain := f.Chain.Label()
		if f.InChain {
			chain = "this chain"
		}
		rows = append(rows, []string{f.Segment.Label(), chain, f.Direction, labels(f.Via, 2), fmt.Sprintf("%.2f", f.Score), labels(f.LocalFirms, 3), labels(f.LocalResearchers, 3)})
	}
	d.table([]string{"SEGMENT", "CHAIN", "DIRECTION", "VIA", "SCORE", "LOCAL FIRMS", "LOCAL RESEARCHERS"}, rows)

	d.section("Transfer pipeline (成果转化)")
	var st []string
	for _, x := range r.Pipeline.Stages {
		st = append(st, fmt.Sprintf("%s %d", x.Stage, x.Count))
	}
	d.line("%s.", strings.Join(st, " -> "))
	for _, why := range r.Pipeline.Reasons {
		d.item(0, "%s", why)
	}
	for _, l := range r.Pipeline.Leaks {
		d.item(0, "leak: %s (%s)", l.Reason, labels(l.Achievements, 4))
	}
	d.endList()

	d.section("Chain-master ecosystems")
	if len(lv.Masters) == 0 {
		d.line("(no chain-master)")
	}
	for _, m := range lv.Masters {
		d.item(0, "%s: segments %s; suppliers %s; customers %s; partners %s; incubatees %s", m.Master.Label(), labels(m.Segments, 3),
			labels(m.Suppliers, 4), labels(m.Customers, 4), labels(m.Partners, 4), labels(m.Incubatees, 4))
	}
	d.endList()
	return d.err
}

// writeBuildView prints every chain's build entry (建链).
func writeBuildView(w io.Writer, format string, entries []graph.BuildEntry) error {
	if format == "json" {
		return writeJSON(w, entries)
	}
	d := &doc{w: w, markdown: format == "markdown"}
	d.title("Chains: build view (建链)")
	var rows [][]string
	for _, b := range entries {
		top := "-"
		if len(b.Anchors) > 0 {
			top = fmt.Sprintf("%s (%.2f)", b.Anchors[0].Actor.Label(), b.Anchors[0].Score)
		}
		sc := b.StatusCounts
		rows = append(rows, []string{b.Chain.ID, b.Chain.Label(), pct(b.Completeness), fmt.Sprintf("%.2f", b.Strength),
			fmt.Sprintf("%d/%d/%d/%d", sc.Missing, sc.Weak, sc.Covered, sc.Strong), labels(b.ChainMasters, 2), fmt.Sprint(b.NeedsBuild), top})
	}
	d.table([]string{"ID", "CHAIN", "COMPLETENESS", "STRENGTH", "MISS/WEAK/COV/STRONG", "CHAIN-MASTERS", "NEEDS BUILD", "TOP ANCHOR"}, rows)
	for _, b := range entries {
		d.item(0, "%s: %s", b.Chain.Label(), strings.Join(b.Reasons, "; "))
	}
	d.endList()
	return d.err
}
