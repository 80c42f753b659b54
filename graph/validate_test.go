package graph

import (
	"errors"
	"testing"
)

// TestValidateReportsFirstSortedKey: with several bad properties the error
// names the first of them in key order, whatever order the map iterates in
// (CheckProps sorts only after a failure).
func TestValidateReportsFirstSortedKey(t *testing.T) {
	n := Node{ID: "ent-1", Kind: KindEnterprise, Name: "Acme", Prov: Provenance{Source: SourceSynthetic},
		Props: map[string]any{"tier": "GIANT", "founded": "2015", "zeta": 1.0, "revenue": "lots", "employees": int64(3)}}
	e := Edge{Type: RelSupplies, From: "a", To: "b", Prov: Provenance{Source: SourceSynthetic},
		Props: map[string]any{"volume": "x", "zz": 1.0, "product": 7.0}}
	for i := 0; i < 200; i++ {
		var ge *Error
		if err := ValidateNode(n); !errors.As(err, &ge) || ge.Field != "founded" {
			t.Fatalf("node: got %v, want the error of field founded", err)
		}
		if err := ValidateEdge(e); !errors.As(err, &ge) || ge.Field != "product" {
			t.Fatalf("edge: got %v, want the error of field product", err)
		}
	}
}

func TestCheckProps(t *testing.T) {
	props := map[string]any{"a": 1, "b": 2, "c": 3, "d": 4}
	calls := 0
	if err := CheckProps(props, func(string, any) error { calls++; return nil }); err != nil || calls != 4 {
		t.Fatalf("all valid: err %v after %d calls, want nil after 4", err, calls)
	}
	bad := errors.New("bad")
	for i := 0; i < 100; i++ {
		var got string
		err := CheckProps(props, func(k string, _ any) error {
			if k == "b" || k == "d" {
				got = k
				return bad
			}
			return nil
		})
		if err != bad || got != "b" {
			t.Fatalf("got %v for key %q, want the error of b", err, got)
		}
	}
	if err := CheckProps(nil, func(string, any) error { return bad }); err != nil {
		t.Fatalf("nil map: %v", err)
	}
}

func BenchmarkValidateNode(b *testing.B) {
	n := Node{ID: "ent-1", Kind: KindEnterprise, Name: "Acme", NameZh: "示例", Prov: Provenance{Source: SourceSynthetic, AsOf: "2024-01-01", Confidence: 0.5},
		Props: map[string]any{"tier": "SME", "founded": int64(2015), "revenue": 12.5, "highTech": true, "employees": int64(40), "region": "Yangpu", "rdIntensity": 0.07}}
	b.ReportAllocs()
	for b.Loop() {
		if err := ValidateNode(n); err != nil {
			b.Fatal(err)
		}
	}
}
