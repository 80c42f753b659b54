package schema

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"

	"chainkg/graph"
)

// The schema is generated from graph.Kinds and graph.Rels:
//
//   - one object type per kind (its common, own and provenance properties,
//     then one Relay connection field per relation side, named by
//     RelSpec.OutField / InField), all implementing the Node interface;
//   - <Kind>Where / <Kind>OrderBy inputs from PropSpec.Filter / Sort;
//   - <Kind>Connection for the root list fields, <Field>Connection for
//     relation fields (their edges carry the relation's properties and
//     provenance);
//   - relations whose other side may be several kinds return Node (filter
//     and sort then on the common properties only).

// Pagination defaults.
const (
	DefaultFirst = 20
	MaxFirst     = 100
)

// side is one end of a relation as seen from a kind: the GraphQL field and
// what it reaches.
type side struct {
	spec    *graph.RelSpec
	dir     graph.Dir
	field   string
	targets []graph.Kind
}

// target is the single kind the side reaches, or "" when it may reach
// several (the field then returns Node).
func (s side) target() graph.Kind {
	if len(s.targets) == 1 {
		return s.targets[0]
	}
	return ""
}

// sidesOf lists the relation fields of a kind, in vocabulary order.
func sidesOf(k graph.Kind) []side {
	var out []side
	for i := range graph.Rels {
		r := &graph.Rels[i]
		if containsKind(r.From, k) {
			out = append(out, side{spec: r, dir: graph.Out, field: r.OutField, targets: r.To})
		}
		if containsKind(r.To, k) {
			out = append(out, side{spec: r, dir: graph.In, field: r.InField, targets: r.From})
		}
	}
	return out
}

// sideIndex holds every kind's relation fields by name.
var sideIndex = func() map[graph.Kind]map[string]side {
	m := map[graph.Kind]map[string]side{}
	for _, k := range graph.Kinds {
		m[k.Kind] = map[string]side{}
		for _, s := range sidesOf(k.Kind) {
			m[k.Kind][s.field] = s
		}
	}
	return m
}()

// relField finds the relation side named field on kind k.
func relField(k graph.Kind, field string) (side, bool) {
	s, ok := sideIndex[k][field]
	return s, ok
}

