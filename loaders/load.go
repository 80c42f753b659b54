package loaders

import (
	"context"
	"errors"
	"fmt"
	"time"

	"chainkg/graph"
)

// Writer is what Load needs from a store; graph.Store satisfies it.
type Writer interface {
	UpsertNodes(ctx context.Context, nodes []graph.Node) (graph.WriteStats, error)
	UpsertEdges(ctx context.Context, edges []graph.Edge) (graph.WriteStats, error)
	GetNodes(ctx context.Context, ids []string) ([]graph.Node, error)
	Migrate(ctx context.Context) error
}

// statser is the optional part of a Writer that lets Load skip the
// existing-node checks on an empty store.
type statser interface {
	Stats(ctx context.Context) (graph.Stats, error)
}

// loadPreparer is the optional part of a Writer that a load calls in place
// of Stats (LoadDir while its first pass runs): it returns the number of nodes
// in the store and may get ready to write meanwhile (neo4jstore plans its
// node statement: seconds on a just-started server, which would otherwise
// wait idle for the validation and then plan before the first write).
type loadPreparer interface {
	PrepareLoad(ctx context.Context) (nodes int64, err error)
}

// storeNodes is the number of nodes in the store, which decides whether
// the store checks can be skipped: PrepareLoad's count if the Writer has it
// (Neo4j: a count-store lookup), else Stats'. known is false when the
// Writer has neither.
func storeNodes(ctx context.Context, w Writer) (n int64, known bool, err error) {
	if p, ok := w.(loadPreparer); ok {
		n, err = p.PrepareLoad(ctx)
		return n, true, err
	}
	if s, ok := w.(statser); ok {
		st, err := s.Stats(ctx)
		return st.Nodes, true, err
	}
	return 0, false, nil
}

// DefaultBatchSize is the number of rows per write call (one transaction).
const DefaultBatchSize = 5000

// Options tune Load.
type Options struct {
	// BatchSize is the number of rows per UpsertNodes / UpsertEdges call,
	// each one transaction. Default DefaultBatchSize.
	BatchSize int
	// DryRun checks everything, including the endpoints against the store,
	// and writes nothing (not even the migrations).
	DryRun bool
	// Progress, if set, is called after each batch with the rows written so
	// far and the total.
	Progress func(done, total int)
	// Workers is how many batches LoadDir writes at once, each its own
	// transaction; the next batch is read while they are written. Default
	// DefaultWorkers. Node batches all commit before the first edge batch
	// starts. Edge batches written at once never share an endpoint node:
	// Neo4j locks both ends of a relationship it creates until the commit,
	// so batches sharing endpoints (chain-masters, segments, incubators)
	// would wait for each other. With 2 or more workers the edges of a
	// large relation type are sorted into batches by the parts of the
	// id space their endpoints fall in, so that most batches are disjoint
	// (sched.go). With 1 worker, what a failure leaves committed is a
	// prefix of the files.
	Workers int
	// Pace lets LoadDir with 2+ Workers write one batch at a time while the
	// Writer reports its server busy compiling code (compileClock: a
	// just-started Neo4j, whose JIT compilers then take about one core for
	// a whole 100k load), and Workers batches again once it is not. Into
	// such a server a second writer costs more CPU than it gains (one
	// writer loaded 100k in 0.94 of two writers' time there, while into a
	// running server two took 0.67-0.87 of one's: bench/README.md, the
	// sections of 2026-11-29 23:37 and 19:28 UTC). chainkg load sets it
	// unless --workers is given.
	Pace bool
}

// DefaultWorkers is the default Options.Workers. On the 2-core development
// machine two writers loaded the 100,000-enterprise dataset into Neo4j in
// 0.73-0.81 of LOAD CSV's time and 0.67-0.87 of one writer's, round by
// round (bench/README.md, 2026-11-29 19:28 UTC); three were not clearly
// faster than two.
const DefaultWorkers = 2

