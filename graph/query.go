package graph

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// Query is the read IR: what one GraphQL root field asks for, including its
// nested relation fields. A store answers it in one round trip (Neo4j: one
// parameterised Cypher statement; memstore: one interpretation over its
// indexes). CheckQuery validates it against the vocabulary; both stores call
// it first.
//
// Semantics both stores follow exactly (the conformance suite checks them):
//
//   - Selection: with IDs, the nodes with those ids (of Kind if set), in the
//     order given, duplicates and missing ids skipped, no paging. Without
//     IDs, every node of Kind (required) that satisfies Where.
//   - Where is a conjunction. A condition on a missing property is false
//     (NE too). CONTAINS and STARTS_WITH compare FoldText of both sides.
//   - Order: by OrderBy.Field if set, then by id ascending. A missing value
//     sorts after every value when ascending and before when descending.
//     Strings compare by code point.
//   - Paging: After is a cursor from a previous page (see EncodeCursor);
//     the page holds the next First items. HasNext says whether more follow;
//     HasPrev is true when After was given.
//   - Total, when asked, counts every item that satisfies Where, ignoring
//     paging.
//   - Rels: for each item, each RelQuery pages through the nodes reached by
//     one hop over edges of Type in Dir, filtered by the nested Query's Kind
//     and Where, ordered and paged the same way, with the edge attached.
type Query struct {
	Kind    Kind       `json:"kind,omitempty"`
	IDs     []string   `json:"ids,omitempty"`
	Where   []Cond     `json:"where,omitempty"`
	OrderBy *Order     `json:"orderBy,omitempty"`
	First   int        `json:"first,omitempty"` // page size; 0 only with IDs
	After   string     `json:"after,omitempty"`
	Total   bool       `json:"total,omitempty"`
	Rels    []RelQuery `json:"rels,omitempty"`
}

// RelQuery is one nested relation field.
type RelQuery struct {
	Key   string  `json:"key"` // response key, unique among siblings
	Type  RelType `json:"type"`
	Dir   Dir     `json:"dir"`
	Query Query   `json:"query"` // target side: Kind, Where, OrderBy, First, After, Total, Rels; no IDs
}

// Dir is the direction of a relation hop, seen from the current node.
type Dir string

// Directions.
const (
	Out Dir = "OUT"
	In  Dir = "IN"
)

// Op is a filter operator.
type Op string

// Filter operators.
const (
	OpEq         Op = "EQ"
	OpNe         Op = "NE"
	OpIn         Op = "IN" // Value is []any of canonical scalars
	OpContains   Op = "CONTAINS"
	OpStartsWith Op = "STARTS_WITH"
	OpGt         Op = "GT"
	OpGte        Op = "GTE"
	OpLt         Op = "LT"
	OpLte        Op = "LTE"
)

// Cond is one filter condition on a node property.
type Cond struct {
	Field string `json:"field"`
	Op    Op     `json:"op"`
	Value any    `json:"value"`
}

// Order sorts by one allowlisted property (ties broken by id).
type Order struct {
	Field string `json:"field"`
	Desc  bool   `json:"desc,omitempty"`
}

// Page is the answer to a Query or a RelQuery.
type Page struct {
	Items   []Item `json:"items"`
	HasNext bool   `json:"hasNext"`
	HasPrev bool   `json:"hasPrev"`
	Total   int    `json:"total"` // -1 when not asked
}

// Item is one node of a page.
type Item struct {
	Node   Node             `json:"node"`
	Edge   *Edge            `json:"edge,omitempty"` // relation items: the edge that reached Node
	Cursor string           `json:"cursor"`
	Rels   map[string]*Page `json:"rels,omitempty"` // by RelQuery.Key
}

// Limits on a query's shape; the schema layer enforces smaller ones.
const (
	MaxPageSize = 1000
	MaxRelDepth = 8
	MaxIDs      = 1000
)

// CheckQuery validates q against the vocabulary: kinds, relation types and
// directions that exist and fit each other, allowlisted filter and sort
// fields, operators that suit the property type, values of the right type,
// page sizes, decodable cursors.
func CheckQuery(q Query) error { return checkQuery(q, true, 0) }

