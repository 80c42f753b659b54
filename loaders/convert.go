package loaders

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"chainkg/graph"
)

// canonKey maps a column name to its storage property name: snake_case and
// kebab-case become camelCase (name_zh -> nameZh, as_of -> asOf,
// chain_master -> chainMaster); camelCase stays as it is.
func canonKey(k string) string {
	// Fast path (it runs for every cell): plain ASCII with nothing to trim
	// or convert is already canonical.
	plain := true
	for i := 0; i < len(k); i++ {
		if c := k[i]; c == '_' || c == '-' || c <= ' ' || c >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain {
		return k
	}
	k = strings.TrimSpace(k)
	if !strings.ContainsAny(k, "_-") {
		return k
	}
	var b strings.Builder
	up := false
	for i, r := range k {
		if r == '_' || r == '-' {
			up = i > 0
			continue
		}
		if up {
			b.WriteString(strings.ToUpper(string(r)))
			up = false
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// defaults is the provenance a row gets when it does not state its own.
type defaults struct {
	Source, AsOf string
	// trusted skips graph.ValidateNode/ValidateEdge: LoadDir's second pass
	// re-reads rows the first pass validated (and the store checks again).
	trusted bool
}

// nodeFromRecord converts a row to a node. kind is the file's kind; when it
// is empty the row's kind column decides.
func nodeFromRecord(rec record, kind graph.Kind, def defaults) (graph.Node, error) {
	n := graph.Node{Kind: kind}
	for _, f := range rec.fields {
		if canonKey(f.key) == "kind" {
			s, ok := f.val.(string)
			if !ok {
				return n, inputErr(rec.file, f.line, f.label(), "kind must be a single value")
			}
			if kind != "" && graph.Kind(s) != kind {
				return n, inputErr(rec.file, f.line, f.label(), "row kind %q differs from the file's kind %s", s, kind)
			}
			n.Kind = graph.Kind(s)
		}
	}
	if n.Kind == "" {
		return n, inputErr(rec.file, rec.line, "kind", "kind is required (set kind for the file in dataset.yaml or add a kind column)")
	}
	spec, ok := graph.LookupKind(n.Kind)
	if !ok {
		return n, inputErr(rec.file, rec.line, "kind", "unknown node kind %q (allowed: %v)", n.Kind, graph.KindNames())
	}
	n.Prov = graph.Provenance{Source: def.Source, AsOf: def.AsOf}
	if err := checkEmpty(rec, func(key string) bool {
		_, ok := spec.Prop(key)
		return ok || key == "kind" || isProvKey(key)
	}, "kind "+string(n.Kind)); err != nil {
		return n, err
	}
	for _, f := range rec.fields {
		key := canonKey(f.key)
		var err error
		switch key {
		case "kind":
			continue
		case graph.PropID:
			n.ID, err = single(f.val)
		case graph.PropName:
			n.Name, err = single(f.val)
		case graph.PropNameZh:
			n.NameZh, err = single(f.val)
		case graph.PropAliases:
			n.Aliases = list(f.val)
		default:
			var done bool
			if done, err = setProv(&n.Prov, key, f.val); done {
				break
			}
			p, ok := spec.Prop(key)
			if !ok {
				return n, inputErr(rec.file, f.line, f.label(), "unknown column %q for kind %s", f.label(), n.Kind)
			}
			var v any
			if v, err = convertValue(p, f.val); err == nil {
				if n.Props == nil {
					n.Props = make(map[string]any, len(rec.fields))
				}
				n.Props[key] = v
			}
		}
		if err != nil {
			return n, inputErr(rec.file, f.line, f.label(), "%v", err)
		}
	}
	if def.trusted {
		return n, nil
	}
	if err := graph.ValidateNode(n); err != nil {
		return n, locate(err, rec, "")
	}
	return n, nil
}

// edgeFromRecord converts a row to an edge. typ is the file's relation
// type; when empty the row's type column decides.
func edgeFromRecord(rec record, typ graph.RelType, def defaults) (graph.Edge, error) {
	e := graph.Edge{Type: typ}
	for _, f := range rec.fields {
		if canonKey(f.key) == "type" {
			s, ok := f.val.(string)
			if !ok {
				return e, inputErr(rec.file, f.line, f.label(), "type must be a single value")
			}
			if typ != "" && graph.RelType(s) != typ {
				return e, inputErr(rec.file, f.line, f.label(), "row type %q differs from the file's type %s", s, typ)
			}
			e.Type = graph.RelType(s)
		}
	}
	if e.Type == "" {
		return e, inputErr(rec.file, rec.line, "type", "relation type is required (set type for the file in dataset.yaml or add a type column)")
	}
	spec, ok := graph.LookupRel(e.Type)
	if !ok {
		return e, inputErr(rec.file, rec.line, "type", "unknown relation type %q", e.Type)
	}
	e.Prov = graph.Provenance{Source: def.Source, AsOf: def.AsOf}
	if err := checkEmpty(rec, func(key string) bool {
		_, ok := spec.Prop(key)
		return ok || key == "type" || key == "from" || key == "to" || isProvKey(key)
	}, "relation "+string(e.Type)); err != nil {
		return e, err
	}
	for _, f := range rec.fields {
		key := canonKey(f.key)
		var err error
		switch key {
		case "type":
			continue
		case "from":
			e.From, err = single(f.val)
		case "to":
			e.To, err = single(f.val)
		default:
			var done bool
			if done, err = setProv(&e.Prov, key, f.val); done {
				break
			}
			p, ok := spec.Prop(key)
			if !ok {
				return e, inputErr(rec.file, f.line, f.label(), "unknown column %q for relation %s", f.label(), e.Type)
			}
			var v any
			if v, err = convertValue(p, f.val); err == nil {
				if e.Props == nil {
					e.Props = make(map[string]any, len(rec.fields))
				}
				e.Props[key] = v
			}
		}
		if err != nil {
			return e, inputErr(rec.file, f.line, f.label(), "%v", err)
		}
	}
	for _, c := range []struct{ name, v string }{{"from", e.From}, {"to", e.To}} {
		if c.v == "" {
			return e, inputErr(rec.file, rec.line, c.name, "%s is required (the id of an endpoint)", c.name)
		}
	}
	if def.trusted {
		return e, nil
	}
	if err := graph.ValidateEdge(e); err != nil {
		return e, locate(err, rec, "")
	}
	return e, nil
}

// locate puts a validation error at the row's location, on the line of the
// field it names when that field is in the row.
func locate(err error, rec record, fieldName string) error {
	ge, ok := err.(*graph.Error)
	if !ok {
		return &graph.Error{Code: graph.CodeInvalidInput, File: rec.file, Line: rec.line, Field: fieldName, Msg: err.Error()}
	}
	out := *ge
	out.File, out.Line = rec.file, rec.line
	if out.Field == "" {
		out.Field = fieldName
	}
	for _, f := range rec.fields {
		if canonKey(f.key) == out.Field {
			out.Line = f.line
			out.Field = f.label()
			break
		}
	}
	return &out
}

// setProv stores a provenance column; done is false for other columns.
func setProv(p *graph.Provenance, key string, v any) (done bool, err error) {
	switch key {
	case graph.PropSource:
		p.Source, err = single(v)
	case graph.PropAsOf:
		p.AsOf, err = single(v)
		if err == nil {
			p.AsOf, err = normDate(p.AsOf)
		}
	case graph.PropConfidence:
		var s string
		if s, err = single(v); err == nil {
			p.Confidence, err = parseFloat(s)
		}
	case graph.PropEvidence:
		p.Evidence, err = single(v)
	case graph.PropUpdatedBy:
		p.UpdatedBy, err = single(v)
	case graph.PropUpdatedAt:
		p.UpdatedAt, err = single(v)
	default:
		return false, nil
	}
	return true, err
}

func single(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case []string:
		return "", fmt.Errorf("want a single value, got a list")
	}
	return "", nil
}

// list reads a list cell: a []string, or a string with items separated by
// "|" (CSV cells).
func list(v any) []string {
	var parts []string
	switch x := v.(type) {
	case []string:
		parts = x
	case string:
		parts = strings.Split(x, listSep)
	}
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// convertValue converts a cell to the canonical Go type of p. Every format
// arrives here as text (CSV cells, JSON numbers, YAML scalars), so one set
// of rules applies to all of them.
func convertValue(p graph.PropSpec, v any) (any, error) {
	if p.Type == graph.TStringList {
		l := list(v)
		for _, s := range l {
			if !utf8.ValidString(s) {
				return nil, fmt.Errorf("invalid UTF-8")
			}
		}
		return l, nil
	}
	s, err := single(v)
	if err != nil {
		return nil, err
	}
	switch p.Type {
	case graph.TString:
		if len(p.Enum) > 0 {
			s = strings.ToUpper(s)
		}
		return s, graph.CheckValue(p, s)
	case graph.TDate:
		return normDate(s)
	case graph.TInt:
		i, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			// Spreadsheets write whole numbers as 2019.0.
			if f, ferr := strconv.ParseFloat(s, 64); ferr == nil && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
				return int64(f), nil
			}
			return nil, fmt.Errorf("%q is not an integer", s)
		}
		return i, nil
	case graph.TFloat:
		return parseFloat(s)
	case graph.TBool:
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true", "yes", "y", "1", "t":
			return true, nil
		case "false", "no", "n", "0", "f":
			return false, nil
		}
		return nil, fmt.Errorf("%q is not a boolean (true/false)", s)
	}
	return s, nil
}

func parseFloat(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%q is not a finite number", s)
	}
	return f, nil
}

