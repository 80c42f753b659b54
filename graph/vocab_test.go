package graph

import (
	"errors"
	"strings"
	"testing"
)

// TestVocabularyFieldsUnique checks that the GraphQL field names a kind gets
// from its properties and its relations never clash: the schema is generated
// from this table.
func TestVocabularyFieldsUnique(t *testing.T) {
	for _, ks := range Kinds {
		seen := map[string]string{}
		for _, p := range ks.AllProps() {
			if prev, ok := seen[p.Name]; ok {
				t.Errorf("%s: property %q declared twice (%s)", ks.Kind, p.Name, prev)
			}
			seen[p.Name] = "property"
		}
		for _, rs := range Rels {
			for _, side := range []struct {
				kinds []Kind
				field string
			}{{rs.From, rs.OutField}, {rs.To, rs.InField}} {
				if !containsKind(side.kinds, ks.Kind) {
					continue
				}
				if prev, ok := seen[side.field]; ok {
					t.Errorf("%s: field %q from %s clashes with %s", ks.Kind, side.field, rs.Type, prev)
				}
				seen[side.field] = string(rs.Type)
			}
		}
	}
}

func TestVocabularyLookups(t *testing.T) {
	if len(KindNames()) != len(Kinds) {
		t.Fatalf("KindNames has %d kinds, Kinds %d", len(KindNames()), len(Kinds))
	}
	for _, ks := range Kinds {
		if _, ok := LookupKind(ks.Kind); !ok || ks.Plural == "" {
			t.Errorf("kind %s: lookup or plural missing", ks.Kind)
		}
	}
	for _, rs := range Rels {
		got, ok := LookupRel(rs.Type)
		if !ok || got.OutField == "" || got.InField == "" || len(got.From) == 0 || len(got.To) == 0 {
			t.Errorf("relation %s is incomplete", rs.Type)
		}
	}
	if _, ok := LookupKind("Company"); ok {
		t.Error("unknown kind found")
	}
	rs, _ := LookupRel(RelOperatesIn)
	if !rs.Allows(KindEnterprise, KindSegment) || rs.Allows(KindSegment, KindEnterprise) {
		t.Error("OPERATES_IN endpoint kinds wrong")
	}
}

func TestValidateNode(t *testing.T) {
	ok := Node{ID: "ent-1", Kind: KindEnterprise, Name: "Acme", NameZh: "示例", Props: map[string]any{"tier": "SME", "founded": int64(2015), "revenue": 12.5, "highTech": true}, Prov: Provenance{Source: SourceSynthetic, AsOf: "2024-01-01", Confidence: 0.5}}
	tests := []struct {
		name  string
		edit  func(n *Node)
		field string
	}{
		{"valid", func(*Node) {}, ""},
		{"unknown kind", func(n *Node) { n.Kind = "Company" }, "kind"},
		{"bad id", func(n *Node) { n.ID = "has space" }, "id"},
		{"empty id", func(n *Node) { n.ID = "" }, "id"},
		{"no name", func(n *Node) { n.Name = "" }, "name"},
		{"invalid utf8", func(n *Node) { n.NameZh = "\xff" }, "nameZh"},
		{"unknown prop", func(n *Node) { n.Props = map[string]any{"colour": "red"} }, "colour"},
		{"prop of other kind", func(n *Node) { n.Props = map[string]any{"stage": "UPSTREAM"} }, "stage"},
		{"wrong type", func(n *Node) { n.Props = map[string]any{"founded": "2015"} }, "founded"},
		{"bad enum", func(n *Node) { n.Props = map[string]any{"tier": "GIANT"} }, "tier"},
		{"no source", func(n *Node) { n.Prov.Source = "" }, "source"},
		{"bad date", func(n *Node) { n.Prov.AsOf = "2024/01/01" }, "asOf"},
		{"confidence range", func(n *Node) { n.Prov.Confidence = 1.5 }, "confidence"},
		{"provenance as prop", func(n *Node) { n.Props = map[string]any{"source": "x"} }, "source"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := ok
			n.Props = map[string]any{}
			for k, v := range ok.Props {
				n.Props[k] = v
			}
			tc.edit(&n)
			err := ValidateNode(n)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var ge *Error
			if !errors.As(err, &ge) || ge.Code != CodeInvalidInput || ge.Field != tc.field {
				t.Fatalf("got %v, want BAD_USER_INPUT on field %q", err, tc.field)
			}
		})
	}
}

func TestValidateEdge(t *testing.T) {
	e := Edge{Type: RelOperatesIn, From: "ent-1", To: "seg-1", Props: map[string]any{"share": 0.3}, Prov: Provenance{Source: "x"}}
	if err := ValidateEdge(e); err != nil {
		t.Fatal(err)
	}
	if err := ValidateEndpoints(e, KindEnterprise, KindSegment); err != nil {
		t.Fatal(err)
	}
	if err := ValidateEndpoints(e, KindLab, KindSegment); err == nil || CodeOf(err) != CodeInvalidInput {
		t.Fatalf("lab OPERATES_IN accepted: %v", err)
	}
	bad := e
	bad.Type = "LIKES"
	if err := ValidateEdge(bad); CodeOf(err) != CodeInvalidInput {
		t.Fatalf("unknown type accepted: %v", err)
	}
	bad = e
	bad.Props = map[string]any{"share": "high"}
	if err := ValidateEdge(bad); err == nil || !strings.Contains(err.Error(), "share") {
		t.Fatalf("bad prop accepted: %v", err)
	}
}

func TestErrorFormat(t *testing.T) {
	err := &Error{Code: CodeInvalidInput, File: "nodes/enterprises.csv", Line: 7, Field: "founded", Msg: "want an integer"}
	if got, want := err.Error(), "nodes/enterprises.csv:7:founded: want an integer"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	wrapped := Wrap(CodeUnavailable, errors.New("dial tcp: refused"), "neo4j")
	if CodeOf(wrapped) != CodeUnavailable || !strings.Contains(wrapped.Error(), "refused") {
		t.Fatalf("wrap: %v", wrapped)
	}
	if CodeOf(errors.New("x")) != CodeInternal {
		t.Fatal("unclassified error is not INTERNAL")
	}
}

func TestFlattenRoundTrip(t *testing.T) {
	n := Node{ID: "u1", Kind: KindUniversity, Name: "Fudan University", NameZh: "复旦大学", Aliases: []string{"Fudan"},
		Props: map[string]any{"region": "Yangpu"}, Prov: Provenance{Source: "doc", AsOf: "2024-01-08", Confidence: 1}}
	got := NodeFromProps(KindUniversity, n.Flatten())
	if got.ID != n.ID || got.NameZh != n.NameZh || got.Aliases[0] != "Fudan" || got.Props["region"] != "Yangpu" || got.Prov != n.Prov {
		t.Fatalf("round trip lost data: %+v", got)
	}
	m := n.Flatten()
	m["aliases"] = []any{"Fudan"}
	m["founded"] = int(3)
	got = NodeFromProps(KindUniversity, m)
	if got.Aliases[0] != "Fudan" || got.Props["founded"] != int64(3) {
		t.Fatalf("normalise failed: %+v", got)
	}
}
