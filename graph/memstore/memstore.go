// Package memstore is the embedded, in-process graph store: the zero-setup
// default behind `chainkg serve`. It implements graph.Store with the same
// observable behaviour as graph/neo4jstore (graph/storetest checks both).
//
// Layout, chosen to stay compact at a million nodes (see README.md for the
// measured figures):
//
//   - nodes live in one slice of small records; a node's properties are a
//     short slice of (interned key, value) pairs sorted by key, not a map;
//     repeated low-cardinality string values (region, tier, source, dates,
//     enums) are interned so their boxed values are shared;
//   - edges live in one slice (removed slots are reused); each node keeps
//     one adjacency list for both directions whose 8-byte entries name the
//     edge, its relation type, its direction and the node at the other end
//     (adjEntry), so walks and subgraphs filter edges without touching the
//     edge slice; an edge is found by scanning the shorter adjacency list of
//     its two endpoints, so there is no per-edge hash map;
//   - per kind, a list of node indices sorted by id serves keyset paging.
//
// Every method takes a read or write lock on one RWMutex, so the store is
// safe for concurrent use; a write is all-or-nothing (it validates the whole
// batch before changing anything).
package memstore

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"

	"chainkg/graph"
)

var _ graph.Store = (*Store)(nil)

// Store is the in-memory graph. The zero value is not usable; call New.
type Store struct {
	mu     sync.RWMutex
	closed bool
	rev    int64

	nodes  []node
	byID   map[string]uint32
	byKind [][]uint32 // per kind index, node indices sorted by id
	// rank[n] is node n's position among all ids in order, so that sorting
	// by id compares two integers instead of two strings.
	rank  []uint32
	names names // search corpus

	edges     []edge
	freeEdges []uint32
	nEdges    int64
	typeCount []int64 // per relation index

	keys     []string // interned property keys
	keyIdx   map[string]uint16
	keyRole  []role
	keyShare []bool         // values of this key are interned
	keyProjN []bool         // a Projection carries this node property (graph.ProjectedNode)
	keyProjE []bool         // a Projection carries this edge property
	strs     map[string]any // interned boxed strings

	shapes   [][]uint16        // interned sorted key lists; shape 0 is empty
	shapePos [][]int8          // per shape, per key index: position in the shape or -1
	shapeN   []int             // per shape, how many keys are kind properties (Props entries)
	shapeIdx map[string]uint32 // by the key list's bytes
	projN    []projPlan        // per shape, what a Projection's node carries
	projE    []projPlan        // per shape, what a Projection's edge carries
	edgeVals map[string][]any  // interned value lists of edges whose values are all interned (edgeValue)
	nums     map[numKey]any    // interned boxed numbers of edge properties (at most maxNums)
	arena    []any             // the current chunk of the value arena (keepVals)
	boxes    boxes             // chunks the boxed values and strings live in
	valsBuf  []any             // storeProps' scratch value list
}

// node is one vertex. Its storage properties (without the id) are the
// keys of shapes[shape] with the values in vals, in the same order: nodes of
// one kind mostly share a shape, so each property costs one interface value.
type node struct {
	id    string
	vals  []any
	adj   []adjEntry // edges touching this node, either direction (a self-loop once)
	shape uint32
	// nOut: adj[:nOut] are the entries where this node is the source (a
	// self-loop's one entry among them), adj[nOut:] the others, so that a
	// walk along out edges skips a hub's many in edges.
	nOut uint32
	kind uint8
}

// outs returns n's out entries (this node is the source), ins the others.
func (n *node) outs() []adjEntry { return n.adj[:n.nOut] }
func (n *node) ins() []adjEntry  { return n.adj[n.nOut:] }

// addAdj appends an entry to n's adjacency, keeping out entries first.
func (n *node) addAdj(a adjEntry) {
	n.adj = append(n.adj, a)
	if a.out() {
		last := len(n.adj) - 1
		n.adj[n.nOut], n.adj[last] = n.adj[last], n.adj[n.nOut]
		n.nOut++
	}
}

