package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"sync/atomic"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/kinds"
)

// Object is a response object whose keys keep the order of the query's
// selection set (graphql-go returns Go maps, which encoding/json writes in
// key order). It marshals as a JSON object.
type Object []Field

// Field is one entry of an Object: its response key and value.
type Field struct {
	Key   string
	Value any
}

// Get returns the value under key and whether it is present.
func (o Object) Get(key string) (any, bool) {
	for _, f := range o {
		if f.Key == key {
			return f.Value, true
		}
	}
	return nil, false
}

// MarshalJSON writes the object with its keys in order. Nested objects and
// lists are written here too; leaf values go through encoding/json without
// HTML escaping (the caller's encoder escapes again if it is set to).
func (o Object) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := writeObject(&buf, enc, o); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeObject(buf *bytes.Buffer, enc *json.Encoder, o Object) error {
	buf.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := writeLeaf(buf, enc, f.Key); err != nil {
			return err
		}
		buf.WriteByte(':')
		if err := writeValue(buf, enc, f.Value); err != nil {
			return err
		}
	}
	buf.WriteByte('}')
	return nil
}

func writeValue(buf *bytes.Buffer, enc *json.Encoder, v any) error {
	switch x := v.(type) {
	case nil:
		buf.WriteString("null")
		return nil
	case Object:
		return writeObject(buf, enc, x)
	case []any:
		if x == nil {
			buf.WriteString("null")
			return nil
		}
		buf.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeValue(buf, enc, e); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
		return nil
	case bool:
		if x {
			buf.WriteString("true")
		} else {
			buf.WriteString("false")
		}
		return nil
	}
	return writeLeaf(buf, enc, v)
}

// writeLeaf encodes v with encoding/json (no HTML escaping), without the
// newline the Encoder appends.
func writeLeaf(buf *bytes.Buffer, enc *json.Encoder, v any) error {
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1)
	return nil
}

// orderer rewrites graphql-go's result maps into Objects in selection-set
// order for one request. Plans are memoised per merged selection and
// runtime type (and kept with the cached document when no @skip /
// @include takes a variable), so the cost per object is one slice and a
// lookup per key.
type orderer struct {
	schema    *graphql.Schema
	fragments map[string]*ast.FragmentDefinition
	vars      map[string]any
}

// orderRoot is the plan of one operation of a document.
type orderRoot struct {
	fragments map[string]*ast.FragmentDefinition
	plan      *selPlan
	// static: no @skip / @include of the document takes a variable, so
	// the plans hold for every request.
	static bool
}

// selPlan is the merged selection of one response position (the selection
// sets of every field with that key), planned lazily per runtime type.
// Plans are shared by concurrent requests: the maps are copied on write.
type selPlan struct {
	sets   []*ast.SelectionSet
	byType atomic.Pointer[map[string]*typePlan]
	// union is the order across every type condition, for objects whose
	// runtime type cannot be told.
	union atomic.Pointer[typePlan]
}

// typePlan is the collected fields of a selection on one object type.
type typePlan struct {
	keys     []string
	types    []graphql.Type // return type per key (nil: unknown, kept as is)
	children []*selPlan     // per key, nil for leaves
	typename []bool         // the key is __typename
	fields   [][]*ast.Field // per key, the merged field nodes
}

// order returns data (graphql-go's result) with its objects as Objects in
// the order of op's selection set; variables are the request's.
func (e *Engine) order(c *cached, op *ast.OperationDefinition, variables map[string]any, data any) any {
	m, ok := data.(map[string]any)
	if !ok {
		return data
	}
	root := e.schema.QueryType()
	if op.Operation == ast.OperationTypeMutation {
		root = e.schema.MutationType()
	}
	if root == nil {
		return data
	}
	r := c.orderRoot(op)
	o := &orderer{schema: &e.schema, fragments: r.fragments}
	if !r.static {
		o.vars = withDefaults(op, variables)
	}
	return o.object(r.plan, root, m)
}

// orderRoot returns the plan of op, kept with the document when static.
func (c *cached) orderRoot(op *ast.OperationDefinition) *orderRoot {
	if v, ok := c.orders.Load(op); ok {
		return v.(*orderRoot)
	}
	r := newOrderRoot(c.doc, op)
	if r.static {
		if v, loaded := c.orders.LoadOrStore(op, r); loaded {
			r = v.(*orderRoot)
		}
	}
	return r
}

