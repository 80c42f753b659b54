package schema

import (
	"fmt"
	"math"
	"strings"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"

	"chainkg/graph"
)

// walker turns a root field's selection set into one graph.Query: every
// nested relation field becomes a graph.RelQuery keyed by relKey, so nested
// resolvers only read the page the store returned.
type walker struct {
	fragments map[string]ast.Definition
	vars      map[string]any
}

func newWalker(info graphql.ResolveInfo) *walker {
	return &walker{fragments: info.Fragments, vars: info.VariableValues}
}

// fieldSet is the merged selection of one object type: response keys in
// document order, each with every field node that has that key.
type fieldSet struct {
	keys   []string
	fields map[string][]*ast.Field
}

// collect merges selection sets as the executor does for an object of type
// typeName (which implements Node when isNode): fragments whose type
// condition applies are inlined, @skip / @include are honoured.
func (w *walker) collect(sets []*ast.SelectionSet, typeName string, isNode bool) *fieldSet {
	fs := &fieldSet{fields: map[string][]*ast.Field{}}
	seen := map[string]bool{}
	var visit func(set *ast.SelectionSet)
	applies := func(cond *ast.Named) bool {
		if cond == nil || cond.Name == nil {
			return true
		}
		n := cond.Name.Value
		return n == typeName || (isNode && n == "Node")
	}
	visit = func(set *ast.SelectionSet) {
		if set == nil {
			return
		}
		for _, sel := range set.Selections {
			switch s := sel.(type) {
			case *ast.Field:
				if !w.included(s.Directives) {
					continue
				}
				k := responseKey(s)
				if _, ok := fs.fields[k]; !ok {
					fs.keys = append(fs.keys, k)
				}
				fs.fields[k] = append(fs.fields[k], s)
			case *ast.InlineFragment:
				if w.included(s.Directives) && applies(s.TypeCondition) {
					visit(s.SelectionSet)
				}
			case *ast.FragmentSpread:
				name := s.Name.Value
				if seen[name] || !w.included(s.Directives) {
					continue
				}
				def, ok := w.fragments[name].(*ast.FragmentDefinition)
				if !ok || !applies(def.TypeCondition) {
					continue
				}
				seen[name] = true
				visit(def.SelectionSet)
			}
		}
	}
	for _, s := range sets {
		visit(s)
	}
	return fs
}

func (w *walker) included(dirs []*ast.Directive) bool {
	for _, d := range dirs {
		if d.Name == nil || (d.Name.Value != "skip" && d.Name.Value != "include") {
			continue
		}
		cond := false
		for _, a := range d.Arguments {
			if a.Name != nil && a.Name.Value == "if" {
				cond, _ = literalValue(a.Value, w.vars).(bool)
			}
		}
		if d.Name.Value == "skip" && cond {
			return false
		}
		if d.Name.Value == "include" && !cond {
			return false
		}
	}
	return true
}

func selectionSets(fields []*ast.Field) []*ast.SelectionSet {
	out := make([]*ast.SelectionSet, 0, len(fields))
	for _, f := range fields {
		if f.SelectionSet != nil {
			out = append(out, f.SelectionSet)
		}
	}
	return out
}

// args evaluates a nested field's arguments (variables substituted).
func (w *walker) args(f *ast.Field) map[string]any {
	out := make(map[string]any, len(f.Arguments))
	for _, a := range f.Arguments {
		out[a.Name.Value] = literalValue(a.Value, w.vars)
	}
	return out
}

// connQuery builds the query of a connection field (root list or relation)
// reaching nodes of kind k ("" for several kinds, listed in targets).
// connName and edgeName are the GraphQL type names of the connection.
func (w *walker) connQuery(fields []*ast.Field, k graph.Kind, targets []graph.Kind, connName, edgeName string, args map[string]any) (graph.Query, error) {
	q := graph.Query{Kind: k}
	if err := applyConnArgs(&q, k, args); err != nil {
		return q, err
	}
	conn := w.collect(selectionSets(fields), connName, false)
	for _, key := range conn.keys {
		fs := conn.fields[key]
		switch fs[0].Name.Value {
		case "totalCount":
			q.Total = true
		case "edges":
			edge := w.collect(selectionSets(fs), edgeName, false)
			for _, nk := range edge.keys {
				nf := edge.fields[nk]
				if nf[0].Name.Value != "node" {
					continue
				}
				rels, err := w.nodeRels(nf, targets, key+"/"+nk+"/")
				if err != nil {
					return q, err
				}
				q.Rels = append(q.Rels, rels...)
			}
		}
	}
	return q, nil
}