func checkQuery(q Query, root bool, depth int) error {
	if depth > MaxRelDepth {
		return Errorf(CodeLimit, "relations nested deeper than %d", MaxRelDepth)
	}
	var spec *KindSpec
	if q.Kind != "" {
		s, ok := LookupKind(q.Kind)
		if !ok {
			return Errorf(CodeInvalidInput, "unknown kind %q", q.Kind)
		}
		spec = s
	}
	if len(q.IDs) > 0 {
		if !root {
			return Errorf(CodeInvalidInput, "ids are only allowed on the root query")
		}
		if len(q.IDs) > MaxIDs {
			return Errorf(CodeLimit, "at most %d ids", MaxIDs)
		}
	} else {
		if root && spec == nil {
			return Errorf(CodeInvalidInput, "a query without ids needs a kind")
		}
		if q.First <= 0 || q.First > MaxPageSize {
			return Errorf(CodeInvalidInput, "first must be in 1..%d", MaxPageSize)
		}
	}
	for _, c := range q.Where {
		if err := checkCond(spec, c); err != nil {
			return err
		}
	}
	if q.OrderBy != nil {
		p, ok := lookupProp(spec, q.OrderBy.Field)
		if !ok || !p.Sort {
			return Errorf(CodeInvalidInput, "cannot sort on %q", q.OrderBy.Field)
		}
	}
	if q.After != "" {
		var p PropSpec
		if q.OrderBy != nil {
			p, _ = lookupProp(spec, q.OrderBy.Field)
		}
		if _, _, err := DecodeCursor(q.After, p); err != nil {
			return err
		}
	}
	keys := map[string]bool{}
	for _, r := range q.Rels {
		if r.Key == "" || keys[r.Key] {
			return Errorf(CodeInvalidInput, "relation key %q is empty or repeated", r.Key)
		}
		keys[r.Key] = true
		if _, ok := LookupRel(r.Type); !ok {
			return Errorf(CodeInvalidInput, "unknown relation type %q", r.Type)
		}
		if r.Dir != Out && r.Dir != In {
			return Errorf(CodeInvalidInput, "direction must be OUT or IN")
		}
		if err := checkQuery(r.Query, false, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// lookupProp finds a filterable/sortable property: on the kind if known,
// else among the common and provenance properties every node has.
func lookupProp(spec *KindSpec, name string) (PropSpec, bool) {
	if spec != nil {
		return spec.Prop(name)
	}
	for _, list := range [][]PropSpec{CommonNodeProps, ProvenanceProps} {
		for _, p := range list {
			if p.Name == name {
				return p, true
			}
		}
	}
	return PropSpec{}, false
}

func checkCond(spec *KindSpec, c Cond) error {
	p, ok := lookupProp(spec, c.Field)
	if !ok || !p.Filter {
		return Errorf(CodeInvalidInput, "cannot filter on %q", c.Field)
	}
	switch c.Op {
	case OpEq, OpNe:
		return checkCondValue(p, c.Value)
	case OpIn:
		list, ok := c.Value.([]any)
		if !ok {
			return Errorf(CodeInvalidInput, "%s IN wants a list", c.Field)
		}
		for _, v := range list {
			if err := checkCondValue(p, v); err != nil {
				return err
			}
		}
		return nil
	case OpContains, OpStartsWith:
		if p.Type != TString && p.Type != TDate {
			return Errorf(CodeInvalidInput, "%s on %q needs a string property", c.Op, c.Field)
		}
		if _, ok := c.Value.(string); !ok {
			return Errorf(CodeInvalidInput, "%s on %q wants a string", c.Op, c.Field)
		}
		return nil
	case OpGt, OpGte, OpLt, OpLte:
		if p.Type == TBool || p.Type == TStringList {
			return Errorf(CodeInvalidInput, "%s on %q needs an ordered property", c.Op, c.Field)
		}
		return checkCondValue(p, c.Value)
	}
	return Errorf(CodeInvalidInput, "unknown operator %q", c.Op)
}

func checkCondValue(p PropSpec, v any) error {
	q := p
	q.Enum = nil // comparisons with values outside an enum simply match nothing
	if err := CheckValue(q, v); err != nil {
		return &Error{Code: CodeInvalidInput, Field: p.Name, Msg: err.Error()}
	}
	return nil
}

// EncodeCursor returns the opaque keyset cursor of an item: the value of the
// order field (nil when there is none or it is missing) and the node id.
// Both stores produce identical cursors for identical items.
func EncodeCursor(v any, id string) string {
	b, _ := json.Marshal([]any{v, id})
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor parses a cursor; p is the order property (zero PropSpec when
// the order is by id only) and decides the value's type.
func DecodeCursor(s string, p PropSpec) (v any, id string, err error) {
	bad := Errorf(CodeInvalidInput, "invalid cursor %q", s)
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, "", bad
	}
	var parts []json.RawMessage
	if json.Unmarshal(b, &parts) != nil || len(parts) != 2 {
		return nil, "", bad
	}
	if json.Unmarshal(parts[1], &id) != nil || !ValidID(id) {
		return nil, "", bad
	}
	if string(parts[0]) == "null" {
		return nil, id, nil
	}
	switch p.Type {
	case 0:
		return nil, "", bad
	case TInt:
		var x int64
		err = json.Unmarshal(parts[0], &x)
		v = x
	case TFloat:
		var x float64
		err = json.Unmarshal(parts[0], &x)
		v = x
	case TBool:
		var x bool
		err = json.Unmarshal(parts[0], &x)
		v = x
	case TString, TDate:
		var x string
		err = json.Unmarshal(parts[0], &x)
		v = x
	default:
		return nil, "", bad
	}
	if err != nil {
		return nil, "", bad
	}
	return v, id, nil
}

// String renders a query for logs and errors.
func (q Query) String() string {
	b, _ := json.Marshal(q)
	return fmt.Sprintf("%s", b)
}
