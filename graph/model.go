package graph

import (
	"fmt"
	"sort"
	"strings"
)

// Kind is a node kind. It is also the Neo4j label and the GraphQL object type.
type Kind string

// RelType is a relation type. It is also the Neo4j relationship type.
type RelType string

// Node kinds (see DOMAIN.md). Every kind is in the Kinds table in vocab.go.
const (
	KindUniversity  Kind = "University"       // 高校
	KindLab         Kind = "Lab"              // laboratory, research institute or new-type R&D institution
	KindPlatform    Kind = "Platform"         // functional platform: transfer, exchange, valuation, R&D ...
	KindIncubator   Kind = "Incubator"        // 孵化器
	KindPoCCenter   Kind = "PoCCenter"        // 概念验证中心
	KindPark        Kind = "Park"             // park, science park, area, corridor
	KindEnterprise  Kind = "Enterprise"       // 企业
	KindChain       Kind = "Chain"            // industry chain (产业链)
	KindSegment     Kind = "Segment"          // a link of a chain (环节), with stage and order
	KindTechField   Kind = "TechField"        // technology field
	KindAchievement Kind = "Achievement"      // research result / achievement (科技成果)
	KindChallenge   Kind = "ChallengeProject" // open-bidding project (揭榜挂帅)
	KindPolicy      Kind = "Policy"           // policy document
	KindChainLeader Kind = "ChainLeader"      // 链长
	KindFund        Kind = "Fund"             // investment fund
	KindConsortium  Kind = "Consortium"       // innovation consortium (创新联合体)
)

// Relation types. Every type is in the Rels table in vocab.go.
const (
	RelLeads         RelType = "LEADS"           // ChainLeader -> Chain
	RelMasters       RelType = "MASTERS"         // Enterprise -> Chain (chain-master, 链主)
	RelHasSegment    RelType = "HAS_SEGMENT"     // Chain -> Segment
	RelFeeds         RelType = "FEEDS"           // Segment -> Segment (upstream feeds downstream)
	RelOperatesIn    RelType = "OPERATES_IN"     // Enterprise -> Segment
	RelRequires      RelType = "REQUIRES"        // Segment -> TechField
	RelResearches    RelType = "RESEARCHES"      // University|Lab|Enterprise -> TechField
	RelAppliesTo     RelType = "APPLIES_TO"      // Achievement|ChallengeProject -> TechField
	RelAffiliated    RelType = "AFFILIATED_WITH" // Lab|Platform|PoCCenter|Incubator|Park -> University|Lab|Platform
	RelCooperates    RelType = "COOPERATES_WITH" // actor -> actor (symmetric in meaning)
	RelSupplies      RelType = "SUPPLIES"        // Enterprise -> Enterprise
	RelIncubates     RelType = "INCUBATES"       // Incubator|Park|Platform|PoCCenter -> Enterprise
	RelProduced      RelType = "PRODUCED"        // University|Lab|Enterprise -> Achievement
	RelValues        RelType = "VALUES"          // Platform -> Achievement (valuation and pricing)
	RelValidates     RelType = "VALIDATES"       // PoCCenter -> Achievement (proof of concept)
	RelTransferredTo RelType = "TRANSFERRED_TO"  // Achievement -> Enterprise
	RelLocatedIn     RelType = "LOCATED_IN"      // actor -> Park
	RelTargets       RelType = "TARGETS"         // Policy|ChallengeProject -> Chain|Segment|TechField|Park
	RelTakesOn       RelType = "TAKES_ON"        // Enterprise|Consortium -> ChallengeProject
	RelInvestsIn     RelType = "INVESTS_IN"      // Fund -> Enterprise
	RelServes        RelType = "SERVES"          // Platform|Incubator|PoCCenter|Park -> Chain|Segment|TechField
	RelMemberOf      RelType = "MEMBER_OF"       // University|Lab|Enterprise -> Consortium
	RelOperates      RelType = "OPERATES"        // University|Lab|Enterprise|Platform -> Platform|PoCCenter|Incubator|Park (builds or runs it)
)

// Node is one vertex of the graph. Props holds the kind-specific properties
// declared in the Kinds table; values are string, int64, float64, bool or
// []string, never other types (Normalize converts what stores and parsers
// return).
type Node struct {
	ID      string         `json:"id"`
	Kind    Kind           `json:"kind"`
	Name    string         `json:"name"`
	NameZh  string         `json:"nameZh,omitempty"`
	Aliases []string       `json:"aliases,omitempty"`
	Props   map[string]any `json:"props,omitempty"`
	Prov    Provenance     `json:"provenance"`
}

// Edge is one relationship. The triple (Type, From, To) identifies it: there
// is at most one edge of a type between two nodes in one direction.
type Edge struct {
	Type  RelType        `json:"type"`
	From  string         `json:"from"`
	To    string         `json:"to"`
	Props map[string]any `json:"props,omitempty"`
	Prov  Provenance     `json:"provenance"`
}

// Key returns the identity of the edge.
func (e Edge) Key() EdgeKey { return EdgeKey{Type: e.Type, From: e.From, To: e.To} }

// EdgeKey identifies an edge.
type EdgeKey struct {
	Type RelType `json:"type"`
	From string  `json:"from"`
	To   string  `json:"to"`
}

// String renders the key as FROM-[TYPE]->TO.
func (k EdgeKey) String() string { return fmt.Sprintf("%s-[%s]->%s", k.From, k.Type, k.To) }