// dropAdj removes entry i from n's adjacency, keeping out entries first.
func (n *node) dropAdj(i int) {
	last := len(n.adj) - 1
	if uint32(i) < n.nOut {
		n.nOut--
		n.adj[i] = n.adj[n.nOut]
		i = int(n.nOut)
	}
	n.adj[i] = n.adj[last]
	n.adj = n.adj[:last]
}

// adjEntry is one edge as seen from one of its ends: the node at the other
// end and, packed in meta, the edge's index, its relation index and whether
// this node is the edge's source. Walks, subgraphs and edge lookups read
// these 8 bytes, which sit next to each other in the adjacency list,
// instead of fetching each 40-byte edge record from wherever it lies in
// s.edges (a cache miss per entry on a big graph).
type adjEntry struct {
	other uint32 // the far end (the node itself for a self-loop)
	meta  uint32 // edge index << 6 | relation index << 1 | 1 if this node is the source
}

// maxEdges bounds the edge slots (the edge index has 26 bits in adjEntry).
const maxEdges = 1 << 26

func newAdjEntry(other, j uint32, typ uint8, out bool) adjEntry {
	a := adjEntry{other: other, meta: j<<6 | uint32(typ)<<1}
	if out {
		a.meta |= 1
	}
	return a
}

// edge is the edge's index in s.edges.
func (a adjEntry) edge() uint32 { return a.meta >> 6 }

// typ is the edge's relation index + 1 (as edge.typ).
func (a adjEntry) typ() uint8 { return uint8(a.meta>>1) & 31 }

// out reports whether the list's node is the edge's source.
func (a adjEntry) out() bool { return a.meta&1 != 0 }

// in reports whether n, the list's node, is the edge's target (a
// self-loop's one entry is both out and in).
func (a adjEntry) in(n uint32) bool { return a.meta&1 == 0 || a.other == n }

// edge is one relationship; typ is the relation index + 1 (0: free slot).
// Its ends are not stored here: every edge is reached through an adjacency
// entry (or looked up by its ends), which knows them.
type edge struct {
	vals  []any
	shape uint32
	typ   uint8
}

// role says where a storage property goes when a node is rebuilt.
type role uint8

const (
	roleProp role = iota
	roleName
	roleNameZh
	roleAliases
	roleSource
	roleAsOf
	roleConfidence
	roleEvidence
	roleUpdatedBy
	roleUpdatedAt
)

var (
	kindIndex = map[graph.Kind]uint8{}
	relIndex  = map[graph.RelType]uint8{}
	roles     = map[string]role{
		graph.PropName: roleName, graph.PropNameZh: roleNameZh, graph.PropAliases: roleAliases,
		graph.PropSource: roleSource, graph.PropAsOf: roleAsOf, graph.PropConfidence: roleConfidence,
		graph.PropEvidence: roleEvidence, graph.PropUpdatedBy: roleUpdatedBy, graph.PropUpdatedAt: roleUpdatedAt,
	}
	// sharedKeys hold low-cardinality values worth interning.
	sharedKeys = map[string]bool{
		graph.PropSource: true, graph.PropAsOf: true, graph.PropUpdatedBy: true, graph.PropConfidence: true,
		"region": true, "chainId": true, "kind": true, "role": true, "mode": true, "issuer": true, "focus": true,
	}
)

func init() {
	if len(graph.Rels) >= 32 {
		panic("memstore: adjEntry packs relation indices in 5 bits")
	}
	for i, k := range graph.Kinds {
		kindIndex[k.Kind] = uint8(i)
	}
	for i, r := range graph.Rels {
		relIndex[r.Type] = uint8(i + 1)
	}
	for _, k := range graph.Kinds {
		for _, p := range k.Props {
			if len(p.Enum) > 0 || p.Type == graph.TDate {
				sharedKeys[p.Name] = true
			}
		}
	}
}

