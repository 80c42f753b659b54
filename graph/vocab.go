package graph

import "sort"

// PropType is the type of a kind-specific property.
type PropType int

// Property types. Dates are strings in YYYY-MM-DD form.
const (
	TString PropType = iota + 1
	TInt
	TFloat
	TBool
	TStringList
	TDate
)

func (t PropType) String() string {
	switch t {
	case TString:
		return "string"
	case TInt:
		return "int"
	case TFloat:
		return "float"
	case TBool:
		return "bool"
	case TStringList:
		return "string list"
	case TDate:
		return "date (YYYY-MM-DD)"
	}
	return "unknown"
}

// PropSpec declares one property of a kind or relation.
type PropSpec struct {
	Name string   // storage and GraphQL name, camelCase
	Type PropType // value type
	Enum []string // allowed values for TString, if restricted
	// Filter and Sort say whether list fields may filter / order on it.
	Filter, Sort bool
	Doc          string
}

// KindSpec declares one node kind.
type KindSpec struct {
	Kind   Kind
	Plural string // GraphQL list root field, e.g. "enterprises"
	Doc    string
	Props  []PropSpec
}

// RelSpec declares one relation type: which kinds it links and the GraphQL
// field names on each side.
type RelSpec struct {
	Type     RelType
	From, To []Kind
	OutField string // field on the From side, e.g. "supplies"
	InField  string // field on the To side, e.g. "suppliedBy"
	Doc      string
	Props    []PropSpec
}

// Common properties every node has besides its kind's own (see Prop*):
// id, name, nameZh, aliases and the provenance fields.
var CommonNodeProps = []PropSpec{
	{Name: PropID, Type: TString, Filter: true, Sort: true, Doc: "stable ID"},
	{Name: PropName, Type: TString, Filter: true, Sort: true, Doc: "English or romanised name"},
	{Name: PropNameZh, Type: TString, Filter: true, Sort: true, Doc: "Chinese name"},
	{Name: PropAliases, Type: TStringList, Doc: "other names, abbreviations"},
}

// ProvenanceProps are stored on every node and edge.
var ProvenanceProps = []PropSpec{
	{Name: PropSource, Type: TString, Filter: true, Doc: "origin of the fact; 'synthetic' marks invented demo data"},
	{Name: PropAsOf, Type: TDate, Filter: true, Sort: true, Doc: "date the fact was true or published"},
	{Name: PropConfidence, Type: TFloat, Filter: true, Sort: true, Doc: "confidence in [0,1]"},
	{Name: PropEvidence, Type: TString, Doc: "supporting quote, document or URL"},
	{Name: PropUpdatedBy, Type: TString, Doc: "who wrote it through the API"},
	{Name: PropUpdatedAt, Type: TString, Doc: "when it was written through the API (RFC 3339)"},
}

// Enumerations.
var (
	Stages        = []string{"UPSTREAM", "MIDSTREAM", "DOWNSTREAM"}
	Tiers         = []string{"STARTUP", "SME", "TECH_SME", "HIGH_TECH", "SPECIALISED", "LEADER"}
	LabTypes      = []string{"STATE_KEY_LAB", "KEY_LAB", "INSTITUTE", "NEW_RD_INSTITUTION", "ENTERPRISE_LAB"}
	PlatformTypes = []string{"TECH_TRANSFER", "TECH_EXCHANGE", "VALUATION", "RD_TRANSFER", "FUNCTIONAL", "ACHIEVEMENT_SERVICE", "INSTRUMENT_SHARING", "DIGITAL_ECONOMY"}
	ParkTypes     = []string{"HIGH_TECH_PARK", "UNIVERSITY_SCIENCE_PARK", "AREA", "CORRIDOR", "BELT"}
	IncubatorLvls = []string{"NATIONAL", "MUNICIPAL", "DISTRICT"}
)

// regionProp is on every actor: the region scope that decides "local".
var regionProp = PropSpec{Name: "region", Type: TString, Filter: true, Sort: true, Doc: "where the actor sits, e.g. Yangpu, Shanghai, Other; analyses call actors in the scope region local"}

