// Package graph is chainkg's domain: node kinds, relation types, stable IDs,
// provenance, error codes, the read-query IR that one GraphQL root field
// compiles to, the store contract, the chain projection and the analyses that
// run over it.
//
// It imports only the standard library. Stores (graph/neo4jstore,
// graph/memstore), loaders, schema and server import it and never each other;
// cmd/chainkg wires them together.
package graph