// New returns an empty store.
func New() *Store {
	return &Store{
		byID:      map[string]uint32{},
		byKind:    make([][]uint32, len(graph.Kinds)),
		typeCount: make([]int64, len(graph.Rels)+1),
		keyIdx:    map[string]uint16{},
		strs:      map[string]any{},
		shapes:    [][]uint16{nil},
		shapePos:  [][]int8{nil},
		shapeN:    []int{0},
		shapeIdx:  map[string]uint32{"": 0},
		projN:     []projPlan{{}},
		projE:     []projPlan{{}},
		edgeVals:  map[string][]any{},
		nums:      map[numKey]any{},
	}
}

func (s *Store) check() error {
	if s.closed {
		return graph.Errorf(graph.CodeUnavailable, "memstore is closed")
	}
	return nil
}

// begin checks that the store is open and the request still live.
func (s *Store) begin(ctx context.Context, what string) error {
	if err := s.check(); err != nil {
		return err
	}
	return ctxErr(ctx, what)
}

// ctxErr classifies a finished context: the request's deadline passed or
// its caller went away; either way the request is over (CodeTimeout).
func ctxErr(ctx context.Context, what string) error {
	if err := ctx.Err(); err != nil {
		return graph.Wrap(graph.CodeTimeout, err, "memstore: "+what)
	}
	return nil
}

// Migrate does nothing: the store's indexes are built as data arrives.
func (s *Store) Migrate(ctx context.Context) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.check()
}

// Ping reports whether the store is open.
func (s *Store) Ping(ctx context.Context) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.check()
}