// Kinds is the node-kind allowlist, in a fixed order.
var Kinds = []KindSpec{
	{Kind: KindUniversity, Plural: "universities", Doc: "a university (高校)", Props: []PropSpec{regionProp,
		{Name: "website", Type: TString}}},
	{Kind: KindLab, Plural: "labs", Doc: "a laboratory, research institute or new-type R&D institution", Props: []PropSpec{regionProp,
		{Name: "labType", Type: TString, Enum: LabTypes, Filter: true, Sort: true}}},
	{Kind: KindPlatform, Plural: "platforms", Doc: "a functional platform: technology transfer, exchange, valuation, R&D and transfer", Props: []PropSpec{regionProp,
		{Name: "platformType", Type: TString, Enum: PlatformTypes, Filter: true, Sort: true}}},
	{Kind: KindIncubator, Plural: "incubators", Doc: "an incubator (孵化器)", Props: []PropSpec{regionProp,
		{Name: "level", Type: TString, Enum: IncubatorLvls, Filter: true, Sort: true},
		{Name: "focus", Type: TString, Filter: true}}},
	{Kind: KindPoCCenter, Plural: "pocCenters", Doc: "a proof-of-concept center (概念验证中心)", Props: []PropSpec{regionProp,
		{Name: "focus", Type: TString, Filter: true}}},
	{Kind: KindPark, Plural: "parks", Doc: "a park, university science park, area, corridor or belt", Props: []PropSpec{regionProp,
		{Name: "parkType", Type: TString, Enum: ParkTypes, Filter: true, Sort: true}}},
	{Kind: KindEnterprise, Plural: "enterprises", Doc: "an enterprise (企业)", Props: []PropSpec{regionProp,
		{Name: "tier", Type: TString, Enum: Tiers, Filter: true, Sort: true, Doc: "gradient-cultivation tier"},
		{Name: "chainMaster", Type: TBool, Filter: true, Doc: "a chain-master enterprise (链主)"},
		{Name: "highTech", Type: TBool, Filter: true, Doc: "certified high-tech enterprise (高新技术企业)"},
		{Name: "specialised", Type: TBool, Filter: true, Doc: "specialised, refined, distinctive, innovative (专精特新)"},
		{Name: "founded", Type: TInt, Filter: true, Sort: true, Doc: "year founded"},
		{Name: "employees", Type: TInt, Filter: true, Sort: true},
		{Name: "revenue", Type: TFloat, Filter: true, Sort: true, Doc: "annual revenue, million CNY"},
		{Name: "rdIntensity", Type: TFloat, Filter: true, Sort: true, Doc: "R&D spending / revenue"}}},
	{Kind: KindChain, Plural: "chains", Doc: "an industry chain (产业链)", Props: []PropSpec{
		{Name: "keyChain", Type: TBool, Filter: true, Doc: "a key chain under the chain-leader system"},
		{Name: "policyWeight", Type: TFloat, Sort: true}}},
	{Kind: KindSegment, Plural: "segments", Doc: "a link of an industry chain (环节)", Props: []PropSpec{
		{Name: "chainId", Type: TString, Filter: true, Sort: true, Doc: "the chain it belongs to"},
		{Name: "stage", Type: TString, Enum: Stages, Filter: true, Sort: true},
		{Name: "order", Type: TInt, Filter: true, Sort: true, Doc: "position upstream (1) to downstream"},
		{Name: "policyWeight", Type: TFloat, Filter: true, Sort: true, Doc: "policy priority in [0,1]"}}},
	{Kind: KindTechField, Plural: "techFields", Doc: "a technology field", Props: nil},
	{Kind: KindAchievement, Plural: "achievements", Doc: "a research result (科技成果)", Props: []PropSpec{
		{Name: "maturity", Type: TInt, Filter: true, Sort: true, Doc: "technology readiness level 1-9"},
		{Name: "year", Type: TInt, Filter: true, Sort: true}}},
	{Kind: KindChallenge, Plural: "challengeProjects", Doc: "an open-bidding key-technology project (揭榜挂帅)", Props: []PropSpec{
		{Name: "indicators", Type: TString, Doc: "technical indicators"},
		{Name: "deadline", Type: TDate, Filter: true, Sort: true},
		{Name: "deliverables", Type: TString},
		{Name: "status", Type: TString, Enum: []string{"OPEN", "TAKEN", "DONE"}, Filter: true}}},
	{Kind: KindPolicy, Plural: "policies", Doc: "a policy document", Props: []PropSpec{
		{Name: "issuer", Type: TString, Filter: true},
		{Name: "issued", Type: TDate, Filter: true, Sort: true}}},
	{Kind: KindChainLeader, Plural: "chainLeaders", Doc: "a chain leader (链长): the official or office that answers for a chain", Props: []PropSpec{
		{Name: "office", Type: TString}}},
	{Kind: KindFund, Plural: "funds", Doc: "an investment fund", Props: []PropSpec{regionProp,
		{Name: "size", Type: TFloat, Sort: true, Doc: "million CNY"}}},
	{Kind: KindConsortium, Plural: "consortia", Doc: "an innovation consortium (创新联合体)", Props: nil},
}