func newOrderRoot(doc *ast.Document, op *ast.OperationDefinition) *orderRoot {
	r := &orderRoot{fragments: map[string]*ast.FragmentDefinition{}, plan: &selPlan{sets: []*ast.SelectionSet{op.SelectionSet}}, static: true}
	for _, d := range doc.Definitions {
		switch x := d.(type) {
		case *ast.FragmentDefinition:
			if x.Name != nil {
				r.fragments[x.Name.Value] = x
			}
			if variableDirectives(x.SelectionSet) {
				r.static = false
			}
		case *ast.OperationDefinition:
			if x == op && variableDirectives(x.SelectionSet) {
				r.static = false
			}
		}
	}
	return r
}

// variableDirectives reports whether a @skip / @include in set takes a
// variable.
func variableDirectives(set *ast.SelectionSet) bool {
	if set == nil {
		return false
	}
	for _, sel := range set.Selections {
		var dirs []*ast.Directive
		var sub *ast.SelectionSet
		switch x := sel.(type) {
		case *ast.Field:
			dirs, sub = x.Directives, x.SelectionSet
		case *ast.InlineFragment:
			dirs, sub = x.Directives, x.SelectionSet
		case *ast.FragmentSpread:
			dirs = x.Directives
		}
		for _, d := range dirs {
			for _, a := range d.Arguments {
				if _, ok := a.Value.(*ast.Variable); ok {
					return true
				}
			}
		}
		if variableDirectives(sub) {
			return true
		}
	}
	return false
}

// withDefaults is variables plus the defaults of those the request leaves
// out.
func withDefaults(op *ast.OperationDefinition, variables map[string]any) map[string]any {
	out := variables
	copied := false
	for _, vd := range op.VariableDefinitions {
		if vd.Variable == nil || vd.Variable.Name == nil || vd.DefaultValue == nil {
			continue
		}
		name := vd.Variable.Name.Value
		if _, ok := variables[name]; ok {
			continue
		}
		if !copied {
			copied = true
			out = make(map[string]any, len(variables)+1)
			for k, v := range variables {
				out[k] = v
			}
		}
		out[name] = literalValue(vd.DefaultValue, nil)
	}
	return out
}

// value orders v, of GraphQL type t, selected by p.
func (o *orderer) value(p *selPlan, t graphql.Type, v any) any {
	if v == nil || p == nil || t == nil {
		return v
	}
	switch x := t.(type) {
	case *graphql.NonNull:
		return o.value(p, x.OfType, v)
	case *graphql.List:
		l, ok := v.([]any)
		if !ok {
			return v
		}
		// graphql-go made the list for this result: reorder in place.
		for i, e := range l {
			l[i] = o.value(p, x.OfType, e)
		}
		return l
	case *graphql.Object:
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		return o.object(p, x, m)
	case graphql.Abstract:
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		return o.abstract(p, x, m)
	}
	return v
}

// object orders m, an object of type t.
func (o *orderer) object(p *selPlan, t *graphql.Object, m map[string]any) Object {
	return o.build(o.plan(p, t), m)
}

// abstract orders m, whose type is one of the possible types of a: the one
// the engine's own __typename (typeKey) names, else the one named by a
// selected __typename, else the only one whose collected keys
// are exactly m's keys (or several that agree on the order), else the
// order of first appearance across every type condition.
func (o *orderer) abstract(p *selPlan, a graphql.Abstract, m map[string]any) Object {
	if name, ok := m[typeKey].(string); ok {
		if t, ok := o.schema.Type(name).(*graphql.Object); ok && possibleType(o.schema, a, t) {
			return o.build(o.plan(p, t), m)
		}
	}
	possible := o.schema.PossibleTypes(a)
	for _, t := range possible {
		tp := o.plan(p, t)
		for i, k := range tp.keys {
			if !tp.typename[i] {
				continue
			}
			if name, ok := m[k].(string); ok {
				for _, pt := range possible {
					if pt.Name() == name {
						return o.build(o.plan(p, pt), m)
					}
				}
			}
		}
	}
	var found *typePlan
	for _, t := range possible {
		tp := o.plan(p, t)
		if !sameKeys(tp, m) {
			continue
		}
		if found == nil {
			found = tp
			continue
		}
		if !equalStrings(found.keys, tp.keys) || !sameChildren(found, tp) {
			found = nil
			break
		}
	}
	if found == nil {
		found = p.union.Load()
		if found == nil {
			found = o.collect(p.sets, nil, a)
			p.union.Store(found)
		}
	}
	return o.build(found, m)
}