// Close marks the store closed; later calls fail with CodeUnavailable.
// Closing twice is harmless.
func (s *Store) Close(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

// key interns a property key (write lock held).
func (s *Store) key(name string) uint16 {
	if i, ok := s.keyIdx[name]; ok {
		return i
	}
	i := uint16(len(s.keys))
	s.keys = append(s.keys, name)
	s.keyIdx[name] = i
	s.keyRole = append(s.keyRole, roles[name])
	s.keyShare = append(s.keyShare, sharedKeys[name])
	s.keyProjN = append(s.keyProjN, graph.IsProjectedNodeProp(name))
	s.keyProjE = append(s.keyProjE, graph.IsProjectedEdgeProp(name))
	return i
}

// smallInts are preboxed int64 values: boxing them allocates nothing.
var smallInts = func() []any {
	out := make([]any, 1<<13)
	for i := range out {
		out[i] = int64(i)
	}
	return out
}()

// box stores v for key k, interning shared strings and copying lists.
func (s *Store) box(k uint16, v any) any {
	switch x := v.(type) {
	case string:
		if s.keyShare[k] {
			if b, ok := s.strs[x]; ok {
				return b
			}
			b := s.boxes.boxString(x)
			s.strs[b.(string)] = b
			return b
		}
		return s.boxes.boxString(x)
	case []string:
		return slices.Clone(x)
	case bool:
		return x
	case int64:
		if x >= 0 && x < int64(len(smallInts)) {
			return smallInts[x]
		}
		return s.boxes.boxInt64(x)
	case float64:
		if s.keyShare[k] {
			// A shared number (a confidence: a few distinct values), so
			// that equal provenance records share their boxes.
			if b, ok := s.internNum(numKey{bits: math.Float64bits(x), float: true}); ok {
				return b
			}
		}
		return s.boxes.boxFloat64(x)
	}
	return v
}

// storeProps converts a flattened property map to a shape and its values.
// With share set (edges), a value list made only of interned values is
// interned too, so the common edge with just its provenance costs nothing.
// Unless owned, vals is a scratch list of unboxed values valid until the
// next call: the caller stores keepBoxed(shape, vals), or nothing when the
// values did not change (so an unchanged record takes no chunk space).
func (s *Store) storeProps(m map[string]any, share bool) (shape uint32, vals []any, owned bool) {
	delete(m, graph.PropID)
	if len(m) == 0 {
		return 0, nil, true
	}
	keys := make([]uint16, 0, len(m))
	for k := range m {
		keys = append(keys, s.key(k))
	}
	slices.Sort(keys)
	kb := make([]byte, 0, 2*len(keys)+32)
	for _, k := range keys {
		kb = append(kb, byte(k), byte(k>>8))
	}
	shape, ok := s.shapeIdx[string(kb)]
	if !ok {
		shape = uint32(len(s.shapes))
		s.shapes = append(s.shapes, keys)
		pos := make([]int8, int(keys[len(keys)-1])+1)
		for i := range pos {
			pos[i] = -1
		}
		for i, k := range keys {
			pos[k] = int8(i)
		}
		s.shapePos = append(s.shapePos, pos)
		nProps := 0
		for _, k := range keys {
			if s.keyRole[k] == roleProp {
				nProps++
			}
		}
		s.shapeN = append(s.shapeN, nProps)
		s.projN = append(s.projN, s.newPlan(keys, true))
		s.projE = append(s.projE, s.newPlan(keys, false))
		s.shapeIdx[string(kb)] = shape
	}
	vals = slices.Grow(s.valsBuf[:0], len(keys))[:len(keys)]
	s.valsBuf = vals
	shared := share
	for i, k := range keys {
		v := graph.Normalize(m[s.keys[k]])
		if shared {
			if b, ok := s.edgeValue(k, v); ok {
				vals[i] = b
				continue
			}
			shared = false
		}
		vals[i] = v // boxed by keepBoxed, if the record changed
	}
	if shared {
		for _, v := range vals {
			kb = appendValueKey(kb, v)
		}
		if have, ok := s.edgeVals[string(kb)]; ok {
			return shape, have, true
		}
		vals = s.keepVals(vals)
		s.edgeVals[string(kb)] = vals
		return shape, vals, true
	}
	return shape, vals, false
}

// valsChunk is the number of values in one chunk of the value arena.
const valsChunk = 4096

// keepBoxed boxes a scratch list of storeProps' values (box: interned or
// in the store's chunks) and keeps it (keepVals).
func (s *Store) keepBoxed(shape uint32, vals []any) []any {
	for i, k := range s.shapes[shape] {
		vals[i] = s.box(k, vals[i])
	}
	return s.keepVals(vals)
}

// keepVals copies a scratch value list into the value arena and returns
// the copy (write lock held). Node and edge value lists share big chunks
// instead of each being a small object of its own, which the collector
// would mark one by one on every cycle (a projection triggers one every
// second call or so). A replaced list's slots are not reused: a chunk is
// freed once none of its lists is live, so a store whose nodes are
// updated piecemeal keeps up to one chunk (64 KB) per 4,096 updated values.
func (s *Store) keepVals(vals []any) []any {
	if len(vals) > valsChunk/8 {
		return slices.Clone(vals)
	}
	if len(s.arena)+len(vals) > cap(s.arena) {
		s.arena = make([]any, 0, valsChunk)
	}
	i := len(s.arena)
	s.arena = append(s.arena, vals...)
	return s.arena[i:len(s.arena):len(s.arena)]
}

// maxNums bounds the interned edge numbers: edge properties are mostly
// low-cardinality (a share with three decimals, a year); past the bound,
// new numbers are boxed per edge as before.
const maxNums = 1 << 16

// numKey is an interned number: its bits and whether it is a float64.
type numKey struct {
	bits  uint64
	float bool
}

// edgeValue returns the interned box of an edge property value (write lock
// held): shared strings, booleans and numbers, so that an edge whose values
// are all interned can share its whole value list with every edge that has
// the same (storeProps). An OPERATES_IN edge with its share and source then
// costs no allocation of its own. false: v is not interned.
func (s *Store) edgeValue(k uint16, v any) (any, bool) {
	var nk numKey
	switch x := v.(type) {
	case string:
		if !s.keyShare[k] {
			return nil, false
		}
		return s.box(k, x), true
	case bool:
		return x, true
	case int64:
		if x >= 0 && x < int64(len(smallInts)) {
			return smallInts[x], true
		}
		nk = numKey{bits: uint64(x)}
	case float64:
		nk = numKey{bits: math.Float64bits(x), float: true}
	default:
		return nil, false
	}
	return s.internNum(nk)
}

// internNum returns the interned box of a number; false when the table is
// full (maxNums) and nk is not in it.
func (s *Store) internNum(nk numKey) (any, bool) {
	if b, ok := s.nums[nk]; ok {
		return b, true
	}
	if len(s.nums) >= maxNums {
		return nil, false
	}
	var b any
	if nk.float {
		b = s.boxes.boxFloat64(math.Float64frombits(nk.bits))
	} else {
		b = s.boxes.boxInt64(int64(nk.bits))
	}
	s.nums[nk] = b
	return b, true
}

// appendValueKey appends an interned value's identity (type tag and bits)
// to an edge value list's interning key.
func appendValueKey(kb []byte, v any) []byte {
	switch x := v.(type) {
	case string:
		kb = append(kb, 's')
		kb = binary.AppendUvarint(kb, uint64(len(x)))
		return append(kb, x...)
	case bool:
		if x {
			return append(kb, 't')
		}
		return append(kb, 'f')
	case int64:
		return binary.LittleEndian.AppendUint64(append(kb, 'i'), uint64(x))
	case float64:
		return binary.LittleEndian.AppendUint64(append(kb, 'd'), math.Float64bits(x))
	}
	panic(fmt.Sprintf("memstore: value %T is not interned", v))
}

func sameProps(shapeA uint32, a []any, shapeB uint32, b []any) bool {
	if shapeA != shapeB || len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameValue(a[i], b[i]) {
			return false
		}
	}
	return true
}