// Provenance says where a fact comes from. Every node and edge carries one.
type Provenance struct {
	// Source names the origin: a document, a registry export, "synthetic"
	// for invented demo data, "api" for a planner's mutation.
	Source string `json:"source"`
	// AsOf is the date the fact was true or published, YYYY-MM-DD, or "".
	AsOf string `json:"asOf,omitempty"`
	// Confidence in [0,1] where it applies; 0 means not stated.
	Confidence float64 `json:"confidence,omitempty"`
	// Evidence is free text or a URL/quote that supports the fact.
	Evidence string `json:"evidence,omitempty"`
	// UpdatedBy and UpdatedAt stamp API writes (who, RFC 3339 time).
	UpdatedBy string `json:"updatedBy,omitempty"`
	UpdatedAt string `json:"updatedAt,omitempty"`
}

// SourceSynthetic marks invented demo data.
const SourceSynthetic = "synthetic"

// Storage property names. Stores flatten a node to one property map with
// these keys plus the kind's own properties; edges likewise (without id/name).
const (
	PropID         = "id"
	PropName       = "name"
	PropNameZh     = "nameZh"
	PropAliases    = "aliases"
	PropSource     = "source"
	PropAsOf       = "asOf"
	PropConfidence = "confidence"
	PropEvidence   = "evidence"
	PropUpdatedBy  = "updatedBy"
	PropUpdatedAt  = "updatedAt"
)

// ValidID reports whether s is a well-formed stable ID: 1-128 characters of
// ASCII letters, digits, '.', '_', ':' and '-', starting with a letter or
// digit (the pattern ^[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}$, checked by hand:
// loaders call it for every row and endpoint, and the regexp was 9% of a
// load's client CPU). IDs are case-sensitive and never reused for another
// node.
func ValidID(s string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case i > 0 && (c == '.' || c == '_' || c == ':' || c == '-'):
		default:
			return false
		}
	}
	return true
}

// Flatten returns the node as one storage property map (see Prop* names).
// Empty optional values are omitted so that stores never hold "" or 0 for
// "unknown".
func (n Node) Flatten() map[string]any {
	m := make(map[string]any, len(n.Props)+8)
	for k, v := range n.Props {
		m[k] = v
	}
	m[PropID] = n.ID
	m[PropName] = n.Name
	if n.NameZh != "" {
		m[PropNameZh] = n.NameZh
	}
	if len(n.Aliases) > 0 {
		m[PropAliases] = append([]string(nil), n.Aliases...)
	}
	n.Prov.flattenInto(m)
	return m
}

// Flatten returns the edge's properties and provenance as one map.
func (e Edge) Flatten() map[string]any {
	m := make(map[string]any, len(e.Props)+6)
	for k, v := range e.Props {
		m[k] = v
	}
	e.Prov.flattenInto(m)
	return m
}

func (p Provenance) flattenInto(m map[string]any) {
	if p.Source != "" {
		m[PropSource] = p.Source
	}
	if p.AsOf != "" {
		m[PropAsOf] = p.AsOf
	}
	if p.Confidence != 0 {
		m[PropConfidence] = p.Confidence
	}
	if p.Evidence != "" {
		m[PropEvidence] = p.Evidence
	}
	if p.UpdatedBy != "" {
		m[PropUpdatedBy] = p.UpdatedBy
	}
	if p.UpdatedAt != "" {
		m[PropUpdatedAt] = p.UpdatedAt
	}
}

// NodeFromProps rebuilds a node from a storage property map (the inverse of
// Flatten). Values are normalised; unknown keys stay in Props.
func NodeFromProps(kind Kind, m map[string]any) Node {
	n := Node{Kind: kind, Props: map[string]any{}}
	for k, v := range m {
		v = Normalize(v)
		switch k {
		case PropID:
			n.ID, _ = v.(string)
		case PropName:
			n.Name, _ = v.(string)
		case PropNameZh:
			n.NameZh, _ = v.(string)
		case PropAliases:
			n.Aliases, _ = v.([]string)
		default:
			if !n.Prov.take(k, v) {
				n.Props[k] = v
			}
		}
	}
	if len(n.Props) == 0 {
		n.Props = nil
	}
	return n
}

// EdgeFromProps rebuilds an edge from its key and storage property map.
func EdgeFromProps(t RelType, from, to string, m map[string]any) Edge {
	e := Edge{Type: t, From: from, To: to, Props: map[string]any{}}
	for k, v := range m {
		v = Normalize(v)
		if !e.Prov.take(k, v) {
			e.Props[k] = v
		}
	}
	if len(e.Props) == 0 {
		e.Props = nil
	}
	return e
}

func (p *Provenance) take(k string, v any) bool {
	switch k {
	case PropSource:
		p.Source, _ = v.(string)
	case PropAsOf:
		p.AsOf, _ = v.(string)
	case PropConfidence:
		switch x := v.(type) {
		case float64:
			p.Confidence = x
		case int64:
			p.Confidence = float64(x)
		}
	case PropEvidence:
		p.Evidence, _ = v.(string)
	case PropUpdatedBy:
		p.UpdatedBy, _ = v.(string)
	case PropUpdatedAt:
		p.UpdatedAt, _ = v.(string)
	default:
		return false
	}
	return true
}

// Normalize converts a property value to one of the canonical Go types:
// string, int64, float64, bool, []string. Other integer and float widths are
// widened; []any of strings becomes []string. Anything else is returned as is.
func Normalize(v any) any {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case int16:
		return int64(x)
	case int8:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case float32:
		return float64(x)
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return v
			}
			out = append(out, s)
		}
		return out
	}
	return v
}

// SortedKeys returns the keys of m in order; a helper for deterministic output.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// FoldText lower-cases s for case-insensitive matching (see the search rules
// in Store.Search).
func FoldText(s string) string { return strings.ToLower(s) }
