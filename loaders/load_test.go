package loaders_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"chainkg/data"
	"chainkg/graph"
	"chainkg/graph/memstore"
	"chainkg/loaders"
)

// counting wraps a real store, counts write calls and can fail the n-th one
// (calls run one at a time: LoadDir's writers may make them side by side).
type counting struct {
	*memstore.Store
	mu                   sync.Mutex
	nodeCalls, edgeCalls int
	failAt               int // fail the failAt-th write call (1-based); 0 never
	calls                int
	committed            int // rows in successful write calls
}

var errInjected = errors.New("injected store failure")

func (c *counting) UpsertNodes(ctx context.Context, ns []graph.Node) (graph.WriteStats, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.nodeCalls++
	c.calls++
	if c.calls == c.failAt {
		return graph.WriteStats{}, graph.Wrap(graph.CodeUnavailable, errInjected, "write nodes")
	}
	c.committed += len(ns)
	return c.Store.UpsertNodes(ctx, ns)
}

func (c *counting) UpsertEdges(ctx context.Context, es []graph.Edge) (graph.WriteStats, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.edgeCalls++
	c.calls++
	if c.calls == c.failAt {
		return graph.WriteStats{}, graph.Wrap(graph.CodeUnavailable, errInjected, "write edges")
	}
	c.committed += len(es)
	return c.Store.UpsertEdges(ctx, es)
}