func sameValue(a, b any) bool {
	switch x := a.(type) {
	case []string:
		y, ok := b.([]string)
		return ok && slices.Equal(x, y)
	case string, int64, float64, bool:
		return a == b
	}
	return false
}

// lookup returns the value of a storage property of node i.
func (s *Store) lookup(i uint32, field string) (any, bool) {
	if field == graph.PropID {
		return s.nodes[i].id, true
	}
	k, ok := s.keyIdx[field]
	if !ok {
		return nil, false
	}
	return s.findProp(&s.nodes[i], k)
}

// findProp returns node n's value for key k.
func (s *Store) findProp(n *node, k uint16) (any, bool) {
	if pos := s.shapePos[n.shape]; int(k) < len(pos) && pos[k] >= 0 {
		return n.vals[pos[k]], true
	}
	return nil, false
}

// nodeOut materialises node i as a graph.Node the caller owns.
func (s *Store) nodeOut(i uint32) graph.Node {
	r := &s.nodes[i]
	n := graph.Node{ID: r.id, Kind: graph.Kinds[r.kind].Kind}
	s.fill(r.shape, r.vals, &n.Prov, func(name string, v any) {
		if n.Props == nil {
			n.Props = make(map[string]any, s.shapeN[r.shape])
		}
		n.Props[name] = v
	}, &n)
	return n
}

// fill distributes values to the provenance, the node's common fields (n
// may be nil for edges) and other properties.
func (s *Store) fill(shape uint32, vals []any, prov *graph.Provenance, other func(string, any), n *graph.Node) {
	for i, key := range s.shapes[shape] {
		v := vals[i]
		switch s.keyRole[key] {
		case roleName:
			if n != nil {
				n.Name = v.(string)
				continue
			}
		case roleNameZh:
			if n != nil {
				n.NameZh = v.(string)
				continue
			}
		case roleAliases:
			if n != nil {
				n.Aliases = slices.Clone(v.([]string))
				continue
			}
		case roleSource:
			prov.Source = v.(string)
			continue
		case roleAsOf:
			prov.AsOf = v.(string)
			continue
		case roleConfidence:
			prov.Confidence, _ = v.(float64)
			continue
		case roleEvidence:
			prov.Evidence = v.(string)
			continue
		case roleUpdatedBy:
			prov.UpdatedBy = v.(string)
			continue
		case roleUpdatedAt:
			prov.UpdatedAt = v.(string)
			continue
		}
		if l, ok := v.([]string); ok {
			v = slices.Clone(l)
		}
		other(s.keys[key], v)
	}
}

