package neo4jstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"chainkg/graph"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Write statements. Labels and relationship types are spliced in from the
// allowlist only (one statement shape per label/type, so the server caches
// one plan each); every value is a parameter.
const (
	// existingNodesCypher reads the kind and content hash of the ids a
	// batch touches, inside the write transaction.
	existingNodesCypher = "UNWIND $ids AS id MATCH (n:Node {id: id}) RETURN n.id AS id, labels(n) AS l, n._h AS h"
	// createNodesCypher creates nodes the transaction found missing (or
	// that CreateNodes expects to be new). row.k is the kind label, from the
	// allowlist only (kindLabel), set as a dynamic label (Neo4j 5.26): one
	// statement, so one plan, for every kind; a static label per kind cost
	// the server a cold plan of 0.1-0.4 s CPU for each (bench/README.md).
	// (CREATE rather than MERGE: the transaction has just read which ids
	// exist, and MERGE followed by SET plans an Eager barrier. A concurrent
	// creator trips the :Node id constraint, which is CodeConflict.)
	createNodesCypher = "UNWIND $rows AS row CREATE (n:Node:$(row.k)) SET n = row.props"
	// createNodesRefCypher is createNodesCypher returning the nodes'
	// internal ids (CreateNodes' references) in row order, as one list:
	// one record, where a record per row cost the Enterprise file 1-2 s
	// more (the driver pulls 1,000 records a round trip). It does not
	// return the rows' ids with them: reading row.props.id after the SET
	// plans a second Eager (0.8 s more for the Enterprise file). A
	// reference out of order could only cost time: createEdgesRefCypher
	// checks each endpoint's id and falls back to the upsert.
	createNodesRefCypher = createNodesCypher + " RETURN collect(id(n)) AS refs"
	// updateNodesCypher replaces all properties of existing nodes (SET n =
	// map removes the ones not in the map).
	updateNodesCypher = "UNWIND $rows AS row MATCH (n:Node {id: row.id}) SET n = row.props"
	// upsertEdgesCypher writes the edges of one type in one pass; %[1]s
	// is the relationship type, %[2]s the test that the endpoints' kinds
	// fit it (from the allowlist, see endpointTest). Rows are [from, to,
	// props, index]. Both endpoints are seeked by the :Node id constraint
	// first, so MERGE finds the relationship with Expand(Into) from the less
	// connected end (never an Expand(All) over a supernode's edges). MERGE
	// is the concurrency guard: no constraint can make (type, from, to)
	// unique, and MERGE locks both endpoints, so two concurrent writers of
	// one new edge never make two. A created edge is marked {_h: ''} for
	// the length of the statement (a stored edge never keeps that map: the
	// statement replaces it), so `old` tells created from stored; props are
	// written only when they differ from the stored ones (Cypher's map
	// equality, where 1 = 1.0: chainkg writes each property of a relation
	// type with its one declared type, so that hides no change it made; an
	// edge another tool stored with 1 where chainkg writes 1.0 is left as
	// it is and counted unchanged. A stored "_h" of an older chainkg makes
	// the maps differ and is dropped by the rewrite). One record comes back:
	// the number of rows that created an edge between fitting endpoints,
	// and [index, old, kinds fit] for every other row: old is true when the
	// stored props equal the row's, else the stored props, which the caller
	// hashes to count unchanged and updated rows as if the input's rows were
	// written one by one (a key can repeat in one call). A row whose
	// endpoint is missing yields nothing: the caller then diagnoses and
	// rolls the transaction back.
	upsertEdgesCypher = "UNWIND $rows AS row " +
		"MATCH (a:Node {id: row[0]}) MATCH (b:Node {id: row[1]}) " +
		"MERGE (a)-[r:%[1]s]->(b) ON CREATE SET r._h = '' " +
		"WITH a, b, r, row, properties(r) AS old " +
		"WITH a, b, r, row, old, old = row[2] AS same " +
		"FOREACH (_ IN CASE WHEN same THEN [] ELSE [1] END | SET r = row[2]) " +
		"WITH row, old, same, old = {_h: ''} AS new, %[2]s AS fit " +
		"RETURN sum(CASE WHEN new AND fit THEN 1 ELSE 0 END) AS created, " +
		"collect(CASE WHEN new AND fit THEN null ELSE [row[3], " +
		"CASE WHEN new THEN null WHEN same THEN true ELSE old END, fit] END) AS other"
	// removeEdgeCypher deletes one edge; %s is the relationship type.
	removeEdgeCypher = "MATCH (a:Node {id: $f}) MATCH (b:Node {id: $t}) MATCH (a)-[r:%s]->(b) DELETE r RETURN count(*) AS c"
	// bumpRevisionCypher increments the graph revision in the writing
	// transaction.
	bumpRevisionCypher = "MERGE (m:ChainkgMeta {id: 'graph'}) SET m.revision = coalesce(m.revision, 0) + 1"
)