func sameKeys(tp *typePlan, m map[string]any) bool {
	if len(tp.keys) != len(m) {
		return false
	}
	for _, k := range tp.keys {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}

// sameChildren: two plans agree on how nested values are ordered.
func sameChildren(a, b *typePlan) bool {
	for i := range a.keys {
		if a.types[i] != b.types[i] {
			return false
		}
	}
	return true
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// build makes the Object: the plan's keys present in m in plan order, then
// any key the plan did not place, sorted, so nothing is ever lost.
func (o *orderer) build(tp *typePlan, m map[string]any) Object {
	out := make(Object, 0, len(m))
	for i, k := range tp.keys {
		v, ok := m[k]
		if !ok {
			continue
		}
		out = append(out, Field{Key: k, Value: o.value(tp.children[i], tp.types[i], v)})
	}
	if len(out) == len(m) {
		return out
	}
	if _, ok := m[typeKey]; ok && len(out) == len(m)-1 {
		return out
	}
	placed := make(map[string]bool, len(out))
	for _, f := range out {
		placed[f.Key] = true
	}
	var rest []string
	for k := range m {
		if !placed[k] && k != typeKey {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		out = append(out, Field{Key: k, Value: m[k]})
	}
	return out
}

// plan returns the memoised plan of p on object type t.
func (o *orderer) plan(p *selPlan, t *graphql.Object) *typePlan {
	name := t.Name()
	old := p.byType.Load()
	if old != nil {
		if tp, ok := (*old)[name]; ok {
			return tp
		}
	}
	tp := o.collect(p.sets, t, nil)
	for {
		m := make(map[string]*typePlan, 1)
		if old != nil {
			if prev, ok := (*old)[name]; ok {
				return prev
			}
			for k, v := range *old {
				m[k] = v
			}
		}
		m[name] = tp
		if p.byType.CompareAndSwap(old, &m) {
			return tp
		}
		old = p.byType.Load()
	}
}

// collect merges sets as the executor does for an object of type t:
// fragments whose type condition applies are inlined, @skip / @include
// honoured, a response key keeps its first position. t nil takes every
// fragment (the union order over the possible types of a); a key's nested
// type is then known only when those types agree on it.
func (o *orderer) collect(sets []*ast.SelectionSet, t *graphql.Object, a graphql.Abstract) *typePlan {
	tp := &typePlan{}
	index := map[string]int{}
	var fields [][]*ast.Field
	seen := map[string]bool{}
	w := walker{vars: o.vars}
	var visit func(set *ast.SelectionSet)
	visit = func(set *ast.SelectionSet) {
		if set == nil {
			return
		}
		for _, sel := range set.Selections {
			switch s := sel.(type) {
			case *ast.Field:
				if s.Name == nil || !w.included(s.Directives) {
					continue
				}
				k := responseKey(s)
				i, ok := index[k]
				if !ok {
					i = len(tp.keys)
					index[k] = i
					tp.keys = append(tp.keys, k)
					fields = append(fields, nil)
				}
				fields[i] = append(fields[i], s)
			case *ast.InlineFragment:
				if w.included(s.Directives) && o.applies(s.TypeCondition, t) {
					visit(s.SelectionSet)
				}
			case *ast.FragmentSpread:
				if s.Name == nil || seen[s.Name.Value] || !w.included(s.Directives) {
					continue
				}
				def, ok := o.fragments[s.Name.Value]
				if !ok || !o.applies(def.TypeCondition, t) {
					continue
				}
				seen[s.Name.Value] = true
				visit(def.SelectionSet)
			}
		}
	}
	for _, s := range sets {
		visit(s)
	}
	tp.fields = fields
	tp.types = make([]graphql.Type, len(tp.keys))
	tp.children = make([]*selPlan, len(tp.keys))
	tp.typename = make([]bool, len(tp.keys))
	for i, fs := range fields {
		name := fs[0].Name.Value
		tp.typename[i] = name == "__typename"
		if t != nil {
			tp.types[i] = o.fieldType(t, name)
		} else {
			tp.types[i] = o.unionFieldType(a, name)
		}
		if tp.types[i] != nil {
			tp.children[i] = &selPlan{sets: selectionSets(fs)}
		}
	}
	return tp
}

// applies reports whether a fragment with type condition cond applies to
// an object of type t (t nil: every fragment applies).
func (o *orderer) applies(cond *ast.Named, t *graphql.Object) bool {
	if t == nil || cond == nil || cond.Name == nil {
		return true
	}
	name := cond.Name.Value
	if name == t.Name() {
		return true
	}
	if a, ok := o.schema.Type(name).(graphql.Abstract); ok {
		return possibleType(o.schema, a, t)
	}
	return false
}

// fieldType is the return type of field name on t (meta fields included),
// nil when unknown.
func (o *orderer) fieldType(t *graphql.Object, name string) graphql.Type {
	switch name {
	case "__typename":
		return graphql.String
	case "__schema":
		if t == o.schema.QueryType() {
			return graphql.SchemaMetaFieldDef.Type
		}
	case "__type":
		if t == o.schema.QueryType() {
			return graphql.TypeMetaFieldDef.Type
		}
	}
	if f, ok := t.Fields()[name]; ok && f != nil {
		return f.Type
	}
	return nil
}

// unionFieldType is the return type of a key when the runtime type is not
// known: the type the field has on every possible type of a that has it,
// when they agree; nil (the value is kept as is, maps sorted) otherwise.
func (o *orderer) unionFieldType(a graphql.Abstract, name string) graphql.Type {
	if name == "__typename" {
		return graphql.String
	}
	if a == nil {
		return nil
	}
	var found graphql.Type
	for _, obj := range o.schema.PossibleTypes(a) {
		f, ok := obj.Fields()[name]
		if !ok || f == nil {
			continue
		}
		if found != nil && found.String() != f.Type.String() {
			return nil
		}
		found = f.Type
	}
	return found
}

// typeKey is the response key of the __typename the engine adds to every
// selection on an interface or union, so that the order of each object
// follows its runtime type exactly; it is dropped from the response
// unless the query selects that key itself.
const typeKey = "__chainkgTypename"

// execDocument returns c's document with a __typename (aliased typeKey)
// added to the selection sets of an abstract type where the keys alone
// cannot tell how to order the object (see ambiguous); the document itself
// when there is none.
// Copies share everything but the selection sets they change, and keep
// their locations, so errors point into the request as before.
func (e *Engine) execDocument(c *cached) *ast.Document {
	doc := c.doc
	rw := &rewriter{schema: &e.schema, need: e.ambiguous(c)}
	defs := make([]ast.Node, len(doc.Definitions))
	for i, d := range doc.Definitions {
		defs[i] = d
		switch x := d.(type) {
		case *ast.OperationDefinition:
			var root graphql.Type = e.schema.QueryType()
			if x.Operation == ast.OperationTypeMutation {
				root = e.schema.MutationType()
			}
			c := *x
			c.SelectionSet = rw.set(x.SelectionSet, root)
			defs[i] = &c
		case *ast.FragmentDefinition:
			if x.TypeCondition == nil || x.TypeCondition.Name == nil {
				continue
			}
			c := *x
			c.SelectionSet = rw.set(x.SelectionSet, e.schema.Type(x.TypeCondition.Name.Value))
			defs[i] = &c
		}
	}
	if !rw.changed {
		return doc
	}
	out := *doc
	out.Definitions = defs
	return &out
}

type rewriter struct {
	schema *graphql.Schema
	// need holds the fields that need the engine's __typename; nil: every
	// field of an abstract type.
	need    map[*ast.Field]bool
	changed bool
}

// set copies s, selected on parent, adding typeKey under abstract fields.
func (rw *rewriter) set(s *ast.SelectionSet, parent graphql.Type) *ast.SelectionSet {
	if s == nil {
		return nil
	}
	out := *s
	out.Selections = make([]ast.Selection, len(s.Selections))
	for i, sel := range s.Selections {
		out.Selections[i] = sel
		switch x := sel.(type) {
		case *ast.Field:
			if x.SelectionSet == nil || x.Name == nil {
				continue
			}
			named, _ := graphql.GetNamed(rw.fieldType(parent, x.Name.Value)).(graphql.Type)
			c := *x
			c.SelectionSet = rw.set(x.SelectionSet, named)
			if _, ok := named.(graphql.Abstract); ok && (rw.need == nil || rw.need[x]) {
				c.SelectionSet.Selections = append(c.SelectionSet.Selections, &ast.Field{
					Kind:  kinds.Field,
					Alias: &ast.Name{Kind: kinds.Name, Value: typeKey},
					Name:  &ast.Name{Kind: kinds.Name, Value: "__typename"},
				})
				rw.changed = true
			}
			out.Selections[i] = &c
		case *ast.InlineFragment:
			p := parent
			if x.TypeCondition != nil && x.TypeCondition.Name != nil {
				p = rw.schema.Type(x.TypeCondition.Name.Value)
			}
			c := *x
			c.SelectionSet = rw.set(x.SelectionSet, p)
			out.Selections[i] = &c
		}
	}
	return &out
}

// fieldType is the type of field name on parent (an object or an
// interface), nil when unknown.
func (rw *rewriter) fieldType(parent graphql.Type, name string) graphql.Type {
	switch name {
	case "__schema":
		return graphql.SchemaMetaFieldDef.Type
	case "__type":
		return graphql.TypeMetaFieldDef.Type
	}
	var fields graphql.FieldDefinitionMap
	switch p := parent.(type) {
	case *graphql.Object:
		fields = p.Fields()
	case *graphql.Interface:
		fields = p.Fields()
	default:
		return nil
	}
	if f, ok := fields[name]; ok && f != nil {
		return f.Type
	}
	return nil
}

// possibleType reports whether t is a possible type of a (graphql-go's
// Schema.IsPossibleType writes a memo into the schema unsynchronised).
func possibleType(s *graphql.Schema, a graphql.Abstract, t *graphql.Object) bool {
	for _, pt := range s.PossibleTypes(a) {
		if pt == t {
			return true
		}
	}
	return false
}

// ambiguous returns the fields of an abstract type under which objects of
// two possible types would have the same keys but a different order (or
// different nested selections or types): only there does ordering need
// the runtime type, elsewhere the key set tells it. nil (every abstract
// field) when a @skip / @include takes a variable, as the plans then
// depend on the request.
func (e *Engine) ambiguous(c *cached) map[*ast.Field]bool {
	var roots []*orderRoot
	var types []*graphql.Object
	for _, d := range c.doc.Definitions {
		op, ok := d.(*ast.OperationDefinition)
		if !ok {
			continue
		}
		r := c.orderRoot(op)
		if !r.static {
			return nil
		}
		t := e.schema.QueryType()
		if op.Operation == ast.OperationTypeMutation {
			t = e.schema.MutationType()
		}
		if t != nil {
			roots, types = append(roots, r), append(types, t)
		}
	}
	out := map[*ast.Field]bool{}
	seen := map[string]bool{}
	var walk func(o *orderer, p *selPlan, t graphql.Type, fields []*ast.Field)
	children := func(o *orderer, tp *typePlan) {
		for i := range tp.keys {
			if tp.children[i] != nil && len(tp.children[i].sets) > 0 {
				walk(o, tp.children[i], tp.types[i], tp.fields[i])
			}
		}
	}
	walk = func(o *orderer, p *selPlan, t graphql.Type, fields []*ast.Field) {
		named, ok := graphql.GetNamed(t).(graphql.Type)
		if !ok || named == nil {
			return
		}
		key := named.Name()
		for _, s := range p.sets {
			key += fmt.Sprintf(",%p", s)
		}
		if seen[key] {
			return
		}
		seen[key] = true
		switch n := named.(type) {
		case *graphql.Object:
			children(o, o.plan(p, n))
		case graphql.Abstract:
			var plans []*typePlan
			for _, pt := range o.schema.PossibleTypes(n) {
				plans = append(plans, o.plan(p, pt))
			}
			if ambiguousPlans(plans) {
				for _, f := range fields {
					out[f] = true
				}
			}
			for _, tp := range plans {
				children(o, tp)
			}
		}
	}
	for i, r := range roots {
		o := &orderer{schema: &e.schema, fragments: r.fragments}
		children(o, o.plan(r.plan, types[i]))
	}
	return out
}

// ambiguousPlans: two plans have the same keys but differ in order, field
// nodes or field types.
func ambiguousPlans(plans []*typePlan) bool {
	for i, a := range plans {
		for _, b := range plans[i+1:] {
			if len(a.keys) != len(b.keys) {
				continue
			}
			same := true
			for _, k := range a.keys {
				if !contains(b.keys, k) {
					same = false
					break
				}
			}
			if !same {
				continue
			}
			if !equalStrings(a.keys, b.keys) || !sameChildren(a, b) {
				return true
			}
			for j := range a.fields {
				if len(a.fields[j]) != len(b.fields[j]) {
					return true
				}
				for x := range a.fields[j] {
					if a.fields[j][x] != b.fields[j][x] {
						return true
					}
				}
			}
		}
	}
	return false
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