func containsKind(list []graph.Kind, k graph.Kind) bool {
	for _, x := range list {
		if x == k {
			return true
		}
	}
	return false
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// builder holds the generated types while the schema is put together.
type builder struct {
	deps *Deps

	node       *graphql.Interface
	objects    map[graph.Kind]*graphql.Object
	enums      map[string]*graphql.Enum
	wheres     map[graph.Kind]*graphql.InputObject // "" is NodeWhere
	orders     map[graph.Kind]*graphql.InputObject
	kindConns  map[graph.Kind]*graphql.Object
	relConns   map[string]*graphql.Object // by field name
	prov       *graphql.Object
	pageInfo   *graphql.Object
	json       *graphql.Scalar
	kindEnum   *graphql.Enum
	relEnum    *graphql.Enum
	direction  *graphql.Enum
	graphEdge  *graphql.Object
	kindCount  *graphql.Object
	provInput  *graphql.InputObject
	writeStats *graphql.Object
}

func newBuilder(d *Deps) *builder {
	b := &builder{
		deps:      d,
		objects:   map[graph.Kind]*graphql.Object{},
		enums:     map[string]*graphql.Enum{},
		wheres:    map[graph.Kind]*graphql.InputObject{},
		orders:    map[graph.Kind]*graphql.InputObject{},
		kindConns: map[graph.Kind]*graphql.Object{},
		relConns:  map[string]*graphql.Object{},
	}
	b.json = graphql.NewScalar(graphql.ScalarConfig{
		Name:         "JSON",
		Description:  "An arbitrary JSON value (relation properties, property maps in mutations).",
		Serialize:    func(v any) any { return v },
		ParseValue:   func(v any) any { return v },
		ParseLiteral: func(v ast.Value) any { return literalValue(v, nil) },
	})
	b.prov = graphql.NewObject(graphql.ObjectConfig{
		Name:        "Provenance",
		Description: "Where a fact comes from. source 'synthetic' marks invented demo data.",
		Fields: graphql.Fields{
			"source":     {Type: graphql.String, Resolve: provField(func(p graph.Provenance) any { return p.Source })},
			"asOf":       {Type: graphql.String, Description: "YYYY-MM-DD", Resolve: provField(func(p graph.Provenance) any { return p.AsOf })},
			"confidence": {Type: graphql.Float, Resolve: provField(func(p graph.Provenance) any { return p.Confidence })},
			"evidence":   {Type: graphql.String, Resolve: provField(func(p graph.Provenance) any { return p.Evidence })},
			"updatedBy":  {Type: graphql.String, Resolve: provField(func(p graph.Provenance) any { return p.UpdatedBy })},
			"updatedAt":  {Type: graphql.String, Description: "RFC 3339", Resolve: provField(func(p graph.Provenance) any { return p.UpdatedAt })},
		},
	})
	b.pageInfo = graphql.NewObject(graphql.ObjectConfig{
		Name: "PageInfo",
		Fields: graphql.Fields{
			"hasNextPage":     {Type: graphql.NewNonNull(graphql.Boolean), Resolve: pageField(func(p *graph.Page) any { return p.HasNext })},
			"hasPreviousPage": {Type: graphql.NewNonNull(graphql.Boolean), Resolve: pageField(func(p *graph.Page) any { return p.HasPrev })},
			"startCursor": {Type: graphql.String, Resolve: pageField(func(p *graph.Page) any {
				if len(p.Items) == 0 {
					return nil
				}
				return p.Items[0].Cursor
			})},
			"endCursor": {Type: graphql.String, Resolve: pageField(func(p *graph.Page) any {
				if len(p.Items) == 0 {
					return nil
				}
				return p.Items[len(p.Items)-1].Cursor
			})},
		},
	})
	kinds := graphql.EnumValueConfigMap{}
	for _, k := range graph.Kinds {
		kinds[string(k.Kind)] = &graphql.EnumValueConfig{Value: string(k.Kind), Description: k.Doc}
	}
	b.kindEnum = graphql.NewEnum(graphql.EnumConfig{Name: "NodeKind", Values: kinds})
	rels := graphql.EnumValueConfigMap{}
	for _, r := range graph.Rels {
		rels[string(r.Type)] = &graphql.EnumValueConfig{Value: string(r.Type), Description: r.Doc}
	}
	b.relEnum = graphql.NewEnum(graphql.EnumConfig{Name: "RelationType", Values: rels})
	b.direction = graphql.NewEnum(graphql.EnumConfig{Name: "SortDirection", Values: graphql.EnumValueConfigMap{
		"ASC": {Value: "ASC"}, "DESC": {Value: "DESC"},
	}})
	b.node = graphql.NewInterface(graphql.InterfaceConfig{
		Name:        "Node",
		Description: "Every vertex of the graph.",
		Fields:      b.commonFields(),
		ResolveType: func(p graphql.ResolveTypeParams) *graphql.Object {
			if s, ok := p.Value.(*nodeSrc); ok {
				return b.objects[s.node.Kind]
			}
			return nil
		},
	})
	b.kindCount = graphql.NewObject(graphql.ObjectConfig{
		Name: "KindCount",
		Fields: graphql.Fields{
			"kind":  {Type: graphql.NewNonNull(graphql.String)},
			"count": {Type: graphql.NewNonNull(graphql.Int)},
		},
	})
	b.graphEdge = graphql.NewObject(graphql.ObjectConfig{
		Name:        "GraphEdge",
		Description: "An edge of a subgraph or path, identified by (type, from, to).",
		Fields: graphql.Fields{
			"id":         {Type: graphql.NewNonNull(graphql.ID), Description: "FROM-[TYPE]->TO", Resolve: edgeField(func(e graph.Edge) any { return e.Key().String() })},
			"type":       {Type: graphql.NewNonNull(b.relEnum), Resolve: edgeField(func(e graph.Edge) any { return string(e.Type) })},
			"from":       {Type: graphql.NewNonNull(graphql.ID), Resolve: edgeField(func(e graph.Edge) any { return e.From })},
			"to":         {Type: graphql.NewNonNull(graphql.ID), Resolve: edgeField(func(e graph.Edge) any { return e.To })},
			"properties": {Type: b.json, Description: "the relation's own properties", Resolve: edgeField(func(e graph.Edge) any { return propsOrNil(e.Props) })},
			"provenance": {Type: graphql.NewNonNull(b.prov), Resolve: edgeField(func(e graph.Edge) any { return e.Prov })},
		},
	})
	return b
}

func propsOrNil(m map[string]any) any {
	if len(m) == 0 {
		return nil
	}
	return m
}

// commonFields are the Node interface's fields, also on every object.
func (b *builder) commonFields() graphql.Fields {
	return graphql.Fields{
		"id":     {Type: graphql.NewNonNull(graphql.ID), Description: "stable ID", Resolve: nodeField(func(n graph.Node) any { return n.ID })},
		"name":   {Type: graphql.NewNonNull(graphql.String), Description: "English or romanised name", Resolve: nodeField(func(n graph.Node) any { return n.Name })},
		"nameZh": {Type: graphql.String, Description: "Chinese name", Resolve: nodeField(func(n graph.Node) any { return nilIfEmpty(n.NameZh) })},
		"aliases": {Type: graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(graphql.String))), Description: "other names",
			Resolve: nodeField(func(n graph.Node) any {
				if n.Aliases == nil {
					return []string{}
				}
				return n.Aliases
			})},
		"provenance": {Type: graphql.NewNonNull(b.prov), Resolve: nodeField(func(n graph.Node) any { return n.Prov })},
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nodeField(f func(graph.Node) any) graphql.FieldResolveFn {
	return func(p graphql.ResolveParams) (any, error) {
		if s, ok := p.Source.(*nodeSrc); ok {
			return f(s.node), nil
		}
		return nil, nil
	}
}

func provField(f func(graph.Provenance) any) graphql.FieldResolveFn {
	return func(p graphql.ResolveParams) (any, error) {
		pv, ok := p.Source.(graph.Provenance)
		if !ok {
			return nil, nil
		}
		v := f(pv)
		switch x := v.(type) {
		case string:
			return nilIfEmpty(x), nil
		case float64:
			if x == 0 {
				return nil, nil
			}
		}
		return v, nil
	}
}

func pageField(f func(*graph.Page) any) graphql.FieldResolveFn {
	return func(p graphql.ResolveParams) (any, error) {
		if pg, ok := p.Source.(*graph.Page); ok {
			return f(pg), nil
		}
		if c, ok := p.Source.(*connSrc); ok {
			return f(c.page), nil
		}
		return nil, nil
	}
}

func edgeField(f func(graph.Edge) any) graphql.FieldResolveFn {
	return func(p graphql.ResolveParams) (any, error) {
		if e, ok := p.Source.(graph.Edge); ok {
			return f(e), nil
		}
		return nil, nil
	}
}

// outType is the GraphQL output type of a property.
func (b *builder) outType(p graph.PropSpec) graphql.Output {
	switch p.Type {
	case graph.TInt:
		return graphql.Int
	case graph.TFloat:
		return graphql.Float
	case graph.TBool:
		return graphql.Boolean
	case graph.TStringList:
		return graphql.NewList(graphql.NewNonNull(graphql.String))
	case graph.TString:
		if len(p.Enum) > 0 {
			return b.enumOf(p)
		}
	}
	return graphql.String
}

// inType is the GraphQL input type of one filter value of a property.
func (b *builder) inType(p graph.PropSpec) graphql.Input {
	switch p.Type {
	case graph.TInt:
		return graphql.Int
	case graph.TFloat:
		return graphql.Float
	case graph.TBool:
		return graphql.Boolean
	case graph.TString:
		if len(p.Enum) > 0 {
			return b.enumOf(p)
		}
	}
	return graphql.String
}

func (b *builder) enumOf(p graph.PropSpec) *graphql.Enum {
	name := upperFirst(p.Name)
	if e, ok := b.enums[name]; ok {
		return e
	}
	vals := graphql.EnumValueConfigMap{}
	for _, v := range p.Enum {
		vals[v] = &graphql.EnumValueConfig{Value: v}
	}
	e := graphql.NewEnum(graphql.EnumConfig{Name: name, Values: vals, Description: p.Doc})
	b.enums[name] = e
	return e
}

// filterProps returns the filterable / sortable properties of a kind, or
// the common ones for "" (several kinds).
func filterProps(k graph.Kind) []graph.PropSpec {
	if k == "" {
		return append(append([]graph.PropSpec(nil), graph.CommonNodeProps...), graph.ProvenanceProps...)
	}
	spec, _ := graph.LookupKind(k)
	return spec.AllProps()
}

func typeName(k graph.Kind) string {
	if k == "" {
		return "Node"
	}
	return string(k)
}

// Operator suffixes of where fields; "" is equality.
var opSuffix = map[string]graph.Op{
	"": graph.OpEq, "_ne": graph.OpNe, "_in": graph.OpIn, "_contains": graph.OpContains,
	"_startsWith": graph.OpStartsWith, "_gt": graph.OpGt, "_gte": graph.OpGte, "_lt": graph.OpLt, "_lte": graph.OpLte,
}

// opsFor lists the where suffixes a property gets.
func opsFor(p graph.PropSpec) []string {
	switch {
	case p.Type == graph.TBool:
		return []string{""}
	case p.Type == graph.TString && len(p.Enum) > 0:
		return []string{"", "_ne", "_in"}
	case p.Type == graph.TString:
		return []string{"", "_ne", "_in", "_contains", "_startsWith"}
	case p.Type == graph.TDate:
		return []string{"", "_ne", "_in", "_startsWith", "_gt", "_gte", "_lt", "_lte"}
	case p.Type == graph.TInt || p.Type == graph.TFloat:
		return []string{"", "_ne", "_in", "_gt", "_gte", "_lt", "_lte"}
	}
	return nil
}

// where returns the <Kind>Where input.
func (b *builder) where(k graph.Kind) *graphql.InputObject {
	if w, ok := b.wheres[k]; ok {
		return w
	}
	fields := graphql.InputObjectConfigFieldMap{}
	for _, p := range filterProps(k) {
		if !p.Filter {
			continue
		}
		for _, suf := range opsFor(p) {
			var t graphql.Input = b.inType(p)
			if suf == "_in" {
				t = graphql.NewList(graphql.NewNonNull(t))
			}
			desc := fmt.Sprintf("%s %s", p.Name, strings.ToLower(strings.ReplaceAll(string(opSuffix[suf]), "_", " ")))
			fields[p.Name+suf] = &graphql.InputObjectFieldConfig{Type: t, Description: desc}
		}
	}
	w := graphql.NewInputObject(graphql.InputObjectConfig{
		Name:        typeName(k) + "Where",
		Description: "Filter (all conditions must hold). field: equals; _ne, _in, _contains and _startsWith (case-insensitive), _gt/_gte/_lt/_lte.",
		Fields:      fields,
	})
	b.wheres[k] = w
	return w
}

// orderBy returns the <Kind>OrderBy input.
func (b *builder) orderBy(k graph.Kind) *graphql.InputObject {
	if o, ok := b.orders[k]; ok {
		return o
	}
	vals := graphql.EnumValueConfigMap{}
	for _, p := range filterProps(k) {
		if p.Sort {
			vals[p.Name] = &graphql.EnumValueConfig{Value: p.Name, Description: p.Doc}
		}
	}
	fieldEnum := graphql.NewEnum(graphql.EnumConfig{Name: typeName(k) + "SortField", Values: vals})
	o := graphql.NewInputObject(graphql.InputObjectConfig{
		Name:        typeName(k) + "OrderBy",
		Description: "Sort order; ties are broken by id. Missing values sort last ascending, first descending.",
		Fields: graphql.InputObjectConfigFieldMap{
			"field":     {Type: graphql.NewNonNull(fieldEnum)},
			"direction": {Type: b.direction, DefaultValue: "ASC"},
		},
	})
	b.orders[k] = o
	return o
}

// connArgs are the arguments of every connection field.
func (b *builder) connArgs(k graph.Kind) graphql.FieldConfigArgument {
	return graphql.FieldConfigArgument{
		"first":   {Type: graphql.Int, DefaultValue: DefaultFirst, Description: fmt.Sprintf("page size, 1..%d", MaxFirst)},
		"after":   {Type: graphql.String, Description: "cursor of the last item of the previous page"},
		"where":   {Type: b.where(k)},
		"orderBy": {Type: b.orderBy(k)},
	}
}

// nodeType is the output type of a node of kind k ("" is Node).
func (b *builder) nodeType(k graph.Kind) graphql.Output {
	if k == "" {
		return b.node
	}
	return b.objects[k]
}

// kindConn returns the <Kind>Connection of a root list field.
func (b *builder) kindConn(k graph.Kind) *graphql.Object {
	if c, ok := b.kindConns[k]; ok {
		return c
	}
	edge := graphql.NewObject(graphql.ObjectConfig{
		Name: typeName(k) + "Edge",
		Fields: graphql.Fields{
			"cursor": {Type: graphql.NewNonNull(graphql.String), Resolve: itemCursor},
			"node":   {Type: graphql.NewNonNull(b.nodeType(k)), Resolve: itemNode},
		},
	})
	c := b.conn(typeName(k)+"Connection", edge)
	b.kindConns[k] = c
	return c
}

// relConn returns the connection of a relation side.
func (b *builder) relConn(s side) *graphql.Object {
	if c, ok := b.relConns[s.field]; ok {
		return c
	}
	fields := graphql.Fields{
		"cursor":     {Type: graphql.NewNonNull(graphql.String), Resolve: itemCursor},
		"node":       {Type: graphql.NewNonNull(b.nodeType(s.target())), Resolve: itemNode},
		"provenance": {Type: graphql.NewNonNull(b.prov), Description: "provenance of the relation", Resolve: itemEdge(func(e *graph.Edge) any { return e.Prov })},
	}
	for _, p := range s.spec.Props {
		p := p
		fields[p.Name] = &graphql.Field{Type: b.outType(p), Description: p.Doc, Resolve: itemEdge(func(e *graph.Edge) any { return e.Props[p.Name] })}
	}
	edge := graphql.NewObject(graphql.ObjectConfig{
		Name:        upperFirst(s.field) + "Edge",
		Description: fmt.Sprintf("A %s relation (%s) and the node it reaches.", s.spec.Type, strings.ToLower(string(s.dir))),
		Fields:      fields,
	})
	c := b.conn(upperFirst(s.field)+"Connection", edge)
	b.relConns[s.field] = c
	return c
}

func (b *builder) conn(name string, edge *graphql.Object) *graphql.Object {
	return graphql.NewObject(graphql.ObjectConfig{
		Name: name,
		Fields: graphql.Fields{
			"edges":    {Type: graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(edge))), Resolve: connEdges},
			"pageInfo": {Type: graphql.NewNonNull(b.pageInfo), Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source, nil }},
			"totalCount": {Type: graphql.NewNonNull(graphql.Int), Description: "all matches, ignoring paging (computed only when asked)",
				Resolve: pageField(func(p *graph.Page) any { return p.Total })},
		},
	})
}