// Report says what a load did, per node kind and per relation type. It
// marshals to JSON for `chainkg load --json`.
type Report struct {
	Dataset string       `json:"dataset"`
	DryRun  bool         `json:"dryRun"`
	Nodes   []KindReport `json:"nodes"` // one per kind in the dataset, in vocabulary order
	Edges   []KindReport `json:"edges"` // one per relation type, in vocabulary order
	Total   KindReport   `json:"total"`
	// Skipped counts rows a mapped import dropped on purpose (see Dataset.Skipped).
	Skipped int `json:"skipped,omitempty"`
	// Seconds is the whole load, checks and migrations included.
	Seconds float64 `json:"seconds"`
	// PacedSeconds is how long Options.Pace held the load to one writer
	// because the server was compiling.
	PacedSeconds float64 `json:"pacedSeconds,omitempty"`
}

// KindReport is one row of the report.
type KindReport struct {
	Kind      string  `json:"kind"` // node kind or relation type; "total" for Report.Total
	Rows      int     `json:"rows"`
	Created   int     `json:"created"`
	Updated   int     `json:"updated"`
	Unchanged int     `json:"unchanged"`
	Rejected  int     `json:"rejected"`
	Seconds   float64 `json:"seconds"`
	RowsPerS  float64 `json:"rowsPerSecond"`
}

// Changed reports whether the load created or updated anything.
func (r *Report) Changed() bool { return r.Total.Created > 0 || r.Total.Updated > 0 }

// Load writes a validated dataset into w.
//
// Before writing anything it checks what ReadDataset could not: every edge
// endpoint that is not a node of the dataset must exist in the store, with a
// kind the relation allows, and no dataset node may exist in the store with
// another kind. If any check fails it returns the report with the rejected
// rows counted and the errors (file:line:field), and the store is untouched.
//
// Then it runs Migrate, writes nodes kind by kind and edges type by type in
// batches of opts.BatchSize, each batch one UpsertNodes / UpsertEdges call
// (one transaction). A store failure stops the load: the batches committed
// before it stay complete, the failing one is rolled back by the store, and
// running the same load again converges to the graph a clean run gives
// (upserts by stable id are idempotent).
func Load(ctx context.Context, w Writer, ds *Dataset, opts Options) (*Report, error) {
	start := time.Now()
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	rep := &Report{Dataset: ds.Name, DryRun: opts.DryRun, Skipped: ds.Skipped}
	nodeRows := groupNodes(ds)
	edgeRows := groupEdges(ds)
	for _, g := range nodeRows {
		rep.Nodes = append(rep.Nodes, KindReport{Kind: g.key, Rows: len(g.idx)})
	}
	for _, g := range edgeRows {
		rep.Edges = append(rep.Edges, KindReport{Kind: g.key, Rows: len(g.idx)})
	}
	if err := checkAgainstStore(ctx, w, ds, opts.BatchSize, rep); err != nil {
		rep.finish(start)
		return rep, err
	}
	if opts.DryRun {
		rep.finish(start)
		return rep, nil
	}
	if err := w.Migrate(ctx); err != nil {
		return rep, fmt.Errorf("migrate: %w", err)
	}
	total := len(ds.Nodes) + len(ds.Edges)
	done := 0
	for gi, g := range nodeRows {
		if err := writeGroup(ctx, &rep.Nodes[gi], g, "nodes", ds.Nodes, opts, w.UpsertNodes, &done, total); err != nil {
			rep.finish(start)
			return rep, err
		}
	}
	for gi, g := range edgeRows {
		if err := writeGroup(ctx, &rep.Edges[gi], g, "edges", ds.Edges, opts, w.UpsertEdges, &done, total); err != nil {
			rep.finish(start)
			return rep, err
		}
	}
	rep.finish(start)
	return rep, nil
}

