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

// createEdgesRefCypher is createEdgesCypher for rows that also carry the
// endpoints' references (CreateNodes' internal ids) as row[3] and row[4]:
// each endpoint is found by its internal id (NodeByIdSeek, cheaper than a
// seek of the id index: measured in bench/README.md) and must still be the
// :Node with the row's id and a kind the relation allows, so a stale
// reference (a node deleted and its internal id reused by another write
// since) drops the row as a missing endpoint does. toString() keeps the id
// test a filter: with a plain equality the planner seeks a kind's id index
// instead (TestCreateEdgesPlan checks the plan).
const createEdgesRefCypher = "UNWIND $rows AS row " +
	"MATCH (a) WHERE id(a) = row[3] AND a:Node AND %[2]s AND toString(a.id) = row[0] " +
	"MATCH (b) WHERE id(b) = row[4] AND b:Node AND %[3]s AND toString(b.id) = row[1] " +
	"MERGE (a)-[r:%[1]s]->(b) ON CREATE SET r = row[2]"

// NoRef is the reference of an endpoint whose internal id CreateEdges is
// not given.
const NoRef int64 = -1

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
//
// refs, if not nil, holds two references per edge, refs[2i] for
// edges[i].From and refs[2i+1] for its To: what CreateNodes returned for
// those nodes, or NoRef. Rows of a type whose endpoints all have one are
// found by internal id (createEdgesRefCypher), the others by id.
func (s *Store) CreateEdges(ctx context.Context, edges []graph.Edge, refs []int64) (graph.WriteStats, error) {
	if len(edges) == 0 {
		return graph.NewWriteStats(), nil
	}
	if refs != nil && len(refs) != 2*len(edges) {
		return graph.WriteStats{}, graph.Errorf(graph.CodeInternal, "neo4j: create edges: %d references for %d edges", len(refs), len(edges))
	}
	prep, err := prepareEdgeProps(edges)
	if err != nil {
		return graph.WriteStats{}, err
	}
	plan := planEdges(edges)
	if len(plan.keys) == len(edges) {
		out, err := s.writeTx(ctx, "neo4j: create edges", func(tx neo4j.ManagedTransaction) (any, error) {
			stats := graph.NewWriteStats()
			for _, t := range plan.types {
				js := plan.byType[t]
				byRef := refs != nil
				for _, j := range js {
					if i := plan.last[j]; byRef && (refs[2*i] < 0 || refs[2*i+1] < 0) {
						byRef = false
					}
				}
				stmt, err := createEdgeStatement(t, byRef)
				if err != nil {
					return nil, err
				}
				for _, c := range chunks(len(js), s.cfg.BatchSize) {
					rows := make([]any, 0, c[1]-c[0])
					for _, j := range js[c[0]:c[1]] {
						k, i := plan.keys[j], plan.last[j]
						if byRef {
							rows = append(rows, []any{k.From, k.To, prep[i].props, refs[2*i], refs[2*i+1]})
						} else {
							rows = append(rows, []any{k.From, k.To, prep[i].props})
						}
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
	hashEdges(edges, prep)
	return s.upsertPreparedEdges(ctx, edges, prep, plan)
}

// createEdgeStatement is createEdgesCypher for relation type t, or
// createEdgesRefCypher if byRef.
func createEdgeStatement(t graph.RelType, byRef bool) (string, error) {
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
	if byRef {
		return fmt.Sprintf(createEdgesRefCypher, rel, a, b), nil
	}
	return fmt.Sprintf(createEdgesCypher, rel, a, b), nil
}

// PrepareLoad is what a loader asks before it writes anything (LoadDir
// while it validates its files): the number of :Node nodes (a count-store
// lookup, where Stats is a statement of 39 parts that a just-started server
// takes seconds to plan), and, when that is 0, the plan of the statement
// CreateNodes runs (EXPLAIN: planned and cached, nothing executed), so that
// a cold server plans it while the loader validates instead of before the
// first write. A failure to plan is left to that first write to report.
func (s *Store) PrepareLoad(ctx context.Context) (int64, error) {
	recs, err := s.query(ctx, "neo4j: count nodes", "MATCH (n:Node) RETURN count(n) AS c", nil)
	if err != nil {
		return 0, err
	}
	n := toInt64(recs[0].Values[0])
	if n == 0 {
		sess := s.session(ctx, neo4j.AccessModeWrite)
		defer sess.Close(context.WithoutCancel(ctx))
		if res, err := sess.Run(ctx, "EXPLAIN "+createNodesRefCypher, map[string]any{"rows": []any{}}); err == nil {
			_, _ = res.Consume(ctx)
		}
	}
	return n, nil
}

// CompileMillis is how long the server's JVM has spent compiling code so
// far (the JIT compilers' TotalCompilationTime, summed over their
// threads), read with dbms.queryJmx. A loader watches it to tell a
// just-started server, whose compilers take about a core while it loads,
// from a running one (loaders.Options.Pace).
func (s *Store) CompileMillis(ctx context.Context) (int64, error) {
	recs, err := s.query(ctx, "neo4j: compile time", "CALL dbms.queryJmx('java.lang:type=Compilation') YIELD attributes RETURN attributes.TotalCompilationTime.value AS ms", nil)
	if err != nil {
		return 0, err
	}
	if len(recs) != 1 {
		return 0, graph.Errorf(graph.CodeInternal, "neo4j: compile time: %d records", len(recs))
	}
	ms, ok := recs[0].Values[0].(int64)
	if !ok {
		return 0, graph.Errorf(graph.CodeInternal, "neo4j: compile time: %T", recs[0].Values[0])
	}
	return ms, nil
}