// storedProps is the property map written for a node: Flatten() with
// canonical values, plus the content hash.
func storedProps(tag string, m map[string]any) (map[string]any, string) {
	m = normalized(m)
	h := contentHash(tag, m)
	m[hashProp] = h
	return m, h
}

// normalized replaces m's values by their canonical form (graph.Normalize)
// and returns m.
func normalized(m map[string]any) map[string]any {
	for k, v := range m {
		m[k] = graph.Normalize(v)
	}
	return m
}

// storedEdgeHash is the content hash of an edge's stored properties as
// read back (an older chainkg's "_h" left out), to compare with the hash of
// the properties a write brings.
func storedEdgeHash(t graph.RelType, props map[string]any) string {
	delete(props, hashProp)
	return contentHash(string(t), normalized(props))
}

// contentHash is a digest of a property map with typed values, so that an
// identical rewrite is detected without comparing every property. The bytes
// hashed are fixed (stored hashes must stay valid across versions): per key
// in sorted order, 0 key 0 then a type letter and the value; they are built
// in one buffer and hashed once (it runs for every row a load writes).
func contentHash(tag string, m map[string]any) string {
	keys := make([]string, 0, 16)
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	buf := make([]byte, 0, 256)
	buf = append(buf, tag...)
	for _, k := range keys {
		buf = append(buf, 0)
		buf = append(buf, k...)
		buf = append(buf, 0)
		switch v := m[k].(type) {
		case string:
			buf = append(buf, 's')
			buf = append(buf, v...)
		case int64:
			buf = append(buf, 'i')
			buf = strconv.AppendInt(buf, v, 10)
		case float64:
			buf = append(buf, 'f')
			buf = strconv.AppendUint(buf, math.Float64bits(v), 16)
		case bool:
			buf = append(buf, 'b')
			buf = strconv.AppendBool(buf, v)
		case []string:
			buf = append(buf, 'l')
			buf = strconv.AppendInt(buf, int64(len(v)), 10)
			for _, s := range v {
				buf = append(buf, 0)
				buf = append(buf, s...)
			}
		default:
			buf = fmt.Appendf(buf, "?%T%v", v, v)
		}
	}
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:16])
}

// chunks splits n items into ranges of at most size.
func chunks(n, size int) [][2]int {
	var out [][2]int
	for i := 0; i < n; i += size {
		out = append(out, [2]int{i, min(i+size, n)})
	}
	return out
}

// runBatches runs an UNWIND statement over rows, size rows at a time.
func runBatches(ctx context.Context, tx neo4j.ManagedTransaction, stmt string, rows []any, size int) error {
	for _, c := range chunks(len(rows), size) {
		if _, err := runAll(ctx, tx, stmt, map[string]any{"rows": rows[c[0]:c[1]]}); err != nil {
			return err
		}
	}
	return nil
}

type nodeState struct {
	kind graph.Kind
	hash string
}

