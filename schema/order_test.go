package schema_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"reflect"
	"strings"
	"testing"

	"chainkg/schema"
)

// keyShape renders the key order of a JSON document: objects as
// {key:shape,...} (leaves render as nothing), lists as [shape,...].
func keyShape(t *testing.T, b []byte) string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	var sb strings.Builder
	var value func() error
	value = func() error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			sb.WriteByte('{')
			for i := 0; dec.More(); i++ {
				k, err := dec.Token()
				if err != nil {
					return err
				}
				if i > 0 {
					sb.WriteByte(',')
				}
				sb.WriteString(k.(string))
				mark := sb.Len()
				sb.WriteByte(':')
				if err := value(); err != nil {
					return err
				}
				if sb.Len() == mark+1 { // a leaf: drop the colon
					s := sb.String()[:mark]
					sb.Reset()
					sb.WriteString(s)
				}
			}
			_, err = dec.Token()
			sb.WriteByte('}')
			return err
		case json.Delim('['):
			sb.WriteByte('[')
			for i := 0; dec.More(); i++ {
				if i > 0 {
					sb.WriteByte(',')
				}
				if err := value(); err != nil {
					return err
				}
			}
			_, err = dec.Token()
			sb.WriteByte(']')
			return err
		}
		return nil
	}
	if err := value(); err != nil && err != io.EOF {
		t.Fatalf("%s: %v", b, err)
	}
	return sb.String()
}

// TestSelectionOrder: response objects list their keys in the order of
// the selection set, whatever graphql-go's maps do.
func TestSelectionOrder(t *testing.T) {
	e, _ := memEngine(t)
	for _, c := range []struct {
		name, query string
		vars        map[string]any
		want        string
	}{
		{"reverse alphabetical", `{ stats { nodes edges } chain(id: "chain:ai") { nameZh name id } }`, nil,
			`{stats:{nodes,edges},chain:{nameZh,name,id}}`},
		{"aliases", `{ b: chain(id: "chain:ai") { z: name a: id } a: chain(id: "chain:h2") { id name } }`, nil,
			`{b:{z,a},a:{id,name}}`},
		{"fragment spread first", `{ chain(id: "chain:ai") { ...C id } } fragment C on Chain { nameZh keyChain }`, nil,
			`{chain:{nameZh,keyChain,id}}`},
		{"repeated keys keep the first position", `{ chain(id: "chain:ai") { name id ...C name } } fragment C on Chain { keyChain id nameZh }`, nil,
			`{chain:{name,id,keyChain,nameZh}}`},
		{"repeated object keys merge", `{ chain(id: "chain:ai") { segments(first: 1) { totalCount } id segments(first: 1) { edges { node { name id } } totalCount } } }`, nil,
			`{chain:{segments:{totalCount,edges:[{node:{name,id}}]},id}}`},
		{"inline fragment on the interface", `{ node(id: "ent:moxing") { ... on Enterprise { tier } id ... on Chain { keyChain } ... on Node { name } } }`, nil,
			`{node:{tier,id,name}}`},
		{"inline fragment, other type", `{ node(id: "chain:h2") { ... on Enterprise { tier } id ... on Chain { keyChain } name } }`, nil,
			`{node:{id,keyChain,name}}`},
		{"typename tells the type", `{ node(id: "ent:moxing") { ... on Chain { name id } __typename id name } }`, nil,
			`{node:{__typename,id,name}}`},
		{"same keys, order by runtime type", `{ nodes(ids: ["ent:moxing", "chain:h2"]) { ... on Chain { name id } id name } }`, nil,
			`{nodes:[{id,name},{name,id}]}`},
		{"same keys, with a variable directive", `query($t: Boolean = true) { nodes(ids: ["ent:moxing", "chain:h2"]) { ... on Chain { name id } id name @include(if: $t) } }`, nil,
			`{nodes:[{id,name},{name,id}]}`},
		{"fragment spread, same keys", `{ node(id: "chain:h2") { ...E ...C } } fragment E on Enterprise { id name } fragment C on Chain { name id }`, nil,
			`{node:{name,id}}`},
		{"the engine's typename key taken by the query", `{ node(id: "ent:moxing") { name __chainkgTypename: id ... on Chain { keyChain } } }`, nil,
			`{node:{name,__chainkgTypename}}`},
		{"fragment on the interface", `{ nodes(ids: ["ent:moxing", "chain:h2"]) { ...N ... on Chain { keyChain } } } fragment N on Node { nameZh id }`, nil,
			`{nodes:[{nameZh,id},{nameZh,id,keyChain}]}`},
		{"include false", `query($no: Boolean!) { chain(id: "chain:ai") { name @include(if: $no) id keyChain @skip(if: $no) nameZh @include(if: false) } }`,
			map[string]any{"no": false}, `{chain:{id,keyChain}}`},
		{"include default variable", `query($yes: Boolean = true) { chain(id: "chain:ai") { id ... @include(if: $yes) { name } } }`, nil,
			`{chain:{id,name}}`},
		{"nested lists", `{ chain(id: "chain:ai") { segments(first: 2, orderBy: {field: order}) { edges { node { order id enterprises(first: 1) { edges { node { name id } cursor } } } } } } }`, nil,
			`{chain:{segments:{edges:[{node:{order,id,enterprises:{edges:[{node:{name,id},cursor}]}}},{node:{order,id,enterprises:{edges:[{node:{name,id},cursor}]}}}]}}}`},
		{"introspection", `{ __type(name: "Chain") { name kind fields(includeDeprecated: true) { type { name kind } name } } }`, nil, ""},
		{"mutation root", `mutation { removeEdge(type: OPERATES_IN, from: "ent:nope", to: "seg:nope") }`, nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := e.Do(context.Background(), schema.Request{Query: c.query, Variables: c.vars, Caller: "tester"})
			if c.name != "mutation root" && len(res.Errors) > 0 {
				t.Fatalf("%+v", res.Errors)
			}
			b, err := json.Marshal(res.Data)
			if err != nil {
				t.Fatal(err)
			}
			got := keyShape(t, b)
			switch c.name {
			case "introspection":
				if !strings.HasPrefix(got, "{__type:{name,kind,fields:[{type:{name,kind},name},") {
					t.Fatalf("got %s", got)
				}
				return
			case "mutation root":
				if got != "{removeEdge}" {
					t.Fatalf("got %s (%s)", got, b)
				}
				return
			}
			if got != c.want {
				t.Fatalf("got  %s\nwant %s\n%s", got, c.want, b)
			}
		})
	}
}