func bundled(t *testing.T) *loaders.Dataset {
	t.Helper()
	ds, err := loaders.ReadDataset(data.FS, data.Default)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func TestLoadTwiceChangesNothing(t *testing.T) {
	ctx := context.Background()
	ds := bundled(t)
	s := memstore.New()
	first, err := loaders.Load(ctx, s, ds, loaders.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if first.Total.Created != len(ds.Nodes)+len(ds.Edges) || !first.Changed() {
		t.Errorf("first load: %+v", first.Total)
	}
	st, _ := s.Stats(ctx)
	if st.Nodes != int64(len(ds.Nodes)) || st.Edges != int64(len(ds.Edges)) {
		t.Errorf("store holds %d nodes %d edges, dataset %d %d", st.Nodes, st.Edges, len(ds.Nodes), len(ds.Edges))
	}
	rev, _ := s.Revision(ctx)
	second, err := loaders.Load(ctx, s, ds, loaders.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if second.Changed() || second.Total.Unchanged != second.Total.Rows {
		t.Errorf("second load changed something: %+v", second.Total)
	}
	if rev2, _ := s.Revision(ctx); rev2 != rev {
		t.Errorf("revision moved %d -> %d on a no-op load", rev, rev2)
	}
	if _, err := json.Marshal(second); err != nil {
		t.Errorf("report does not marshal: %v", err)
	}
}

func TestLoadBatchesAndProgress(t *testing.T) {
	ctx := context.Background()
	ds := bundled(t)
	c := &counting{Store: memstore.New()}
	var last, calls int
	rep, err := loaders.Load(ctx, c, ds, loaders.Options{BatchSize: 10, Progress: func(done, total int) {
		if done <= last || total != len(ds.Nodes)+len(ds.Edges) {
			t.Errorf("progress %d/%d after %d", done, total, last)
		}
		last, calls = done, calls+1
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, k := range rep.Nodes {
		want += (k.Rows + 9) / 10
	}
	if c.nodeCalls != want {
		t.Errorf("UpsertNodes calls = %d, want %d (one per batch of 10 per kind)", c.nodeCalls, want)
	}
	if last != len(ds.Nodes)+len(ds.Edges) || calls != c.nodeCalls+c.edgeCalls {
		t.Errorf("progress ended at %d after %d calls", last, calls)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	ctx := context.Background()
	c := &counting{Store: memstore.New()}
	rep, err := loaders.Load(ctx, c, bundled(t), loaders.Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if c.calls != 0 || rep.Changed() || !rep.DryRun {
		t.Errorf("dry run wrote: calls=%d report=%+v", c.calls, rep.Total)
	}
}

// TestFailureMidLoadConverges is the guarantee docs/dataset.md states: a
// store failure leaves committed batches complete, and re-running converges
// to the graph a clean run gives.
func TestFailureMidLoadConverges(t *testing.T) {
	ctx := context.Background()
	ds := bundled(t)
	clean := memstore.New()
	if _, err := loaders.Load(ctx, clean, ds, loaders.Options{BatchSize: 25}); err != nil {
		t.Fatal(err)
	}
	want, _ := clean.Stats(ctx)
	for _, failAt := range []int{1, 3, 12, 20} {
		c := &counting{Store: memstore.New(), failAt: failAt}
		_, err := loaders.Load(ctx, c, ds, loaders.Options{BatchSize: 25})
		if !errors.Is(err, errInjected) || graph.CodeOf(err) != graph.CodeUnavailable {
			t.Fatalf("failAt %d: err = %v", failAt, err)
		}
		mid, _ := c.Stats(ctx)
		if mid.Nodes+mid.Edges != int64(c.committed) || c.calls != failAt {
			t.Errorf("failAt %d: store holds %d rows, the %d batches before the failure wrote %d", failAt, mid.Nodes+mid.Edges, failAt-1, c.committed)
		}
		c.failAt = 0
		rep, err := loaders.Load(ctx, c, ds, loaders.Options{BatchSize: 25})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := c.Stats(ctx)
		if got.Nodes != want.Nodes || got.Edges != want.Edges {
			t.Errorf("failAt %d: after re-run %+v, clean run %+v", failAt, got, want)
		}
		if rep.Total.Unchanged != int(mid.Nodes+mid.Edges) {
			t.Errorf("failAt %d: re-run left %d unchanged, want the %d committed", failAt, rep.Total.Unchanged, mid.Nodes+mid.Edges)
		}
	}
}

// externalEdgeFS is a dataset "x" of one edge whose endpoints are both
// outside it (nodes of the bundled Yangpu dataset).
func externalEdgeFS() fstest.MapFS {
	return fstest.MapFS{
		"x/dataset.yaml": {Data: []byte("name: extra\nsource: test\nedges:\n  - {file: coop.csv, type: COOPERATES_WITH}\n")},
		"x/coop.csv":     {Data: []byte("from,to,kind\nent-aurora-mind,univ-tongji,joint R&D\n")},
	}
}

func TestExternalEndpoints(t *testing.T) {
	ctx := context.Background()
	fsys := externalEdgeFS()
	ds, err := loaders.ReadDataset(fsys, "x")
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.External) != 2 {
		t.Fatalf("external = %v", ds.External)
	}
	// Into an empty store: the endpoints exist nowhere.
	if _, err := loaders.Load(ctx, memstore.New(), ds, loaders.Options{}); graph.CodeOf(err) != graph.CodeNotFound {
		t.Errorf("empty store: err = %v, want NOT_FOUND", err)
	}
	// Into a store with the bundled data: fine.
	s := memstore.New()
	if _, err := loaders.Load(ctx, s, bundled(t), loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	rep, err := loaders.Load(ctx, s, ds, loaders.Options{})
	if err != nil || rep.Total.Created != 1 {
		t.Fatalf("load onto bundled: %v %+v", err, rep)
	}
	// Endpoint kinds are checked against the store too.
	bad := fstest.MapFS{
		"x/dataset.yaml": {Data: []byte("name: extra\nsource: test\nedges:\n  - {file: ops.csv, type: OPERATES_IN}\n")},
		"x/ops.csv":      {Data: []byte("from,to\nent-aurora-mind,univ-tongji\n")},
	}
	ds2, err := loaders.ReadDataset(bad, "x")
	if err != nil {
		t.Fatal(err)
	}
	rep, err = loaders.Load(ctx, s, ds2, loaders.Options{})
	var ge *graph.Error
	if !errors.As(err, &ge) || ge.File != "x/ops.csv" || ge.Line != 2 || ge.Field != "type" || rep.Total.Rejected != 1 {
		t.Errorf("kind clash: %v, rejected %d", err, rep.Total.Rejected)
	}
	// A dataset node whose id is another kind in the store.
	clash := fstest.MapFS{
		"x/dataset.yaml": {Data: []byte("name: clash\nsource: test\nnodes:\n  - {file: labs.csv, kind: Lab}\n")},
		"x/labs.csv":     {Data: []byte("id,name\nuniv-fudan,Not a university\n")},
	}
	ds3, err := loaders.ReadDataset(clash, "x")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := loaders.Load(ctx, s, ds3, loaders.Options{}); graph.CodeOf(err) != graph.CodeConflict {
		t.Errorf("kind clash on a node: %v", err)
	}
}

func TestMerge(t *testing.T) {
	a := bundled(t)
	fsys := externalEdgeFS()
	b, err := loaders.ReadDataset(fsys, "x")
	if err != nil {
		t.Fatal(err)
	}
	m, err := loaders.Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.External) != 0 || len(m.Edges) != len(a.Edges)+1 {
		t.Errorf("merge: external %v, edges %d", m.External, len(m.Edges))
	}
	if _, err := loaders.Merge(a, a); err != nil {
		t.Errorf("merging identical data: %v", err)
	}
}

// TestLoadDirMatchesLoad: the streaming two-pass path gives the same graph
// and report as ReadDataset + Load, on the bundled and a generated dataset.
func TestLoadDirMatchesLoad(t *testing.T) {
	ctx := context.Background()
	gen := t.TempDir()
	if _, err := loaders.Generate(loaders.GenOptions{Enterprises: 2000, Seed: 5, Out: gen}); err != nil {
		t.Fatal(err)
	}
	for name, src := range map[string]struct {
		fsys fs.FS
		dir  string
	}{"bundled": {data.FS, data.Default}, "generated": {os.DirFS(gen), "."}} {
		t.Run(name, func(t *testing.T) {
			ds, err := loaders.ReadDataset(src.fsys, src.dir)
			if err != nil {
				t.Fatal(err)
			}
			a := memstore.New()
			ra, err := loaders.Load(ctx, a, ds, loaders.Options{BatchSize: 100})
			if err != nil {
				t.Fatal(err)
			}
			b := &counting{Store: memstore.New()}
			rb, err := loaders.LoadDir(ctx, b, src.fsys, src.dir, loaders.Options{BatchSize: 100})
			if err != nil {
				t.Fatal(err)
			}
			sa, _ := a.Stats(ctx)
			sb, _ := b.Stats(ctx)
			sameStats(t, "LoadDir vs Load", sb, sa)
			if ra.Total.Created != rb.Total.Created || ra.Total.Rows != rb.Total.Rows || len(ra.Nodes) != len(rb.Nodes) || len(ra.Edges) != len(rb.Edges) {
				t.Errorf("reports differ: %+v vs %+v", ra.Total, rb.Total)
			}
			for i := range ra.Nodes {
				if ra.Nodes[i].Kind != rb.Nodes[i].Kind || ra.Nodes[i].Created != rb.Nodes[i].Created {
					t.Errorf("node row %d: %+v vs %+v", i, ra.Nodes[i], rb.Nodes[i])
				}
			}
			// Same nodes, property for property.
			ids := make([]string, len(ds.Nodes))
			for i, n := range ds.Nodes {
				ids[i] = n.ID
			}
			na, _ := a.GetNodes(ctx, ids)
			nb, _ := b.GetNodes(ctx, ids)
			if !reflect.DeepEqual(na, nb) {
				t.Error("nodes differ between the two paths")
			}
			again, err := loaders.LoadDir(ctx, b, src.fsys, src.dir, loaders.Options{})
			if err != nil || again.Changed() {
				t.Errorf("second LoadDir: %v %+v", err, again.Total)
			}
			// Interrupted, then re-run: converges.
			c := &counting{Store: memstore.New(), failAt: 5}
			if _, err := loaders.LoadDir(ctx, c, src.fsys, src.dir, loaders.Options{BatchSize: 100}); !errors.Is(err, errInjected) {
				t.Fatalf("err = %v", err)
			}
			c.failAt = 0
			if _, err := loaders.LoadDir(ctx, c, src.fsys, src.dir, loaders.Options{BatchSize: 100}); err != nil {
				t.Fatal(err)
			}
			sc, _ := c.Stats(ctx)
			sameStats(t, "after the re-run", sc, sa)
		})
	}
}

// ordered wraps a store for concurrent writers: it records whether an edge
// write ever started while a node write was unfinished or before the last
// node write, or while an unfinished edge write shared one of its endpoint
// nodes, and can fail the n-th write call.
type ordered struct {
	*memstore.Store
	mu                    sync.Mutex
	nodesInFlight, calls  int
	edgesInFlight         int
	maxEdgesInFlight      int
	edgesStarted          bool
	endpoints             map[string]int // endpoint node ids of the edge writes in flight
	typeCalls             map[graph.RelType]int
	violations            []string
	maxInFlight, inFlight int
	failAt                int
	afterFail             int // write calls started after the failing one returned
	failed                bool
}

func (o *ordered) enter(nodes bool, es []graph.Edge) (fail bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls++
	o.inFlight++
	o.maxInFlight = max(o.maxInFlight, o.inFlight)
	if o.failed {
		o.afterFail++
	}
	if nodes {
		o.nodesInFlight++
		if o.edgesStarted {
			o.violations = append(o.violations, "a node write started after an edge write")
		}
		return o.calls == o.failAt
	}
	o.edgesStarted = true
	if o.nodesInFlight > 0 {
		o.violations = append(o.violations, "an edge write started while a node write was in flight")
	}
	if o.endpoints == nil {
		o.endpoints, o.typeCalls = map[string]int{}, map[graph.RelType]int{}
	}
	o.typeCalls[es[0].Type]++
	mine := map[string]bool{}
	for _, e := range es {
		mine[e.From], mine[e.To] = true, true
	}
	for id := range mine {
		if o.endpoints[id] > 0 {
			o.violations = append(o.violations, fmt.Sprintf("two edge writes in flight share the endpoint %s", id))
		}
		o.endpoints[id]++
	}
	o.edgesInFlight++
	o.maxEdgesInFlight = max(o.maxEdgesInFlight, o.edgesInFlight)
	return o.calls == o.failAt
}

func (o *ordered) leave(nodes, failed bool, es []graph.Edge) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.inFlight--
	if nodes {
		o.nodesInFlight--
	} else {
		o.edgesInFlight--
		mine := map[string]bool{}
		for _, e := range es {
			mine[e.From], mine[e.To] = true, true
		}
		for id := range mine {
			o.endpoints[id]--
		}
	}
	o.failed = o.failed || failed
}

func (o *ordered) UpsertNodes(ctx context.Context, ns []graph.Node) (graph.WriteStats, error) {
	if o.enter(true, nil) {
		time.Sleep(10 * time.Millisecond) // let the other writers start theirs
		o.leave(true, true, nil)
		return graph.WriteStats{}, graph.Wrap(graph.CodeUnavailable, errInjected, "write nodes")
	}
	time.Sleep(time.Millisecond) // give the writers a chance to overlap
	st, err := o.Store.UpsertNodes(ctx, ns)
	o.leave(true, false, nil)
	return st, err
}

func (o *ordered) UpsertEdges(ctx context.Context, es []graph.Edge) (graph.WriteStats, error) {
	if o.enter(false, es) {
		time.Sleep(10 * time.Millisecond)
		o.leave(false, true, es)
		return graph.WriteStats{}, graph.Wrap(graph.CodeUnavailable, errInjected, "write edges")
	}
	time.Sleep(time.Millisecond)
	st, err := o.Store.UpsertEdges(ctx, es)
	o.leave(false, false, es)
	return st, err
}

// TestLoadDirWorkers: with several writers the streaming load writes the
// same graph and report as one writer, writes node batches side by side,
// never starts an edge batch before every node batch is committed, writes
// edge batches side by side but never two sharing an endpoint node (the
// locks Neo4j takes), and stops at
// a writer's error (the batches already handed to other writers finish,
// no new one starts; a re-run converges).
func TestLoadDirWorkers(t *testing.T) {
	ctx := context.Background()
	gen := t.TempDir()
	if _, err := loaders.Generate(loaders.GenOptions{Enterprises: 2000, Seed: 7, Out: gen}); err != nil {
		t.Fatal(err)
	}
	fsys := os.DirFS(gen)
	one := memstore.New()
	r1, err := loaders.LoadDir(ctx, one, fsys, ".", loaders.Options{BatchSize: 200, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	o := &ordered{Store: memstore.New()}
	r4, err := loaders.LoadDir(ctx, o, fsys, ".", loaders.Options{BatchSize: 40, Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.violations) > 0 {
		t.Errorf("ordering: %v", o.violations[0])
	}
	if o.maxInFlight < 2 || o.maxEdgesInFlight < 2 {
		t.Errorf("at most %d writes (%d edge writes) in flight with 4 workers", o.maxInFlight, o.maxEdgesInFlight)
	}
	// SUPPLIES (2,800 rows, more than 8 x 8 buckets of half a batch) is
	// sorted into buckets, so it takes more batches than its rows need;
	// LOCATED_IN (840 rows) is not.
	for _, k := range r4.Edges {
		need := (k.Rows + 39) / 40
		switch got := o.typeCalls[graph.RelType(k.Kind)]; {
		case k.Kind == "SUPPLIES" && got <= need:
			t.Errorf("SUPPLIES in %d batches, want more than %d (one per bucket)", got, need)
		case k.Kind == "LOCATED_IN" && got != need:
			t.Errorf("LOCATED_IN in %d batches, want %d (not split)", got, need)
		}
	}
	s1, _ := one.Stats(ctx)
	s4, _ := o.Stats(ctx)
	sameStats(t, "4 workers vs 1", s4, s1)
	if !sameCounts(r1, r4) {
		t.Errorf("report counts differ:\n%+v\n%+v", r1.Total, r4.Total)
	}

	f := &ordered{Store: memstore.New(), failAt: 6}
	if _, err := loaders.LoadDir(ctx, f, fsys, ".", loaders.Options{BatchSize: 40, Workers: 4}); !errors.Is(err, errInjected) {
		t.Fatalf("err = %v, want the injected failure", err)
	}
	// The other three writers may each have taken a batch just before the
	// failure was recorded; nothing after that.
	if f.afterFail > 3 || f.calls >= o.calls {
		t.Errorf("%d write calls started after a writer failed, %d calls in all (a full load makes %d)", f.afterFail, f.calls, o.calls)
	}
	f.failAt = 0
	if _, err := loaders.LoadDir(ctx, f, fsys, ".", loaders.Options{BatchSize: 40, Workers: 4}); err != nil {
		t.Fatal(err)
	}
	sf, _ := f.Stats(ctx)
	sameStats(t, "re-run after the failure", sf, s1)
}

// sameCounts compares two reports' per-kind rows and outcomes.
func sameCounts(a, b *loaders.Report) bool {
	strip := func(l []loaders.KindReport) []loaders.KindReport {
		out := make([]loaders.KindReport, len(l))
		for i, k := range l {
			out[i] = loaders.KindReport{Kind: k.Kind, Rows: k.Rows, Created: k.Created, Updated: k.Updated, Unchanged: k.Unchanged, Rejected: k.Rejected}
		}
		return out
	}
	return reflect.DeepEqual(strip(a.Nodes), strip(b.Nodes)) && reflect.DeepEqual(strip(a.Edges), strip(b.Edges))
}

// creating is a store with CreateNodes and CreateEdges (as neo4jstore
// has): it records the calls, whether CreateNodes was given an id the
// store already held (the loader must only call it for batches checkStore
// found new), and the references: CreateNodes hands out one per node
// (except for every third call, which returns none, as a store does that
// fell back to an upsert) and CreateEdges checks that each reference it
// gets is its endpoint's.
type creating struct {
	*memstore.Store
	mu               sync.Mutex // calls run one at a time
	creates, upserts int
	stale            []string // ids CreateNodes got that were stored
	edgeCreates      int      // CreateEdges calls
	ref              map[string]int64
	withRefs         int      // CreateEdges rows with both references
	badRefs          []string // references that were not the endpoint's
}

var (
	_ loaders.NodeCreator = (*creating)(nil)
	_ loaders.EdgeCreator = (*creating)(nil)
)

func (c *creating) CreateEdges(ctx context.Context, es []graph.Edge, refs []int64) (graph.WriteStats, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.edgeCreates++
	if refs != nil && len(refs) != 2*len(es) {
		c.badRefs = append(c.badRefs, fmt.Sprintf("%d references for %d edges", len(refs), len(es)))
	}
	for i, e := range es {
		if refs == nil || 2*i+1 >= len(refs) {
			break
		}
		both := true
		for j, id := range [2]string{e.From, e.To} {
			got := refs[2*i+j]
			want, ok := c.ref[id]
			if !ok {
				want = loaders.NoRef
			}
			if got != want {
				c.badRefs = append(c.badRefs, fmt.Sprintf("%s: %d, want %d", id, got, want))
			}
			both = both && got != loaders.NoRef
		}
		if both {
			c.withRefs++
		}
	}
	return c.Store.UpsertEdges(ctx, es)
}

func (c *creating) CreateNodes(ctx context.Context, ns []graph.Node) (graph.WriteStats, []int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.creates++
	ids := make([]string, len(ns))
	for i, n := range ns {
		ids[i] = n.ID
	}
	got, err := c.Store.GetNodes(ctx, ids)
	if err != nil {
		return graph.WriteStats{}, nil, err
	}
	for _, n := range got {
		c.stale = append(c.stale, n.ID)
	}
	st, err := c.Store.UpsertNodes(ctx, ns)
	if err != nil || c.creates%3 == 0 {
		return st, nil, err
	}
	if c.ref == nil {
		c.ref = map[string]int64{}
	}
	refs := make([]int64, len(ns))
	for i, n := range ns {
		refs[i] = int64(len(c.ref)) // 0 is a reference too
		c.ref[n.ID] = refs[i]
	}
	return st, refs, nil
}

func (c *creating) UpsertNodes(ctx context.Context, ns []graph.Node) (graph.WriteStats, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.upserts++
	return c.Store.UpsertNodes(ctx, ns)
}

// TestLoadDirCreatesNewNodes: LoadDir writes a node batch with
// CreateNodes exactly when the store held none of its ids at the check
// (an empty store: every batch; a re-run: none; a partly loaded store:
// the others), edges with CreateEdges only into a store that was empty,
// and the graph is the one Load writes.
func TestLoadDirCreatesNewNodes(t *testing.T) {
	ctx := context.Background()
	ds := bundled(t)
	want := memstore.New()
	if _, err := loaders.Load(ctx, want, ds, loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	ws, _ := want.Stats(ctx)
	s := &creating{Store: memstore.New()}
	check := func(t *testing.T, rep *loaders.Report, wantCreates, wantUpserts bool) {
		t.Helper()
		if fresh := wantCreates && !wantUpserts; (s.edgeCreates > 0) != fresh {
			t.Errorf("CreateEdges calls %d, want some only into an empty store (empty: %v)", s.edgeCreates, fresh)
		}
		if len(s.stale) > 0 {
			t.Errorf("CreateNodes got ids the store held: %v", s.stale)
		}
		if (s.creates > 0) != wantCreates || (s.upserts > 0) != wantUpserts {
			t.Errorf("CreateNodes calls %d, UpsertNodes calls %d; want creates %v, upserts %v", s.creates, s.upserts, wantCreates, wantUpserts)
		}
		if len(s.badRefs) > 0 {
			t.Errorf("CreateEdges got wrong references: %v", s.badRefs)
		}
		edges := 0
		for _, k := range rep.Edges {
			edges += k.Rows
		}
		if fresh := wantCreates && !wantUpserts; fresh && (s.withRefs == 0 || s.withRefs >= edges) {
			t.Errorf("%d of %d edges had both references, want some but not all (every third CreateNodes call returns none)", s.withRefs, edges)
		}
		got, _ := s.Stats(ctx)
		sameStats(t, "after LoadDir", got, ws)
		s.creates, s.upserts, s.stale, s.edgeCreates, s.ref, s.withRefs, s.badRefs = 0, 0, nil, 0, nil, 0, nil
	}
	t.Run("empty store", func(t *testing.T) {
		rep, err := loaders.LoadDir(ctx, s, data.FS, data.Default, loaders.Options{BatchSize: 20})
		if err != nil {
			t.Fatal(err)
		}
		check(t, rep, true, false)
	})
	t.Run("re-run", func(t *testing.T) {
		rep, err := loaders.LoadDir(ctx, s, data.FS, data.Default, loaders.Options{BatchSize: 20})
		if err != nil || rep.Changed() {
			t.Fatalf("%v %+v", err, rep.Total)
		}
		check(t, rep, false, true)
	})
	t.Run("partly loaded", func(t *testing.T) {
		s.Store = memstore.New()
		// Every 30th node is stored already; with batches of 20 some
		// batches hold one, others none.
		var some []graph.Node
		for i := 0; i < len(ds.Nodes); i += 30 {
			some = append(some, ds.Nodes[i])
		}
		if _, err := s.Store.UpsertNodes(ctx, some); err != nil {
			t.Fatal(err)
		}
		rep, err := loaders.LoadDir(ctx, s, data.FS, data.Default, loaders.Options{BatchSize: 20})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Total.Unchanged < len(some) {
			t.Errorf("unchanged %d, want at least the %d stored nodes", rep.Total.Unchanged, len(some))
		}
		check(t, rep, true, true)
	})
}

// preparing is a memstore that also answers PrepareLoad (as neo4jstore
// does), with a node count that may lie.
type preparing struct {
	*memstore.Store
	calls int
	lie   bool // answer 0 whatever the store holds
}

func (p *preparing) PrepareLoad(ctx context.Context) (int64, error) {
	p.calls++
	if p.lie {
		return 0, nil
	}
	st, err := p.Store.Stats(ctx)
	return st.Nodes, err
}

// TestLoadPrepares: LoadDir and Load take the store's node count from
// PrepareLoad when the Writer has it, and trust it: a count of 0 makes them
// skip the store checks, so an edge to a node that only the store holds is
// refused as missing.
func TestLoadPrepares(t *testing.T) {
	ctx := context.Background()
	fsys := externalEdgeFS()
	ds, err := loaders.ReadDataset(fsys, "x")
	if err != nil {
		t.Fatal(err)
	}
	loads := map[string]func(w loaders.Writer) (*loaders.Report, error){
		"LoadDir": func(w loaders.Writer) (*loaders.Report, error) {
			return loaders.LoadDir(ctx, w, fsys, "x", loaders.Options{})
		},
		"Load": func(w loaders.Writer) (*loaders.Report, error) { return loaders.Load(ctx, w, ds, loaders.Options{}) },
	}
	for name, load := range loads {
		for _, lie := range []bool{false, true} {
			s := &preparing{Store: memstore.New(), lie: lie}
			if _, err := loaders.Load(ctx, s.Store, bundled(t), loaders.Options{}); err != nil {
				t.Fatal(err)
			}
			rep, err := load(s)
			if s.calls != 1 {
				t.Errorf("%s, lie=%v: PrepareLoad called %d times, want once", name, lie, s.calls)
			}
			if lie {
				if graph.CodeOf(err) != graph.CodeNotFound {
					t.Errorf("%s, a count of 0: err = %v, want NOT_FOUND (the store checks skipped)", name, err)
				}
				continue
			}
			if err != nil || rep.Total.Created != 1 {
				t.Errorf("%s, the true count: %v %+v, want the edge created", name, err, rep)
			}
		}
	}
}