// edgeOut materialises edge j, which runs from node from to node to.
func (s *Store) edgeOut(j, from, to uint32) graph.Edge {
	r := &s.edges[j]
	e := graph.Edge{Type: graph.Rels[r.typ-1].Type, From: s.nodes[from].id, To: s.nodes[to].id}
	s.fill(r.shape, r.vals, &e.Prov, func(name string, v any) {
		if e.Props == nil {
			e.Props = make(map[string]any, s.shapeN[r.shape])
		}
		e.Props[name] = v
	}, nil)
	return e
}

// findEdge returns the index of edge (typ, from, to), scanning the shorter
// adjacency list.
func (s *Store) findEdge(typ uint8, from, to uint32) (uint32, bool) {
	if adj := s.nodes[to].adj; len(adj) < len(s.nodes[from].adj) {
		for _, a := range adj {
			if a.typ() == typ && a.other == from && a.in(to) {
				return a.edge(), true
			}
		}
		return 0, false
	}
	for _, a := range s.nodes[from].adj {
		if a.typ() == typ && a.other == to && a.out() {
			return a.edge(), true
		}
	}
	return 0, false
}

// UpsertNodes writes nodes by id; see graph.Store. The whole batch is
// validated (vocabulary, kind conflicts) before anything is written.
func (s *Store) UpsertNodes(ctx context.Context, nodes []graph.Node) (graph.WriteStats, error) {
	st := graph.NewWriteStats()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.begin(ctx, "upsert nodes"); err != nil {
		return st, err
	}
	batchKind := make(map[string]graph.Kind, len(nodes))
	for i, n := range nodes {
		if i%1024 == 0 {
			if err := ctxErr(ctx, "upsert nodes"); err != nil {
				return st, err
			}
		}
		if err := graph.ValidateNode(n); err != nil {
			return st, fmt.Errorf("node %q: %w", n.ID, err)
		}
		if k, ok := batchKind[n.ID]; ok && k != n.Kind {
			return st, graph.Errorf(graph.CodeConflict, "node %q appears as %s and %s in one batch", n.ID, k, n.Kind)
		}
		batchKind[n.ID] = n.Kind
		if j, ok := s.byID[n.ID]; ok {
			if have := graph.Kinds[s.nodes[j].kind].Kind; have != n.Kind {
				return st, graph.Errorf(graph.CodeConflict, "node %q exists as %s, cannot upsert it as %s", n.ID, have, n.Kind)
			}
		}
	}
	added := make([][]uint32, len(graph.Kinds))
	for _, n := range nodes {
		shape, vals, owned := s.storeProps(n.Flatten(), false)
		k := string(n.Kind)
		j, exists := s.byID[n.ID]
		if exists && sameProps(s.nodes[j].shape, s.nodes[j].vals, shape, vals) {
			st.Unchanged[k]++
			continue
		}
		if !owned {
			vals = s.keepBoxed(shape, vals)
		}
		if exists {
			s.nodes[j].shape, s.nodes[j].vals = shape, vals
			s.names.set(j, n)
			st.Updated[k]++
			continue
		}
		j = uint32(len(s.nodes))
		id := s.boxes.str(n.ID)
		ki := kindIndex[n.Kind]
		s.nodes = append(s.nodes, node{id: id, shape: shape, vals: vals, kind: ki})
		s.byID[id] = j
		added[ki] = append(added[ki], j)
		s.names.set(j, n)
		st.Created[k]++
	}
	var all []uint32
	for ki, list := range added {
		if len(list) > 0 {
			s.byKind[ki] = s.mergeByID(s.byKind[ki], list)
			all = append(all, list...)
		}
	}
	if len(all) > 0 {
		s.rerank(all)
	}
	if st.Changed() {
		s.rev++
	}
	return st, nil
}

