package schema

import (
	"fmt"
	"strings"

	"github.com/graphql-go/graphql/language/ast"

	"chainkg/graph"
)

// Prescan is a lexical pass over a document before it reaches graphql-go's
// parser (which overflows the stack on about a megabyte of nested
// brackets): it counts tokens and bracket nesting, skipping strings, block
// strings and comments, and refuses more than maxTokens tokens or brackets
// nested deeper than maxNesting. It never recurses and reads the text once.
func Prescan(text string, maxTokens, maxNesting int) error {
	tokens, depth := 0, 0
	inToken := false
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '#':
			for i < len(text) && text[i] != '\n' && text[i] != '\r' {
				i++
			}
			inToken = false
			continue
		case c == '"':
			tokens++
			inToken = false
			if strings.HasPrefix(text[i:], `"""`) {
				end := strings.Index(text[i+3:], `"""`)
				for end >= 0 && end > 0 && text[i+3+end-1] == '\\' {
					next := strings.Index(text[i+3+end+1:], `"""`)
					if next < 0 {
						end = -1
						break
					}
					end += next + 1
				}
				if end < 0 {
					i = len(text)
				} else {
					i += 3 + end + 2
				}
			} else {
				i++
				for i < len(text) && text[i] != '"' && text[i] != '\n' {
					if text[i] == '\\' {
						i++
					}
					i++
				}
			}
		case c == '{' || c == '[' || c == '(':
			tokens++
			inToken = false
			depth++
			if depth > maxNesting {
				return graph.Errorf(graph.CodeLimit, "the document nests brackets deeper than %d", maxNesting)
			}
		case c == '}' || c == ']' || c == ')':
			tokens++
			inToken = false
			if depth > 0 {
				depth--
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == 0xEF || c == 0xBB || c == 0xBF:
			inToken = false
		case isNameByte(c) || c == '-' || c == '.':
			if !inToken {
				tokens++
				inToken = true
			}
		default: // punctuators ! $ & : = @ | and anything the parser will reject
			tokens++
			inToken = false
		}
		if tokens > maxTokens {
			return graph.Errorf(graph.CodeLimit, "the document has more than %d tokens", maxTokens)
		}
	}
	return nil
}