var (
	actorKinds    = []Kind{KindUniversity, KindLab, KindPlatform, KindIncubator, KindPoCCenter, KindPark, KindEnterprise, KindFund, KindConsortium}
	researchKinds = []Kind{KindUniversity, KindLab}
	serviceKinds  = []Kind{KindPlatform, KindIncubator, KindPoCCenter, KindPark}
)

// Rels is the relation-type allowlist, in a fixed order.
var Rels = []RelSpec{
	{Type: RelLeads, From: []Kind{KindChainLeader}, To: []Kind{KindChain}, OutField: "leads", InField: "leaders"},
	{Type: RelMasters, From: []Kind{KindEnterprise}, To: []Kind{KindChain}, OutField: "mastersChains", InField: "chainMasters"},
	{Type: RelHasSegment, From: []Kind{KindChain}, To: []Kind{KindSegment}, OutField: "segments", InField: "chains"},
	{Type: RelFeeds, From: []Kind{KindSegment}, To: []Kind{KindSegment}, OutField: "feeds", InField: "fedBy",
		Props: []PropSpec{{Name: "weight", Type: TFloat, Doc: "share of the downstream input"}}},
	{Type: RelOperatesIn, From: []Kind{KindEnterprise}, To: []Kind{KindSegment}, OutField: "operatesIn", InField: "enterprises",
		Props: []PropSpec{{Name: "role", Type: TString, Doc: "what the firm does in the segment"}, {Name: "share", Type: TFloat, Doc: "share of local capacity, if known"}}},
	{Type: RelRequires, From: []Kind{KindSegment}, To: []Kind{KindTechField}, OutField: "requires", InField: "requiredBy"},
	{Type: RelResearches, From: []Kind{KindUniversity, KindLab, KindEnterprise}, To: []Kind{KindTechField}, OutField: "fields", InField: "researchers"},
	{Type: RelAppliesTo, From: []Kind{KindAchievement, KindChallenge}, To: []Kind{KindTechField}, OutField: "appliesTo", InField: "applications"},
	{Type: RelAffiliated, From: []Kind{KindLab, KindPlatform, KindPoCCenter, KindIncubator, KindPark}, To: []Kind{KindUniversity, KindLab, KindPlatform, KindEnterprise}, OutField: "affiliatedWith", InField: "affiliates"},
	{Type: RelCooperates, From: actorKinds, To: actorKinds, OutField: "cooperatesWith", InField: "cooperatedBy",
		Props: []PropSpec{{Name: "kind", Type: TString, Doc: "joint R&D, consortium, contract ..."}, {Name: "since", Type: TInt}}},
	{Type: RelSupplies, From: []Kind{KindEnterprise}, To: []Kind{KindEnterprise}, OutField: "supplies", InField: "suppliedBy",
		Props: []PropSpec{{Name: "product", Type: TString}, {Name: "volume", Type: TFloat}}},
	{Type: RelIncubates, From: serviceKinds, To: []Kind{KindEnterprise}, OutField: "incubates", InField: "incubatedBy",
		Props: []PropSpec{{Name: "since", Type: TInt}, {Name: "graduated", Type: TBool}}},
	{Type: RelProduced, From: []Kind{KindUniversity, KindLab, KindEnterprise}, To: []Kind{KindAchievement}, OutField: "produced", InField: "producedBy"},
	{Type: RelValues, From: []Kind{KindPlatform}, To: []Kind{KindAchievement}, OutField: "valued", InField: "valuedBy",
		Props: []PropSpec{{Name: "value", Type: TFloat, Doc: "valuation, million CNY"}}},
	{Type: RelValidates, From: []Kind{KindPoCCenter}, To: []Kind{KindAchievement}, OutField: "validates", InField: "validatedBy"},
	{Type: RelTransferredTo, From: []Kind{KindAchievement}, To: []Kind{KindEnterprise}, OutField: "transferredTo", InField: "acquired",
		Props: []PropSpec{{Name: "mode", Type: TString, Doc: "licence, assignment, equity, spin-off"}, {Name: "year", Type: TInt}}},
	{Type: RelLocatedIn, From: actorKinds, To: []Kind{KindPark}, OutField: "locatedIn", InField: "residents"},
	{Type: RelTargets, From: []Kind{KindPolicy, KindChallenge}, To: []Kind{KindChain, KindSegment, KindTechField, KindPark}, OutField: "targets", InField: "targetedBy"},
	{Type: RelTakesOn, From: []Kind{KindEnterprise, KindConsortium}, To: []Kind{KindChallenge}, OutField: "takesOn", InField: "takenOnBy"},
	{Type: RelInvestsIn, From: []Kind{KindFund}, To: []Kind{KindEnterprise}, OutField: "investsIn", InField: "investors",
		Props: []PropSpec{{Name: "amount", Type: TFloat, Doc: "million CNY"}}},
	{Type: RelServes, From: serviceKinds, To: []Kind{KindChain, KindSegment, KindTechField}, OutField: "serves", InField: "servedBy"},
	{Type: RelMemberOf, From: []Kind{KindUniversity, KindLab, KindEnterprise}, To: []Kind{KindConsortium}, OutField: "memberOf", InField: "members"},
	{Type: RelOperates, From: []Kind{KindUniversity, KindLab, KindEnterprise, KindPlatform}, To: []Kind{KindPlatform, KindPoCCenter, KindIncubator, KindPark}, OutField: "operates", InField: "operators"},
}

