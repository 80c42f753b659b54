package loaders_test

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"chainkg/graph"
	"chainkg/graph/memstore"
	"chainkg/loaders"
)

// compiling is a store with a compile clock (what neo4jstore reads from the
// JVM): clock gives its reading from the time since it was first read
// (the load's pass 2 begins); while busy it runs as fast as the wall clock
// (one core compiling), else it stands still. It records, for every write, when it
// started and how many writes were in flight then, itself included.
type compiling struct {
	*memstore.Store
	clock func(since time.Duration) (int64, error)

	mu       sync.Mutex
	ticks    []time.Time // when the clock was read
	inFlight int
	starts   []writeStart
}

type writeStart struct {
	at       time.Time
	inFlight int
}

func (c *compiling) CompileMillis(ctx context.Context) (int64, error) {
	c.mu.Lock()
	c.ticks = append(c.ticks, time.Now())
	first := c.ticks[0]
	c.mu.Unlock()
	return c.clock(time.Since(first))
}

func (c *compiling) write(f func() (graph.WriteStats, error)) (graph.WriteStats, error) {
	c.mu.Lock()
	c.inFlight++
	c.starts = append(c.starts, writeStart{time.Now(), c.inFlight})
	c.mu.Unlock()
	time.Sleep(2 * time.Millisecond) // room for writers to overlap
	st, err := f()
	c.mu.Lock()
	c.inFlight--
	c.mu.Unlock()
	return st, err
}

func (c *compiling) UpsertNodes(ctx context.Context, ns []graph.Node) (graph.WriteStats, error) {
	return c.write(func() (graph.WriteStats, error) { return c.Store.UpsertNodes(ctx, ns) })
}

func (c *compiling) UpsertEdges(ctx context.Context, es []graph.Edge) (graph.WriteStats, error) {
	return c.write(func() (graph.WriteStats, error) { return c.Store.UpsertEdges(ctx, es) })
}

// TestLoadDirPace: with Options.Pace, a load writes one batch at a time
// while the store's compile clock runs (a just-started server) and side by
// side again once it stands still; without Pace, or when the clock cannot
// be read, the clock changes nothing. Every way loads the same graph.
func TestLoadDirPace(t *testing.T) {
	defer loaders.SetPaceEvery(20 * time.Millisecond)()
	ctx := context.Background()
	gen := t.TempDir()
	if _, err := loaders.Generate(loaders.GenOptions{Enterprises: 2000, Seed: 7, Out: gen}); err != nil {
		t.Fatal(err)
	}
	fsys := os.DirFS(gen)
	ref := memstore.New()
	if _, err := loaders.LoadDir(ctx, ref, fsys, ".", loaders.Options{BatchSize: 40, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	want, _ := ref.Stats(ctx)

	busy := func(d time.Duration) (int64, error) { return d.Milliseconds(), nil }
	idle := func(time.Duration) (int64, error) { return 42, nil }
	busyFirst := func(d time.Duration) (int64, error) { return min(d, 150*time.Millisecond).Milliseconds(), nil }
	broken := func(time.Duration) (int64, error) { return 0, errors.New("no JMX here") }
	for _, c := range []struct {
		name  string
		clock func(time.Duration) (int64, error)
		pace  bool
		// held: writes started well after the first clock reading must
		// run alone; released: some write after the hold ran beside another.
		held, released bool
	}{
		{"busy", busy, true, true, false},
		{"busy, no pace", busy, false, false, false},
		{"idle", idle, true, false, false},
		{"broken clock", broken, true, false, false},
		{"busy, then idle", busyFirst, true, true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := &compiling{Store: memstore.New(), clock: c.clock}
			rep, err := loaders.LoadDir(ctx, s, fsys, ".", loaders.Options{BatchSize: 40, Workers: 4, Pace: c.pace})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := s.Stats(ctx)
			sameStats(t, c.name, got, want)
			if (rep.PacedSeconds > 0) != c.held {
				t.Errorf("PacedSeconds = %.3f, want > 0: %v", rep.PacedSeconds, c.held)
			}
			if len(s.ticks) < 2 && c.pace && c.name != "broken clock" {
				t.Fatalf("the clock was read %d times; the load was too short to test", len(s.ticks))
			}
			if !c.pace && len(s.ticks) > 0 {
				t.Errorf("the clock was read %d times without Pace", len(s.ticks))
			}
			// The hold starts right after the second reading; leave a margin.
			var from, until time.Time
			if len(s.ticks) >= 2 {
				from = s.ticks[1].Add(30 * time.Millisecond)
			}
			if c.name == "busy, then idle" {
				until = s.ticks[0].Add(150 * time.Millisecond)
			}
			alone, beside, besideAfter := 0, 0, 0
			for _, w := range s.starts {
				switch {
				case from.IsZero() || w.at.Before(from):
				case until.IsZero() || w.at.Before(until):
					if w.inFlight == 1 {
						alone++
					} else {
						beside++
					}
				case w.inFlight > 1:
					besideAfter++
				}
			}
			if c.held && (beside > 0 || alone == 0) {
				t.Errorf("while held: %d writes started alone, %d beside another", alone, beside)
			}
			if !c.held && c.pace && !from.IsZero() && beside == 0 {
				t.Errorf("not held, yet no write started beside another (%d alone)", alone)
			}
			if c.released && besideAfter == 0 {
				t.Errorf("released, yet no write started beside another after the hold")
			}
		})
	}
}
