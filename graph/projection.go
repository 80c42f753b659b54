package graph

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// A Projection carries what the analyses read and nothing more, in a
// compact form, so that the projection of a large chain stays cheap to
// extract, to hold and to collect: every node's id, kind, name, nameZh,
// provenance (a position in a shared table) and, of its kind properties, only ProjectedNodeProps, typed
// (Facts, no map per node); every edge's type, ends (positions in Nodes),
// provenance (a position in a shared table: facts repeat a few records) and,
// of its properties, only ProjectedEdgeProps ("share"). Aliases and every
// other property are left out (GraphQL reads them from the store by id
// when asked). The compiler keeps the analyses to these fields.
//
// Measured at 100,000 synthetic enterprises (the largest chain: 37k nodes,
// 66k edges), against the earlier form (graph.Node / graph.Edge with a
// property map each): docs/analysis.md "Performance".
var (
	ProjectedNodeProps = []string{"chainId", "chainMaster", "highTech", "maturity", "order", "policyWeight", "region", "revenue", "specialised", "stage", "tier"}
	ProjectedEdgeProps = []string{"share"}
)

var projectedNode = func() map[string]int {
	m := make(map[string]int, len(ProjectedNodeProps))
	for i, k := range ProjectedNodeProps {
		m[k] = i
	}
	return m
}()

// IsProjectedNodeProp and IsProjectedEdgeProp say whether a Projection
// carries the node (edge) property k.
func IsProjectedNodeProp(k string) bool { _, ok := projectedNode[k]; return ok }
func IsProjectedEdgeProp(k string) bool { return k == "share" }

// FactIndex returns k's position in ProjectedNodeProps (the bit of k in a
// FactSet), or -1.
func FactIndex(k string) int {
	if i, ok := projectedNode[k]; ok {
		return i
	}
	return -1
}

// ProjectedNode returns n as a Projection carries it, as a graph.Node
// (Props trimmed to ProjectedNodeProps, no aliases; Props nil when nothing
// is left). n is not modified.
func ProjectedNode(n Node) Node {
	n.Aliases = nil
	var out map[string]any
	for k, v := range n.Props {
		if IsProjectedNodeProp(k) {
			if out == nil {
				out = make(map[string]any, len(ProjectedNodeProps))
			}
			out[k] = v
		}
	}
	n.Props = out
	return n
}

// ProjectedEdge returns e as a Projection carries it, as a graph.Edge.
func ProjectedEdge(e Edge) Edge {
	var out map[string]any
	if v, ok := e.Props["share"]; ok {
		out = map[string]any{"share": v}
	}
	e.Props = out
	return e
}

// FactSet says which of ProjectedNodeProps a node has: bit i for
// ProjectedNodeProps[i].
type FactSet uint16

// Has reports whether the property with FactIndex i is set.
func (s FactSet) Has(i int) bool { return s&(1<<i) != 0 }

// The bits of FactSet, in ProjectedNodeProps' order.
const (
	FactChainID FactSet = 1 << iota
	FactChainMaster
	FactHighTech
	FactMaturity
	FactOrder
	FactPolicyWeight
	FactRegion
	FactRevenue
	FactSpecialised
	FactStage
	FactTier
)

// Facts are a node's ProjectedNodeProps, typed. A property that is absent,
// or whose value has another type, is unset (its bit clear, its field
// zero): as a read of the property map with a type assertion would find
// it. Integers read float values truncated; floats read integers.
type Facts struct {
	Set          FactSet `json:"-"`
	ChainMaster  bool    `json:"chainMaster,omitempty"`
	HighTech     bool    `json:"highTech,omitempty"`
	Specialised  bool    `json:"specialised,omitempty"`
	Maturity     int64   `json:"maturity,omitempty"`
	Order        int64   `json:"order,omitempty"`
	PolicyWeight float64 `json:"policyWeight,omitempty"`
	Revenue      float64 `json:"revenue,omitempty"`
	ChainID      string  `json:"chainId,omitempty"`
	Region       string  `json:"region,omitempty"`
	Stage        string  `json:"stage,omitempty"`
	Tier         string  `json:"tier,omitempty"`
}

// SetProp sets property k (one of ProjectedNodeProps) from a stored value.
// It returns false when k is not projected or v has the wrong type.
func (f *Facts) SetProp(k string, v any) bool {
	i := FactIndex(k)
	if i < 0 {
		return false
	}
	return f.SetIndex(i, v)
}

// SetIndex is SetProp for the property with FactIndex i.
func (f *Facts) SetIndex(i int, v any) bool {
	ok := false
	switch i {
	case 0:
		f.ChainID, ok = v.(string)
	case 1:
		f.ChainMaster, ok = v.(bool)
	case 2:
		f.HighTech, ok = v.(bool)
	case 3:
		f.Maturity, ok = asInt(v)
	case 4:
		f.Order, ok = asInt(v)
	case 5:
		f.PolicyWeight, ok = asFloat(v)
	case 6:
		f.Region, ok = v.(string)
	case 7:
		f.Revenue, ok = asFloat(v)
	case 8:
		f.Specialised, ok = v.(bool)
	case 9:
		f.Stage, ok = v.(string)
	case 10:
		f.Tier, ok = v.(string)
	}
	if ok {
		f.Set |= 1 << i
	}
	return ok
}

func asInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int:
		return int64(x), true
	case float64:
		return int64(x), true
	}
	return 0, false
}

func asFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	}
	return 0, false
}

// FactsOf reads the projected properties of a property map.
func FactsOf(props map[string]any) Facts {
	var f Facts
	for k, v := range props {
		f.SetProp(k, v)
	}
	return f
}

// Props returns the facts as a property map (nil when none is set).
func (f Facts) Props() map[string]any {
	if f.Set == 0 {
		return nil
	}
	m := make(map[string]any, 4)
	for i, k := range ProjectedNodeProps {
		if !f.Set.Has(i) {
			continue
		}
		var v any
		switch FactSet(1) << i {
		case FactChainID:
			v = f.ChainID
		case FactChainMaster:
			v = f.ChainMaster
		case FactHighTech:
			v = f.HighTech
		case FactMaturity:
			v = f.Maturity
		case FactOrder:
			v = f.Order
		case FactPolicyWeight:
			v = f.PolicyWeight
		case FactRegion:
			v = f.Region
		case FactRevenue:
			v = f.Revenue
		case FactSpecialised:
			v = f.Specialised
		case FactStage:
			v = f.Stage
		case FactTier:
			v = f.Tier
		}
		m[k] = v
	}
	return m
}

// ProjNode is a node as a Projection carries it.
type ProjNode struct {
	ID     string `json:"id"`
	Kind   Kind   `json:"kind"`
	Name   string `json:"name"`
	NameZh string `json:"nameZh,omitempty"`
	Prov   int32  `json:"prov"` // position in Projection.Provs
	Facts  Facts  `json:"facts"`
}

// ProjEdge is an edge as a Projection carries it: 24 bytes, no pointer.
type ProjEdge struct {
	From     int32   `json:"from"`     // position in Projection.Nodes
	To       int32   `json:"to"`       // position in Projection.Nodes
	Prov     int32   `json:"prov"`     // position in Projection.Provs
	Rel      uint8   `json:"rel"`      // position of its type in Rels
	HasShare bool    `json:"hasShare"` // the edge has a "share" (a float, or an integer read as one)
	Share    float64 `json:"share"`    // its value
}

// Type returns the edge's relation type.
func (e ProjEdge) Type() RelType { return Rels[e.Rel].Type }

// RelIndex returns t's position in Rels.
func RelIndex(t RelType) (uint8, bool) {
	i, ok := relPos[t]
	return i, ok
}

var relPos = func() map[RelType]uint8 {
	m := make(map[RelType]uint8, len(Rels))
	for i, r := range Rels {
		m[r.Type] = uint8(i)
	}
	return m
}()

// RelNameRank orders positions in Rels by type name: the order of a
// Projection's edges.
var RelNameRank = func() []uint8 {
	idx := make([]int, len(Rels))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return strings.Compare(string(Rels[a].Type), string(Rels[b].Type)) })
	rank := make([]uint8, len(Rels))
	for r, i := range idx {
		rank[i] = uint8(r)
	}
	return rank
}()

// Node returns node i as a graph.Node (Props from its facts).
func (p *Projection) Node(i int) Node {
	n := &p.Nodes[i]
	return Node{ID: n.ID, Kind: n.Kind, Name: n.Name, NameZh: n.NameZh, Props: n.Facts.Props(), Prov: p.Provs[n.Prov]}
}

// Edge returns edge i as a graph.Edge.
func (p *Projection) Edge(i int) Edge {
	e := &p.Edges[i]
	out := Edge{Type: e.Type(), From: p.Nodes[e.From].ID, To: p.Nodes[e.To].ID, Prov: p.Provs[e.Prov]}
	if e.HasShare {
		out.Props = map[string]any{"share": e.Share}
	}
	return out
}

// FullNodes and FullEdges return every node (edge) as Node (Edge) returns it:
// for tests, comparisons and debugging, not for the analyses' hot path.
func (p *Projection) FullNodes() []Node {
	out := make([]Node, len(p.Nodes))
	for i := range p.Nodes {
		out[i] = p.Node(i)
	}
	return out
}

func (p *Projection) FullEdges() []Edge {
	out := make([]Edge, len(p.Edges))
	for i := range p.Edges {
		out[i] = p.Edge(i)
	}
	return out
}

// Find returns the position of the node with this id (binary search).
func (p *Projection) Find(id string) (int, bool) {
	return slices.BinarySearchFunc(p.Nodes, id, func(n ProjNode, id string) int { return strings.Compare(n.ID, id) })
}