// connSrc is the resolved value of a connection: its page.
type connSrc struct {
	page *graph.Page
}

// itemSrc is the resolved value of a connection edge.
type itemSrc struct {
	item *graph.Item
}

func connEdges(p graphql.ResolveParams) (any, error) {
	c, ok := p.Source.(*connSrc)
	if !ok {
		return nil, nil
	}
	out := make([]any, len(c.page.Items))
	for i := range c.page.Items {
		out[i] = &itemSrc{item: &c.page.Items[i]}
	}
	return out, nil
}

func itemCursor(p graphql.ResolveParams) (any, error) {
	if it, ok := p.Source.(*itemSrc); ok {
		return it.item.Cursor, nil
	}
	return nil, nil
}

// itemNode resolves edges.node. Its nested relation pages are keyed under
// the response keys of edges and node (see relKey).
func itemNode(p graphql.ResolveParams) (any, error) {
	it, ok := p.Source.(*itemSrc)
	if !ok {
		return nil, nil
	}
	return &nodeSrc{node: it.item.Node, rels: it.item.Rels, prefix: itemPrefix(p.Info.Path)}, nil
}

// itemPrefix is "<edges key>/<node key>/" from a path ending in
// edges.<index>.node.
func itemPrefix(path *graphql.ResponsePath) string {
	if path == nil || path.Prev == nil || path.Prev.Prev == nil {
		return ""
	}
	edges, _ := path.Prev.Prev.Key.(string)
	node, _ := path.Key.(string)
	return edges + "/" + node + "/"
}