// UpsertNodes writes nodes by id in one transaction: each stored property
// map becomes exactly Node.Flatten() (plus the hash). Nodes are counted in
// input order, as if written one by one: a repeated id counts again
// (updated or unchanged against its earlier version in the same call).
// An id stored (or earlier in the call) with another kind is CodeConflict
// and nothing is written.
func (s *Store) UpsertNodes(ctx context.Context, nodes []graph.Node) (graph.WriteStats, error) {
	if len(nodes) == 0 {
		return graph.NewWriteStats(), nil
	}
	prep, ids, err := prepareNodes(nodes)
	if err != nil {
		return graph.WriteStats{}, err
	}
	return s.upsertPrepared(ctx, nodes, ids, prep)
}

// CreateNodes is UpsertNodes for nodes the caller expects to be new (a
// loader that has just checked the store): one transaction that creates
// them without first reading which ids exist. If one does exist after all
// (or an id repeats in the call), the :Node id constraint fails that
// transaction, which rolls back, and the call runs as UpsertNodes: the
// result, counts and errors are always UpsertNodes', only faster when the
// expectation holds.
//
// When it created every node, refs[i] is the reference of nodes[i] (its
// internal id) for CreateEdges; after the fallback refs is nil.
func (s *Store) CreateNodes(ctx context.Context, nodes []graph.Node) (stats graph.WriteStats, refs []int64, err error) {
	if len(nodes) == 0 {
		return graph.NewWriteStats(), nil, nil
	}
	prep, ids, err := prepareNodes(nodes)
	if err != nil {
		return graph.WriteStats{}, nil, err
	}
	if len(ids) == len(nodes) {
		type created struct {
			stats graph.WriteStats
			refs  []int64
		}
		out, err := s.writeTx(ctx, "neo4j: create nodes", func(tx neo4j.ManagedTransaction) (any, error) {
			stats := graph.NewWriteStats()
			rows := make([]any, len(nodes))
			for i, n := range nodes {
				label, err := labelValue(n.Kind)
				if err != nil {
					return nil, err
				}
				rows[i] = map[string]any{"k": label, "props": prep[i].props}
				stats.Created[string(n.Kind)]++
			}
			refs := make([]int64, 0, len(nodes))
			for _, c := range chunks(len(rows), s.cfg.BatchSize) {
				res, err := tx.Run(ctx, createNodesRefCypher, map[string]any{"rows": rows[c[0]:c[1]]})
				if err != nil {
					return nil, err
				}
				rec, err := res.Single(ctx)
				if err != nil {
					return nil, err
				}
				got, _ := rec.Values[0].([]any)
				if len(got) != c[1]-c[0] {
					return nil, fmt.Errorf("neo4j: create nodes: %d internal ids came back for %d rows", len(got), c[1]-c[0])
				}
				for _, v := range got {
					ref, ok := v.(int64)
					if !ok {
						return nil, fmt.Errorf("neo4j: create nodes: the server returned %T as an internal id", v)
					}
					refs = append(refs, ref)
				}
			}
			if _, err := runAll(ctx, tx, bumpRevisionCypher, nil); err != nil {
				return nil, err
			}
			return created{stats, refs}, nil
		})
		if err == nil {
			c := out.(created)
			return c.stats, c.refs, nil
		}
		if !isConstraintRace(err) {
			return graph.WriteStats{}, nil, err
		}
	}
	stats, err = s.upsertPrepared(ctx, nodes, ids, prep)
	return stats, nil, err
}

// labelValue is the kind label of k as the value of a dynamic label
// (createNodesCypher's row.k): the allowlisted name itself, unquoted.
func labelValue(k graph.Kind) (string, error) {
	l, err := kindLabel(k)
	if err != nil {
		return "", err
	}
	return strings.Trim(l, "`"), nil
}