var (
	kindIndex = map[Kind]*KindSpec{}
	relIndex  = map[RelType]*RelSpec{}
)

func init() {
	for i := range Kinds {
		kindIndex[Kinds[i].Kind] = &Kinds[i]
	}
	for i := range Rels {
		relIndex[Rels[i].Type] = &Rels[i]
	}
}

// LookupKind returns the spec of a kind, or false if it is not allowlisted.
func LookupKind(k Kind) (*KindSpec, bool) { s, ok := kindIndex[k]; return s, ok }

// LookupRel returns the spec of a relation type, or false if not allowlisted.
func LookupRel(t RelType) (*RelSpec, bool) { s, ok := relIndex[t]; return s, ok }

// KindNames returns every allowlisted kind, sorted.
func KindNames() []Kind {
	out := make([]Kind, 0, len(Kinds))
	for _, k := range Kinds {
		out = append(out, k.Kind)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// IsResearchKind reports whether k is a knowledge actor (university or lab).
func IsResearchKind(k Kind) bool { return containsKind(researchKinds, k) }

// IsServiceKind reports whether k is a platform, incubator, PoC center or park.
func IsServiceKind(k Kind) bool { return containsKind(serviceKinds, k) }

// Prop returns the spec of a kind-specific, common or provenance property.
func (s *KindSpec) Prop(name string) (PropSpec, bool) {
	for _, list := range [][]PropSpec{CommonNodeProps, s.Props, ProvenanceProps} {
		for _, p := range list {
			if p.Name == name {
				return p, true
			}
		}
	}
	return PropSpec{}, false
}

// AllProps returns common, kind-specific and provenance properties.
func (s *KindSpec) AllProps() []PropSpec {
	out := append([]PropSpec(nil), CommonNodeProps...)
	out = append(out, s.Props...)
	return append(out, ProvenanceProps...)
}

// Prop returns the spec of a relation property or provenance property.
func (s *RelSpec) Prop(name string) (PropSpec, bool) {
	for _, list := range [][]PropSpec{s.Props, ProvenanceProps} {
		for _, p := range list {
			if p.Name == name {
				return p, true
			}
		}
	}
	return PropSpec{}, false
}

// AllProps returns the relation's own and provenance properties.
func (s *RelSpec) AllProps() []PropSpec {
	return append(append([]PropSpec(nil), s.Props...), ProvenanceProps...)
}

// Allows reports whether the relation may link a node of kind from to one of kind to.
func (s *RelSpec) Allows(from, to Kind) bool {
	return containsKind(s.From, from) && containsKind(s.To, to)
}

func containsKind(list []Kind, k Kind) bool {
	for _, x := range list {
		if x == k {
			return true
		}
	}
	return false
}
