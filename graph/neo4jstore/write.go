package neo4jstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"

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
	// createNodesCypher creates nodes the transaction found missing; %s is
	// the kind label. (CREATE rather than MERGE: the transaction has just
	// read which ids exist, and MERGE followed by SET plans an Eager
	// barrier. A concurrent creator trips the :Node id constraint, which is
	// CodeConflict.)
	createNodesCypher = "UNWIND $rows AS row CREATE (n:Node:%s) SET n = row.props"
	// updateNodesCypher replaces all properties of existing nodes (SET n =
	// map removes the ones not in the map).
	updateNodesCypher = "UNWIND $rows AS row MATCH (n:Node {id: row.id}) SET n = row.props"
	// existingEdgesCypher reads the content hash of edges of one type; %s
	// is the relationship type.
	existingEdgesCypher = "UNWIND $keys AS k MATCH (a:Node {id: k.f})-[r:%s]->(b:Node {id: k.t}) RETURN k.f AS f, k.t AS t, r._h AS h"
	// createEdgesCypher writes edges of one type the transaction found
	// missing. It MERGEs: no constraint can make (type, from, to) unique,
	// and MERGE locks both endpoints, so two concurrent writers of one new
	// edge never make two. updateEdgesCypher replaces the properties of
	// existing ones.
	createEdgesCypher = "UNWIND $rows AS row MATCH (a:Node {id: row.f}) MATCH (b:Node {id: row.t}) MERGE (a)-[r:%s]->(b) SET r = row.props"
	updateEdgesCypher = "UNWIND $rows AS row MATCH (:Node {id: row.f})-[r:%s]->(:Node {id: row.t}) SET r = row.props"
	// removeEdgeCypher deletes one edge; %s is the relationship type.
	removeEdgeCypher = "MATCH (a:Node {id: $f})-[r:%s]->(b:Node {id: $t}) DELETE r RETURN count(*) AS c"
	// bumpRevisionCypher increments the graph revision in the writing
	// transaction.
	bumpRevisionCypher = "MERGE (m:ChainkgMeta {id: 'graph'}) SET m.revision = coalesce(m.revision, 0) + 1"
)

// checkNode refuses kinds and properties outside the allowlist before
// graph.ValidateNode runs (the store's own guard on what reaches a
// statement; ValidateNode adds the remaining rules, as memstore applies them).
func checkNode(n graph.Node) error {
	spec, ok := graph.LookupKind(n.Kind)
	if !ok {
		return &graph.Error{Code: graph.CodeInvalidInput, Field: "kind", Msg: fmt.Sprintf("node %q: unknown kind %q", n.ID, n.Kind)}
	}
	if !graph.ValidID(n.ID) {
		return &graph.Error{Code: graph.CodeInvalidInput, Field: graph.PropID, Msg: fmt.Sprintf("invalid id %q", n.ID)}
	}
	for _, k := range graph.SortedKeys(n.Props) {
		p, ok := spec.Prop(k)
		if !ok || isReserved(k) {
			return &graph.Error{Code: graph.CodeInvalidInput, Field: k, Msg: fmt.Sprintf("node %q: unknown property %q for kind %s", n.ID, k, n.Kind)}
		}
		if err := graph.CheckValue(p, graph.Normalize(n.Props[k])); err != nil {
			return &graph.Error{Code: graph.CodeInvalidInput, Field: k, Msg: fmt.Sprintf("node %q: %v", n.ID, err)}
		}
	}
	return nil
}

// checkEdge is checkNode for edges.
func checkEdge(e graph.Edge) error {
	spec, ok := graph.LookupRel(e.Type)
	if !ok {
		return &graph.Error{Code: graph.CodeInvalidInput, Field: "type", Msg: fmt.Sprintf("unknown relation type %q", e.Type)}
	}
	if !graph.ValidID(e.From) || !graph.ValidID(e.To) {
		return &graph.Error{Code: graph.CodeInvalidInput, Field: "from", Msg: fmt.Sprintf("edge %s: invalid id", e.Key())}
	}
	for _, k := range graph.SortedKeys(e.Props) {
		p, ok := spec.Prop(k)
		if !ok || isReserved(k) {
			return &graph.Error{Code: graph.CodeInvalidInput, Field: k, Msg: fmt.Sprintf("edge %s: unknown property %q", e.Key(), k)}
		}
		if err := graph.CheckValue(p, graph.Normalize(e.Props[k])); err != nil {
			return &graph.Error{Code: graph.CodeInvalidInput, Field: k, Msg: fmt.Sprintf("edge %s: %v", e.Key(), err)}
		}
	}
	return nil
}

