package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"chainkg/graph"
	"chainkg/graph/memstore"
	"chainkg/graph/neo4jstore"
	"chainkg/graph/storetest"
	"chainkg/schema"
	"chainkg/server"
)

// executor wires schema.Engine into server.Executor the way cmd/chainkg does.
type executor struct{ e *schema.Engine }

func (x executor) Execute(ctx context.Context, r server.Request) server.Result {
	res := x.e.Do(ctx, schema.Request(r))
	out := server.Result{Outcome: server.Outcome(res.Outcome), HasData: res.HasData, Data: res.Data}
	for _, e := range res.Errors {
		se := server.Error{Message: e.Message, Path: e.Path, Extensions: e.Extensions}
		for _, l := range e.Locations {
			se.Locations = append(se.Locations, server.Location(l))
		}
		out.Errors = append(out.Errors, se)
	}
	return out
}

const token = "test-token-0123456789"

var page = fstest.MapFS{
	"index.html":       {Data: []byte("<!doctype html><title>GraphiQL</title>")},
	"assets/app-1.js":  {Data: []byte("console.log(1)")},
	"assets/app-1.css": {Data: []byte("body{}")},
}

func newServer(t testing.TB, store graph.Store, mod func(*server.Config)) http.Handler {
	t.Helper()
	eng, err := schema.NewEngine(&schema.Deps{Store: store}, schema.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := server.Config{
		Executor: executor{eng}, Ready: store, GraphiQL: page,
		Tokens: map[string]string{token: "planner"}, CORSOrigins: []string{"https://dash.example"}, Log: io.Discard,
	}
	if mod != nil {
		mod(&cfg)
	}
	return server.New(cfg).Handler()
}

func fixtureStore(t testing.TB) graph.Store {
	s := memstore.New()
	n, e := storetest.Fixture()
	storetest.Load(t, s, n, e)
	return s
}

type reply struct {
	status int
	header http.Header
	body   string
}

func (r reply) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("body is not JSON: %v: %q", err, r.body)
	}
	return m
}

func do(h http.Handler, method, target string, hdr map[string]string, body string) reply {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return reply{status: w.Code, header: w.Header(), body: w.Body.String()}
}

func post(h http.Handler, body string, hdr map[string]string) reply {
	m := map[string]string{"Content-Type": "application/json"}
	for k, v := range hdr {
		m[k] = v
	}
	return do(h, http.MethodPost, "/graphql", m, body)
}

func gqlBody(query string) string {
	b, _ := json.Marshal(map[string]any{"query": query})
	return string(b)
}

const statsQuery = `{ stats { nodes edges byKind { kind count } } }`

const gqlResp = "application/graphql-response+json"