// rerank gives every node its position in id order after nodes were
// added. The added ids are placed by binary search (k log n string
// comparisons); the rest is one integer pass over all nodes.
func (s *Store) rerank(added []uint32) {
	s.sortByID(added)
	old := s.rank
	byRank := make([]uint32, len(old))
	for n, r := range old {
		byRank[r] = uint32(n)
	}
	ins := s.insertionPoints(byRank, added)
	s.rank = make([]uint32, len(s.nodes))
	pos, j := uint32(0), 0
	for i := 0; i <= len(byRank); i++ {
		for ; j < len(added) && ins[j] == i; j++ {
			s.rank[added[j]] = pos
			pos++
		}
		if i < len(byRank) {
			s.rank[byRank[i]] = pos
			pos++
		}
	}
}

func (s *Store) sortByID(list []uint32) {
	slices.SortFunc(list, func(a, b uint32) int { return strings.Compare(s.nodes[a].id, s.nodes[b].id) })
}

// insertionPoints returns, for each id of add (sorted), where it goes in
// the id-sorted list have.
func (s *Store) insertionPoints(have, add []uint32) []int {
	ins := make([]int, len(add))
	lo := 0
	for j, a := range add {
		id := s.nodes[a].id
		lo += sort.Search(len(have)-lo, func(i int) bool { return s.nodes[have[lo+i]].id > id })
		ins[j] = lo
	}
	return ins
}

// mergeByID merges newly added node indices into a kind's sorted list.
func (s *Store) mergeByID(have, add []uint32) []uint32 {
	s.sortByID(add)
	if len(have) == 0 {
		return add
	}
	ins := s.insertionPoints(have, add)
	out := make([]uint32, 0, len(have)+len(add))
	prev := 0
	for j, a := range add {
		out = append(out, have[prev:ins[j]]...)
		out = append(out, a)
		prev = ins[j]
	}
	return append(out, have[prev:]...)
}

// UpsertEdges writes edges by (type, from, to); see graph.Store. The whole
// batch is checked (vocabulary, endpoints exist and fit) before any write.
func (s *Store) UpsertEdges(ctx context.Context, edges []graph.Edge) (graph.WriteStats, error) {
	st := graph.NewWriteStats()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.begin(ctx, "upsert edges"); err != nil {
		return st, err
	}
	for i, e := range edges {
		if i%1024 == 0 {
			if err := ctxErr(ctx, "upsert edges"); err != nil {
				return st, err
			}
		}
		if err := graph.ValidateEdge(e); err != nil {
			return st, fmt.Errorf("edge %s: %w", e.Key(), err)
		}
		from, ok1 := s.byID[e.From]
		to, ok2 := s.byID[e.To]
		if !ok1 || !ok2 {
			missing := e.From
			if ok1 {
				missing = e.To
			}
			return st, graph.Errorf(graph.CodeNotFound, "edge %s: node %q does not exist", e.Key(), missing)
		}
		fk, tk := graph.Kinds[s.nodes[from].kind].Kind, graph.Kinds[s.nodes[to].kind].Kind
		if err := graph.ValidateEndpoints(e, fk, tk); err != nil {
			return st, fmt.Errorf("edge %s: %w", e.Key(), err)
		}
	}
	if err := s.checkEdgeRoom(edges); err != nil {
		return st, err
	}
	for _, e := range edges {
		from, to, typ := s.byID[e.From], s.byID[e.To], relIndex[e.Type]
		shape, vals, owned := s.storeProps(e.Flatten(), true)
		k := string(e.Type)
		j, exists := s.findEdge(typ, from, to)
		if exists && sameProps(s.edges[j].shape, s.edges[j].vals, shape, vals) {
			st.Unchanged[k]++
			continue
		}
		if !owned {
			vals = s.keepBoxed(shape, vals)
		}
		if exists {
			s.edges[j].shape, s.edges[j].vals = shape, vals
			st.Updated[k]++
			continue
		}
		r := edge{typ: typ, shape: shape, vals: vals}
		if n := len(s.freeEdges); n > 0 {
			j = s.freeEdges[n-1]
			s.freeEdges = s.freeEdges[:n-1]
			s.edges[j] = r
		} else {
			j = uint32(len(s.edges))
			s.edges = append(s.edges, r)
		}
		s.nodes[from].addAdj(newAdjEntry(to, j, typ, true))
		if to != from {
			s.nodes[to].addAdj(newAdjEntry(from, j, typ, false))
		}
		s.nEdges++
		s.typeCount[typ]++
		st.Created[k]++
	}
	if st.Changed() {
		s.rev++
	}
	return st, nil
}

