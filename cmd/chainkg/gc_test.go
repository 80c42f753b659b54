package main

import (
	"math"
	"runtime/debug"
	"testing"
)

// gcSettings reads the collector's percent and memory limit without
// changing them.
func gcSettings() (int, int64) {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p, debug.SetMemoryLimit(-1)
}

// TestTuneGC: a load into Neo4j runs with GOGC=400 and the soft memory
// limit unless the environment sets GOGC or GOMEMLIMIT, and the previous
// settings come back afterwards.
func TestTuneGC(t *testing.T) {
	prevP := debug.SetGCPercent(100)
	prevL := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetGCPercent(prevP); debug.SetMemoryLimit(prevL) })

	for _, c := range []struct {
		env     map[string]string
		percent int
		limit   int64
	}{
		{nil, loadGCPercent, loadMemoryLimit},
		{map[string]string{"GOGC": "150"}, 100, loadMemoryLimit},
		{map[string]string{"GOMEMLIMIT": "1GiB"}, loadGCPercent, math.MaxInt64},
		{map[string]string{"GOGC": "off", "GOMEMLIMIT": "1GiB"}, 100, math.MaxInt64},
	} {
		restore := tuneGC(func(k string) string { return c.env[k] })
		if p, l := gcSettings(); p != c.percent || l != c.limit {
			t.Errorf("env %v: GC percent %d, limit %d; want %d, %d", c.env, p, l, c.percent, c.limit)
		}
		restore()
		if p, l := gcSettings(); p != 100 || l != math.MaxInt64 {
			t.Errorf("env %v: after restore GC percent %d, limit %d; want 100, %d", c.env, p, l, int64(math.MaxInt64))
		}
	}
}
