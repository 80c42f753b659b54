package graph_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"chainkg/graph"
)

// cpuTime is the process's user+system CPU time so far (every thread: the
// garbage collector's work counts).
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkAnalysisParts times the analysis of the largest chain at 100k
// enterprises (the memstore stays loaded, so the heap is the one the gap
// report benchmarks see) in parts, and reports the process CPU time per
// operation (cpu-ms/op) besides the wall time: on a shared machine CPU
// time varies less with the load, and it includes the garbage collector.
//
//	go test -run '^$' -bench AnalysisParts -benchtime 40x ./graph/
func BenchmarkAnalysisParts(b *testing.B) {
	s := loadedMemstore(b, 100_000)
	_, p := biggestChain(b, s)
	if _, err := s.Projection(context.Background(), p.ChainID); err != nil {
		b.Fatal(err)
	}
	run := func(name string, f func()) {
		b.Run(name, func(b *testing.B) {
			start := cpuTime(b)
			for b.Loop() {
				f()
			}
			b.ReportMetric(float64(cpuTime(b)-start)/1e6/float64(b.N), "cpu-ms/op")
		})
	}
	run("NewAnalyzer", func() {
		if _, err := graph.NewAnalyzer(p, graph.Options{}); err != nil {
			b.Fatal(err)
		}
	})
	run("Analyze", func() {
		if _, err := graph.Analyze(p, graph.Options{}); err != nil {
			b.Fatal(err)
		}
	})
}
