package neo4jstore

import (
	"fmt"
	"strings"

	"chainkg/graph"
)

// Compiled is one read query compiled to a single Cypher statement.
type Compiled struct {
	Cypher string
	Params map[string]any
}

// Compile checks a read query (graph.CheckQuery) and turns it into one
// parameterised Cypher statement. The statement returns one row with two
// columns: items (a list of item maps) and total (an integer, or -1 when not
// asked). An item map holds p (the node's properties), l (its labels), for
// relation items e (the edge's properties), and per RelQuery i the keys ri
// (its items, same shape) and ti (its total).
//
// Shape, for a root query without ids:
//
//	RETURN COLLECT {
//	  MATCH (n0:Kind) WHERE <where> AND <keyset after cursor>
//	  WITH n0 ORDER BY n0.f, n0.id LIMIT $first+1
//	  RETURN {p: properties(n0), l: labels(n0), r0: COLLECT { MATCH (n0)-[e1:T]->(n1:K) ... }}
//	} AS items, COUNT { MATCH (c0:Kind) WHERE <where> } AS total
//
// Every relation level is a COLLECT subquery of its parent, so the whole
// selection (any depth) is one statement and one round trip. Each page asks
// for First+1 items; the extra one only sets HasNext. Labels, types and
// property names come from the allowlist, every value is a parameter.
func Compile(q graph.Query) (*Compiled, error) {
	if err := graph.CheckQuery(q); err != nil {
		return nil, err
	}
	c := &compiler{params: map[string]any{}}
	var b strings.Builder
	b.WriteString("RETURN ")
	if len(q.IDs) > 0 {
		if err := c.rootIDs(&b, q); err != nil {
			return nil, err
		}
	} else {
		if err := c.rootKind(&b, q); err != nil {
			return nil, err
		}
	}
	return &Compiled{Cypher: b.String(), Params: c.params}, nil
}

type compiler struct {
	params map[string]any
	nvars  int
}

// param adds a parameter and returns its reference.
func (c *compiler) param(v any) string {
	name := fmt.Sprintf("p%d", len(c.params))
	c.params[name] = v
	return "$" + name
}

// rootIDs compiles a selection by ids: the nodes are fetched by the
// unique-constraint index; their order (the order of the ids) is restored
// in Go, and duplicates are removed before compiling.
func (c *compiler) rootIDs(b *strings.Builder, q graph.Query) error {
	ids := dedupe(q.IDs)
	v := "n0"
	var conds []string
	if q.Kind != "" {
		label, err := kindLabel(q.Kind)
		if err != nil {
			return err
		}
		conds = append(conds, v+":"+label)
	}
	w, err := c.where(v, q.Kind, q.Where)
	if err != nil {
		return err
	}
	conds = append(conds, w...)
	// The hint keeps the id seek even when a plan is made on statistics
	// of an almost empty label (a cached plan can otherwise scan it).
	fmt.Fprintf(b, "COLLECT { UNWIND %s AS id0 MATCH (%s:Node {id: id0}) USING INDEX %s:Node(id)", c.param(ids), v, v)
	writeWhere(b, conds)
	b.WriteString(" RETURN ")
	if err := c.projection(b, v, "", q.Rels); err != nil {
		return err
	}
	b.WriteString(" AS item } AS items, -1 AS total")
	return nil
}

// rootKind compiles a paged selection of one kind.
func (c *compiler) rootKind(b *strings.Builder, q graph.Query) error {
	label, err := kindLabel(q.Kind)
	if err != nil {
		return err
	}
	v := "n0"
	conds, err := c.where(v, q.Kind, q.Where)
	if err != nil {
		return err
	}
	ks, err := c.keyset(v, q)
	if err != nil {
		return err
	}
	fmt.Fprintf(b, "COLLECT { MATCH (%s:%s)", v, label)
	writeWhere(b, append(conds, ks...))
	fmt.Fprintf(b, " WITH %s %s LIMIT %s RETURN ", v, c.orderBy(v, q.OrderBy), c.param(int64(q.First+1)))
	if err := c.projection(b, v, "", q.Rels); err != nil {
		return err
	}
	b.WriteString(" AS item } AS items, ")
	if q.Total {
		cv := "c0"
		cconds, err := c.where(cv, q.Kind, q.Where)
		if err != nil {
			return err
		}
		fmt.Fprintf(b, "COUNT { MATCH (%s:%s)", cv, label)
		writeWhere(b, cconds)
		b.WriteString(" }")
	} else {
		b.WriteString("-1")
	}
	b.WriteString(" AS total")
	return nil
}