// normDate accepts YYYY-MM-DD, YYYY-MM (first of the month) and YYYY (1
// January) and returns YYYY-MM-DD; it rejects impossible months and days.
func normDate(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if i := strings.IndexAny(s, "T "); i == 10 {
		s = s[:10] // a timestamp: keep the date
	}
	parts := strings.Split(s, "-")
	if len(parts) > 3 || len(parts[0]) != 4 {
		return "", fmt.Errorf("date %q is not YYYY-MM-DD", s)
	}
	nums := []int{0, 1, 1}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || (i > 0 && len(p) != 2) {
			return "", fmt.Errorf("date %q is not YYYY-MM-DD", s)
		}
		nums[i] = n
	}
	days := [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	if nums[1] < 1 || nums[1] > 12 || nums[2] < 1 || nums[2] > days[nums[1]] {
		return "", fmt.Errorf("date %q is not a valid date", s)
	}
	return fmt.Sprintf("%04d-%02d-%02d", nums[0], nums[1], nums[2]), nil
}

// checkEmpty refuses a key without a value that is not a known column: in
// YAML it is almost always a value cut at an unquoted comma.
func checkEmpty(rec record, known func(key string) bool, what string) error {
	for _, f := range rec.empty {
		if !known(canonKey(f.key)) {
			return inputErr(rec.file, f.line, f.key, "unknown column %q for %s, with no value (in a YAML {flow mapping}, quote values that contain a comma)", f.key, what)
		}
	}
	return nil
}

func isProvKey(key string) bool {
	var p graph.Provenance
	done, _ := setProv(&p, key, "")
	return done
}