// writeGroup writes one kind's nodes or one type's edges (rows[g.idx]) in
// batches of opts.BatchSize, one store call (one transaction) per batch.
func writeGroup[T any](ctx context.Context, kr *KindReport, g group, what string, rows []T, opts Options,
	write func(context.Context, []T) (graph.WriteStats, error), done *int, total int) error {
	t0 := time.Now()
	batch := make([]T, 0, min(opts.BatchSize, len(g.idx)))
	for lo := 0; lo < len(g.idx); lo += opts.BatchSize {
		batch = batch[:0]
		for _, i := range g.idx[lo:min(lo+opts.BatchSize, len(g.idx))] {
			batch = append(batch, rows[i])
		}
		st, err := write(ctx, batch)
		if err != nil {
			return fmt.Errorf("write %s %s %d-%d of %d (earlier batches are committed; re-run to converge): %w", g.key, what, lo+1, lo+len(batch), len(g.idx), err)
		}
		kr.add(st, g.key)
		*done += len(batch)
		if opts.Progress != nil {
			opts.Progress(*done, total)
		}
	}
	kr.Seconds = time.Since(t0).Seconds()
	return nil
}

func (k *KindReport) add(st graph.WriteStats, key string) {
	k.Created += st.Created[key]
	k.Updated += st.Updated[key]
	k.Unchanged += st.Unchanged[key]
}

func (r *Report) finish(start time.Time) {
	r.Seconds = time.Since(start).Seconds()
	t := KindReport{Kind: "total"}
	for _, list := range [][]KindReport{r.Nodes, r.Edges} {
		for i := range list {
			k := &list[i]
			if k.Seconds > 0 {
				k.RowsPerS = float64(k.Created+k.Updated+k.Unchanged) / k.Seconds
			}
			t.Rows += k.Rows
			t.Created += k.Created
			t.Updated += k.Updated
			t.Unchanged += k.Unchanged
			t.Rejected += k.Rejected
			t.Seconds += k.Seconds
		}
	}
	if t.Seconds > 0 {
		t.RowsPerS = float64(t.Created+t.Updated+t.Unchanged) / t.Seconds
	}
	r.Total = t
}

type group struct {
	key string
	idx []int32
}

// groupNodes orders nodes by kind (vocabulary order) keeping file order
// within a kind, so that one batch holds one kind (one Cypher label).
func groupNodes(ds *Dataset) []group {
	by := map[graph.Kind][]int32{}
	for i, n := range ds.Nodes {
		by[n.Kind] = append(by[n.Kind], int32(i))
	}
	var out []group
	for _, k := range graph.Kinds {
		if idx := by[k.Kind]; len(idx) > 0 {
			out = append(out, group{string(k.Kind), idx})
		}
	}
	return out
}

func groupEdges(ds *Dataset) []group {
	by := map[graph.RelType][]int32{}
	for i, e := range ds.Edges {
		by[e.Type] = append(by[e.Type], int32(i))
	}
	var out []group
	for _, r := range graph.Rels {
		if idx := by[r.Type]; len(idx) > 0 {
			out = append(out, group{string(r.Type), idx})
		}
	}
	return out
}