// Check verifies the form every store returns: node ids sorted and
// distinct, provenance and edge ends in range, relation types in Rels,
// edges sorted by (type name, from, to). The analyses call it (linear, a
// fraction of their time).
func (p *Projection) Check() error {
	if err := p.CheckNodes(); err != nil {
		return err
	}
	return p.CheckEdges()
}

// CheckNodes is Check's part about the nodes.
func (p *Projection) CheckNodes() error {
	np := int32(len(p.Provs))
	for i := range p.Nodes {
		if i > 0 && p.Nodes[i-1].ID >= p.Nodes[i].ID {
			return Errorf(CodeInternal, "projection of %q: nodes not sorted by id at %d (%q, %q)", p.ChainID, i, p.Nodes[i-1].ID, p.Nodes[i].ID)
		}
		if pr := p.Nodes[i].Prov; pr < 0 || pr >= np {
			return Errorf(CodeInternal, "projection of %q: node %q provenance %d out of range", p.ChainID, p.Nodes[i].ID, pr)
		}
	}
	return nil
}

// CheckEdges is Check's part about the edges.
func (p *Projection) CheckEdges() error {
	n, np, nr := int32(len(p.Nodes)), int32(len(p.Provs)), uint8(len(Rels))
	for i := range p.Edges {
		e := &p.Edges[i]
		if uint32(e.From) >= uint32(n) || uint32(e.To) >= uint32(n) || uint32(e.Prov) >= uint32(np) || e.Rel >= nr {
			return Errorf(CodeInternal, "projection of %q: edge %d out of range: %+v", p.ChainID, i, *e)
		}
		if i > 0 {
			a := &p.Edges[i-1]
			if a.Rel != e.Rel && RelNameRank[a.Rel] > RelNameRank[e.Rel] || a.Rel == e.Rel && (a.From > e.From || a.From == e.From && a.To > e.To) {
				return Errorf(CodeInternal, "projection of %q: edges not sorted at %d", p.ChainID, i)
			}
		}
	}
	return nil
}

func compareProjEdges(a, b *ProjEdge) int {
	return cmp.Or(cmp.Compare(RelNameRank[a.Rel], RelNameRank[b.Rel]), cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To))
}

// SortProjEdges sorts edges into a Projection's order (edges with the
// same type and ends, which stores do not hold, keep no particular order).
func SortProjEdges(edges []ProjEdge) {
	slices.SortFunc(edges, func(a, b ProjEdge) int { return compareProjEdges(&a, &b) })
}

// ProvTable interns provenance records for a Projection's Provs.
type ProvTable struct {
	List []Provenance
	idx  map[Provenance]int32
}

// Add returns pr's position in t.List, appending it if new.
func (t *ProvTable) Add(pr Provenance) int32 {
	if i, ok := t.idx[pr]; ok {
		return i
	}
	if t.idx == nil {
		t.idx = map[Provenance]int32{}
	}
	i := int32(len(t.List))
	t.List = append(t.List, pr)
	t.idx[pr] = i
	return i
}

// NewProjection builds a Projection from full nodes and edges, as a store
// would return it: nodes sorted by id (for a repeated id the last wins),
// trimmed to their facts; edges whose ends are both among the nodes and
// whose type is in Rels, sorted, with their provenance interned. For
// tests, fixtures and stores that read full records.
func NewProjection(chainID string, rev int64, nodes []Node, edges []Edge) *Projection {
	p := &Projection{ChainID: chainID, Revision: rev}
	var provs ProvTable
	order := make([]int, len(nodes))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(nodes[a].ID, nodes[b].ID) })
	for k, i := range order {
		if k+1 < len(order) && nodes[order[k+1]].ID == nodes[i].ID {
			continue
		}
		n := &nodes[i]
		p.Nodes = append(p.Nodes, ProjNode{ID: n.ID, Kind: n.Kind, Name: n.Name, NameZh: n.NameZh, Prov: provs.Add(n.Prov), Facts: FactsOf(n.Props)})
	}
	for _, e := range edges {
		from, ok1 := p.Find(e.From)
		to, ok2 := p.Find(e.To)
		rel, ok3 := RelIndex(e.Type)
		if !ok1 || !ok2 || !ok3 {
			continue
		}
		pe := ProjEdge{From: int32(from), To: int32(to), Rel: rel, Prov: provs.Add(e.Prov)}
		if v, ok := e.Props["share"]; ok {
			pe.Share, pe.HasShare = asFloat(v)
		}
		p.Edges = append(p.Edges, pe)
	}
	slices.SortStableFunc(p.Edges, func(a, b ProjEdge) int { return compareProjEdges(&a, &b) })
	p.Provs = provs.List
	if p.Provs == nil {
		p.Provs = []Provenance{}
	}
	return p
}

// String summarises a projection (for test failures).
func (p *Projection) String() string {
	return fmt.Sprintf("projection of %s at revision %d: %d nodes, %d edges, %d edge provenance records", p.ChainID, p.Revision, len(p.Nodes), len(p.Edges), len(p.Provs))
}