// prepareNodes checks nodes and builds their stored property maps; ids
// are the distinct ids in first-appearance order.
func prepareNodes(nodes []graph.Node) ([]preparedProps, []string, error) {
	prep := make([]preparedProps, len(nodes))
	ids := make([]string, 0, len(nodes))
	seen := make(map[string]bool, len(nodes))
	for i, n := range nodes {
		// The allowlist check (kind, properties, values) is ValidateNode's:
		// labels and property keys reach a statement only after it passed.
		if err := graph.ValidateNode(n); err != nil {
			return nil, nil, fmt.Errorf("node %q: %w", n.ID, err)
		}
		p, h := storedProps(string(n.Kind), n.Flatten())
		prep[i] = preparedProps{p, h}
		if !seen[n.ID] {
			seen[n.ID] = true
			ids = append(ids, n.ID)
		}
	}
	return prep, ids, nil
}

// upsertPrepared is UpsertNodes after prepareNodes.
func (s *Store) upsertPrepared(ctx context.Context, nodes []graph.Node, ids []string, prep []preparedProps) (graph.WriteStats, error) {
	var out any
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		out, err = s.upsertNodesTx(ctx, nodes, ids, prep)
		if !isConstraintRace(err) {
			break
		}
		// Another writer created one of our new ids between our read and
		// our CREATE: run the whole call again, it now reads that node.
	}
	if err != nil {
		return graph.WriteStats{}, err
	}
	return out.(graph.WriteStats), nil
}

// isConstraintRace reports whether err is the :Node id constraint firing
// on a CREATE (not the kind conflict the transaction itself reports).
func isConstraintRace(err error) bool {
	var ne *neo4j.Neo4jError
	return errors.As(err, &ne) && ne.Code == codeConstraintFailed
}

type preparedProps struct {
	props map[string]any
	hash  string
}

// upsertNodesTx is the transaction of UpsertNodes.
func (s *Store) upsertNodesTx(ctx context.Context, nodes []graph.Node, ids []string, prep []preparedProps) (any, error) {
	return s.writeTx(ctx, "neo4j: upsert nodes", func(tx neo4j.ManagedTransaction) (any, error) {
		stats := graph.NewWriteStats()
		state := make(map[string]nodeState, len(ids))
		for _, c := range chunks(len(ids), s.cfg.BatchSize) {
			recs, err := runAll(ctx, tx, existingNodesCypher, map[string]any{"ids": ids[c[0]:c[1]]})
			if err != nil {
				return nil, err
			}
			for _, r := range recs {
				state[str(r.Values[0])] = nodeState{kindFromLabels(r.Values[1]), str(r.Values[2])}
			}
		}
		// Decide in input order; remember the last version of each id and
		// whether it was stored before this call.
		final := map[string]int{}
		stored := make(map[string]bool, len(state))
		for id := range state {
			stored[id] = true
		}
		for i, n := range nodes {
			st, exists := state[n.ID]
			switch {
			case exists && st.kind != n.Kind:
				return nil, graph.Errorf(graph.CodeConflict, "node %q exists with kind %s, not %s", n.ID, st.kind, n.Kind)
			case !exists:
				stats.Created[string(n.Kind)]++
			case st.hash == prep[i].hash:
				stats.Unchanged[string(n.Kind)]++
				continue
			default:
				stats.Updated[string(n.Kind)]++
			}
			state[n.ID] = nodeState{n.Kind, prep[i].hash}
			final[n.ID] = i
		}
		if len(final) == 0 {
			return stats, nil
		}
		// The rows to create and to update, in first-appearance order.
		var create, update []any
		for _, id := range ids {
			i, ok := final[id]
			if !ok {
				continue
			}
			if stored[id] {
				update = append(update, map[string]any{"id": id, "props": prep[i].props})
				continue
			}
			label, err := labelValue(nodes[i].Kind)
			if err != nil {
				return nil, err
			}
			create = append(create, map[string]any{"k": label, "props": prep[i].props})
		}
		if err := runBatches(ctx, tx, createNodesCypher, create, s.cfg.BatchSize); err != nil {
			return nil, err
		}
		if err := runBatches(ctx, tx, updateNodesCypher, update, s.cfg.BatchSize); err != nil {
			return nil, err
		}
		if _, err := runAll(ctx, tx, bumpRevisionCypher, nil); err != nil {
			return nil, err
		}
		return stats, nil
	})
}