func isNameByte(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// checkShape enforces the alias, field-count and depth limits on a parsed
// document without fragment cycles (checked before), before the spec rules
// (whose overlap check is quadratic in repeated fields).
func checkShape(doc *ast.Document, l Limits) error {
	frags := map[string]*ast.FragmentDefinition{}
	aliases := 0
	for _, d := range doc.Definitions {
		if f, ok := d.(*ast.FragmentDefinition); ok && f.Name != nil {
			frags[f.Name.Value] = f
		}
	}
	s := &shape{frags: frags, fields: map[string]int{}, depth: map[string]int{}, busy: map[string]bool{}}
	total := 0
	for _, d := range doc.Definitions {
		switch x := d.(type) {
		case *ast.OperationDefinition:
			aliases += countAliases(x.SelectionSet)
			total = satAdd(total, s.count(x.SelectionSet))
			if dp := s.maxDepth(x.SelectionSet); dp > l.MaxDepth {
				return graph.Errorf(graph.CodeLimit, "the query is %d levels deep; the limit is %d", dp, l.MaxDepth)
			}
		case *ast.FragmentDefinition:
			aliases += countAliases(x.SelectionSet)
			// Unused fragments are only reported by the spec rules, later:
			// their expansion counts too.
			total = satAdd(total, s.count(x.SelectionSet))
		}
	}
	if err := checkWidths(doc); err != nil {
		return err
	}
	if aliases > l.MaxAliases {
		return graph.Errorf(graph.CodeLimit, "the document has %d aliases; the limit is %d", aliases, l.MaxAliases)
	}
	if total > l.MaxFields {
		return graph.Errorf(graph.CodeLimit, "the query selects %d fields (fragments expanded); the limit is %d", total, l.MaxFields)
	}
	// Only now, with the expansion bounded, walk the merged selections.
	for _, d := range doc.Definitions {
		if op, ok := d.(*ast.OperationDefinition); ok {
			if n := s.introspectionLists(op.SelectionSet, false, 0); n > maxIntrospectionLists {
				return graph.Errorf(graph.CodeLimit, "introspection nests %d type lists (types, fields, interfaces ...); the limit is %d", n, maxIntrospectionLists)
			}
			if n, key := s.maxSameKey(op.SelectionSet); n > l.MaxSameKey {
				return graph.Errorf(graph.CodeLimit, "%d fields with arguments or sub-selections merge into the response key %q; the limit is %d", n, key, l.MaxSameKey)
			}
		}
	}
	return nil
}

// maxWidth bounds arguments per field, directives per node, variable
// definitions per operation and fields per input-object literal: graphql-go's
// uniqueness rules are quadratic with a costly error per duplicate (2,000
// repeated arguments took 13 s, 1,500 unused variables 3.6 s).
const maxWidth = 50

func checkWidths(doc *ast.Document) error {
	tooMany := func(what string, n int) error {
		return graph.Errorf(graph.CodeLimit, "%d %s; the limit is %d", n, what, maxWidth)
	}
	var value func(v ast.Value) error
	value = func(v ast.Value) error {
		switch x := v.(type) {
		case *ast.ObjectValue:
			if len(x.Fields) > maxWidth {
				return tooMany("fields in an input object", len(x.Fields))
			}
			for _, f := range x.Fields {
				if err := value(f.Value); err != nil {
					return err
				}
			}
		case *ast.ListValue:
			for _, e := range x.Values {
				if err := value(e); err != nil {
					return err
				}
			}
		}
		return nil
	}
	directives := func(ds []*ast.Directive) error {
		if len(ds) > maxWidth {
			return tooMany("directives on one node", len(ds))
		}
		for _, d := range ds {
			if len(d.Arguments) > maxWidth {
				return tooMany("arguments of a directive", len(d.Arguments))
			}
		}
		return nil
	}
	var set func(ss *ast.SelectionSet) error
	set = func(ss *ast.SelectionSet) error {
		if ss == nil {
			return nil
		}
		for _, sel := range ss.Selections {
			switch x := sel.(type) {
			case *ast.Field:
				if len(x.Arguments) > maxWidth {
					return tooMany("arguments on one field", len(x.Arguments))
				}
				for _, a := range x.Arguments {
					if err := value(a.Value); err != nil {
						return err
					}
				}
				if err := directives(x.Directives); err != nil {
					return err
				}
				if err := set(x.SelectionSet); err != nil {
					return err
				}
			case *ast.InlineFragment:
				if err := directives(x.Directives); err != nil {
					return err
				}
				if err := set(x.SelectionSet); err != nil {
					return err
				}
			case *ast.FragmentSpread:
				if err := directives(x.Directives); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, d := range doc.Definitions {
		switch x := d.(type) {
		case *ast.OperationDefinition:
			if len(x.VariableDefinitions) > maxWidth {
				return tooMany("variable definitions", len(x.VariableDefinitions))
			}
			for _, v := range x.VariableDefinitions {
				if v.DefaultValue != nil {
					if err := value(v.DefaultValue); err != nil {
						return err
					}
				}
			}
			if err := directives(x.Directives); err != nil {
				return err
			}
			if err := set(x.SelectionSet); err != nil {
				return err
			}
		case *ast.FragmentDefinition:
			if err := directives(x.Directives); err != nil {
				return err
			}
			if err := set(x.SelectionSet); err != nil {
				return err
			}
		}
	}
	return nil
}

// Introspection is exempt from the depth and cost limits (GraphiQL's query
// is deep and cheap) but must not multiply type lists: types { fields {
// type { fields ... } } } resolves hundreds of thousands of fields. The
// standard introspection query nests at most two (types.fields; args are
// small and not counted).
const maxIntrospectionLists = 2

var introspectionLists = map[string]bool{"types": true, "fields": true, "inputFields": true, "interfaces": true, "possibleTypes": true, "enumValues": true}

// introspectionLists returns the largest number of type lists nested on a
// path inside __schema / __type, fragments expanded (the expansion is
// bounded by MaxFields before this runs).
func (s *shape) introspectionLists(set *ast.SelectionSet, inside bool, depth int) int {
	if set == nil || depth > 256 {
		return 0
	}
	m := 0
	for _, sel := range set.Selections {
		n := 0
		switch x := sel.(type) {
		case *ast.Field:
			name := x.Name.Value
			in := inside || name == "__schema" || name == "__type"
			if in && introspectionLists[name] {
				n = 1
			}
			if in || x.SelectionSet != nil {
				n += s.introspectionLists(x.SelectionSet, in, depth+1)
			}
		case *ast.InlineFragment:
			n = s.introspectionLists(x.SelectionSet, inside, depth+1)
		case *ast.FragmentSpread:
			if f, ok := s.frags[x.Name.Value]; ok && !s.busy[x.Name.Value] {
				s.busy[x.Name.Value] = true
				n = s.introspectionLists(f.SelectionSet, inside, depth+1)
				s.busy[x.Name.Value] = false
			}
		}
		if n > m {
			m = n
		}
	}
	return m
}

const saturate = 1 << 30

func satAdd(a, b int) int {
	if a+b > saturate {
		return saturate
	}
	return a + b
}

func satMul(a, b int) int {
	if a != 0 && b > saturate/a {
		return saturate
	}
	return a * b
}

func countAliases(set *ast.SelectionSet) int {
	if set == nil {
		return 0
	}
	n := 0
	for _, sel := range set.Selections {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Alias != nil && s.Alias.Value != "" {
				n++
			}
			n += countAliases(s.SelectionSet)
		case *ast.InlineFragment:
			n += countAliases(s.SelectionSet)
		}
	}
	return n
}

// maxSameKey returns the largest number of fields merged into one
// response position: fields with the same response key in a selection set,
// counting what inline and named fragments merge into it, and recursively
// the union of their sub-selections (what execution merges and the overlap
// rule compares pairwise; leaves without arguments do not count).
// graphql-go's implementation of that rule is far
// worse than quadratic in this number: 20 parents each with 20 conflicting
// children took minutes).
func (s *shape) maxSameKey(set *ast.SelectionSet) (int, string) {
	if set == nil {
		return 0, ""
	}
	return s.merged([]*ast.SelectionSet{set}, 0)
}

func (s *shape) merged(sets []*ast.SelectionSet, depth int) (int, string) {
	if depth > 64 {
		return 0, ""
	}
	var keys []string
	groups := map[string][]*ast.SelectionSet{}
	counts := map[string]int{}
	var flat func(set *ast.SelectionSet, seen map[string]bool)
	flat = func(set *ast.SelectionSet, seen map[string]bool) {
		for _, sel := range set.Selections {
			switch x := sel.(type) {
			case *ast.Field:
				k := responseKey(x)
				if _, ok := counts[k]; !ok {
					keys = append(keys, k)
				}
				// Leaves without arguments (id, name, __typename) are cheap
				// to compare; fragments on many kinds repeat them.
				if len(x.Arguments) > 0 || x.SelectionSet != nil {
					counts[k]++
				}
				if x.SelectionSet != nil {
					groups[k] = append(groups[k], x.SelectionSet)
				}
			case *ast.InlineFragment:
				if x.SelectionSet != nil {
					flat(x.SelectionSet, seen)
				}
			case *ast.FragmentSpread:
				f, ok := s.frags[x.Name.Value]
				if !ok || seen[x.Name.Value] || f.SelectionSet == nil {
					continue
				}
				seen[x.Name.Value] = true
				flat(f.SelectionSet, seen)
				delete(seen, x.Name.Value)
			}
		}
	}
	for _, set := range sets {
		flat(set, map[string]bool{})
	}
	best, bestKey := 0, ""
	for _, k := range keys {
		if counts[k] > best {
			best, bestKey = counts[k], k
		}
		if n, key := s.merged(groups[k], depth+1); n > best {
			best, bestKey = n, key
		}
	}
	return best, bestKey
}

// shape memoises per-fragment field counts and depths. busy guards against
// cycles even though the cycle rule ran first.
type shape struct {
	frags  map[string]*ast.FragmentDefinition
	fields map[string]int
	depth  map[string]int
	busy   map[string]bool
}

func (s *shape) count(set *ast.SelectionSet) int {
	if set == nil {
		return 0
	}
	n := 0
	for _, sel := range set.Selections {
		switch x := sel.(type) {
		case *ast.Field:
			n = satAdd(n, 1+s.count(x.SelectionSet))
		case *ast.InlineFragment:
			n = satAdd(n, s.count(x.SelectionSet))
		case *ast.FragmentSpread:
			name := x.Name.Value
			if v, ok := s.fields[name]; ok {
				n = satAdd(n, v)
				continue
			}
			f, ok := s.frags[name]
			if !ok || s.busy[name] {
				continue
			}
			s.busy[name] = true
			v := s.count(f.SelectionSet)
			s.busy[name] = false
			s.fields[name] = v
			n = satAdd(n, v)
		}
	}
	return n
}

// maxDepth is the field depth of a selection set; introspection subtrees
// (__schema, __type) do not count: GraphiQL's introspection query is deep
// and cheap.
func (s *shape) maxDepth(set *ast.SelectionSet) int {
	if set == nil {
		return 0
	}
	m := 0
	for _, sel := range set.Selections {
		d := 0
		switch x := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(x.Name.Value, "__") {
				d = 1
				break
			}
			d = 1 + s.maxDepth(x.SelectionSet)
		case *ast.InlineFragment:
			d = s.maxDepth(x.SelectionSet)
		case *ast.FragmentSpread:
			name := x.Name.Value
			if v, ok := s.depth[name]; ok {
				d = v
				break
			}
			f, ok := s.frags[name]
			if !ok || s.busy[name] {
				break
			}
			s.busy[name] = true
			d = s.maxDepth(f.SelectionSet)
			s.busy[name] = false
			s.depth[name] = d
		}
		if d > m {
			m = d
		}
	}
	return m
}

// listFields are the fields whose page size multiplies the cost: every
// connection (root lists and relations) and the list root fields.
var listFields = func() map[string]int {
	m := map[string]int{"search": DefaultFirst, "neighborhood": DefaultNeighborhood, "paths": DefaultPaths}
	for _, k := range graph.Kinds {
		m[k.Plural] = DefaultFirst
	}
	for _, r := range graph.Rels {
		m[r.OutField] = DefaultFirst
		m[r.InField] = DefaultFirst
	}
	return m
}()

// cost estimates the nodes an operation may return: each list field
// multiplies by its page size (first or limit; a variable counts with its
// value, or the maximum when it has none), summed over all paths.
func cost(doc *ast.Document, op *ast.OperationDefinition, vars map[string]any) int {
	frags := map[string]*ast.FragmentDefinition{}
	for _, d := range doc.Definitions {
		if f, ok := d.(*ast.FragmentDefinition); ok && f.Name != nil {
			frags[f.Name.Value] = f
		}
	}
	var walk func(set *ast.SelectionSet, mult int, seen map[string]bool) int
	walk = func(set *ast.SelectionSet, mult int, seen map[string]bool) int {
		if set == nil {
			return 0
		}
		total := 0
		for _, sel := range set.Selections {
			switch x := sel.(type) {
			case *ast.Field:
				if strings.HasPrefix(x.Name.Value, "__") {
					continue
				}
				m := mult
				if def, ok := listFields[x.Name.Value]; ok {
					n := def
					for _, a := range x.Arguments {
						if a.Name.Value != "first" && a.Name.Value != "limit" {
							continue
						}
						if v, ok := toInt(literalValue(a.Value, vars)); ok && v > 0 {
							n = v
						} else if _, isVar := a.Value.(*ast.Variable); isVar {
							n = MaxFirst
						}
					}
					m = satMul(mult, n)
					total = satAdd(total, m)
				}
				total = satAdd(total, walk(x.SelectionSet, m, seen))
			case *ast.InlineFragment:
				total = satAdd(total, walk(x.SelectionSet, mult, seen))
			case *ast.FragmentSpread:
				f, ok := frags[x.Name.Value]
				if !ok || seen[x.Name.Value] {
					continue
				}
				seen[x.Name.Value] = true
				total = satAdd(total, walk(f.SelectionSet, mult, seen))
				delete(seen, x.Name.Value)
			}
			if total >= saturate {
				return saturate
			}
		}
		return total
	}
	return walk(op.SelectionSet, 1, map[string]bool{})
}

var _ = fmt.Sprint

// blankComments works around graphql-go v0.8.1's lexer, which miscounts
// multi-byte characters in comments (graphql-go/graphql issue 699): a
// comment such as `# 补链` before a named operation made the parser fail.
// It returns text with the bytes of every comment that holds a non-ASCII
// byte replaced by spaces, so byte offsets, lines and columns of everything
// else are unchanged. Strings and block strings are skipped, as the lexer
// does. Text without such comments is returned as is, without copying.
func blankComments(text string) string {
	var out []byte
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '"' && strings.HasPrefix(text[i:], `"""`):
			i += 3
			for i < len(text) && !strings.HasPrefix(text[i:], `"""`) {
				if strings.HasPrefix(text[i:], `\"""`) {
					i += 3
				}
				i++
			}
			i += 2
		case c == '"':
			for i++; i < len(text) && text[i] != '"' && text[i] != '\n'; i++ {
				if text[i] == '\\' {
					i++
				}
			}
		case c == '#':
			start := i
			wide := false
			for i < len(text) && text[i] != '\n' && text[i] != '\r' {
				wide = wide || text[i] >= 0x80
				i++
			}
			if wide {
				if out == nil {
					out = []byte(text)
				}
				for j := start + 1; j < i; j++ {
					out[j] = ' '
				}
			}
		}
	}
	if out == nil {
		return text
	}
	return string(out)
}