func itemEdge(f func(*graph.Edge) any) graphql.FieldResolveFn {
	return func(p graphql.ResolveParams) (any, error) {
		it, ok := p.Source.(*itemSrc)
		if !ok || it.item.Edge == nil {
			return nil, nil
		}
		v := f(it.item.Edge)
		if pv, ok := v.(graph.Provenance); ok {
			return pv, nil
		}
		return v, nil
	}
}

// relKey is the graph.RelQuery.Key of a relation field: the prefix of the
// node it hangs off, the object type and the field's response key. Keys
// are unique among siblings because response keys are, per type.
func relKey(prefix string, k graph.Kind, responseKey string) string {
	return prefix + string(k) + "." + responseKey
}

// buildObjects creates the object type of every kind.
func (b *builder) buildObjects() {
	for i := range graph.Kinds {
		spec := &graph.Kinds[i]
		k := spec.Kind
		b.objects[k] = graphql.NewObject(graphql.ObjectConfig{
			Name:        string(k),
			Description: spec.Doc,
			Interfaces:  []*graphql.Interface{b.node},
			Fields:      graphql.FieldsThunk(func() graphql.Fields { return b.objectFields(spec) }),
		})
	}
}

func (b *builder) objectFields(spec *graph.KindSpec) graphql.Fields {
	fields := b.commonFields()
	for _, p := range spec.Props {
		p := p
		fields[p.Name] = &graphql.Field{Type: b.outType(p), Description: p.Doc, Resolve: nodeField(func(n graph.Node) any { return n.Props[p.Name] })}
	}
	for _, s := range sidesOf(spec.Kind) {
		s := s
		k := spec.Kind
		fields[s.field] = &graphql.Field{
			Type:        graphql.NewNonNull(b.relConn(s)),
			Description: relDoc(s),
			Args:        b.connArgs(s.target()),
			Resolve: func(p graphql.ResolveParams) (any, error) {
				src, ok := p.Source.(*nodeSrc)
				if !ok {
					return nil, nil
				}
				key := relKey(src.prefix, k, responseKey(p.Info.FieldASTs[0]))
				pg, ok := src.rels[key]
				if !ok || pg == nil {
					return nil, gqlErr(graph.Errorf(graph.CodeInternal, "relation %s was not fetched by the root query", key))
				}
				return &connSrc{page: pg}, nil
			},
		}
	}
	if spec.Kind == graph.KindChain {
		for _, h := range chainFieldHooks {
			for name, f := range h(b.deps) {
				if _, dup := fields[name]; dup {
					panic(fmt.Sprintf("schema: chain field hook redefines %q", name))
				}
				fields[name] = f
			}
		}
	}
	return fields
}

