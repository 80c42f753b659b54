package loaders_test

import (
	"context"
	"os"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"chainkg/data"
	"chainkg/graph"
	"chainkg/graph/memstore"
	"chainkg/graph/neo4jstore"
	"chainkg/graph/storetest"
	"chainkg/loaders"
)

// The Neo4j store has the loader's fast paths into an empty store.
var (
	_ loaders.NodeCreator = (*neo4jstore.Store)(nil)
	_ loaders.EdgeCreator = (*neo4jstore.Store)(nil)
)

// emptyNeo4j opens the test server's store (closed when the test ends),
// migrated and emptied.
func emptyNeo4j(ctx context.Context, t *testing.T) *neo4jstore.Store {
	t.Helper()
	env := storetest.Neo4j(t)
	s, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: env.URI, Username: env.Username, Password: env.Password})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestNeo4jLoad: the bundled dataset loads into Neo4j with the same counts
// as the embedded store; the second run changes nothing; broken input (an
// endpoint that exists nowhere, a kind clash) leaves Neo4j unchanged; a
// re-run after an interrupted load converges.
func TestNeo4jLoad(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	neo := emptyNeo4j(ctx, t)
	ds := bundled(t)

	mem := memstore.New()
	if _, err := loaders.Load(ctx, mem, ds, loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	want, _ := mem.Stats(ctx)

	first, err := loaders.Load(ctx, neo, ds, loaders.Options{BatchSize: 50})
	if err != nil {
		t.Fatal(err)
	}
	if first.Total.Created != len(ds.Nodes)+len(ds.Edges) {
		t.Errorf("first load created %d of %d", first.Total.Created, len(ds.Nodes)+len(ds.Edges))
	}
	got, err := neo.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameStats(t, "after the first load", got, want)
	rev, _ := neo.Revision(ctx)

	second, err := loaders.Load(ctx, neo, ds, loaders.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if second.Changed() || second.Total.Unchanged != second.Total.Rows {
		t.Errorf("second load changed something: %+v", second.Total)
	}
	if rev2, _ := neo.Revision(ctx); rev2 != rev {
		t.Errorf("revision moved %d -> %d on a no-op load", rev, rev2)
	}

	for name, fsys := range map[string]fstest.MapFS{
		"edge to a node that exists nowhere": {
			"x/dataset.yaml": {Data: []byte("name: x\nsource: t\nnodes: [{file: n.csv, kind: Lab}]\nedges: [{file: e.csv, type: COOPERATES_WITH}]\n")},
			"x/n.csv":        {Data: []byte("id,name\nlab-new,New lab\n")},
			"x/e.csv":        {Data: []byte("from,to\nlab-new,univ-fudan\nlab-new,nowhere-1\n")},
		},
		"id taken by another kind": {
			"x/dataset.yaml": {Data: []byte("name: x\nsource: t\nnodes: [{file: n.csv, kind: Lab}]\n")},
			"x/n.csv":        {Data: []byte("id,name\nlab-new,New lab\nuniv-tongji,Tongji as a lab\n")},
		},
	} {
		t.Run(name, func(t *testing.T) {
			bad, err := loaders.ReadDataset(fsys, "x")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := loaders.Load(ctx, neo, bad, loaders.Options{}); err == nil {
				t.Fatal("no error")
			}
			after, _ := neo.Stats(ctx)
			sameStats(t, "after the rejected load", after, want)
			if rev2, _ := neo.Revision(ctx); rev2 != rev {
				t.Errorf("revision moved %d -> %d", rev, rev2)
			}
		})
	}

	// Every broken-file case, through both load paths, leaves Neo4j as it was.
	t.Run("broken files", func(t *testing.T) { checkBroken(t, neo) })

	// Interrupted load (the context dies after a few batches), then a re-run.
	if err := neo.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	cctx, stop := context.WithCancel(ctx)
	batches := 0
	_, err = loaders.Load(cctx, neo, ds, loaders.Options{BatchSize: 20, Progress: func(done, total int) {
		if batches++; batches == 4 {
			stop()
		}
	}})
	if err == nil {
		t.Fatal("interrupted load did not fail")
	}
	mid, _ := neo.Stats(ctx)
	if mid.Nodes == 0 || mid.Nodes >= want.Nodes {
		t.Errorf("interrupted load left %d nodes; want some committed batches", mid.Nodes)
	}
	if _, err := loaders.Load(ctx, neo, ds, loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	final, _ := neo.Stats(ctx)
	sameStats(t, "after the re-run", final, want)

	// The streaming path chainkg load uses for one directory.
	if err := neo.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := loaders.LoadDir(ctx, neo, data.FS, data.Default, loaders.Options{BatchSize: 100}); err != nil {
		t.Fatal(err)
	}
	streamed, _ := neo.Stats(ctx)
	sameStats(t, "after LoadDir", streamed, want)
	again, err := loaders.LoadDir(ctx, neo, data.FS, data.Default, loaders.Options{})
	if err != nil || again.Changed() {
		t.Errorf("second LoadDir: %v %+v", err, again.Total)
	}
}

func sameStats(t *testing.T, what string, got, want graph.Stats) {
	t.Helper()
	if got.Nodes != want.Nodes || got.Edges != want.Edges || len(got.ByKind) != len(want.ByKind) || len(got.ByType) != len(want.ByType) {
		t.Fatalf("%s: got %d nodes %d edges, want %d %d", what, got.Nodes, got.Edges, want.Nodes, want.Edges)
	}
	for i := range got.ByKind {
		if got.ByKind[i] != want.ByKind[i] {
			t.Errorf("%s: %v, want %v", what, got.ByKind[i], want.ByKind[i])
		}
	}
	for i := range got.ByType {
		if got.ByType[i] != want.ByType[i] {
			t.Errorf("%s: %v, want %v", what, got.ByType[i], want.ByType[i])
		}
	}
}

// inFlight wraps the Neo4j store to count the edge writes running at once.
type inFlight struct {
	*neo4jstore.Store
	mu       sync.Mutex
	now, max int
}

func (f *inFlight) CreateEdges(ctx context.Context, edges []graph.Edge, refs []int64) (graph.WriteStats, error) {
	f.mu.Lock()
	f.now++
	f.max = max(f.max, f.now)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.now--
		f.mu.Unlock()
	}()
	return f.Store.CreateEdges(ctx, edges, refs)
}

// TestNeo4jLoadDirWorkers: two writers (edge batches side by side,
// sorted by the endpoints' lock units) load a generated dataset into Neo4j
// with the counts of one writer into the embedded store, on the fast paths
// (every row created), and a second load finds everything unchanged.
func TestNeo4jLoadDirWorkers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	store := emptyNeo4j(ctx, t)
	gen := t.TempDir()
	if _, err := loaders.Generate(loaders.GenOptions{Enterprises: 3000, Seed: 11, Out: gen}); err != nil {
		t.Fatal(err)
	}
	fsys := os.DirFS(gen)
	mem := memstore.New()
	if _, err := loaders.LoadDir(ctx, mem, fsys, ".", loaders.Options{BatchSize: 200, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	want, _ := mem.Stats(ctx)
	neo := &inFlight{Store: store}
	// Two writers cut each kind into 4 parts: SUPPLIES and OPERATES_IN
	// (3,500-4,200 rows) are sorted into 16 buckets each.
	rep, err := loaders.LoadDir(ctx, neo, fsys, ".", loaders.Options{BatchSize: 200, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := neo.Stats(ctx)
	sameStats(t, "4 writers into Neo4j", got, want)
	if rep.Total.Created != rep.Total.Rows || int64(rep.Total.Rows) != want.Nodes+want.Edges {
		t.Errorf("created %d of %d rows, want all %d", rep.Total.Created, rep.Total.Rows, want.Nodes+want.Edges)
	}
	if neo.max < 2 {
		t.Errorf("at most %d edge write in flight with 2 writers", neo.max)
	}
	again, err := loaders.LoadDir(ctx, neo, fsys, ".", loaders.Options{Workers: 2})
	if err != nil || again.Changed() {
		t.Errorf("second load: %v %+v", err, again.Total)
	}
}
