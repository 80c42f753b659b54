package storetest

import (
	"crypto/sha1"
	"encoding/hex"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Neo4jEnv is where the Neo4j tests find their server.
type Neo4jEnv struct {
	URI, Username, Password string
}

// DefaultNeo4jPassword is what `make neo4j-up` sets when NEO4J_PASSWORD is unset.
const DefaultNeo4jPassword = "chainkg-local"

// Neo4j returns the Neo4j server to test against, from NEO4J_URI,
// NEO4J_USERNAME (default neo4j) and NEO4J_PASSWORD (default
// DefaultNeo4jPassword). Without NEO4J_URI the test is skipped, except when
// CI is set: there a skipped Neo4j test would hide a broken set-up, so it
// fails instead.
//
// It also takes an exclusive lock on that server for the rest of the test
// (released by t.Cleanup): Community Edition has one user database and the
// suites wipe it, so test packages that `go test ./...` runs in parallel
// must take turns.
func Neo4j(t testing.TB) Neo4jEnv {
	t.Helper()
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("NEO4J_URI is unset but CI is set: the Neo4j tests must run in CI (make test starts Neo4j)")
		}
		t.Skip("NEO4J_URI unset: skipping the Neo4j run (make test starts a local Neo4j)")
	}
	e := Neo4jEnv{URI: uri, Username: os.Getenv("NEO4J_USERNAME"), Password: os.Getenv("NEO4J_PASSWORD")}
	if e.Username == "" {
		e.Username = "neo4j"
	}
	if e.Password == "" {
		e.Password = DefaultNeo4jPassword
	}
	lockServer(t, uri)
	return e
}

// lockServer serialises access to one Neo4j server across test processes
// with an flock on a file named after the URI. Nested calls from one test
// process are not supported; take it once per test (or in TestMain through
// a testing.TB of your own).
func lockServer(t testing.TB, uri string) {
	sum := sha1.Sum([]byte(uri))
	path := filepath.Join(os.TempDir(), "chainkg-neo4j-"+hex.EncodeToString(sum[:6])+".lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		t.Fatalf("neo4j test lock: %v", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		t.Fatalf("neo4j test lock: %v", err)
	}
	t.Cleanup(func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	})
}