// checkAgainstStore does the checks that need the store: external endpoints
// exist with allowed kinds, and dataset ids are not taken by another kind.
func checkAgainstStore(ctx context.Context, w Writer, ds *Dataset, batch int, rep *Report) error {
	n, known, err := storeNodes(ctx, w)
	if err != nil {
		return fmt.Errorf("count the store's nodes: %w", err)
	}
	if known && n == 0 {
		if len(ds.External) == 0 {
			return nil // an empty store: nothing can clash
		}
		return rejectExternal(ds, map[string]graph.Kind{}, rep)
	}
	var c collector
	// Ids of the dataset taken by a node of another kind.
	for lo := 0; lo < len(ds.Nodes); lo += batch {
		part := ds.Nodes[lo:min(lo+batch, len(ds.Nodes))]
		ids := make([]string, len(part))
		want := make(map[string]int, len(part))
		for i, n := range part {
			ids[i] = n.ID
			want[n.ID] = lo + i
		}
		got, err := w.GetNodes(ctx, ids)
		if err != nil {
			return fmt.Errorf("read existing nodes: %w", err)
		}
		for _, g := range got {
			i, ok := want[g.ID]
			if !ok || g.Kind == ds.Nodes[i].Kind {
				continue
			}
			loc := ds.NodeLocation(i)
			rep.reject(true, string(ds.Nodes[i].Kind))
			if c.add(&graph.Error{Code: graph.CodeConflict, File: loc.File, Line: loc.Line, Field: "kind",
				Msg: fmt.Sprintf("id %q is a %s in the store, not a %s", g.ID, g.Kind, ds.Nodes[i].Kind)}) != nil {
				return c.err()
			}
		}
	}
	if err := c.err(); err != nil {
		return err
	}
	kinds, err := storeKinds(ctx, w, ds.External, batch)
	if err != nil {
		return err
	}
	return rejectExternal(ds, kinds, rep)
}

// storeKinds looks up, in batches, the kinds of the nodes with these ids
// that the store holds.
func storeKinds(ctx context.Context, w Writer, ids []string, batch int) (map[string]graph.Kind, error) {
	kinds := map[string]graph.Kind{}
	for lo := 0; lo < len(ids); lo += batch {
		got, err := w.GetNodes(ctx, ids[lo:min(lo+batch, len(ids))])
		if err != nil {
			return nil, fmt.Errorf("read endpoint nodes: %w", err)
		}
		for _, g := range got {
			kinds[g.ID] = g.Kind
		}
	}
	return kinds, nil
}

// rejectExternal checks every edge with an endpoint outside the dataset
// against the kinds found in the store.
func rejectExternal(ds *Dataset, store map[string]graph.Kind, rep *Report) error {
	if len(ds.External) == 0 {
		return nil
	}
	local := make(map[string]graph.Kind, len(ds.Nodes))
	for _, n := range ds.Nodes {
		local[n.ID] = n.Kind
	}
	var c collector
	for i, e := range ds.Edges {
		fk, fok := local[e.From]
		tk, tok := local[e.To]
		if fok && tok {
			continue
		}
		loc := ds.EdgeLocation(i)
		var err error
		if !fok {
			if fk, fok = store[e.From]; !fok {
				err = &graph.Error{Code: graph.CodeNotFound, File: loc.File, Line: loc.Line, Field: "from", Msg: fmt.Sprintf("node %q exists neither in the dataset nor in the store", e.From)}
			}
		}
		if err == nil && !tok {
			if tk, tok = store[e.To]; !tok {
				err = &graph.Error{Code: graph.CodeNotFound, File: loc.File, Line: loc.Line, Field: "to", Msg: fmt.Sprintf("node %q exists neither in the dataset nor in the store", e.To)}
			}
		}
		if err == nil {
			if verr := graph.ValidateEndpoints(e, fk, tk); verr != nil {
				var ge *graph.Error
				errors.As(verr, &ge)
				err = &graph.Error{Code: graph.CodeInvalidInput, File: loc.File, Line: loc.Line, Field: "type", Msg: ge.Msg}
			}
		}
		if err != nil {
			rep.reject(false, string(e.Type))
			if c.add(err) != nil {
				break
			}
		}
	}
	return c.err()
}

func (r *Report) reject(node bool, key string) {
	list := r.Edges
	if node {
		list = r.Nodes
	}
	for i := range list {
		if list[i].Kind == key {
			list[i].Rejected++
			return
		}
	}
}

// Rows returns the report's rows, nodes first, then edges.
func (r *Report) Rows() []KindReport {
	return append(append([]KindReport(nil), r.Nodes...), r.Edges...)
}
