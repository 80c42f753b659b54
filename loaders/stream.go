package loaders

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"io/fs"
	"math"
	"path"
	"slices"
	"sync"
	"time"

	"chainkg/graph"
)

// LoadDir validates and loads the dataset in fsys/dir without holding it in
// memory: a first pass parses and validates every file, keeping only an
// index (id, kind, a content hash and the location of each node; a hash and
// location per edge), then the store checks run, and a second pass re-reads
// the files and writes them in batches. It gives the same result, errors and
// guarantees as ReadDataset followed by Load, at a fraction of the memory
// (a million-enterprise dataset needs a few hundred MB instead of several
// GB). Files must not change between the passes.
func LoadDir(ctx context.Context, w Writer, fsys fs.FS, dir string, opts Options) (*Report, error) {
	start := time.Now()
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	m, err := readManifest(fsys, path.Join(dir, ManifestName))
	if err != nil {
		return nil, err
	}
	// The store's node count is read while pass 1 runs (a cold server takes
	// a while to plan its first queries, and PrepareLoad also plans the node
	// statement then); checkStore waits for it.
	stats := startNodeCount(ctx, w)
	// Pass 1: validate and index.
	ix := &indexSink{nodes: map[string]seenNode{}, edges: map[uint64]seenEdge{}, ovf: map[graph.EdgeKey]seenEdge{}, seed: maphash.MakeSeed(), seed2: maphash.MakeSeed(),
		nodeRows: map[string]int{}, edgeRows: map[string]int{}}
	ds := &Dataset{Name: m.Name, Description: m.Description, Source: m.Source}
	b := newBuilder(ds)
	b.sink = ix
	ix.b = b
	if stop := b.walk(fsys, dir, m, func() { ix.nodesDone = true; ix.checkDeferred(m.SelfContained) }); stop {
		return nil, b.errs.err()
	}
	if err := b.errs.err(); err != nil {
		return nil, err
	}
	rep := &Report{Dataset: m.Name, DryRun: opts.DryRun}
	for _, k := range graph.Kinds {
		if n := ix.nodeRows[string(k.Kind)]; n > 0 {
			rep.Nodes = append(rep.Nodes, KindReport{Kind: string(k.Kind), Rows: n})
		}
	}
	for _, r := range graph.Rels {
		if n := ix.edgeRows[string(r.Type)]; n > 0 {
			rep.Edges = append(rep.Edges, KindReport{Kind: string(r.Type), Rows: n})
		}
	}
	if err := ix.checkStore(ctx, w, stats, opts.BatchSize, rep); err != nil {
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
	// Pass 2: re-read and write.
	em := &emitSink{ctx: ctx, w: w, ix: ix, opts: opts, rep: rep, total: ix.total(), t0: time.Now(), kindStart: map[string]time.Time{}}
	b2 := newBuilder(&Dataset{})
	b2.sink = em
	b2.trusted = true
	em.b = b2
	em.start()
	stop := b2.walk(fsys, dir, m, func() {
		if em.err == nil {
			em.err = em.flushNodes()
		}
		if em.err == nil {
			em.err = em.barrier() // every node committed before the first edge
		}
		em.setRefs()
		em.nodesDone = true
		for _, e := range em.deferred {
			if em.err != nil {
				break
			}
			em.err = em.put(e)
		}
		em.deferred = nil
	})
	if em.err == nil {
		em.err = em.flushEdges()
	}
	if err := em.stop(); em.err == nil {
		em.err = err
	}
	if em.err != nil {
		rep.finish(start)
		return rep, em.err
	}
	if stop || len(b2.errs.errs) > 0 {
		rep.finish(start)
		return rep, fmt.Errorf("the files changed while loading (committed batches stay; re-run to converge): %w", b2.errs.err())
	}
	rep.finish(start)
	return rep, nil
}

// sink receives the rows the readers produce, instead of the builder
// collecting them in a Dataset.
type sink interface {
	node(n graph.Node, loc Location) error
	edge(e graph.Edge, loc Location) error
}

// walk reads every file the manifest names in the order chains, node files,
// edge files; nodesDone runs between the node and edge files. True: stop.
func (b *builder) walk(fsys fs.FS, dir string, m *Manifest, nodesDone func()) bool {
	base := defaults{Source: m.Source, AsOf: m.AsOf, trusted: b.trusted}
	for _, c := range m.Chains {
		if err := readChains(fsys, path.Join(dir, c), base, b); err == errStop {
			return true
		}
	}
	for _, spec := range m.Nodes {
		if b.readFile(fsys, dir, spec, base, true) {
			return true
		}
	}
	nodesDone()
	for _, spec := range m.Edges {
		if b.readFile(fsys, dir, spec, base, false) {
			return true
		}
	}
	return false
}

// seenNode and seenEdge are what pass 1 keeps per node and edge. seq is the
// ordinal of the row among all rows the readers produce (the same in both
// passes), so pass 2 writes exactly the first occurrence of each.
type seenNode struct {
	kind graph.Kind
	sum  uint64
	loc  Location
	seq  int
	// stored: the store held the id when checkStore looked (never set
	// when the store was empty).
	stored bool
	// ref is 1 + the store's reference for the node (NodeCreator), set
	// once every node is written; 0 if there is none.
	ref int64
}

type seenEdge struct {
	sum2, content uint64 // second key hash (collision check), content hash
	loc           Location
	seq           int
}

// indexSink is pass 1: duplicate detection by content hash, endpoint kinds.
type indexSink struct {
	b           *builder
	nodes       map[string]seenNode
	edges       map[uint64]seenEdge
	ovf         map[graph.EdgeKey]seenEdge
	seed, seed2 maphash.Seed
	nodesDone   bool
	deferred    []graph.Edge // edges read before all nodes were known (chain templates)
	deferredLoc []Location
	external    []graph.Edge // edges with an endpoint outside the dataset
	externalLoc []Location
	extIDs      map[string]bool
	selfContain bool
	nodeRows    map[string]int
	edgeRows    map[string]int
	seq         int
	// storeEmpty: the store held no node when checkStore looked, so every
	// node and edge of the dataset was new then.
	storeEmpty bool
}

func (ix *indexSink) total() int {
	t := 0
	for _, n := range ix.nodeRows {
		t += n
	}
	for _, n := range ix.edgeRows {
		t += n
	}
	return t
}

func (ix *indexSink) node(n graph.Node, loc Location) error {
	ix.seq++
	sum := nodeHash(ix.seed, n)
	if old, ok := ix.nodes[n.ID]; ok {
		if old.sum == sum && old.kind == n.Kind {
			return nil
		}
		f := "kind"
		if old.kind == n.Kind {
			f = "id"
		}
		return ix.b.errs.add(&graph.Error{Code: graph.CodeConflict, File: loc.File, Line: loc.Line, Field: f,
			Msg: fmt.Sprintf("duplicate id %q with different data (first at %s)", n.ID, old.loc)})
	}
	ix.nodes[n.ID] = seenNode{kind: n.Kind, sum: sum, loc: loc, seq: ix.seq}
	ix.nodeRows[string(n.Kind)]++
	return nil
}

func (ix *indexSink) edgeKeyHashes(k graph.EdgeKey) (uint64, uint64) {
	h := func(seed maphash.Seed) uint64 {
		var x maphash.Hash
		x.SetSeed(seed)
		x.WriteString(string(k.Type))
		x.WriteByte(0)
		x.WriteString(k.From)
		x.WriteByte(0)
		x.WriteString(k.To)
		return x.Sum64()
	}
	return h(ix.seed), h(ix.seed2)
}

func (ix *indexSink) edge(e graph.Edge, loc Location) error {
	ix.seq++
	k := e.Key()
	h1, h2 := ix.edgeKeyHashes(k)
	content := edgeHash(ix.seed, e)
	old, ok := ix.edges[h1]
	if ok && old.sum2 != h2 { // a 64-bit collision between different keys
		old, ok = ix.ovf[k]
		if !ok {
			ix.ovf[k] = seenEdge{h2, content, loc, ix.seq}
			return ix.newEdge(e, loc)
		}
	}
	if ok {
		if old.content == content {
			return nil
		}
		return ix.b.errs.add(&graph.Error{Code: graph.CodeConflict, File: loc.File, Line: loc.Line, Field: "from",
			Msg: fmt.Sprintf("duplicate edge %s with different data (first at %s)", k, old.loc)})
	}
	ix.edges[h1] = seenEdge{h2, content, loc, ix.seq}
	return ix.newEdge(e, loc)
}

func (ix *indexSink) newEdge(e graph.Edge, loc Location) error {
	ix.edgeRows[string(e.Type)]++
	if !ix.nodesDone {
		ix.deferred = append(ix.deferred, e)
		ix.deferredLoc = append(ix.deferredLoc, loc)
		return nil
	}
	return ix.checkEdge(e, loc)
}

func (ix *indexSink) checkDeferred(selfContained bool) {
	ix.selfContain = selfContained
	for i, e := range ix.deferred {
		if ix.checkEdge(e, ix.deferredLoc[i]) == errStop {
			break
		}
	}
	ix.deferred, ix.deferredLoc = nil, nil
}

// checkEdge is builder.checkEndpoints for one edge.
func (ix *indexSink) checkEdge(e graph.Edge, loc Location) error {
	f, fok := ix.nodes[e.From]
	t, tok := ix.nodes[e.To]
	if fok && tok {
		if err := graph.ValidateEndpoints(e, f.kind, t.kind); err != nil {
			return ix.b.errs.add(&graph.Error{Code: graph.CodeInvalidInput, File: loc.File, Line: loc.Line, Field: "type", Msg: err.(*graph.Error).Msg})
		}
		return nil
	}
	if ix.b.rejected[e.From] || ix.b.rejected[e.To] {
		return nil // the node row's own error says it all
	}
	if ix.selfContain {
		field, id := "from", e.From
		if fok {
			field, id = "to", e.To
		}
		return ix.b.errs.add(&graph.Error{Code: graph.CodeNotFound, File: loc.File, Line: loc.Line, Field: field,
			Msg: fmt.Sprintf("%s %q is not a node of the dataset (the manifest says selfContained)", field, id)})
	}
	ix.external = append(ix.external, e)
	ix.externalLoc = append(ix.externalLoc, loc)
	return nil
}

// nodeCount is storeNodes running in the background; n, known and err
// are set when done is closed.
type nodeCount struct {
	done  chan struct{}
	n     int64
	known bool
	err   error
}

func startNodeCount(ctx context.Context, w Writer) *nodeCount {
	c := &nodeCount{done: make(chan struct{})}
	go func() {
		defer close(c.done)
		c.n, c.known, c.err = storeNodes(ctx, w)
	}()
	return c
}

// checkStore runs Load's store checks on the index (stats: the store's
// node count, read during pass 1).
func (ix *indexSink) checkStore(ctx context.Context, w Writer, stats *nodeCount, batch int, rep *Report) error {
	probe := &Dataset{Edges: ix.external, edgeLoc: ix.externalLoc}
	ext := map[string]bool{}
	for _, e := range ix.external {
		for _, id := range []string{e.From, e.To} {
			if _, ok := ix.nodes[id]; !ok {
				ext[id] = true
			}
		}
	}
	probe.External = graph.SortedKeys(ext)
	// The endpoints inside the dataset, so rejectExternal knows their kinds.
	for _, e := range ix.external {
		for _, id := range []string{e.From, e.To} {
			if n, ok := ix.nodes[id]; ok {
				probe.Nodes = append(probe.Nodes, graph.Node{ID: id, Kind: n.kind})
				probe.nodeLoc = append(probe.nodeLoc, n.loc)
			}
		}
	}
	<-stats.done
	if stats.err != nil {
		return fmt.Errorf("count the store's nodes: %w", stats.err)
	}
	if stats.known && stats.n == 0 {
		ix.storeEmpty = true
		return rejectExternal(probe, map[string]graph.Kind{}, rep)
	}
	var c collector
	ids := make([]string, 0, batch)
	check := func() error {
		got, err := w.GetNodes(ctx, ids)
		if err != nil {
			return fmt.Errorf("read existing nodes: %w", err)
		}
		for _, g := range got {
			n, ok := ix.nodes[g.ID]
			if !ok {
				continue
			}
			if g.Kind == n.kind {
				n.stored = true
				ix.nodes[g.ID] = n
				continue
			}
			rep.reject(true, string(n.kind))
			if c.add(&graph.Error{Code: graph.CodeConflict, File: n.loc.File, Line: n.loc.Line, Field: "kind",
				Msg: fmt.Sprintf("id %q is a %s in the store, not a %s", g.ID, g.Kind, n.kind)}) != nil {
				return errStop
			}
		}
		ids = ids[:0]
		return nil
	}
	for id := range ix.nodes {
		ids = append(ids, id)
		if len(ids) == batch {
			if err := check(); err == errStop {
				break
			} else if err != nil {
				return err
			}
		}
	}
	if len(ids) > 0 {
		if err := check(); err != nil && err != errStop {
			return err
		}
	}
	if err := c.err(); err != nil {
		return err
	}
	kinds, err := storeKinds(ctx, w, probe.External, batch)
	if err != nil {
		return err
	}
	return rejectExternal(probe, kinds, rep)
}

// emitSink is pass 2: it writes the first occurrence of every node and edge
// in batches. Batches go to Options.Workers writer goroutines (sched), so
// the next batch is parsed while the store works on the previous ones;
// every node batch is committed before the first edge batch is sent (edges
// need their endpoints). With 2+ workers, node batches are written side by
// side, and so are edge batches whose endpoints are disjoint (sched.go).
type emitSink struct {
	ctx       context.Context
	w         Writer
	b         *builder
	ix        *indexSink
	opts      Options
	rep       *Report
	nodes     []graph.Node
	deferred  []graph.Edge
	nodesDone bool
	total     int
	seq       int
	err       error // the parsing side's first error (a writer's error included, once seen)
	t0        time.Time

	sched   *sched         // batches for the writers
	pending sync.WaitGroup // batches queued or being written
	workers sync.WaitGroup
	writers int // Options.Workers or its default
	parts   int // lockParts
	// pace's goroutine (Options.Pace): closed to stop it, closed by it.
	paceStop, paceDone chan struct{}

	// Edge batches being filled (put): one per bucket of the current
	// relation type, in the order they were opened.
	buckets map[bucket][]graph.Edge
	opened  []bucket
	curType graph.RelType
	split   bool // the current type is sorted into buckets by lock units

	mu        sync.Mutex // guards what the writers update
	werr      error      // the writers' first error
	done      int
	kindStart map[string]time.Time
	made      []madeNodes // node batches the store returned references for
}

// madeNodes are the ids of a node batch and the references the store
// returned for them (NodeCreator), kept until every node batch is written
// and then moved into the index (setRefs).
type madeNodes struct {
	ids  []string
	refs []int64
}

// start launches the writers.
func (em *emitSink) start() {
	n := em.opts.Workers
	if n <= 0 {
		n = DefaultWorkers
	}
	em.writers = n
	em.parts = lockParts(n)
	em.buckets = map[bucket][]graph.Edge{}
	// A few batches beyond the running ones, so that a writer finds one
	// whose endpoints are free.
	em.sched = newSched(em.ctx, 2*n)
	if c, ok := em.w.(compileClock); ok && em.opts.Pace && n > 1 {
		em.paceStop, em.paceDone = make(chan struct{}), make(chan struct{})
		go em.pace(c)
	}
	for range n {
		em.workers.Add(1)
		go func() {
			defer em.workers.Done()
			for {
				j := em.sched.take()
				if j == nil {
					return
				}
				if em.writeErr() == nil {
					if err := j.run(); err != nil {
						em.mu.Lock()
						if em.werr == nil {
							em.werr = err
						}
						em.mu.Unlock()
					}
				}
				em.sched.done(j)
				em.pending.Done()
			}
		}()
	}
}

// submit queues one write; it returns a writer's earlier error instead.
func (em *emitSink) submit(run func() error, units []unit) error {
	if err := em.writeErr(); err != nil {
		return err
	}
	em.pending.Add(1)
	if err := em.sched.submit(em.ctx, &job{run: run, units: units}); err != nil {
		em.pending.Done()
		return err
	}
	return nil
}

// barrier waits until every queued write is committed and returns the
// writers' first error.
func (em *emitSink) barrier() error {
	em.pending.Wait()
	return em.writeErr()
}

// stop waits for the writers to finish and end.
func (em *emitSink) stop() error {
	err := em.barrier()
	if em.paceStop != nil {
		close(em.paceStop)
		<-em.paceDone
	}
	em.sched.close()
	em.workers.Wait()
	return err
}

// compileClock is the optional part of a Writer that reports how long its
// server has spent compiling code so far (neo4jstore: the JVM's JIT
// compilers, summed over its compiler threads), for Options.Pace.
type compileClock interface {
	CompileMillis(ctx context.Context) (int64, error)
}

// Options.Pace: how often pace reads the compile clock, and the share of
// a core the server's compilers must take to hold the load to one writer
// (paceBusy) or must fall under to release it (paceIdle). A just-started
// Neo4j compiled at 0.8-1.3 cores throughout a 100k load, a running one
// near 0 (bench/README.md, 2026-11-29 23:37 UTC section).
const (
	paceBusy = 0.5
	paceIdle = 0.25
)

var paceEvery = time.Second // a variable for the tests

// pace holds the writers to one batch at a time while the server's
// compilers are busy (Options.Pace), until stop. It gives up, leaving the
// writers as they were configured, when the clock cannot be read.
func (em *emitSink) pace(c compileClock) {
	defer close(em.paceDone)
	last, err := c.CompileMillis(em.ctx)
	if err != nil {
		return
	}
	lastAt, held := time.Now(), false
	var heldSince time.Time
	release := func(now time.Time) {
		em.sched.setActive(0)
		if held {
			em.mu.Lock()
			em.rep.PacedSeconds += now.Sub(heldSince).Seconds()
			em.mu.Unlock()
		}
		held = false
	}
	defer func() { release(time.Now()) }()
	t := time.NewTicker(paceEvery)
	defer t.Stop()
	for {
		select {
		case <-em.paceStop:
			return
		case <-t.C:
		}
		ms, err := c.CompileMillis(em.ctx)
		if err != nil {
			return
		}
		now := time.Now()
		busy := float64(ms-last) / float64(now.Sub(lastAt).Milliseconds()+1)
		last, lastAt = ms, now
		switch {
		case !held && busy >= paceBusy:
			em.sched.setActive(1)
			held, heldSince = true, now
		case held && busy < paceIdle:
			release(now)
		}
	}
}

func (em *emitSink) writeErr() error {
	em.mu.Lock()
	defer em.mu.Unlock()
	return em.werr
}

func (em *emitSink) node(n graph.Node, loc Location) error {
	em.seq++
	if em.err != nil {
		return errStop
	}
	if first, ok := em.ix.nodes[n.ID]; !ok || first.seq != em.seq {
		return nil // an identical duplicate, written at its first place
	}
	if len(em.nodes) > 0 && em.nodes[0].Kind != n.Kind || len(em.nodes) >= em.opts.BatchSize {
		if em.err = em.flushNodes(); em.err != nil {
			return errStop
		}
	}
	em.nodes = append(em.nodes, n)
	return nil
}

func (em *emitSink) edge(e graph.Edge, loc Location) error {
	em.seq++
	if em.err != nil {
		return errStop
	}
	k := e.Key()
	h1, h2 := em.ix.edgeKeyHashes(k)
	first, ok := em.ix.edges[h1]
	if ok && first.sum2 != h2 {
		first, ok = em.ix.ovf[k]
	}
	if !ok || first.seq != em.seq {
		return nil
	}
	if !em.nodesDone {
		em.deferred = append(em.deferred, e)
		return nil
	}
	if em.err = em.put(e); em.err != nil {
		return errStop
	}
	return nil
}

// put adds an edge to its batch, writing the batch when it is full. A
// batch holds one relation type; when the type changes, every batch of the
// previous one is written. With 2+ writers, the edges of a type with many
// rows go to a batch per bucket (the lock units of their two endpoints), so
// that the writers can write batches side by side; a smaller type's batch
// holds the units of all its endpoints.
func (em *emitSink) put(e graph.Edge) error {
	if e.Type != em.curType {
		if err := em.flushEdges(); err != nil {
			return err
		}
		em.curType = e.Type
		// Split only a type whose buckets average half a batch or more:
		// smaller ones cost more in extra transactions than they gain
		// (a cold server's RESEARCHES and COOPERATES_WITH, 20-25k rows,
		// took 1.6-2.5 s in 16 buckets against 0.9-1.2 s unsplit).
		em.split = em.writers > 1 && em.ix.edgeRows[string(e.Type)] >= em.parts*em.parts*em.opts.BatchSize/2
	}
	b := bucket{typ: e.Type, split: em.split}
	if em.split {
		b.from, b.to = em.unitOf(e.From), em.unitOf(e.To)
	}
	list, ok := em.buckets[b]
	if !ok {
		em.opened = append(em.opened, b)
	}
	if list == nil {
		list = make([]graph.Edge, 0, em.opts.BatchSize)
	}
	list = append(list, e)
	if len(list) >= em.opts.BatchSize {
		em.buckets[b] = nil
		return em.writeEdges(list, b)
	}
	em.buckets[b] = list
	return nil
}

// flushEdges writes every batch put has begun, in the order they were
// opened.
func (em *emitSink) flushEdges() error {
	opened := em.opened
	em.opened = nil
	for _, b := range opened {
		list := em.buckets[b]
		delete(em.buckets, b)
		if len(list) > 0 {
			if err := em.writeEdges(list, b); err != nil {
				return err
			}
		}
	}
	return nil
}

func (em *emitSink) flushNodes() error {
	if len(em.nodes) == 0 {
		return nil
	}
	nodes := em.nodes
	em.nodes = make([]graph.Node, 0, em.opts.BatchSize)
	k := string(nodes[0].Kind)
	loc := em.ix.nodes[nodes[0].ID].loc
	// A batch of ids the store did not hold when checked is created
	// without reading the store first, if the store can (it falls back to
	// an upsert itself when one exists by now).
	write := em.w.UpsertNodes
	if c, ok := em.w.(NodeCreator); ok && !em.anyStored(nodes) {
		write = func(ctx context.Context, nodes []graph.Node) (graph.WriteStats, error) {
			st, refs, err := c.CreateNodes(ctx, nodes)
			// Only edges into a store that was empty use them (flushEdges).
			if err == nil && len(refs) == len(nodes) && em.ix.storeEmpty {
				m := madeNodes{ids: make([]string, len(nodes)), refs: refs}
				for i, n := range nodes {
					m.ids[i] = n.ID
				}
				em.mu.Lock()
				em.made = append(em.made, m)
				em.mu.Unlock()
			}
			return st, err
		}
	}
	return em.submit(func() error {
		em.startKind(k)
		st, err := write(em.ctx, nodes)
		if err != nil {
			return fmt.Errorf("write %d %s nodes from %s (earlier batches are committed; re-run to converge): %w", len(nodes), k, loc, err)
		}
		em.count(em.rep.Nodes, k, st, len(nodes))
		return nil
	}, nil)
}

// NodeCreator is the optional part of a Writer that writes nodes it is
// told are new without reading the store first (neo4jstore.Store.CreateNodes:
// same result and counts as UpsertNodes). When it created them all it may
// return a reference per node (Neo4j's internal id) for EdgeCreator.
type NodeCreator interface {
	CreateNodes(ctx context.Context, nodes []graph.Node) (graph.WriteStats, []int64, error)
}

// EdgeCreator is the optional part of a Writer that writes edges it is
// told are new (neo4jstore.Store.CreateEdges: same result and counts as
// UpsertEdges). refs is nil or holds two references per edge (from, to),
// as NodeCreator returned them, or NoRef.
type EdgeCreator interface {
	CreateEdges(ctx context.Context, edges []graph.Edge, refs []int64) (graph.WriteStats, error)
}

// NoRef stands for a node without a reference in EdgeCreator's refs
// (the same as neo4jstore.NoRef).
const NoRef int64 = -1

// setRefs moves the references NodeCreator returned into the index (on
// the parsing goroutine, once every node batch is written).
func (em *emitSink) setRefs() {
	em.mu.Lock()
	made := em.made
	em.made = nil
	em.mu.Unlock()
	for _, m := range made {
		for i, id := range m.ids {
			if n, ok := em.ix.nodes[id]; ok && m.refs[i] >= 0 {
				n.ref = m.refs[i] + 1
				em.ix.nodes[id] = n
			}
		}
	}
}

// edgeRefs is the references of the edges' endpoints for EdgeCreator, nil
// if no endpoint has one.
func (em *emitSink) edgeRefs(edges []graph.Edge) []int64 {
	refs := make([]int64, 0, 2*len(edges))
	some := false
	for _, e := range edges {
		for _, id := range [2]string{e.From, e.To} {
			r := NoRef
			if n := em.ix.nodes[id]; n.ref > 0 {
				r, some = n.ref-1, true
			}
			refs = append(refs, r)
		}
	}
	if !some {
		return nil
	}
	return refs
}

// anyStored reports whether checkStore found any of the nodes' ids in the
// store.
func (em *emitSink) anyStored(nodes []graph.Node) bool {
	for _, n := range nodes {
		if em.ix.nodes[n.ID].stored {
			return true
		}
	}
	return false
}

// writeEdges queues one edge batch of bucket b, holding the lock units of
// its endpoints while it is written.
func (em *emitSink) writeEdges(edges []graph.Edge, b bucket) error {
	k := string(edges[0].Type)
	// Into a store that was empty, every edge is new: written without
	// reading the previous state, if the store can (it falls back to an
	// upsert itself when one is not).
	write := em.w.UpsertEdges
	if c, ok := em.w.(EdgeCreator); ok && em.ix.storeEmpty {
		refs := em.edgeRefs(edges)
		write = func(ctx context.Context, edges []graph.Edge) (graph.WriteStats, error) {
			return c.CreateEdges(ctx, edges, refs)
		}
	}
	return em.submit(func() error {
		em.startKind(k)
		st, err := write(em.ctx, edges)
		if err != nil {
			return fmt.Errorf("write %d %s edges (earlier batches are committed; re-run to converge): %w", len(edges), k, err)
		}
		em.count(em.rep.Edges, k, st, len(edges))
		return nil
	}, em.edgeUnits(edges, b))
}

func (em *emitSink) startKind(k string) {
	em.mu.Lock()
	defer em.mu.Unlock()
	if _, ok := em.kindStart[k]; !ok {
		em.kindStart[k] = time.Now()
	}
}

func (em *emitSink) count(list []KindReport, k string, st graph.WriteStats, n int) {
	em.mu.Lock()
	defer em.mu.Unlock()
	for i := range list {
		if list[i].Kind == k {
			list[i].add(st, k)
			list[i].Seconds = time.Since(em.kindStart[k]).Seconds()
		}
	}
	em.done += n
	if em.opts.Progress != nil {
		em.opts.Progress(em.done, em.total)
	}
}

// nodeHash and edgeHash hash everything Flatten would store, in a fixed
// order, so that equal content gives equal sums whatever the map order.
func nodeHash(seed maphash.Seed, n graph.Node) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	for _, s := range []string{string(n.Kind), n.ID, n.Name, n.NameZh} {
		h.WriteString(s)
		h.WriteByte(0)
	}
	for _, a := range n.Aliases {
		h.WriteString(a)
		h.WriteByte(1)
	}
	hashProv(&h, n.Prov)
	hashProps(&h, n.Props)
	return h.Sum64()
}