// projection writes the item map of node variable v (and edge variable e,
// for relation items), with a COLLECT subquery per relation field.
func (c *compiler) projection(b *strings.Builder, v, e string, rels []graph.RelQuery) error {
	fmt.Fprintf(b, "{p: properties(%s), l: labels(%s)", v, v)
	if e != "" {
		fmt.Fprintf(b, ", e: properties(%s)", e)
	}
	for i, r := range rels {
		fmt.Fprintf(b, ", r%d: ", i)
		if err := c.rel(b, v, r); err != nil {
			return err
		}
		if r.Query.Total {
			fmt.Fprintf(b, ", t%d: ", i)
			if err := c.relTotal(b, v, r); err != nil {
				return err
			}
		}
	}
	b.WriteString("}")
	return nil
}

// hop writes the one-hop pattern from the parent variable.
func (c *compiler) hop(b *strings.Builder, parent, e, v string, r graph.RelQuery) error {
	rel, err := relLabel(r.Type)
	if err != nil {
		return err
	}
	target := v
	if r.Query.Kind != "" && !impliedKind(r) {
		label, err := kindLabel(r.Query.Kind)
		if err != nil {
			return err
		}
		target += ":" + label
	}
	switch r.Dir {
	case graph.Out:
		fmt.Fprintf(b, "MATCH (%s)-[%s:%s]->(%s)", parent, e, rel, target)
	case graph.In:
		fmt.Fprintf(b, "MATCH (%s)<-[%s:%s]-(%s)", parent, e, rel, target)
	default:
		return graph.Errorf(graph.CodeInvalidInput, "direction must be OUT or IN")
	}
	return nil
}

// impliedKind reports whether the relation can only reach nodes of the
// queried kind (OPERATES_IN always comes from an Enterprise, for example):
// the writes check endpoint kinds, so the label test can be left out, which
// saves a db hit per row and lets an unfiltered total be a degree lookup.
func impliedKind(r graph.RelQuery) bool {
	spec, ok := graph.LookupRel(r.Type)
	if !ok {
		return false
	}
	side := spec.To
	if r.Dir == graph.In {
		side = spec.From
	}
	return len(side) == 1 && side[0] == r.Query.Kind
}

// rel writes the COLLECT subquery of one relation field.
func (c *compiler) rel(b *strings.Builder, parent string, r graph.RelQuery) error {
	c.nvars++
	v, e := fmt.Sprintf("n%d", c.nvars), fmt.Sprintf("e%d", c.nvars)
	q := r.Query
	b.WriteString("COLLECT { ")
	if err := c.hop(b, parent, e, v, r); err != nil {
		return err
	}
	conds, err := c.where(v, q.Kind, q.Where)
	if err != nil {
		return err
	}
	ks, err := c.keyset(v, q)
	if err != nil {
		return err
	}
	writeWhere(b, append(conds, ks...))
	fmt.Fprintf(b, " WITH %s, %s %s LIMIT %s RETURN ", v, e, c.orderBy(v, q.OrderBy), c.param(int64(q.First+1)))
	if err := c.projection(b, v, e, q.Rels); err != nil {
		return err
	}
	b.WriteString(" AS item }")
	return nil
}

// relTotal writes the COUNT subquery of a relation field's total.
func (c *compiler) relTotal(b *strings.Builder, parent string, r graph.RelQuery) error {
	c.nvars++
	v := fmt.Sprintf("c%d", c.nvars)
	b.WriteString("COUNT { ")
	if err := c.hop(b, parent, "", v, r); err != nil {
		return err
	}
	conds, err := c.where(v, r.Query.Kind, r.Query.Where)
	if err != nil {
		return err
	}
	writeWhere(b, conds)
	b.WriteString(" }")
	return nil
}

func writeWhere(b *strings.Builder, conds []string) {
	if len(conds) > 0 {
		b.WriteString(" WHERE ")
		b.WriteString(strings.Join(conds, " AND "))
	}
}

// propSpec finds the spec of a filter or sort field: on the kind when it is
// known, else among the properties every node has.
func propSpec(kind graph.Kind, field string) (graph.PropSpec, bool) {
	if kind != "" {
		spec, ok := graph.LookupKind(kind)
		if !ok {
			return graph.PropSpec{}, false
		}
		return spec.Prop(field)
	}
	for _, list := range [][]graph.PropSpec{graph.CommonNodeProps, graph.ProvenanceProps} {
		for _, p := range list {
			if p.Name == field {
				return p, true
			}
		}
	}
	return graph.PropSpec{}, false
}

