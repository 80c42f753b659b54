package graph

import (
	"fmt"
	"math"
	"strconv"
)

// This file holds the chain-leader analyses' options and small helpers;
// analysis_index.go builds the index they read over a Projection. The
// analyses themselves are in
// analysis_segments.go (verdicts and chain scores), analysis_actions.go
// (fill, strengthen, extend, build) and analysis_pipeline.go (transfer
// pipeline, chain-leader view, the whole report); analysis_cache.go caches
// projections per graph revision. docs/analysis.md gives the formulas.

// Status is a segment's verdict.
type Status string

// Segment statuses, from worst to best.
const (
	StatusMissing Status = "MISSING" // no local enterprise (缺链)
	StatusWeak    Status = "WEAK"    // present, but no leader or high-tech firm, or no support (弱链)
	StatusCovered Status = "COVERED" // present and supported, not yet strong
	StatusStrong  Status = "STRONG"  // leader, knowledge support, cooperation, no concentration (强链)
)

// Flag is one weakness of a segment. A verdict lists every flag that applies.
type Flag string

// Segment flags.
const (
	FlagNoLocalFirm         Flag = "NO_LOCAL_FIRM"          // E(s) empty
	FlagSingleLocalFirm     Flag = "SINGLE_LOCAL_FIRM"      // |E(s)| = 1: single point of failure
	FlagNoLeaderOrHighTech  Flag = "NO_LEADER_OR_HIGH_TECH" // L(s) and H(s) empty
	FlagNoLeader            Flag = "NO_LEADER"              // H(s) but no L(s)
	FlagHighConcentration   Flag = "HIGH_CONCENTRATION"     // HHI above Options.MaxHHI with 2+ firms
	FlagNoKnowledgeSupport  Flag = "NO_KNOWLEDGE_SUPPORT"   // K(s) empty: no local university or lab
	FlagNoPlatformSupport   Flag = "NO_PLATFORM_SUPPORT"    // P(s) empty: no platform, PoC center, incubator or park
	FlagNoCooperation       Flag = "NO_COOPERATION"         // C(s) empty
	FlagUpstreamMissing     Flag = "UPSTREAM_MISSING"       // a feeding segment of the chain has no local firm
	FlagNoLocalLinkUpstream Flag = "NO_LOCAL_LINK_UPSTREAM" // fed by a present segment, but no local supply or cooperation edge across
)

// ScoreWeights weigh the parts of a segment's strength score. They are
// normalised by their sum, so the score stays in [0,1] whatever they are.
type ScoreWeights struct {
	Depth       float64 `json:"depth"`       // min(|E|, DepthSaturation) / DepthSaturation
	Leader      float64 `json:"leader"`      // 1 with a leader, 0.5 with only high-tech firms
	Knowledge   float64 `json:"knowledge"`   // 1 with a local university or lab researching a required field
	Platform    float64 `json:"platform"`    // 1 with a platform, PoC center, incubator or park serving it
	Cooperation float64 `json:"cooperation"` // 1 with a cooperation edge between E(s) and K(s)
	Diversity   float64 `json:"diversity"`   // 1 - HHI
}

// ImportanceWeights weigh a missing segment's importance (fill ranking).
type ImportanceWeights struct {
	Bridge      float64 `json:"bridge"`      // 0.5 per side with a present FEEDS neighbour
	Betweenness float64 `json:"betweenness"` // normalised betweenness in the chain's FEEDS graph
	Reach       float64 `json:"reach"`       // share of the chain's other segments downstream of it
	Policy      float64 `json:"policy"`      // the segment's policyWeight in [0,1]
}

