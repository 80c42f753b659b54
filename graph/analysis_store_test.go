package graph_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"chainkg/data"
	"chainkg/graph"
	"chainkg/graph/memstore"
	"chainkg/graph/neo4jstore"
	"chainkg/graph/storetest"
	"chainkg/loaders"
)

// runOnStore loads a fixture into an empty store, extracts the chain's
// projection, checks it holds every fixture node (so the direct projection
// of TestFixturesDirect is what the stores give) and checks the report.
func runOnStore(t *testing.T, s graph.Store, f fixture) {
	t.Helper()
	ctx := context.Background()
	storetest.Load(t, s, f.nodes, f.edges)
	p, err := s.Projection(ctx, f.chain)
	if err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for _, n := range p.Nodes {
		got = append(got, n.ID)
	}
	for _, n := range f.nodes {
		want = append(want, n.ID)
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("projection nodes = %v, want %v", got, want)
	}
	if len(p.Edges) != len(f.edges) {
		t.Errorf("projection has %d edges, fixture %d", len(p.Edges), len(f.edges))
	}
	r, err := graph.Analyze(p, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, f.name, r)
}

func TestFixturesMemstore(t *testing.T) {
	for _, f := range fixtures() {
		t.Run(f.name, func(t *testing.T) {
			s := memstore.New()
			if err := s.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			runOnStore(t, s, f)
		})
	}
}

func TestFixturesNeo4j(t *testing.T) {
	env := storetest.Neo4j(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: env.URI, Username: env.Username, Password: env.Password})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	for _, f := range fixtures() {
		t.Run(f.name, func(t *testing.T) {
			if err := s.Reset(ctx); err != nil {
				t.Fatalf("reset: %v", err)
			}
			runOnStore(t, s, f)
		})
	}
}