func TestGraphQLOverHTTP(t *testing.T) {
	h := newServer(t, fixtureStore(t), nil)
	ctJSON := map[string]string{"Content-Type": "application/json"}
	cases := []struct {
		name       string
		method     string
		target     string
		hdr        map[string]string
		body       string
		wantStatus int
		wantType   string // prefix of Content-Type
		wantData   bool   // "data" present in the JSON body
		wantCode   string // extensions.code of the first error
		wantHeader [2]string
	}{
		{name: "post json", method: "POST", target: "/graphql", hdr: ctJSON, body: gqlBody(statsQuery), wantStatus: 200, wantType: "application/json", wantData: true},
		{name: "post graphql-response", method: "POST", target: "/graphql", hdr: map[string]string{"Content-Type": "application/json", "Accept": gqlResp}, body: gqlBody(statsQuery), wantStatus: 200, wantType: gqlResp, wantData: true},
		{name: "accept star", method: "POST", target: "/graphql", hdr: map[string]string{"Content-Type": "application/json; charset=utf-8", "Accept": "*/*"}, body: gqlBody(statsQuery), wantStatus: 200, wantType: "application/json", wantData: true},
		{name: "get query", method: "GET", target: "/graphql?query=" + url.QueryEscape(statsQuery), wantStatus: 200, wantType: "application/json", wantData: true},
		{name: "get variables", method: "GET", target: "/graphql?query=" + url.QueryEscape(`query($id: ID!) { node(id: $id) { id } }`) + "&variables=" + url.QueryEscape(`{"id":"ent:moxing"}`), wantStatus: 200, wantData: true},
		{name: "get without query 400", method: "GET", target: "/graphql", hdr: map[string]string{"Accept": "application/json"}, wantStatus: 400, wantCode: "BAD_REQUEST"},
		{name: "get bad variables", method: "GET", target: "/graphql?query=" + url.QueryEscape(statsQuery) + "&variables=%5B1%5D", wantStatus: 400, wantCode: "BAD_REQUEST"},
		{name: "get mutation 405", method: "GET", target: "/graphql?query=" + url.QueryEscape(`mutation { removeEdge(type: LEADS, from: "a", to: "b") }`), wantStatus: 405, wantHeader: [2]string{"Allow", "POST"}},
		{name: "put 405", method: "PUT", target: "/graphql", hdr: ctJSON, body: gqlBody(statsQuery), wantStatus: 405, wantHeader: [2]string{"Allow", "GET, POST"}},
		{name: "form 415", method: "POST", target: "/graphql", hdr: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, body: "query=" + url.QueryEscape(statsQuery), wantStatus: 415},
		{name: "multipart 415", method: "POST", target: "/graphql", hdr: map[string]string{"Content-Type": "multipart/form-data; boundary=x"}, body: "--x--", wantStatus: 415},
		{name: "text 415", method: "POST", target: "/graphql", hdr: map[string]string{"Content-Type": "text/plain"}, body: gqlBody(statsQuery), wantStatus: 415},
		{name: "no content type 415", method: "POST", target: "/graphql", body: gqlBody(statsQuery), wantStatus: 415},
		{name: "invalid json 400", method: "POST", target: "/graphql", hdr: ctJSON, body: `{"query": "{ stats { nodes } }"`, wantStatus: 400, wantCode: "BAD_REQUEST"},
		{name: "json array 400", method: "POST", target: "/graphql", hdr: ctJSON, body: `[{"query": "{ stats { nodes } }"}]`, wantStatus: 400, wantCode: "BAD_REQUEST"},
		{name: "query not a string 400", method: "POST", target: "/graphql", hdr: ctJSON, body: `{"query": 7}`, wantStatus: 400, wantCode: "BAD_REQUEST"},
		{name: "variables not an object 400", method: "POST", target: "/graphql", hdr: ctJSON, body: `{"query": "{ stats { nodes } }", "variables": "x"}`, wantStatus: 400, wantCode: "BAD_REQUEST"},
		{name: "no query 400", method: "POST", target: "/graphql", hdr: ctJSON, body: `{}`, wantStatus: 400, wantCode: "BAD_REQUEST"},
		{name: "oversize 413", method: "POST", target: "/graphql", hdr: ctJSON, body: gqlBody("{" + strings.Repeat(" ", 70000) + "stats { nodes } }"), wantStatus: 413},
		{name: "parse error legacy 200", method: "POST", target: "/graphql", hdr: ctJSON, body: gqlBody("{"), wantStatus: 200, wantCode: schema.CodeParseFailed},
		{name: "parse error 400", method: "POST", target: "/graphql", hdr: map[string]string{"Content-Type": "application/json", "Accept": gqlResp}, body: gqlBody("{"), wantStatus: 400, wantType: gqlResp, wantCode: schema.CodeParseFailed},
		{name: "validation error 400", method: "POST", target: "/graphql", hdr: map[string]string{"Content-Type": "application/json", "Accept": gqlResp}, body: gqlBody("{ nope }"), wantStatus: 400, wantCode: schema.CodeValidationFailed},
		{name: "validation error legacy 200", method: "POST", target: "/graphql", hdr: ctJSON, body: gqlBody("{ nope }"), wantStatus: 200, wantCode: schema.CodeValidationFailed},
		{name: "bad variable value", method: "POST", target: "/graphql", hdr: map[string]string{"Content-Type": "application/json", "Accept": gqlResp}, body: `{"query": "query($id: ID!) { node(id: $id) { id } }", "variables": {}}`, wantStatus: 400, wantCode: "BAD_USER_INPUT"},
		{name: "field error keeps data", method: "POST", target: "/graphql", hdr: map[string]string{"Content-Type": "application/json", "Accept": gqlResp}, body: gqlBody(`{ enterprises(first: 1000) { totalCount } stats { nodes } }`), wantStatus: 200, wantData: true, wantCode: "LIMIT_EXCEEDED"},
		{name: "not acceptable 406", method: "POST", target: "/graphql", hdr: map[string]string{"Content-Type": "application/json", "Accept": "image/png"}, body: gqlBody(statsQuery), wantStatus: 406},
		{name: "browser gets GraphiQL", method: "GET", target: "/graphql", hdr: map[string]string{"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}, wantStatus: 200, wantType: "text/html", wantHeader: [2]string{"Content-Security-Policy", server.GraphiQLCSP}},
		{name: "graphiql page", method: "GET", target: "/graphiql/", wantStatus: 200, wantType: "text/html", wantHeader: [2]string{"X-Frame-Options", "DENY"}},
		{name: "graphiql asset", method: "GET", target: "/graphiql/assets/app-1.js", wantStatus: 200, wantType: "text/javascript", wantHeader: [2]string{"Cache-Control", "public, max-age=31536000, immutable"}},
		{name: "graphiql traversal 404", method: "GET", target: "/graphiql/../../etc/passwd", wantStatus: 404},
		{name: "graphiql missing 404", method: "GET", target: "/graphiql/assets/nope.js", wantStatus: 404},
		{name: "healthz", method: "GET", target: "/healthz", wantStatus: 200, wantType: "application/json"},
		{name: "readyz", method: "GET", target: "/readyz", wantStatus: 200, wantType: "application/json"},
		{name: "mutation without token", method: "POST", target: "/graphql", hdr: ctJSON, body: gqlBody(`mutation { removeEdge(type: LEADS, from: "a", to: "b") }`), wantStatus: 200, wantData: true, wantCode: "UNAUTHENTICATED"},
		{name: "mutation bad token", method: "POST", target: "/graphql", hdr: map[string]string{"Content-Type": "application/json", "Authorization": "Bearer wrong-token-0123456789"}, body: gqlBody(`mutation { removeEdge(type: LEADS, from: "a", to: "b") }`), wantStatus: 200, wantData: true, wantCode: "UNAUTHENTICATED"},
		{name: "mutation with token", method: "POST", target: "/graphql", hdr: map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + token}, body: gqlBody(`mutation { removeEdge(type: LEADS, from: "a", to: "b") }`), wantStatus: 200, wantData: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := do(h, c.method, c.target, c.hdr, c.body)
			if r.status != c.wantStatus {
				t.Fatalf("status %d, want %d: %s", r.status, c.wantStatus, r.body)
			}
			if c.wantType != "" && !strings.HasPrefix(r.header.Get("Content-Type"), c.wantType) {
				t.Errorf("Content-Type %q, want %q", r.header.Get("Content-Type"), c.wantType)
			}
			if c.wantHeader[0] != "" && r.header.Get(c.wantHeader[0]) != c.wantHeader[1] {
				t.Errorf("%s: %q, want %q", c.wantHeader[0], r.header.Get(c.wantHeader[0]), c.wantHeader[1])
			}
			if !strings.HasPrefix(r.header.Get("Content-Type"), "application/") {
				return
			}
			m := r.json(t)
			if _, ok := m["data"]; ok != c.wantData {
				t.Errorf("data present = %v, want %v: %s", ok, c.wantData, r.body)
			}
			errs, _ := m["errors"].([]any)
			if c.wantCode == "" {
				if c.wantData && len(errs) > 0 {
					t.Errorf("unexpected errors: %s", r.body)
				}
				return
			}
			if len(errs) == 0 {
				t.Fatalf("no errors, want %s: %s", c.wantCode, r.body)
			}
			code, _ := errs[0].(map[string]any)["extensions"].(map[string]any)["code"].(string)
			if code != c.wantCode {
				t.Errorf("code %q, want %q: %s", code, c.wantCode, r.body)
			}
		})
	}
}