// TestObjectJSON: an Object encodes its values exactly as encoding/json
// encodes the same map, with and without HTML escaping; only the key
// order differs.
func TestObjectJSON(t *testing.T) {
	weird := "<a href=\"x\">&amp;</a>\u2028\u2029\x01 ☃"
	obj := schema.Object{
		{Key: "z" + weird, Value: weird},
		{Key: "list", Value: []any{1, 2.5, nil, true, false, schema.Object{{Key: "b", Value: "x"}, {Key: "a", Value: []any{}}}, []any{schema.Object{}}}},
		{Key: "null", Value: nil},
		{Key: "nilList", Value: []any(nil)},
		{Key: "scalarMap", Value: map[string]any{"q": 1, "p": "<"}},
		{Key: "strings", Value: []string{"a", "<"}},
		{Key: "int64", Value: int64(1) << 60},
	}
	asMap := map[string]any{
		"z" + weird: weird,
		"list":      []any{1, 2.5, nil, true, false, map[string]any{"b": "x", "a": []any{}}, []any{map[string]any{}}},
		"null":      nil,
		"nilList":   []any(nil),
		"scalarMap": map[string]any{"q": 1, "p": "<"},
		"strings":   []string{"a", "<"},
		"int64":     int64(1) << 60,
	}
	for _, escape := range []bool{true, false} {
		enc := func(v any) []byte {
			var buf bytes.Buffer
			e := json.NewEncoder(&buf)
			e.SetEscapeHTML(escape)
			if err := e.Encode(v); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}
		got, want := enc(obj), enc(asMap)
		if len(got) != len(want) {
			t.Errorf("escape %v: %d bytes, map gives %d:\n%s\n%s", escape, len(got), len(want), got, want)
		}
		if escape != bytes.Contains(got, []byte(`\u003c`)) || !bytes.Contains(got, []byte(`\u2028`)) {
			t.Errorf("escape %v: %s", escape, got)
		}
		var a, b any
		if err := json.Unmarshal(got, &a); err != nil {
			t.Fatal(err)
		}
		_ = json.Unmarshal(want, &b)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("escape %v: content differs:\n%s\n%s", escape, got, want)
		}
		if !bytes.HasPrefix(got, []byte(`{"z`)) {
			t.Errorf("escape %v: order lost: %s", escape, got)
		}
	}
	if v, ok := obj.Get("null"); !ok || v != nil {
		t.Error("Get null")
	}
	if _, ok := obj.Get("absent"); ok {
		t.Error("Get absent")
	}
}

// TestSelectionOrderCachedDocument: the same document, cached, ordered
// under different variables and from concurrent requests.
func TestSelectionOrderCachedDocument(t *testing.T) {
	e, _ := memEngine(t)
	q := `query($a: Boolean!) { chain(id: "chain:ai") { name @include(if: $a) id ...F } } fragment F on Chain { nameZh @skip(if: $a) keyChain name }`
	for _, c := range []struct {
		a    bool
		want string
	}{{true, `{chain:{name,id,keyChain}}`}, {false, `{chain:{id,nameZh,keyChain,name}}`}, {true, `{chain:{name,id,keyChain}}`}} {
		b, _ := json.Marshal(e.Do(context.Background(), schema.Request{Query: q, Variables: map[string]any{"a": c.a}}).Data)
		if got := keyShape(t, b); got != c.want {
			t.Errorf("a=%v: got %s, want %s", c.a, got, c.want)
		}
	}
	dash, vars := readGolden(t, "dashboard")
	want, _ := json.Marshal(e.Do(context.Background(), schema.Request{Query: dash, Variables: vars}).Data)
	fresh, _ := memEngine(t) // plans built by the concurrent requests
	done := make(chan []byte)
	for i := 0; i < 4; i++ {
		go func() {
			b, _ := json.Marshal(fresh.Do(context.Background(), schema.Request{Query: dash, Variables: vars}).Data)
			done <- b
		}()
	}
	for i := 0; i < 4; i++ {
		if b := <-done; !bytes.Equal(b, want) {
			t.Errorf("concurrent request differs:\n%s", b)
		}
	}
}