// checkEdgeRoom fails with CodeLimit when the batch could need more edge
// slots than adjEntry can address (maxEdges). Edges that already exist
// need none; they are only counted when the cheap bound says it matters.
func (s *Store) checkEdgeRoom(edges []graph.Edge) error {
	used := len(s.edges) - len(s.freeEdges)
	if used+len(edges) <= maxEdges {
		return nil
	}
	for _, e := range edges {
		if _, ok := s.findEdge(relIndex[e.Type], s.byID[e.From], s.byID[e.To]); ok {
			continue
		}
		if used++; used > maxEdges {
			return graph.Errorf(graph.CodeLimit, "memstore holds at most %d edges", maxEdges)
		}
	}
	return nil
}

// RemoveEdge deletes one edge; false if it did not exist.
func (s *Store) RemoveEdge(ctx context.Context, key graph.EdgeKey) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.begin(ctx, "remove edge"); err != nil {
		return false, err
	}
	typ, ok := relIndex[key.Type]
	if !ok {
		return false, graph.Errorf(graph.CodeInvalidInput, "unknown relation type %q", key.Type)
	}
	from, ok1 := s.byID[key.From]
	to, ok2 := s.byID[key.To]
	if !ok1 || !ok2 {
		return false, nil
	}
	j, ok := s.findEdge(typ, from, to)
	if !ok {
		return false, nil
	}
	drop := func(n uint32) {
		if i := slices.IndexFunc(s.nodes[n].adj, func(a adjEntry) bool { return a.edge() == j }); i >= 0 {
			s.nodes[n].dropAdj(i)
		}
	}
	drop(from)
	if to != from {
		drop(to)
	}
	s.edges[j] = edge{}
	s.freeEdges = append(s.freeEdges, j)
	s.nEdges--
	s.typeCount[typ]--
	s.rev++
	return true, nil
}

// GetNodes returns the nodes with these ids in the order asked, skipping
// ids that do not exist.
func (s *Store) GetNodes(ctx context.Context, ids []string) ([]graph.Node, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.begin(ctx, "get nodes"); err != nil {
		return nil, err
	}
	out := make([]graph.Node, 0, len(ids))
	for _, id := range ids {
		if i, ok := s.byID[id]; ok {
			out = append(out, s.nodeOut(i))
		}
	}
	return out, nil
}

// Stats counts nodes and edges by kind and relation type.
func (s *Store) Stats(ctx context.Context) (graph.Stats, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := graph.Stats{ByKind: []graph.KindCount{}, ByType: []graph.KindCount{}}
	if err := s.begin(ctx, "stats"); err != nil {
		return st, err
	}
	st.Nodes, st.Edges = int64(len(s.nodes)), s.nEdges
	for i, list := range s.byKind {
		if len(list) > 0 {
			st.ByKind = append(st.ByKind, graph.KindCount{Kind: string(graph.Kinds[i].Kind), Count: int64(len(list))})
		}
	}
	for i, c := range s.typeCount {
		if c > 0 {
			st.ByType = append(st.ByType, graph.KindCount{Kind: string(graph.Rels[i-1].Type), Count: c})
		}
	}
	byKey := func(a, b graph.KindCount) int { return strings.Compare(a.Kind, b.Kind) }
	slices.SortFunc(st.ByKind, byKey)
	slices.SortFunc(st.ByType, byKey)
	return st, nil
}

// Revision returns the write counter: bumped once by every write that
// changes something.
func (s *Store) Revision(ctx context.Context) (int64, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.rev, s.check()
}