// UpsertEdges writes edges by (type, from, to) in one transaction, replacing
// all their properties. Both endpoints must exist (CodeNotFound naming the
// first missing id, nothing written) and their kinds must fit the relation
// (CodeInvalidInput). Counting follows input order like UpsertNodes.
//
// Each relationship type is written by one statement per batch of distinct
// keys (upsertEdgesCypher) that also reports whether the endpoints' kinds
// fit and the previous properties (or that they equal the new ones), so
// the call reads nothing beforehand; an endpoint error
// found afterwards fails the transaction, which rolls every write back.
func (s *Store) UpsertEdges(ctx context.Context, edges []graph.Edge) (graph.WriteStats, error) {
	if len(edges) == 0 {
		return graph.NewWriteStats(), nil
	}
	prep, err := prepareEdges(edges)
	if err != nil {
		return graph.WriteStats{}, err
	}
	// Distinct keys in first-appearance order, grouped by type; each key
	// is written with its last version in the input.
	return s.upsertPreparedEdges(ctx, edges, prep, planEdges(edges))
}

// prepareEdges checks edges and builds their stored property maps.
func prepareEdges(edges []graph.Edge) ([]preparedProps, error) {
	prep, err := prepareEdgeProps(edges)
	if err != nil {
		return nil, err
	}
	hashEdges(edges, prep)
	return prep, nil
}

// prepareEdgeProps is prepareEdges without the hashes, which only an
// upsert needs (CreateEdges adds them with hashEdges if it falls back).
func prepareEdgeProps(edges []graph.Edge) ([]preparedProps, error) {
	prep := make([]preparedProps, len(edges))
	for i, e := range edges {
		if err := graph.ValidateEdge(e); err != nil {
			return nil, fmt.Errorf("edge %s: %w", e.Key(), err)
		}
		prep[i] = preparedProps{props: normalized(e.Flatten())}
	}
	return prep, nil
}

// hashEdges sets the content hash of every prepared edge.
func hashEdges(edges []graph.Edge, prep []preparedProps) {
	for i, e := range edges {
		prep[i].hash = contentHash(string(e.Type), prep[i].props)
	}
}

// upsertPreparedEdges writes prepared edges in one transaction.
func (s *Store) upsertPreparedEdges(ctx context.Context, edges []graph.Edge, prep []preparedProps, plan edgePlan) (graph.WriteStats, error) {
	out, err := s.writeTx(ctx, "neo4j: upsert edges", func(tx neo4j.ManagedTransaction) (any, error) {
		return s.upsertEdgesTx(ctx, tx, edges, prep, plan)
	})
	if err != nil {
		return graph.WriteStats{}, err
	}
	return out.(graph.WriteStats), nil
}

// edgePlan is the distinct keys of an UpsertEdges call: keys[j] is written
// with the properties of input row last[j]; byType lists the indexes j of
// each type, types in first-appearance order.
type edgePlan struct {
	keys   []graph.EdgeKey
	last   []int
	slot   []int // input row -> index j of its key
	types  []graph.RelType
	byType map[graph.RelType][]int
}

func planEdges(edges []graph.Edge) edgePlan {
	p := edgePlan{slot: make([]int, len(edges)), byType: map[graph.RelType][]int{}}
	index := make(map[graph.EdgeKey]int, len(edges))
	for i, e := range edges {
		k := e.Key()
		j, ok := index[k]
		if !ok {
			j = len(p.keys)
			index[k] = j
			p.keys = append(p.keys, k)
			p.last = append(p.last, i)
			if _, seen := p.byType[k.Type]; !seen {
				p.types = append(p.types, k.Type)
			}
			p.byType[k.Type] = append(p.byType[k.Type], j)
		}
		p.last[j] = i
		p.slot[i] = j
	}
	return p
}