// Options are the analyses' thresholds and weights. The zero value of a
// field means its default (see DefaultOptions and docs/analysis.md).
type Options struct {
	// Scope is the region that counts as local: an actor is local when its
	// region property equals Scope (case-insensitively). Default "Yangpu".
	Scope string `json:"scope"`
	// MaxHHI: a segment with 2+ local firms whose Herfindahl-Hirschman index
	// exceeds it is HIGH_CONCENTRATION (effective number of firms 1/HHI below
	// 1/MaxHHI). Default 0.5.
	MaxHHI float64 `json:"maxHHI"`
	// DepthSaturation is the local firm count at which the depth part of the
	// strength score is full. Default 3.
	DepthSaturation int `json:"depthSaturation"`
	// StrongMinFirms is the fewest local firms a STRONG segment has. Default 2.
	StrongMinFirms int `json:"strongMinFirms"`
	// MinMaturity is the technology readiness level (1-9) from which a lab's
	// achievement counts as mature enough to spin off. Default 6.
	MinMaturity int `json:"minMaturity"`
	// CoverageThreshold: the build view flags chains whose completeness is
	// below it. Default 0.5.
	CoverageThreshold float64 `json:"coverageThreshold"`
	// JaccardWeight and AdamicAdarWeight rank partnership pairs:
	// JaccardWeight*Jaccard(fields) + AdamicAdarWeight*AdamicAdar. Defaults 1 and 0.5.
	JaccardWeight    float64 `json:"jaccardWeight"`
	AdamicAdarWeight float64 `json:"adamicAdarWeight"`
	// MaxCandidates caps each candidate list (fill candidates per segment,
	// partnerships, services, frontier, anchors). Default 10.
	MaxCandidates int `json:"maxCandidates"`
	// Score weighs the strength score. Default depth 0.2, leader 0.25,
	// knowledge 0.2, platform 0.1, cooperation 0.15, diversity 0.1.
	Score ScoreWeights `json:"score"`
	// Importance weighs missing segments. Default bridge 0.4, betweenness
	// 0.2, reach 0.2, policy 0.2.
	Importance ImportanceWeights `json:"importance"`
}

// DefaultOptions returns the documented defaults.
func DefaultOptions() Options {
	return Options{
		Scope:             "Yangpu",
		MaxHHI:            0.5,
		DepthSaturation:   3,
		StrongMinFirms:    2,
		MinMaturity:       6,
		CoverageThreshold: 0.5,
		JaccardWeight:     1,
		AdamicAdarWeight:  0.5,
		MaxCandidates:     10,
		Score:             ScoreWeights{Depth: 0.2, Leader: 0.25, Knowledge: 0.2, Platform: 0.1, Cooperation: 0.15, Diversity: 0.1},
		Importance:        ImportanceWeights{Bridge: 0.4, Betweenness: 0.2, Reach: 0.2, Policy: 0.2},
	}
}

// WithDefaults returns o with every zero field set to its default.
func (o Options) WithDefaults() Options {
	d := DefaultOptions()
	if o.Scope == "" {
		o.Scope = d.Scope
	}
	if o.MaxHHI == 0 {
		o.MaxHHI = d.MaxHHI
	}
	if o.DepthSaturation == 0 {
		o.DepthSaturation = d.DepthSaturation
	}
	if o.StrongMinFirms == 0 {
		o.StrongMinFirms = d.StrongMinFirms
	}
	if o.MinMaturity == 0 {
		o.MinMaturity = d.MinMaturity
	}
	if o.CoverageThreshold == 0 {
		o.CoverageThreshold = d.CoverageThreshold
	}
	if o.JaccardWeight == 0 && o.AdamicAdarWeight == 0 {
		o.JaccardWeight, o.AdamicAdarWeight = d.JaccardWeight, d.AdamicAdarWeight
	}
	if o.MaxCandidates == 0 {
		o.MaxCandidates = d.MaxCandidates
	}
	if o.Score == (ScoreWeights{}) {
		o.Score = d.Score
	}
	if o.Importance == (ImportanceWeights{}) {
		o.Importance = d.Importance
	}
	return o
}