// TestCacheFollowsWrites: a write through the store bumps its revision and
// the next Get sees the new graph; without writes Get reuses the projection.
func TestCacheFollowsWrites(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	f := hydrogenFixture()
	storetest.Load(t, s, f.nodes, f.edges)
	c := graph.NewProjectionCache(s)
	p1, err := c.Get(ctx, f.chain)
	if err != nil {
		t.Fatal(err)
	}
	if p2, _ := c.Get(ctx, f.chain); p2 != p1 {
		t.Fatal("no write, but the cache extracted again")
	}
	// A local firm moves into storage: storage is no longer missing.
	storetest.Load(t, s, []graph.Node{ent("ent:y", "Yotta Tanks", "Yangpu", "SME")},
		[]graph.Edge{ed(graph.RelOperatesIn, "ent:y", "seg:h2-storage")})
	p3, err := c.Get(ctx, f.chain)
	if err != nil {
		t.Fatal(err)
	}
	if p3 == p1 || p3.Revision <= p1.Revision {
		t.Fatalf("revision %d -> %d: cache did not follow the write", p1.Revision, p3.Revision)
	}
	r, err := graph.Analyze(p3, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Gap.Completeness != 1 || len(r.Fill) != 0 {
		t.Fatalf("after the write completeness = %v, fill = %d targets", r.Gap.Completeness, len(r.Fill))
	}
}

// TestConcurrentCache: many goroutines asking for one chain share one
// extraction (run with -race).
func TestConcurrentCache(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	f := hydrogenFixture()
	storetest.Load(t, s, f.nodes, f.edges)
	c := graph.NewProjectionCache(s)
	done := make(chan *graph.Projection)
	for i := 0; i < 16; i++ {
		go func() {
			p, err := c.Get(ctx, f.chain)
			if err != nil {
				t.Error(err)
			}
			done <- p
		}()
	}
	first := <-done
	for i := 1; i < 16; i++ {
		if p := <-done; p != first {
			t.Fatal("concurrent Gets at one revision returned different projections")
		}
	}
	if st := c.Stats(); st.Misses != 1 {
		t.Fatalf("misses = %d, want 1 shared extraction", st.Misses)
	}
}

// TestBundledDataset: every chain of the bundled Yangpu dataset gets a
// report naming its segments with reasons, and across the chains each
// status appears.
func TestBundledDataset(t *testing.T) {
	ctx := context.Background()
	ds, err := loaders.ReadDataset(data.FS, data.Default)
	if err != nil {
		t.Fatalf("read bundled dataset: %v", err)
	}
	s := memstore.New()
	if _, err := loaders.Load(ctx, s, ds, loaders.Options{}); err != nil {
		t.Fatalf("load bundled dataset: %v", err)
	}
	page, err := s.Read(ctx, graph.Query{Kind: graph.KindChain, First: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) == 0 {
		t.Fatal("the bundled dataset has no chain")
	}
	seen := map[graph.Status][]string{}
	for _, it := range page.Items {
		id := it.Node.ID
		t.Run(id, func(t *testing.T) {
			p, err := s.Projection(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			r, err := graph.Analyze(p, graph.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Gap.Segments) == 0 {
				t.Fatalf("chain %s has no segments", id)
			}
			checkReasons(t, r)
			for _, v := range r.Gap.Segments {
				if v.Segment.Name == "" || strings.HasPrefix(v.Segment.Name, "seg:") {
					t.Errorf("segment %s has no real name", v.Segment.ID)
				}
				if len(v.Reasons) == 0 {
					t.Errorf("segment %s (%s) has no reasons", v.Segment.ID, v.Status)
				}
				seen[v.Status] = append(seen[v.Status], v.Segment.ID)
			}
			t.Logf("%s: completeness %.2f strength %.2f fusion %.2f resilience %.2f; %+v",
				id, r.Gap.Completeness, r.Gap.Strength, r.Gap.Fusion, r.Gap.Resilience.Score, r.Gap.StatusCounts)
		})
	}
	for _, st := range []graph.Status{graph.StatusMissing, graph.StatusWeak, graph.StatusCovered, graph.StatusStrong} {
		if len(seen[st]) == 0 {
			t.Errorf("no segment of any chain is %s", st)
		}
	}
}

// naivePartnerships is the partnership definition of docs/analysis.md
// computed pair by pair, to check the grouped top-k implementation.
func naivePartnerships(p *graph.Projection, r *graph.Report) []string {
	nodes := map[string]graph.Node{}
	for _, n := range p.FullNodes() {
		nodes[n.ID] = n
	}
	nbr := map[string]map[string]bool{}
	link := func(a, b string) {
		if nbr[a] == nil {
			nbr[a] = map[string]bool{}
		}
		nbr[a][b] = true
	}
	researches := map[string]map[string]bool{}
	coop := map[[2]string]bool{}
	for _, e := range p.FullEdges() {
		skip := func(id string) bool {
			k := nodes[id].Kind
			return k == graph.KindChain || k == graph.KindSegment || k == graph.KindTechField
		}
		if !skip(e.From) && !skip(e.To) && e.From != e.To {
			link(e.From, e.To)
			link(e.To, e.From)
		}
		if e.Type == graph.RelResearches {
			if researches[e.From] == nil {
				researches[e.From] = map[string]bool{}
			}
			researches[e.From][e.To] = true
		}
		if e.Type == graph.RelCooperates {
			coop[[2]string{e.From, e.To}], coop[[2]string{e.To, e.From}] = true, true
		}
	}
	firmFields := map[string]map[string]bool{}
	for _, v := range r.Gap.Segments {
		if v.Status == graph.StatusStrong {
			continue
		}
		var req []string
		for _, e := range p.FullEdges() {
			if e.Type == graph.RelRequires && e.From == v.Segment.ID {
				req = append(req, e.To)
			}
		}
		for _, f := range v.Firms {
			if firmFields[f.ID] == nil {
				firmFields[f.ID] = map[string]bool{}
				for fl := range researches[f.ID] {
					firmFields[f.ID][fl] = true
				}
			}
			for _, fl := range req {
				firmFields[f.ID][fl] = true
			}
		}
	}
	type pair struct {
		k, f  string
		score float64
	}
	var pairs []pair
	for k, n := range nodes {
		if (n.Kind != graph.KindUniversity && n.Kind != graph.KindLab) || n.Props["region"] != "Yangpu" {
			continue
		}
		for f, ff := range firmFields {
			inter := 0
			for fl := range researches[k] {
				if ff[fl] {
					inter++
				}
			}
			if inter == 0 || coop[[2]string{k, f}] {
				continue
			}
			j := float64(inter) / float64(len(researches[k])+len(ff)-inter)
			aa := 0.0
			for z := range nbr[k] {
				if nbr[z][f] && len(nbr[z]) >= 2 {
					aa += 1 / math.Log(float64(len(nbr[z])))
				}
			}
			pairs = append(pairs, pair{k, f, math.Round((j+0.5*aa)*1e4) / 1e4})
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if a.score != b.score {
			if a.score > b.score {
				return -1
			}
			return 1
		}
		return strings.Compare(a.k+"\x00"+a.f, b.k+"\x00"+b.f)
	})
	var out []string
	for _, p := range pairs {
		out = append(out, fmt.Sprintf("%s+%s %.4f", p.k, p.f, p.score))
	}
	return out
}

// TestPartnershipsMatchNaive: on every bundled chain, with room for every
// pair, the grouped implementation lists exactly the naive pairs in order.
func TestPartnershipsMatchNaive(t *testing.T) {
	ctx := context.Background()
	ds, err := loaders.ReadDataset(data.FS, data.Default)
	if err != nil {
		t.Fatal(err)
	}
	s := memstore.New()
	if _, err := loaders.Load(ctx, s, ds, loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	page, err := s.Read(ctx, graph.Query{Kind: graph.KindChain, First: 100})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	defer func() {
		if total == 0 {
			t.Error("no partnership in any chain: the comparison is vacuous")
		}
	}()
	for _, it := range page.Items {
		for _, max := range []int{1000, 3} {
			t.Run(fmt.Sprintf("%s/top%d", it.Node.ID, max), func(t *testing.T) {
				p, err := s.Projection(ctx, it.Node.ID)
				if err != nil {
					t.Fatal(err)
				}
				r, err := graph.Analyze(p, graph.Options{MaxCandidates: max})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, x := range r.Strengthen.Partnerships {
					got = append(got, fmt.Sprintf("%s+%s %.4f", x.Knowledge.ID, x.Enterprise.ID, x.Score))
				}
				want := naivePartnerships(p, r)
				total += len(want)
				if len(want) > max {
					want = want[:max]
				}
				if !slices.Equal(got, want) {
					t.Fatalf("partnerships\n got  %v\n want %v", got, want)
				}
			})
		}
	}
}