// edgeBefore is what a key's row reported: whether the edge existed before
// the statement and the hash of its properties then.
type edgeBefore struct {
	seen, existed bool
	hash          string
}

// upsertEdgesTx is the transaction of UpsertEdges.
func (s *Store) upsertEdgesTx(ctx context.Context, tx neo4j.ManagedTransaction, edges []graph.Edge, prep []preparedProps, p edgePlan) (any, error) {
	before := make([]edgeBefore, len(p.keys))
	kinds := map[string]graph.Kind{}
	complete := true
	for _, t := range p.types {
		stmt, err := edgeStatement(t)
		if err != nil {
			return nil, err
		}
		js := p.byType[t]
		for _, c := range chunks(len(js), s.cfg.BatchSize) {
			rows := make([]any, 0, c[1]-c[0])
			for _, j := range js[c[0]:c[1]] {
				k := p.keys[j]
				rows = append(rows, []any{k.From, k.To, prep[p.last[j]].props, int64(j)})
			}
			recs, err := runAll(ctx, tx, stmt, map[string]any{"rows": rows})
			if err != nil {
				return nil, err
			}
			if len(recs) != 1 {
				return nil, graph.Errorf(graph.CodeInternal, "neo4j: upsert edges: %d result records, want 1", len(recs))
			}
			created := int(toInt64(recs[0].Values[0]))
			others, _ := recs[0].Values[1].([]any)
			for _, o := range others {
				v, _ := o.([]any)
				if len(v) != 3 {
					return nil, graph.Errorf(graph.CodeInternal, "neo4j: upsert edges: malformed row report %v", o)
				}
				j := int(toInt64(v[0]))
				if j < 0 || j >= len(before) {
					return nil, graph.Errorf(graph.CodeInternal, "neo4j: upsert edges: row index %d out of range", j)
				}
				if ok, _ := v[2].(bool); !ok {
					complete = false // an endpoint of the wrong kind
				}
				if !before[j].seen {
					created++ // counts the distinct keys reported
				}
				// true: stored with the props of the key's last row;
				// old props: stored with other props; null: this row
				// created it (between endpoints that do not fit: reported,
				// then rolled back below).
				b := edgeBefore{seen: true}
				switch old := v[1].(type) {
				case bool:
					b.existed, b.hash = true, prep[p.last[j]].hash
				case map[string]any:
					b.existed, b.hash = true, storedEdgeHash(t, old)
				}
				before[j] = b
			}
			// Every key not reported created its edge (both endpoints
			// exist and fit); fewer than the batch means one is missing.
			if created != len(rows) {
				complete = false
			}
		}
		if !complete {
			break
		}
	}
	if !complete {
		// Some endpoint is missing: read every endpoint to name the first
		// problem in input order. The error rolls back what was written.
		if err := s.readEndpointKinds(ctx, tx, edges, kinds); err != nil {
			return nil, err
		}
	}
	// Check every endpoint, in input order, as before writing anything
	// (only after a failed batch: otherwise the statements found every
	// endpoint and fitting kinds).
	for _, e := range edges {
		if complete {
			break
		}
		for _, id := range []string{e.From, e.To} {
			if _, ok := kinds[id]; !ok {
				return nil, &graph.Error{Code: graph.CodeNotFound, Field: "id", Msg: fmt.Sprintf("node %q not found (edge %s)", id, e.Key())}
			}
		}
		if err := graph.ValidateEndpoints(e, kinds[e.From], kinds[e.To]); err != nil {
			return nil, err
		}
	}
	if !complete {
		return nil, graph.Errorf(graph.CodeInternal, "neo4j: upsert edges: a batch reported a missing or unfitting endpoint that the check does not find")
	}
	// Count in input order, as if written one by one.
	stats := graph.NewWriteStats()
	changed := false
	state := make([]edgeBefore, len(before))
	copy(state, before)
	for i, e := range edges {
		st := &state[p.slot[i]]
		switch {
		case !st.existed:
			stats.Created[string(e.Type)]++
		case st.hash == prep[i].hash:
			stats.Unchanged[string(e.Type)]++
			continue
		default:
			stats.Updated[string(e.Type)]++
		}
		st.existed, st.hash = true, prep[i].hash
		changed = true
	}
	if !changed {
		return stats, nil
	}
	if _, err := runAll(ctx, tx, bumpRevisionCypher, nil); err != nil {
		return nil, err
	}
	return stats, nil
}