// Every error of every response carries extensions.code.
func TestEveryErrorHasCode(t *testing.T) {
	h := newServer(t, fixtureStore(t), nil)
	for _, q := range []string{"{", "{ nope }", `{ node(id: "bad id!") { id } }`, `{ paths(from: "a", to: "b", maxHops: 99) { length } }`, `query { ...A } fragment A on Query { ...A }`} {
		r := post(h, gqlBody(q), nil)
		errs, _ := r.json(t)["errors"].([]any)
		if len(errs) == 0 {
			t.Fatalf("%s: no errors: %s", q, r.body)
		}
		for _, e := range errs {
			if c, _ := e.(map[string]any)["extensions"].(map[string]any)["code"].(string); c == "" {
				t.Errorf("%s: error without code: %s", q, r.body)
			}
		}
	}
}

// Hostile documents that crash graphql-go v0.8.1 or make it quadratic get
// a 4xx, and the server keeps serving.
func TestHostileInputs(t *testing.T) {
	h := newServer(t, fixtureStore(t), func(c *server.Config) { c.MaxBodyBytes = 4 << 20 })
	var aliases strings.Builder
	aliases.WriteString("{")
	for i := 0; i < 10000; i++ {
		aliases.WriteString(" a")
		aliases.WriteString(strings.Repeat("x", i%3))
		aliases.WriteString(string(rune('0' + i%10)))
		aliases.WriteString(":__typename")
	}
	aliases.WriteString("}")
	var bomb strings.Builder
	bomb.WriteString("query { ...F0 }\n")
	for i := 0; i < 30; i++ {
		bomb.WriteString("fragment F" + itoa(i) + " on Query { ...F" + itoa(i+1) + " ...F" + itoa(i+1) + " }\n")
	}
	bomb.WriteString("fragment F30 on Query { stats { nodes } }")
	deep := "{ chain(id: \"chain:ai\") {" + strings.Repeat(" segments { edges { node { feeds {", 6) + " totalCount" + strings.Repeat(" } } } }", 6) + " } }"
	var conflicts strings.Builder
	conflicts.WriteString("{")
	for i := 0; i < 20; i++ {
		conflicts.WriteString(" chains { edges { node {")
		for j := 0; j < 20; j++ {
			conflicts.WriteString(" segments(first: " + itoa(j+1) + ") { totalCount }")
		}
		conflicts.WriteString(" } } }")
	}
	conflicts.WriteString(" }")
	var dupArgs strings.Builder
	dupArgs.WriteString("{")
	for i := 0; i < 40; i++ {
		dupArgs.WriteString(" a" + itoa(i) + ": search(" + strings.Repeat(`text: "a" `, 50) + ") { score }")
	}
	dupArgs.WriteString(" }")
	cases := []struct{ name, query string }{
		{"2,000 duplicate-argument errors (graphql-go locates each with a regexp over the body)", dupArgs.String()},
		{"20x20 conflicting nested fields (minutes in the overlap rule)", conflicts.String()},
		{"cyclic fragments", "query { ...A } fragment A on Query { ...B stats { nodes } } fragment B on Query { ...A }"},
		{"self-cycle", "query { ...A } fragment A on Query { ...A }"},
		{"1 MB nested brackets", "{ search(text: \"x\", kinds: " + strings.Repeat("[", 1<<20) + ") { score } }"},
		{"1 MB nested braces", strings.Repeat("{", 1<<20)},
		{"10,000 aliases", aliases.String()},
		{"deep nesting", deep},
		{"fragment bomb", bomb.String()},
		{"token flood", "{ " + strings.Repeat("stats { nodes } ", 20000) + "}"},
		{"repeated fields", "{ " + strings.Repeat("__typename ", 5000) + "}"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := post(h, gqlBody(c.query), map[string]string{"Accept": gqlResp})
			if r.status < 400 || r.status > 499 {
				t.Fatalf("status %d, want 4xx: %.300s", r.status, r.body)
			}
			if _, ok := r.json(t)["data"]; ok {
				t.Errorf("data present on a refused request")
			}
			if f := post(h, gqlBody(statsQuery), nil); f.status != 200 || !strings.Contains(f.body, `"nodes"`) {
				t.Fatalf("follow-up request failed: %d %s", f.status, f.body)
			}
		})
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func TestCORS(t *testing.T) {
	h := newServer(t, fixtureStore(t), nil)
	r := post(h, gqlBody(statsQuery), map[string]string{"Origin": "https://dash.example"})
	if got := r.header.Get("Access-Control-Allow-Origin"); got != "https://dash.example" {
		t.Errorf("allowed origin: Access-Control-Allow-Origin %q", got)
	}
	r = post(h, gqlBody(statsQuery), map[string]string{"Origin": "https://evil.example"})
	if got := r.header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("other origin got Access-Control-Allow-Origin %q", got)
	}
	r = do(h, http.MethodOptions, "/graphql", map[string]string{"Origin": "https://dash.example", "Access-Control-Request-Method": "POST"}, "")
	if r.status != http.StatusNoContent || !strings.Contains(r.header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight: %d %v", r.status, r.header)
	}
	none := newServer(t, fixtureStore(t), func(c *server.Config) { c.CORSOrigins = nil })
	r = post(none, gqlBody(statsQuery), map[string]string{"Origin": "https://dash.example"})
	if got := r.header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("default config allows origin %q", got)
	}
}