func relDoc(s side) string {
	arrow := "->"
	if s.dir == graph.In {
		arrow = "<-"
	}
	names := make([]string, len(s.targets))
	for i, t := range s.targets {
		names[i] = string(t)
	}
	d := fmt.Sprintf("%s %s %s", arrow, s.spec.Type, strings.Join(names, "|"))
	if s.spec.Doc != "" {
		d += ": " + s.spec.Doc
	}
	return d
}

func responseKey(f *ast.Field) string {
	if f.Alias != nil && f.Alias.Value != "" {
		return f.Alias.Value
	}
	return f.Name.Value
}

// literalValue converts an AST value to plain Go values (objects to
// map[string]any, lists to []any, ints to int, floats to float64, enums
// to their name), substituting variables.
func literalValue(v ast.Value, vars map[string]any) any {
	switch x := v.(type) {
	case *ast.Variable:
		return vars[x.Name.Value]
	case *ast.IntValue:
		if n, err := strconv.ParseInt(x.Value, 10, 64); err == nil {
			return int(n)
		}
		f, _ := strconv.ParseFloat(x.Value, 64)
		return f
	case *ast.FloatValue:
		f, _ := strconv.ParseFloat(x.Value, 64)
		return f
	case *ast.StringValue:
		return x.Value
	case *ast.BooleanValue:
		return x.Value
	case *ast.EnumValue:
		return x.Value
	case *ast.ListValue:
		out := make([]any, len(x.Values))
		for i, e := range x.Values {
			out[i] = literalValue(e, vars)
		}
		return out
	case *ast.ObjectValue:
		out := make(map[string]any, len(x.Fields))
		for _, f := range x.Fields {
			out[f.Name.Value] = literalValue(f.Value, vars)
		}
		return out
	}
	return nil
}

// sortedKeys of a map, for deterministic condition order.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// jsonNumber helps tests and mutation inputs that arrive as JSON.
var _ = json.Number("")
