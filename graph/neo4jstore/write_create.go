package neo4jstore

import (
	"context"
	"errors"
	"fmt"

	"chainkg/graph"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// createEdgesCypher writes edges of one type that the caller expects to be
// new; %[1]s is the relationship type, %[2]s and %[3]s the tests that a and
// b have kinds the relation allows (allowlist labels, labelTest).
// A row whose endpoint is missing or does not fit drops out at its MATCH,
// and an edge that exists after all is found by MERGE (so never doubled)
// and left alone: CreateEdges sees either as fewer relationships created
// (the statement's counters) than rows sent, rolls back and runs
// UpsertEdges. It is
// upsertEdgesCypher without what only an existing edge needs (the old
// properties, the conditional rewrite, the per-row report): half the planning
// time and no Eager buffer.
const createEdgesCypher = "UNWIND $rows AS row " +
	"MATCH (a:Node {id: row[0]}) WHERE %[2]s " +
	"MATCH (b:Node {id: row[1]}) WHERE %[3]s " +
	"MERGE (a)-[r:%[1]s]->(b) ON CREATE SET r = row[2]"

// errNotAllNew rolls back a CreateEdges transaction whose edges were not
// all new (or not all between existing, fitting endpoints).
var errNotAllNew = errors.New("neo4jstore: create edges: not every edge was new")

// CreateEdges is UpsertEdges for edges the caller expects to be new (a
// loader that found the store empty before writing its nodes): one
// statement per type that MERGEs each edge and sets its properties when
// MERGE creates it, without reading the previous properties or reporting per
// row. If any row did not create its edge (it existed, an endpoint is
// missing or has a kind the relation does not allow) or a key repeats in
// the call, that transaction rolls back and the call runs as UpsertEdges:
// the result, counts and errors are always UpsertEdges', only faster when
// the expectation holds.
func (s *Store) CreateEdges(ctx context.Context, edges []graph.Edge) (graph.WriteStats, error) {
	if len(edges) == 0 {
		return graph.NewWriteStats(), nil
	}
	prep, err := prepareEdges(edges)
	if err != nil {
		return graph.WriteStats{}, err
	}
	plan := planEdges(edges)
	if len(plan.keys) == len(edges) {
		out, err := s.writeTx(ctx, "neo4j: create edges", func(tx neo4j.ManagedTransaction) (any, error) {
			stats := graph.NewWriteStats()
			for _, t := range plan.types {
				stmt, err := createEdgeStatement(t)
				if err != nil {
					return nil, err
				}
				js := plan.byType[t]
				for _, c := range chunks(len(js), s.cfg.BatchSize) {
					rows := make([]any, 0, c[1]-c[0])
					for _, j := range js[c[0]:c[1]] {
						k := plan.keys[j]
						rows = append(rows, []any{k.From, k.To, prep[plan.last[j]].props})
					}
					res, err := tx.Run(ctx, stmt, map[string]any{"rows": rows})
					if err != nil {
						return nil, err
					}
					sum, err := res.Consume(ctx)
					if err != nil {
						return nil, err
					}
					if sum.Counters().RelationshipsCreated() != len(rows) {
						return nil, errNotAllNew
					}
					stats.Created[string(t)] += len(rows)
				}
			}
			if _, err := runAll(ctx, tx, bumpRevisionCypher, nil); err != nil {
				return nil, err
			}
			return stats, nil
		})
		if err == nil {
			return out.(graph.WriteStats), nil
		}
		if !errors.Is(err, errNotAllNew) {
			return graph.WriteStats{}, err
		}
	}
	return s.upsertPreparedEdges(ctx, edges, prep, plan)
}

// createEdgeStatement is createEdgesCypher for relation type t.
func createEdgeStatement(t graph.RelType) (string, error) {
	rel, err := relLabel(t)
	if err != nil {
		return "", err
	}
	spec, _ := graph.LookupRel(t)
	a, err := labelTest("a", spec.From)
	if err != nil {
		return "", err
	}
	b, err := labelTest("b", spec.To)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf(createEdgesCypher, rel, a, b), nil
}
