// Package schema is the GraphQL API of chainkg: a schema generated from the
// graph vocabulary (graph.Kinds, graph.Rels), resolvers that turn each root
// field's whole selection set into one graph.Query (one store call per root
// field), mutations validated like the loaders, and Engine, which runs
// requests through the guards graphql-go v0.8.1 needs (pre-scan, fragment
// cycles first, limits, validation cache, deadline, error cap).
package schema

import (
	"errors"
	"fmt"
	"sort"

	"github.com/graphql-go/graphql"

	"chainkg/graph"
)

// codedError is a resolver error that carries extensions.code.
type codedError struct {
	code graph.Code
	msg  string
}

func (e *codedError) Error() string { return e.msg }

// Extensions implements gqlerrors.ExtendedError.
func (e *codedError) Extensions() map[string]any { return map[string]any{"code": string(e.code)} }

// gqlErr classifies err once (graph.CodeOf) for the GraphQL response. A
// store error's message is kept; internal errors are not detailed.
func gqlErr(err error) error {
	if err == nil {
		return nil
	}
	var ce *codedError
	if errors.As(err, &ce) {
		return ce
	}
	code := graph.CodeOf(err)
	msg := err.Error()
	switch code {
	case graph.CodeInternal:
		msg = "internal error"
	case graph.CodeUnavailable:
		msg = "the graph store is unavailable: " + err.Error()
	case graph.CodeTimeout:
		msg = "the request deadline passed"
	}
	return &codedError{code: code, msg: msg}
}

// New builds the schema over the store in d.
func New(d *Deps) (graphql.Schema, error) {
	b := newBuilder(d)
	b.buildObjects()
	r := &resolvers{b: b, d: d}
	query := graphql.NewObject(graphql.ObjectConfig{Name: "Query", Fields: graphql.FieldsThunk(r.queryFields)})
	mutation := graphql.NewObject(graphql.ObjectConfig{Name: "Mutation", Fields: graphql.FieldsThunk(r.mutationFields)})
	types := []graphql.Type{graphql.ID}
	for _, k := range graph.Kinds {
		types = append(types, b.objects[k.Kind])
	}
	s, err := graphql.NewSchema(graphql.SchemaConfig{Query: query, Mutation: mutation, Types: types})
	if err != nil {
		return s, fmt.Errorf("build GraphQL schema: %w", err)
	}
	sortArgs(s)
	return s, nil
}

// sortArgs puts every field's arguments in name order: graphql-go builds them
// from a map, so introspection (and GraphiQL's docs) would list them in a
// different order on every start.
func sortArgs(s graphql.Schema) {
	for _, t := range s.TypeMap() {
		var fields graphql.FieldDefinitionMap
		switch x := t.(type) {
		case *graphql.Object:
			fields = x.Fields()
		case *graphql.Interface:
			fields = x.Fields()
		default:
			continue
		}
		for _, f := range fields {
			sort.Slice(f.Args, func(i, j int) bool { return f.Args[i].Name() < f.Args[j].Name() })
		}
	}
}
