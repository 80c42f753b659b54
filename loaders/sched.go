package loaders

import (
	"context"
	"hash/maphash"
	"slices"
	"sync"

	"chainkg/graph"
)

// The streaming load writes its batches through a scheduler: Options.Workers
// writer goroutines, each taking the oldest queued batch whose lock units
// no running batch holds.
//
// A lock unit is a slice of the nodes: one node kind and one of
// lockParts(workers) parts of its ids, by hash. A node batch holds none;
// an edge batch holds the units of its endpoints. So two edge batches
// written at once never share an endpoint node: Neo4j locks both ends of
// every relationship it creates until the transaction commits, and two
// transactions sharing endpoints (chain-masters, segments, incubators)
// wait for each other or deadlock. Edges of a large relation type are
// sorted into buckets by the units of their two endpoints, a batch per
// bucket, so that most pairs of batches are disjoint: the "mix and batch"
// way of loading relationships in parallel.

// unit is one lock unit.
type unit struct {
	kind graph.Kind
	part uint8
}

// lockParts is how many parts a kind's ids are cut into: with twice as many
// parts as writers, two random buckets of one kind are disjoint often
// enough to keep two writers busy, and the buckets stay large.
func lockParts(workers int) int {
	return min(2*workers, 64)
}

// job is one queued batch.
type job struct {
	run   func() error
	units []unit // held while it runs
}

// sched queues jobs for the writers.
type sched struct {
	mu     sync.Mutex
	cond   *sync.Cond
	queue  []*job
	busy   map[unit]bool
	limit  int // queued jobs before submit waits
	closed bool
	// active caps the jobs running at once (0: no cap beyond the
	// writers); setActive changes it while the load runs (pace).
	active, running int
	stopCtx         func() bool
}

func newSched(ctx context.Context, limit int) *sched {
	s := &sched{busy: map[unit]bool{}, limit: limit}
	s.cond = sync.NewCond(&s.mu)
	// A submit waiting for room wakes up when the load is cancelled.
	s.stopCtx = context.AfterFunc(ctx, func() {
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
	})
	return s
}

// submit queues a job, waiting while the queue is full; it returns the
// context's error if the load is cancelled meanwhile.
func (s *sched) submit(ctx context.Context, j *job) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.queue) >= s.limit {
		if err := ctx.Err(); err != nil {
			return err
		}
		s.cond.Wait()
	}
	s.queue = append(s.queue, j)
	s.cond.Broadcast()
	return nil
}

// take returns the oldest queued job none of whose units is busy, marking
// them busy, once fewer than active jobs run; nil once the scheduler is
// closed and empty.
func (s *sched) take() *job {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		for i, j := range s.queue {
			if s.active > 0 && s.running >= s.active {
				break // held to fewer jobs at once (pace)
			}
			if !slices.ContainsFunc(j.units, func(u unit) bool { return s.busy[u] }) {
				s.queue = slices.Delete(s.queue, i, i+1)
				for _, u := range j.units {
					s.busy[u] = true
				}
				s.running++
				s.cond.Broadcast() // room in the queue
				return j
			}
		}
		if s.closed && len(s.queue) == 0 {
			return nil
		}
		s.cond.Wait()
	}
}

// done releases a job's units.
func (s *sched) done(j *job) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range j.units {
		delete(s.busy, u)
	}
	s.running--
	s.cond.Broadcast()
}

// setActive caps the jobs running at once at n (0: no cap); a job already
// running finishes.
func (s *sched) setActive(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.active = n
	s.cond.Broadcast()
}

// close lets the writers end once the queue is empty.
func (s *sched) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.stopCtx()
	s.cond.Broadcast()
}

// unitOf is the lock unit of a node id: its kind as pass 1 saw it (none
// for a node outside the dataset) and its part.
func (em *emitSink) unitOf(id string) unit {
	return unit{kind: em.ix.nodes[id].kind, part: uint8(maphash.String(em.ix.seed2, id) % uint64(em.parts))}
}

// edgeUnits is the set of lock units of the edges' endpoints: the
// bucket's two for a type split into buckets, else collected.
func (em *emitSink) edgeUnits(edges []graph.Edge, b bucket) []unit {
	if b.split {
		if b.from == b.to {
			return []unit{b.from}
		}
		return []unit{b.from, b.to}
	}
	set := map[unit]bool{}
	for _, e := range edges {
		set[em.unitOf(e.From)] = true
		set[em.unitOf(e.To)] = true
	}
	us := make([]unit, 0, len(set))
	for u := range set {
		us = append(us, u)
	}
	return us
}

// bucket is where put sorts an edge: its type and, for a type split into
// buckets, the lock units of its endpoints.
type bucket struct {
	typ      graph.RelType
	split    bool
	from, to unit
}