// where compiles the conditions on variable v. A condition on a missing
// property is null in Cypher, which WHERE treats as false: exactly the IR's
// rule (NE too). CONTAINS/STARTS_WITH compare toLower of the property with
// the value folded in Go (graph.FoldText).
func (c *compiler) where(v string, kind graph.Kind, conds []graph.Cond) ([]string, error) {
	var out []string
	for _, cd := range conds {
		p, ok := propSpec(kind, cd.Field)
		if !ok || !p.Filter {
			return nil, graph.Errorf(graph.CodeInvalidInput, "cannot filter on %q", cd.Field)
		}
		prop := v + "." + identifier(p.Name)
		val := graph.Normalize(cd.Value)
		var s string
		switch cd.Op {
		case graph.OpEq:
			s = fmt.Sprintf("%s = %s", prop, c.param(val))
		case graph.OpNe:
			s = fmt.Sprintf("%s <> %s", prop, c.param(val))
		case graph.OpIn:
			list, _ := cd.Value.([]any)
			vals := make([]any, len(list))
			for i, x := range list {
				vals[i] = graph.Normalize(x)
			}
			s = fmt.Sprintf("%s IN %s", prop, c.param(vals))
		case graph.OpContains:
			str, _ := cd.Value.(string)
			s = fmt.Sprintf("toLower(%s) CONTAINS %s", prop, c.param(graph.FoldText(str)))
		case graph.OpStartsWith:
			str, _ := cd.Value.(string)
			s = fmt.Sprintf("toLower(%s) STARTS WITH %s", prop, c.param(graph.FoldText(str)))
		case graph.OpGt:
			s = fmt.Sprintf("%s > %s", prop, c.param(val))
		case graph.OpGte:
			s = fmt.Sprintf("%s >= %s", prop, c.param(val))
		case graph.OpLt:
			s = fmt.Sprintf("%s < %s", prop, c.param(val))
		case graph.OpLte:
			s = fmt.Sprintf("%s <= %s", prop, c.param(val))
		default:
			return nil, graph.Errorf(graph.CodeInvalidInput, "unknown operator %q", cd.Op)
		}
		out = append(out, s)
	}
	return out, nil
}

// orderBy compiles the sort: the field (Neo4j sorts null last ascending
// and first descending, the IR's missing-value rule) then id ascending.
func (c *compiler) orderBy(v string, o *graph.Order) string {
	if o == nil || o.Field == graph.PropID {
		if o != nil && o.Desc {
			return fmt.Sprintf("ORDER BY %s.id DESC", v)
		}
		return fmt.Sprintf("ORDER BY %s.id", v)
	}
	dir := "ASC"
	if o.Desc {
		dir = "DESC"
	}
	return fmt.Sprintf("ORDER BY %s.%s %s, %s.id", v, identifier(o.Field), dir, v)
}

// keyset compiles the "after cursor" condition for the order (value v0,
// id id0 of the last item seen):
//
//	by id:                 n.id > id0
//	ASC,  v0 not null:     n.f > v0 OR (n.f = v0 AND n.id > id0) OR n.f IS NULL
//	ASC,  v0 null:         n.f IS NULL AND n.id > id0
//	DESC, v0 not null:     n.f < v0 OR (n.f = v0 AND n.id > id0)
//	DESC, v0 null:         n.f IS NOT NULL OR n.id > id0
func (c *compiler) keyset(v string, q graph.Query) ([]string, error) {
	if q.After == "" {
		return nil, nil
	}
	var p graph.PropSpec
	if q.OrderBy != nil {
		var ok bool
		p, ok = propSpec(q.Kind, q.OrderBy.Field)
		if !ok {
			return nil, graph.Errorf(graph.CodeInvalidInput, "cannot sort on %q", q.OrderBy.Field)
		}
	}
	val, id, err := graph.DecodeCursor(q.After, p)
	if err != nil {
		return nil, err
	}
	if q.OrderBy == nil || q.OrderBy.Field == graph.PropID {
		if q.OrderBy != nil && q.OrderBy.Desc {
			return []string{fmt.Sprintf("%s.id < %s", v, c.param(id))}, nil
		}
		return []string{fmt.Sprintf("%s.id > %s", v, c.param(id))}, nil
	}
	f := v + "." + identifier(p.Name)
	idp := c.param(id)
	if val == nil {
		if q.OrderBy.Desc {
			return []string{fmt.Sprintf("(%s IS NOT NULL OR %s.id > %s)", f, v, idp)}, nil
		}
		return []string{fmt.Sprintf("(%s IS NULL AND %s.id > %s)", f, v, idp)}, nil
	}
	vp := c.param(val)
	if q.OrderBy.Desc {
		return []string{fmt.Sprintf("(%s < %s OR (%s = %s AND %s.id > %s))", f, vp, f, vp, v, idp)}, nil
	}
	return []string{fmt.Sprintf("(%s > %s OR (%s = %s AND %s.id > %s) OR %s IS NULL)", f, vp, f, vp, v, idp, f)}, nil
}

func dedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
