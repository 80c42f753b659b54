package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for a writer and a poller.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func getenvMap(m map[string]string) env { return func(k string) string { return m[k] } }

// startServe runs `chainkg serve` in-process on a free port and returns the
// GraphQL URL and a stop function that waits for a clean shutdown.
func startServe(t *testing.T, args []string, vars map[string]string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--quiet"}, args...), getenvMap(vars), &stdout, io.Discard)
	}()
	re := regexp.MustCompile(`GraphQL:\s+(http://\S+/graphql)`)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(stdout.String()); m != nil {
			return m[1], func() error {
				cancel()
				select {
				case err := <-done:
					return err
				case <-time.After(15 * time.Second):
					return errors.New("serve did not stop")
				}
			}
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("serve exited: %v\n%s", err, stdout.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	t.Fatalf("serve did not print its URL:\n%s", stdout.String())
	return "", nil
}

func postQuery(t *testing.T, url, query, token string) map[string]any {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// What a user does: serve the bundled dataset, ask for the stats, stop.
func TestServeBundledDataset(t *testing.T) {
	url, stop := startServe(t, nil, nil)
	m := postQuery(t, url, `{ stats { nodes edges byKind { kind count } } }`, "")
	stats, _ := m["data"].(map[string]any)["stats"].(map[string]any)
	if n, _ := stats["nodes"].(float64); n < 100 {
		t.Errorf("bundled dataset has %v nodes: %v", stats["nodes"], m)
	}
	resp, err := http.Get(strings.TrimSuffix(url, "/graphql") + "/readyz")
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("readyz: %v %v", resp, err)
	}
	resp.Body.Close()
	if err := stop(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
}

// --data loads another dataset; a token enables mutations.
func TestServeDataDirAndToken(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "dataset.yaml"), "name: tiny\nnodes:\n  - file: nodes.jsonl\n    kind: Enterprise\n    source: synthetic\n")
	writeFile(t, filepath.Join(dir, "nodes.jsonl"), `{"id": "ent:a", "name": "A Co"}`+"\n")
	tokFile := filepath.Join(dir, "tokens")
	writeFile(t, tokFile, "# planners\nalice alice-token-0123456789\n")
	url, stop := startServe(t, []string{"--data", dir, "--token-file", tokFile}, nil)
	defer stop()
	m := postQuery(t, url, `{ stats { nodes } }`, "")
	if n := m["data"].(map[string]any)["stats"].(map[string]any)["nodes"]; n != float64(1) {
		t.Fatalf("tiny dataset: %v", m)
	}
	add := `mutation { upsertNodes(input: [{id: "ent:b", kind: Enterprise, name: "B Co"}]) { created { kind count } } }`
	if m := postQuery(t, url, add, ""); !strings.Contains(toJSON(m), "UNAUTHENTICATED") {
		t.Errorf("mutation without token: %v", m)
	}
	if m := postQuery(t, url, add, "alice-token-0123456789"); m["errors"] != nil {
		t.Errorf("mutation with token: %v", m)
	}
	m = postQuery(t, url, `{ enterprise(id: "ent:b") { provenance { source updatedBy } } }`, "")
	if !strings.Contains(toJSON(m), `"updatedBy":"alice"`) {
		t.Errorf("provenance: %v", m)
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestServeFlags(t *testing.T) {
	cases := []struct {
		name string
		args []string
	}{
		{"unknown flag", []string{"--nope"}},
		{"extra argument", []string{"extra"}},
		{"validation status", []string{"--validation-status", "500"}},
		{"negative body", []string{"--max-body", "-1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := run(context.Background(), append([]string{"serve"}, c.args...), getenvMap(nil), io.Discard, io.Discard)
			if exitCode(err) != 2 {
				t.Fatalf("err %v (exit %d), want a usage error", err, exitCode(err))
			}
		})
	}
	t.Run("data with neo4j", func(t *testing.T) {
		err := run(context.Background(), []string{"serve", "--neo4j", "bolt://127.0.0.1:1", "--data", "x"}, getenvMap(nil), io.Discard, io.Discard)
		if exitCode(err) != 2 {
			t.Fatalf("err %v, want a usage error", err)
		}
	})
	t.Run("migrate needs a URI", func(t *testing.T) {
		err := run(context.Background(), []string{"migrate"}, getenvMap(nil), io.Discard, io.Discard)
		if exitCode(err) != 2 {
			t.Fatalf("err %v, want a usage error", err)
		}
	})
}

func TestReadTokens(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	writeFile(t, good, "# comment\n\nalice alice-token-0123456789\nbare-token-0123456789\n")
	toks, err := readTokens(good, getenvMap(map[string]string{"CHAINKG_TOKEN": "env-token-0123456789"}))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"alice-token-0123456789": "alice", "bare-token-0123456789": "api", "env-token-0123456789": "env"}
	if toJSON(toks) != toJSON(want) {
		t.Errorf("tokens %v, want %v", toks, want)
	}
	short := filepath.Join(dir, "short")
	writeFile(t, short, "bob short\n")
	if _, err := readTokens(short, getenvMap(nil)); err == nil {
		t.Error("short token accepted")
	}
	bad := filepath.Join(dir, "bad")
	writeFile(t, bad, "a b c\n")
	if _, err := readTokens(bad, getenvMap(nil)); err == nil {
		t.Error("malformed line accepted")
	}
}