// A Neo4j store whose server is down: /readyz 503 and queries answer
// STORE_UNAVAILABLE without crashing.
func TestStoreDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s, err := neo4jstore.Open(context.Background(), neo4jstore.Config{URI: "bolt://" + addr, Username: "neo4j", Password: "x"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	h := newServer(t, s, func(c *server.Config) { c.Timeout = 20 * time.Second })
	r := do(h, http.MethodGet, "/readyz", nil, "")
	if r.status != http.StatusServiceUnavailable || r.json(t)["status"] != "unavailable" {
		t.Errorf("readyz: %d %s", r.status, r.body)
	}
	r = post(h, gqlBody(statsQuery), nil)
	if !strings.Contains(r.body, `"STORE_UNAVAILABLE"`) {
		t.Errorf("query on a down store: %d %s", r.status, r.body)
	}
	// The store is now known down: the next query fails at once.
	start := time.Now()
	r = post(h, gqlBody(`{ chains { totalCount } }`), nil)
	if !strings.Contains(r.body, `"STORE_UNAVAILABLE"`) || time.Since(start) > 3*time.Second {
		t.Errorf("second query on a down store took %s: %s", time.Since(start), r.body)
	}
	if r := do(h, http.MethodGet, "/healthz", nil, ""); r.status != 200 {
		t.Errorf("healthz: %d", r.status)
	}
}