// edgeStatement is upsertEdgesCypher for relation type t.
func edgeStatement(t graph.RelType) (string, error) {
	rel, err := relLabel(t)
	if err != nil {
		return "", err
	}
	fit, err := endpointTest(t)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf(upsertEdgesCypher, rel, fit), nil
}

// endpointTest is the Cypher test that the endpoints a and b of a
// relation of type t have kinds it allows (graph.RelSpec.Allows), labels
// from the allowlist.
func endpointTest(t graph.RelType) (string, error) {
	spec, ok := graph.LookupRel(t)
	if !ok {
		return "", graph.Errorf(graph.CodeInvalidInput, "unknown relation type %q", t)
	}
	from, err := labelTest("a", spec.From)
	if err != nil {
		return "", err
	}
	to, err := labelTest("b", spec.To)
	if err != nil {
		return "", err
	}
	return "(" + from + " AND " + to + ")", nil
}

// labelTest is the Cypher test that node v has one of the kinds (allowlist
// labels): "(v:A OR v:B)", or "false" for none.
func labelTest(v string, kinds []graph.Kind) (string, error) {
	terms := make([]string, 0, len(kinds))
	for _, k := range kinds {
		l, err := kindLabel(k)
		if err != nil {
			return "", err
		}
		terms = append(terms, v+":"+l)
	}
	if len(terms) == 0 {
		return "false", nil
	}
	return "(" + strings.Join(terms, " OR ") + ")", nil
}

// readEndpointKinds adds to kinds the kind of every stored endpoint of
// edges (the diagnosis of a failed UpsertEdges).
func (s *Store) readEndpointKinds(ctx context.Context, tx neo4j.ManagedTransaction, edges []graph.Edge, kinds map[string]graph.Kind) error {
	var ids []string
	seen := map[string]bool{}
	for _, e := range edges {
		for _, id := range []string{e.From, e.To} {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	for _, c := range chunks(len(ids), s.cfg.BatchSize) {
		recs, err := runAll(ctx, tx, existingNodesCypher, map[string]any{"ids": ids[c[0]:c[1]]})
		if err != nil {
			return err
		}
		for _, r := range recs {
			kinds[str(r.Values[0])] = kindFromLabels(r.Values[1])
		}
	}
	return nil
}

// RemoveEdge deletes one edge; false if it did not exist.
func (s *Store) RemoveEdge(ctx context.Context, key graph.EdgeKey) (bool, error) {
	rel, err := relLabel(key.Type)
	if err != nil {
		return false, err
	}
	out, err := s.writeTx(ctx, "neo4j: remove edge", func(tx neo4j.ManagedTransaction) (any, error) {
		recs, err := runAll(ctx, tx, fmt.Sprintf(removeEdgeCypher, rel), map[string]any{"f": key.From, "t": key.To})
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 || toInt64(recs[0].Values[0]) == 0 {
			return false, nil
		}
		if _, err := runAll(ctx, tx, bumpRevisionCypher, nil); err != nil {
			return nil, err
		}
		return true, nil
	})
	if err != nil {
		return false, err
	}
	return out.(bool), nil
}

// sortEdges orders edges by type, from, to (the order of Subgraph and
// Projection).
func sortEdges(es []graph.Edge) {
	sort.Slice(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		if a.From != b.From {
			return a.From < b.From
		}
		return a.To < b.To
	})
}

// sortNodes orders nodes by id.
func sortNodes(ns []graph.Node) {
	sort.Slice(ns, func(i, j int) bool { return ns[i].ID < ns[j].ID })
}
