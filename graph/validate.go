package graph

import (
	"fmt"
	"math"
	"regexp"
	"unicode/utf8"
)

var datePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// ValidateNode checks a node against the vocabulary: allowlisted kind, valid
// ID, non-empty name, known properties of the declared types and enums, valid
// UTF-8, provenance with a source. The returned *Error names the field.
func ValidateNode(n Node) error {
	spec, ok := LookupKind(n.Kind)
	if !ok {
		return &Error{Code: CodeInvalidInput, Field: "kind", Msg: fmt.Sprintf("unknown node kind %q", n.Kind)}
	}
	if !ValidID(n.ID) {
		return &Error{Code: CodeInvalidInput, Field: PropID, Msg: fmt.Sprintf("invalid id %q (1-128 of A-Z a-z 0-9 . _ : -)", n.ID)}
	}
	if n.Name == "" {
		return &Error{Code: CodeInvalidInput, Field: PropName, Msg: "name is required"}
	}
	if !utf8.ValidString(n.Name) {
		return &Error{Code: CodeInvalidInput, Field: PropName, Msg: "invalid UTF-8"}
	}
	if !utf8.ValidString(n.NameZh) {
		return &Error{Code: CodeInvalidInput, Field: PropNameZh, Msg: "invalid UTF-8"}
	}
	for _, a := range n.Aliases {
		if !utf8.ValidString(a) {
			return &Error{Code: CodeInvalidInput, Field: PropAliases, Msg: "invalid UTF-8"}
		}
	}
	if err := CheckProps(n.Props, func(k string, v any) error {
		p, ok := spec.Prop(k)
		if !ok || isCommonOrProv(k) {
			return &Error{Code: CodeInvalidInput, Field: k, Msg: fmt.Sprintf("unknown property %q for kind %s", k, n.Kind)}
		}
		if err := CheckValue(p, v); err != nil {
			return &Error{Code: CodeInvalidInput, Field: k, Msg: err.Error()}
		}
		return nil
	}); err != nil {
		return err
	}
	return validateProv(n.Prov)
}

// ValidateEdge checks an edge's type and properties. Endpoint kinds are
// checked by ValidateEndpoints once the endpoints are known.
func ValidateEdge(e Edge) error {
	spec, ok := LookupRel(e.Type)
	if !ok {
		return &Error{Code: CodeInvalidInput, Field: "type", Msg: fmt.Sprintf("unknown relation type %q", e.Type)}
	}
	if !ValidID(e.From) {
		return &Error{Code: CodeInvalidInput, Field: "from", Msg: fmt.Sprintf("invalid id %q", e.From)}
	}
	if !ValidID(e.To) {
		return &Error{Code: CodeInvalidInput, Field: "to", Msg: fmt.Sprintf("invalid id %q", e.To)}
	}
	if err := CheckProps(e.Props, func(k string, v any) error {
		p, ok := spec.Prop(k)
		if !ok || isCommonOrProv(k) {
			return &Error{Code: CodeInvalidInput, Field: k, Msg: fmt.Sprintf("unknown property %q for relation %s", k, e.Type)}
		}
		if err := CheckValue(p, v); err != nil {
			return &Error{Code: CodeInvalidInput, Field: k, Msg: err.Error()}
		}
		return nil
	}); err != nil {
		return err
	}
	return validateProv(e.Prov)
}

// CheckProps runs check on every entry of props and returns the error of
// the first key in sorted order that fails, or nil. So the error a caller
// reports does not depend on map order, while the common case (every entry
// valid) costs no sort: the keys are sorted only once an entry has failed.
func CheckProps(props map[string]any, check func(k string, v any) error) error {
	failed := false
	for k, v := range props {
		if check(k, v) != nil {
			failed = true
			break
		}
	}
	if !failed {
		return nil
	}
	for _, k := range SortedKeys(props) {
		if err := check(k, props[k]); err != nil {
			return err
		}
	}
	return nil
}

// ValidateEndpoints checks that the relation may link these kinds.
func ValidateEndpoints(e Edge, from, to Kind) error {
	spec, ok := LookupRel(e.Type)
	if !ok {
		return &Error{Code: CodeInvalidInput, Field: "type", Msg: fmt.Sprintf("unknown relation type %q", e.Type)}
	}
	if !spec.Allows(from, to) {
		return &Error{Code: CodeInvalidInput, Field: "type", Msg: fmt.Sprintf("%s cannot link %s (%s) to %s (%s)", e.Type, e.From, from, e.To, to)}
	}
	return nil
}

func isCommonOrProv(k string) bool {
	for _, list := range [][]PropSpec{CommonNodeProps, ProvenanceProps} {
		for _, p := range list {
			if p.Name == k {
				return true
			}
		}
	}
	return false
}

func validateProv(p Provenance) error {
	if p.Source == "" {
		return &Error{Code: CodeInvalidInput, Field: PropSource, Msg: "provenance source is required"}
	}
	if !utf8.ValidString(p.Source) || !utf8.ValidString(p.Evidence) {
		return &Error{Code: CodeInvalidInput, Field: PropSource, Msg: "invalid UTF-8"}
	}
	if p.AsOf != "" && !datePattern.MatchString(p.AsOf) {
		return &Error{Code: CodeInvalidInput, Field: PropAsOf, Msg: fmt.Sprintf("date %q is not YYYY-MM-DD", p.AsOf)}
	}
	if p.Confidence < 0 || p.Confidence > 1 || math.IsNaN(p.Confidence) {
		return &Error{Code: CodeInvalidInput, Field: PropConfidence, Msg: fmt.Sprintf("confidence %v is outside [0,1]", p.Confidence)}
	}
	return nil
}

// CheckValue checks that v (a canonical type, see Normalize) fits p.
func CheckValue(p PropSpec, v any) error {
	switch p.Type {
	case TString:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("want a string, got %T", v)
		}
		if !utf8.ValidString(s) {
			return fmt.Errorf("invalid UTF-8")
		}
		if len(p.Enum) > 0 && !containsString(p.Enum, s) {
			return fmt.Errorf("%q is not one of %v", s, p.Enum)
		}
	case TDate:
		s, ok := v.(string)
		if !ok || !datePattern.MatchString(s) {
			return fmt.Errorf("want a date YYYY-MM-DD, got %v", v)
		}
	case TInt:
		if _, ok := v.(int64); !ok {
			return fmt.Errorf("want an integer, got %T", v)
		}
	case TFloat:
		f, ok := v.(float64)
		if !ok {
			return fmt.Errorf("want a number, got %T", v)
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("want a finite number")
		}
	case TBool:
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("want true or false, got %T", v)
		}
	case TStringList:
		l, ok := v.([]string)
		if !ok {
			return fmt.Errorf("want a list of strings, got %T", v)
		}
		for _, s := range l {
			if !utf8.ValidString(s) {
				return fmt.Errorf("invalid UTF-8")
			}
		}
	}
	return nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