// isReserved reports whether k is a common or provenance property (those
// live in Node/Edge fields, never in Props) or the hash property.
func isReserved(k string) bool {
	if k == hashProp {
		return true
	}
	for _, list := range [][]graph.PropSpec{graph.CommonNodeProps, graph.ProvenanceProps} {
		for _, p := range list {
			if p.Name == k {
				return true
			}
		}
	}
	return false
}

// storedProps is the property map written for a node or edge: Flatten()
// with canonical values, plus the content hash.
func storedProps(tag string, m map[string]any) (map[string]any, string) {
	for k, v := range m {
		m[k] = graph.Normalize(v)
	}
	h := contentHash(tag, m)
	m[hashProp] = h
	return m, h
}

// contentHash is a digest of a property map with typed values, so that an
// identical rewrite is detected without comparing every property.
func contentHash(tag string, m map[string]any) string {
	h := sha256.New()
	h.Write([]byte(tag))
	for _, k := range graph.SortedKeys(m) {
		h.Write([]byte{0})
		h.Write([]byte(k))
		h.Write([]byte{0})
		switch v := m[k].(type) {
		case string:
			h.Write([]byte("s" + v))
		case int64:
			h.Write([]byte("i" + strconv.FormatInt(v, 10)))
		case float64:
			h.Write([]byte("f" + strconv.FormatUint(math.Float64bits(v), 16)))
		case bool:
			h.Write([]byte("b" + strconv.FormatBool(v)))
		case []string:
			h.Write([]byte("l" + strconv.Itoa(len(v))))
			for _, s := range v {
				h.Write([]byte{0})
				h.Write([]byte(s))
			}
		default:
			fmt.Fprintf(h, "?%T%v", v, v)
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
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
	prep := make([]preparedProps, len(nodes))
	var ids []string
	seen := map[string]bool{}
	for i, n := range nodes {
		if err := checkNode(n); err != nil {
			return graph.WriteStats{}, err
		}
		if err := graph.ValidateNode(n); err != nil {
			return graph.WriteStats{}, fmt.Errorf("node %q: %w", n.ID, err)
		}
		p, h := storedProps(string(n.Kind), n.Flatten())
		prep[i] = preparedProps{p, h}
		if !seen[n.ID] {
			seen[n.ID] = true
			ids = append(ids, n.ID)
		}
	}
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
		// Group the rows to write by kind and by create/update, in
		// first-appearance order: one statement shape per label.
		type group struct{ create, update []any }
		byKind := map[graph.Kind]*group{}
		var kinds []graph.Kind
		for _, id := range ids {
			i, ok := final[id]
			if !ok {
				continue
			}
			k := nodes[i].Kind
			g := byKind[k]
			if g == nil {
				g = &group{}
				byKind[k] = g
				kinds = append(kinds, k)
			}
			row := map[string]any{"id": id, "props": prep[i].props}
			if stored[id] {
				g.update = append(g.update, row)
			} else {
				g.create = append(g.create, row)
			}
		}
		for _, k := range kinds {
			label, err := kindLabel(k)
			if err != nil {
				return nil, err
			}
			g := byKind[k]
			if err := runBatches(ctx, tx, fmt.Sprintf(createNodesCypher, label), g.create, s.cfg.BatchSize); err != nil {
				return nil, err
			}
			if err := runBatches(ctx, tx, updateNodesCypher, g.update, s.cfg.BatchSize); err != nil {
				return nil, err
			}
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
func (s *Store) UpsertEdges(ctx context.Context, edges []graph.Edge) (graph.WriteStats, error) {
	if len(edges) == 0 {
		return graph.NewWriteStats(), nil
	}
	prep := make([]preparedProps, len(edges))
	var ids []string
	seen := map[string]bool{}
	addID := func(id string) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for i, e := range edges {
		if err := checkEdge(e); err != nil {
			return graph.WriteStats{}, err
		}
		if err := graph.ValidateEdge(e); err != nil {
			return graph.WriteStats{}, fmt.Errorf("edge %s: %w", e.Key(), err)
		}
		p, h := storedProps(string(e.Type), e.Flatten())
		prep[i] = preparedProps{p, h}
		addID(e.From)
		addID(e.To)
	}
	out, err := s.writeTx(ctx, "neo4j: upsert edges", func(tx neo4j.ManagedTransaction) (any, error) {
		kinds := make(map[string]graph.Kind, len(ids))
		for _, c := range chunks(len(ids), s.cfg.BatchSize) {
			recs, err := runAll(ctx, tx, existingNodesCypher, map[string]any{"ids": ids[c[0]:c[1]]})
			if err != nil {
				return nil, err
			}
			for _, r := range recs {
				kinds[str(r.Values[0])] = kindFromLabels(r.Values[1])
			}
		}
		// Check every endpoint before writing anything.
		for _, e := range edges {
			for _, id := range []string{e.From, e.To} {
				if _, ok := kinds[id]; !ok {
					return nil, &graph.Error{Code: graph.CodeNotFound, Field: "id", Msg: fmt.Sprintf("node %q not found (edge %s)", id, e.Key())}
				}
			}
			if err := graph.ValidateEndpoints(e, kinds[e.From], kinds[e.To]); err != nil {
				return nil, err
			}
		}
		// Existing edges, one statement shape per relationship type.
		byType := map[graph.RelType][]int{}
		var types []graph.RelType
		for i, e := range edges {
			if _, ok := byType[e.Type]; !ok {
				types = append(types, e.Type)
			}
			byType[e.Type] = append(byType[e.Type], i)
		}
		state := map[graph.EdgeKey]string{}
		for _, t := range types {
			rel, err := relLabel(t)
			if err != nil {
				return nil, err
			}
			var keys []any
			dup := map[graph.EdgeKey]bool{}
			for _, i := range byType[t] {
				k := edges[i].Key()
				if !dup[k] {
					dup[k] = true
					keys = append(keys, map[string]any{"f": k.From, "t": k.To})
				}
			}
			stmt := fmt.Sprintf(existingEdgesCypher, rel)
			for _, c := range chunks(len(keys), s.cfg.BatchSize) {
				recs, err := runAll(ctx, tx, stmt, map[string]any{"keys": keys[c[0]:c[1]]})
				if err != nil {
					return nil, err
				}
				for _, r := range recs {
					state[graph.EdgeKey{Type: t, From: str(r.Values[0]), To: str(r.Values[1])}] = str(r.Values[2])
				}
			}
		}
		stats := graph.NewWriteStats()
		final := map[graph.EdgeKey]int{}
		stored := make(map[graph.EdgeKey]bool, len(state))
		for k := range state {
			stored[k] = true
		}
		for i, e := range edges {
			k := e.Key()
			h, exists := state[k]
			switch {
			case !exists:
				stats.Created[string(e.Type)]++
			case h == prep[i].hash:
				stats.Unchanged[string(e.Type)]++
				continue
			default:
				stats.Updated[string(e.Type)]++
			}
			state[k] = prep[i].hash
			final[k] = i
		}
		if len(final) == 0 {
			return stats, nil
		}
		for _, t := range types {
			rel, _ := relLabel(t)
			var create, update []any
			written := map[graph.EdgeKey]bool{}
			for _, i := range byType[t] {
				k := edges[i].Key()
				j, ok := final[k]
				if !ok || written[k] {
					continue
				}
				written[k] = true
				row := map[string]any{"f": k.From, "t": k.To, "props": prep[j].props}
				if stored[k] {
					update = append(update, row)
				} else {
					create = append(create, row)
				}
			}
			if err := runBatches(ctx, tx, fmt.Sprintf(createEdgesCypher, rel), create, s.cfg.BatchSize); err != nil {
				return nil, err
			}
			if err := runBatches(ctx, tx, fmt.Sprintf(updateEdgesCypher, rel), update, s.cfg.BatchSize); err != nil {
				return nil, err
			}
		}
		if _, err := runAll(ctx, tx, bumpRevisionCypher, nil); err != nil {
			return nil, err
		}
		return stats, nil
	})
	if err != nil {
		return graph.WriteStats{}, err
	}
	return out.(graph.WriteStats), nil
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
