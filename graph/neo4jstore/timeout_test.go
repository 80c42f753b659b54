package neo4jstore

import (
	"context"
	"testing"
	"time"

	"chainkg/graph"
	"chainkg/graph/storetest"
)

// TestServerTimeout: a statement that outlives Config.QueryTimeout or the
// context deadline is stopped by the server (the transaction timeout the
// store sends) and reported as CodeTimeout.
func TestServerTimeout(t *testing.T) {
	env := storetest.Neo4j(t)
	const slow = "UNWIND range(1, 2000000000) AS x WITH x WHERE x % 7 = 0 RETURN count(x)"
	cases := []struct {
		name     string
		cfg      time.Duration
		deadline time.Duration
	}{
		{"config query timeout", 300 * time.Millisecond, 0},
		{"context deadline", 0, 300 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(context.Background(), Config{URI: env.URI, Username: env.Username, Password: env.Password, QueryTimeout: tc.cfg})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close(context.Background())
			ctx := context.Background()
			if tc.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.deadline)
				defer cancel()
			}
			start := time.Now()
			_, err = s.query(ctx, "slow", slow, nil)
			if code := graph.CodeOf(err); code != graph.CodeTimeout {
				t.Fatalf("code %q (err %v), want %s", code, err, graph.CodeTimeout)
			}
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("stopped after %v", d)
			}
			t.Logf("%v after %v", err, time.Since(start))
		})
	}
}
