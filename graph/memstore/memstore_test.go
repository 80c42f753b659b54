package memstore_test

import (
	"testing"

	"chainkg/graph"
	"chainkg/graph/memstore"
	"chainkg/graph/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) graph.Store {
		s := memstore.New()
		t.Cleanup(func() { s.Close(t.Context()) })
		return s
	})
}