// Validate checks the options' ranges (after WithDefaults).
func (o Options) Validate() error {
	bad := func(field, msg string) error {
		return &Error{Code: CodeInvalidInput, Field: field, Msg: msg}
	}
	switch {
	case o.MaxHHI <= 0 || o.MaxHHI > 1:
		return bad("maxHHI", "must be in (0,1]")
	case o.DepthSaturation < 1:
		return bad("depthSaturation", "must be at least 1")
	case o.StrongMinFirms < 1:
		return bad("strongMinFirms", "must be at least 1")
	case o.MinMaturity < 1 || o.MinMaturity > 9:
		return bad("minMaturity", "must be a readiness level 1-9")
	case o.CoverageThreshold < 0 || o.CoverageThreshold > 1:
		return bad("coverageThreshold", "must be in [0,1]")
	case o.JaccardWeight < 0 || o.AdamicAdarWeight < 0:
		return bad("jaccardWeight", "weights must not be negative")
	case o.MaxCandidates < 1 || o.MaxCandidates > 1000:
		return bad("maxCandidates", "must be in 1..1000")
	}
	s := o.Score
	for _, w := range []float64{s.Depth, s.Leader, s.Knowledge, s.Platform, s.Cooperation, s.Diversity} {
		if w < 0 || math.IsNaN(w) {
			return bad("score", "weights must not be negative")
		}
	}
	if s.Depth+s.Leader+s.Knowledge+s.Platform+s.Cooperation+s.Diversity == 0 {
		return bad("score", "weights must not all be zero")
	}
	im := o.Importance
	for _, w := range []float64{im.Bridge, im.Betweenness, im.Reach, im.Policy} {
		if w < 0 || math.IsNaN(w) {
			return bad("importance", "weights must not be negative")
		}
	}
	return nil
}

// NodeRef names a node in a result.
type NodeRef struct {
	ID     string `json:"id"`
	Kind   Kind   `json:"kind"`
	Name   string `json:"name"`
	NameZh string `json:"nameZh,omitempty"`
}

func refOf(n *ProjNode) NodeRef {
	return NodeRef{ID: n.ID, Kind: n.Kind, Name: n.Name, NameZh: n.NameZh}
}

// Label renders the reference for reasons: "Name (名称)" or the id.
func (r NodeRef) Label() string {
	name := r.Name
	if name == "" {
		name = r.ID
	}
	if r.NameZh != "" && r.NameZh != name {
		return name + " (" + r.NameZh + ")"
	}
	return name
}

// firmFacts are the properties of an enterprise its tier comes from, read
// from its property map once.
type firmFacts struct {
	tier                               string
	chainMaster, highTech, specialised bool
}

func firmFactsOf(n *ProjNode) firmFacts {
	return firmFacts{tier: n.Facts.Tier, chainMaster: n.Facts.ChainMaster,
		highTech: n.Facts.HighTech, specialised: n.Facts.Specialised}
}

// isHighTech: certified high-tech, specialised (专精特新) or a tier at or above HIGH_TECH.
func (f firmFacts) isHighTech() bool {
	switch f.tier {
	case "HIGH_TECH", "SPECIALISED", "LEADER":
		return true
	}
	return f.highTech || f.specialised
}

// tierScores are the tier scores in [0,1] that firmFacts.code indexes.
var tierScores = [...]float64{0: 1, 1: 0.8, 2: 0.7, 3: 0.5, 4: 0.3, 5: 0.2}

// code maps the gradient-cultivation tier to its score in tierScores:
// chain-masters and LEADER 1, SPECIALISED 0.8, HIGH_TECH 0.7, TECH_SME
// 0.5, SME 0.3, STARTUP 0.2; otherwise 0.7 when high-tech or specialised,
// else 0.3.
func (f firmFacts) code() uint8 {
	if f.chainMaster {
		return 0
	}
	switch f.tier {
	case "LEADER":
		return 0
	case "SPECIALISED":
		return 1
	case "HIGH_TECH":
		return 2
	case "TECH_SME":
		return 3
	case "SME":
		return 4
	case "STARTUP":
		return 5
	}
	if f.highTech || f.specialised {
		return 2
	}
	return 4
}

func tierLabel(n *ProjNode) string {
	t := n.Facts.Tier
	if t == "" {
		t = "tier unknown"
	}
	if n.Facts.ChainMaster {
		t += ", chain-master 链主"
	}
	return t
}

// round4 keeps reported scores stable and readable.
func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

func pct(x float64) string { return fmt.Sprintf("%.0f%%", x*100) }

func itoa(i int) string { return strconv.Itoa(i) }