func edgeHash(seed maphash.Seed, e graph.Edge) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	hashProv(&h, e.Prov)
	hashProps(&h, e.Props)
	return h.Sum64()
}

func hashProv(h *maphash.Hash, p graph.Provenance) {
	for _, s := range []string{p.Source, p.AsOf, p.Evidence, p.UpdatedBy, p.UpdatedAt} {
		h.WriteString(s)
		h.WriteByte(0)
	}
	var buf [8]byte
	binary.LittleEndian.PutUint64(buf[:], math.Float64bits(p.Confidence))
	h.Write(buf[:])
}

func hashProps(h *maphash.Hash, m map[string]any) {
	var buf [8]byte
	var keys [16]string
	ks := keys[:0]
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	for _, k := range ks {
		h.WriteByte(0)
		h.WriteString(k)
		h.WriteByte(1)
		switch v := m[k].(type) {
		case string:
			h.WriteByte('s')
			h.WriteString(v)
		case int64:
			h.WriteByte('i')
			binary.LittleEndian.PutUint64(buf[:], uint64(v))
			h.Write(buf[:])
		case float64:
			h.WriteByte('f')
			binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v))
			h.Write(buf[:])
		case bool:
			if v {
				h.WriteByte('T')
			} else {
				h.WriteByte('F')
			}
		case []string:
			h.WriteByte('l')
			for _, s := range v {
				h.WriteString(s)
				h.WriteByte(0)
			}
		default:
			fmt.Fprintf(h, "%T%v", v, v)
		}
	}
}