// nodeRels returns the relation queries selected on a node field whose
// value may be of any of kinds, keyed under prefix.
func (w *walker) nodeRels(fields []*ast.Field, kinds []graph.Kind, prefix string) ([]graph.RelQuery, error) {
	var out []graph.RelQuery
	sets := selectionSets(fields)
	if len(sets) == 0 {
		return nil, nil
	}
	for _, k := range kinds {
		fs := w.collect(sets, string(k), true)
		for _, key := range fs.keys {
			f := fs.fields[key]
			s, ok := relField(k, f[0].Name.Value)
			if !ok {
				continue
			}
			t := s.target()
			connName, edgeName := upperFirst(s.field)+"Connection", upperFirst(s.field)+"Edge"
			q, err := w.connQuery(f, t, s.targets, connName, edgeName, w.args(f[0]))
			if err != nil {
				return nil, err
			}
			out = append(out, graph.RelQuery{Key: relKey(prefix, k, key), Type: s.spec.Type, Dir: s.dir, Query: q})
		}
	}
	return out, nil
}

// applyConnArgs sets first, after, where and orderBy.
func applyConnArgs(q *graph.Query, k graph.Kind, args map[string]any) error {
	q.First = DefaultFirst
	if v, ok := args["first"]; ok && v != nil {
		n, ok := toInt(v)
		if !ok || n < 1 {
			return graph.Errorf(graph.CodeInvalidInput, "first must be between 1 and %d", MaxFirst)
		}
		if n > MaxFirst {
			return graph.Errorf(graph.CodeLimit, "first must be at most %d", MaxFirst)
		}
		q.First = n
	}
	if v, ok := args["after"].(string); ok && v != "" {
		q.After = v
	}
	if v, ok := args["where"].(map[string]any); ok {
		conds, err := whereConds(k, v)
		if err != nil {
			return err
		}
		q.Where = conds
	}
	if v, ok := args["orderBy"].(map[string]any); ok {
		f, _ := v["field"].(string)
		if f == "" {
			return graph.Errorf(graph.CodeInvalidInput, "orderBy needs a field")
		}
		dir, _ := v["direction"].(string)
		q.OrderBy = &graph.Order{Field: f, Desc: dir == "DESC"}
	}
	return nil
}

func toInt(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case int64:
		return int(x), true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<31 {
			return int(x), true
		}
	}
	return 0, false
}

// whereConds converts a where input into conditions, in field-name order.
func whereConds(k graph.Kind, where map[string]any) ([]graph.Cond, error) {
	var out []graph.Cond
	props := filterProps(k)
	for _, key := range sortedKeys(where) {
		v := where[key]
		if v == nil {
			continue
		}
		p, op, ok := whereField(props, key)
		if !ok {
			return nil, graph.Errorf(graph.CodeInvalidInput, "unknown filter %q", key)
		}
		if op == graph.OpIn {
			list, ok := v.([]any)
			if !ok {
				return nil, graph.Errorf(graph.CodeInvalidInput, "%s wants a list", key)
			}
			vals := make([]any, 0, len(list))
			for _, e := range list {
				cv, err := condValue(p, e)
				if err != nil {
					return nil, err
				}
				vals = append(vals, cv)
			}
			out = append(out, graph.Cond{Field: p.Name, Op: op, Value: vals})
			continue
		}
		cv, err := condValue(p, v)
		if err != nil {
			return nil, err
		}
		out = append(out, graph.Cond{Field: p.Name, Op: op, Value: cv})
	}
	return out, nil
}

func whereField(props []graph.PropSpec, key string) (graph.PropSpec, graph.Op, bool) {
	for _, p := range props {
		if !p.Filter || !strings.HasPrefix(key, p.Name) {
			continue
		}
		suf := key[len(p.Name):]
		for _, s := range opsFor(p) {
			if s == suf {
				return p, opSuffix[s], true
			}
		}
	}
	return graph.PropSpec{}, "", false
}

// condValue converts a GraphQL input value to the canonical Go type of p.
func condValue(p graph.PropSpec, v any) (any, error) {
	switch p.Type {
	case graph.TInt:
		if n, ok := toInt(v); ok {
			return int64(n), nil
		}
	case graph.TFloat:
		switch x := v.(type) {
		case int:
			return float64(x), nil
		case float64:
			return x, nil
		}
	case graph.TBool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	default:
		if s, ok := v.(string); ok {
			return s, nil
		}
	}
	return nil, graph.Errorf(graph.CodeInvalidInput, "%s: %v is not a valid %s", p.Name, v, p.Type)
}

var allKinds = func() []graph.Kind {
	out := make([]graph.Kind, len(graph.Kinds))
	for i, k := range graph.Kinds {
		out[i] = k.Kind
	}
	return out
}()

func kindsOf(k graph.Kind) []graph.Kind {
	if k == "" {
		return allKinds
	}
	return []graph.Kind{k}
}

var _ = fmt.Sprint
