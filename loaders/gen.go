package loaders

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"chainkg/graph"
)

// GenOptions configure the synthetic generator.
type GenOptions struct {
	Enterprises int    // number of enterprises (the scale knob), >= 1
	Seed        uint64 // same seed, same options -> same bytes
	Out         string // output directory (created; existing files are overwritten)
	Chains      int    // number of chains, default 8
}

// GenReport says what Generate wrote.
type GenReport struct {
	Dir   string         `json:"dir"`
	Nodes int            `json:"nodes"`
	Edges int            `json:"edges"`
	Bytes int64          `json:"bytes"`
	Rows  map[string]int `json:"rows"` // per kind / relation type
}

// Generate writes a deterministic synthetic dataset in the dataset format:
// one CSV file per node kind (nodes/<Kind>.csv, header id,name,...) and per
// relation type (edges/<TYPE>.csv, header from,to,...) plus dataset.yaml.
// Plain headers with our property names let Neo4j's LOAD CSV read the same
// files (bench/).
//
// The shape follows a district economy: a few chain-masters and leaders,
// many SMEs and startups; supply out-degrees follow a power law and supply
// targets prefer low-numbered (bigger) firms, so in-degrees are skewed too;
// universities, labs, platforms, incubators, PoC centers, parks and funds in
// proportion to the enterprises. Rows are written as they are generated, so
// memory stays flat at any size (a million enterprises is about 4.5 million
// rows).
func Generate(opts GenOptions) (*GenReport, error) {
	if opts.Enterprises < 1 {
		return nil, fmt.Errorf("gen: enterprises must be at least 1")
	}
	if opts.Chains <= 0 {
		opts.Chains = 8
	}
	if opts.Out == "" {
		return nil, fmt.Errorf("gen: no output directory")
	}
	g := &gen{opts: opts, files: map[string]*csvOut{}, rep: &GenReport{Dir: opts.Out, Rows: map[string]int{}}}
	for _, d := range []string{"nodes", "edges"} {
		if err := os.MkdirAll(filepath.Join(opts.Out, d), 0o755); err != nil {
			return nil, fmt.Errorf("gen: %w", err)
		}
	}
	if err := g.run(); err != nil {
		g.closeAll()
		return nil, err
	}
	if err := g.closeAll(); err != nil {
		return nil, err
	}
	if err := g.manifest(); err != nil {
		return nil, err
	}
	return g.rep, nil
}

// csvOut is one output file.
type csvOut struct {
	f    *os.File
	bw   *bufio.Writer
	w    *csv.Writer
	name string // Kind or TYPE
	node bool
	rows int
	row  []string
}

type gen struct {
	opts  GenOptions
	files map[string]*csvOut
	order []string
	rep   *GenReport
	err   error

	segs     []genSeg
	fields   int
	nUniv    int
	nLab     int
	nPlat    int
	nValPlat int
	nInc     int
	nPoC     int
	nPark    int
	nFund    int
	nAch     int
}

type genSeg struct {
	id    string
	chain int
}

var genHeaders = map[string][]string{
	"Chain":           {"id", "name", "keyChain", "policyWeight", "source"},
	"Segment":         {"id", "name", "chainId", "stage", "order", "policyWeight", "source"},
	"TechField":       {"id", "name", "source"},
	"University":      {"id", "name", "region", "source"},
	"Lab":             {"id", "name", "region", "labType", "source"},
	"Platform":        {"id", "name", "region", "platformType", "source"},
	"Incubator":       {"id", "name", "region", "level", "source"},
	"PoCCenter":       {"id", "name", "region", "source"},
	"Park":            {"id", "name", "region", "parkType", "source"},
	"Fund":            {"id", "name", "region", "size", "source"},
	"Achievement":     {"id", "name", "maturity", "year", "source"},
	"Enterprise":      {"id", "name", "region", "tier", "chainMaster", "highTech", "specialised", "founded", "employees", "revenue", "rdIntensity", "source"},
	"HAS_SEGMENT":     {"from", "to", "source"},
	"FEEDS":           {"from", "to", "weight", "source"},
	"REQUIRES":        {"from", "to", "source"},
	"MASTERS":         {"from", "to", "source"},
	"OPERATES_IN":     {"from", "to", "share", "source"},
	"RESEARCHES":      {"from", "to", "source"},
	"COOPERATES_WITH": {"from", "to", "kind", "since", "source"},
	"SUPPLIES":        {"from", "to", "product", "volume", "source"},
	"INCUBATES":       {"from", "to", "since", "graduated", "source"},
	"LOCATED_IN":      {"from", "to", "source"},
	"INVESTS_IN":      {"from", "to", "amount", "source"},
	"AFFILIATED_WITH": {"from", "to", "source"},
	"PRODUCED":        {"from", "to", "source"},
	"APPLIES_TO":      {"from", "to", "source"},
	"VALUES":          {"from", "to", "value", "source"},
	"VALIDATES":       {"from", "to", "source"},
	"TRANSFERRED_TO":  {"from", "to", "mode", "year", "source"},
}

// out returns (opening on first use) the file for a kind or type.
func (g *gen) out(name string) *csvOut {
	if o := g.files[name]; o != nil {
		return o
	}
	_, isNode := graph.LookupKind(graph.Kind(name))
	dir := "edges"
	if isNode {
		dir = "nodes"
	}
	f, err := os.Create(filepath.Join(g.opts.Out, dir, name+".csv"))
	if err != nil {
		if g.err == nil {
			g.err = fmt.Errorf("gen: %w", err)
		}
		f = nil
	}
	o := &csvOut{f: f, name: name, node: isNode}
	if f != nil {
		o.bw = bufio.NewWriterSize(f, 1<<20)
		o.w = csv.NewWriter(o.bw)
		o.w.Write(genHeaders[name])
	}
	g.files[name] = o
	g.order = append(g.order, name)
	return o
}

// put writes one row; values follow the header after the id/from-to columns.
func (g *gen) put(name string, vals ...string) {
	o := g.out(name)
	if o.w == nil {
		return
	}
	o.row = append(o.row[:0], vals...)
	o.row = append(o.row, graph.SourceSynthetic)
	if err := o.w.Write(o.row); err != nil && g.err == nil {
		g.err = fmt.Errorf("gen: %w", err)
	}
	o.rows++
}

func (g *gen) closeAll() error {
	var first error
	for _, name := range g.order {
		o := g.files[name]
		if o.w == nil {
			continue
		}
		o.w.Flush()
		if err := o.w.Error(); err != nil && first == nil {
			first = err
		}
		if err := o.bw.Flush(); err != nil && first == nil {
			first = err
		}
		if st, err := o.f.Stat(); err == nil {
			g.rep.Bytes += st.Size()
		}
		if err := o.f.Close(); err != nil && first == nil {
			first = err
		}
		o.w = nil
		g.rep.Rows[name] = o.rows
		if o.node {
			g.rep.Nodes += o.rows
		} else {
			g.rep.Edges += o.rows
		}
	}
	if first != nil {
		return fmt.Errorf("gen: %w", first)
	}
	return g.err
}

func (g *gen) manifest() error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Synthetic dataset written by chainkg gen (deterministic: same flags, same bytes).\n")
	fmt.Fprintf(&b, "name: synthetic-%d-seed-%d\n", g.opts.Enterprises, g.opts.Seed)
	fmt.Fprintf(&b, "description: %d synthetic enterprises in %d chains\n", g.opts.Enterprises, g.opts.Chains)
	fmt.Fprintf(&b, "source: synthetic\nselfContained: true\nnodes:\n")
	for _, k := range graph.Kinds {
		if o := g.files[string(k.Kind)]; o != nil {
			fmt.Fprintf(&b, "  - {file: nodes/%s.csv, kind: %s}\n", k.Kind, k.Kind)
		}
	}
	fmt.Fprintf(&b, "edges:\n")
	for _, r := range graph.Rels {
		if o := g.files[string(r.Type)]; o != nil {
			fmt.Fprintf(&b, "  - {file: edges/%s.csv, type: %s}\n", r.Type, r.Type)
		}
	}
	p := filepath.Join(g.opts.Out, ManifestName)
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	g.rep.Bytes += int64(b.Len())
	return nil
}

// rng returns an independent deterministic stream for one part of the
// dataset, so that changing one part never shifts another.
func (g *gen) rng(part uint64) *rand.Rand {
	return rand.New(rand.NewPCG(g.opts.Seed, part*0x9E3779B97F4A7C15+1))
}

// skewed picks an index in [0,n) favouring small indices: P(i) falls off
// like a power law (alpha > 1 sharpens it).
func skewed(r *rand.Rand, n int, alpha float64) int {
	i := int(float64(n) * math.Pow(r.Float64(), alpha))
	return min(i, n-1)
}

// powerDegree draws a degree >= 0 from a discrete Pareto tail with the given
// exponent, capped.
func powerDegree(r *rand.Rand, exp float64, capAt int) int {
	u := 1 - r.Float64() // (0,1]
	d := int(math.Pow(u, -1/(exp-1))) - 1
	return min(d, capAt)
}

var (
	genChainNames = []string{"Artificial intelligence", "Internet life", "Life health", "Hydrogen energy", "Intelligent connected vehicles", "Low-carbon materials", "Big data", "Integrated circuits", "Advanced manufacturing", "Fintech", "Aerospace", "Marine engineering"}
	genRegions    = []string{"Yangpu", "Shanghai", "Other"}
)

func itoa(i int) string { return strconv.Itoa(i) }
func ftoa(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}
func btoa(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
func region(r *rand.Rand) string {
	u := r.Float64()
	switch {
	case u < 0.25:
		return genRegions[0]
	case u < 0.7:
		return genRegions[1]
	}
	return genRegions[2]
}

func eid(i int) string { return fmt.Sprintf("e%07d", i) }

func (g *gen) run() error {
	n := g.opts.Enterprises
	g.fields = 60
	g.nUniv = max(2, n/50000)
	g.nLab = max(5, n/1000)
	g.nPlat = max(4, n/10000)
	g.nValPlat = max(1, g.nPlat/4)
	g.nInc = max(3, n/2000)
	g.nPoC = max(2, n/20000)
	g.nPark = max(3, n/20000)
	g.nFund = max(2, n/5000)
	g.nAch = max(10, n/100)

	g.structure()
	g.institutions()
	g.enterprises()
	g.achievements()
	return g.err
}

// structure: chains, segments, tech fields, HAS_SEGMENT, FEEDS, REQUIRES.
func (g *gen) structure() {
	r := g.rng(1)
	for f := 0; f < g.fields; f++ {
		g.put("TechField", fmt.Sprintf("tf%03d", f), fmt.Sprintf("Synthetic tech field %d", f))
	}
	stages := graph.Stages
	for c := 0; c < g.opts.Chains; c++ {
		cid := fmt.Sprintf("c%02d", c)
		name := genChainNames[c%len(genChainNames)]
		if c >= len(genChainNames) {
			name += " " + itoa(c/len(genChainNames)+1)
		}
		g.put("Chain", cid, name+" (synthetic)", "true", ftoa(math.Round(r.Float64()*100)/100))
		k := 6 + r.IntN(3)
		first := len(g.segs)
		for s := 0; s < k; s++ {
			sid := fmt.Sprintf("%s-s%d", cid, s+1)
			st := stages[min(s*3/k, 2)]
			g.put("Segment", sid, fmt.Sprintf("%s segment %d (synthetic)", name, s+1), cid, st, itoa(s+1), ftoa(math.Round(r.Float64()*100)/100))
			g.put("HAS_SEGMENT", cid, sid)
			nf := 2 + r.IntN(2)
			seen := map[int]bool{}
			for j := 0; j < nf; j++ {
				f := r.IntN(g.fields)
				if !seen[f] {
					seen[f] = true
					g.put("REQUIRES", sid, fmt.Sprintf("tf%03d", f))
				}
			}
			if s > 0 {
				g.put("FEEDS", g.segs[len(g.segs)-1].id, sid, ftoa(math.Round((0.3+0.7*r.Float64())*100)/100))
			}
			g.segs = append(g.segs, genSeg{id: sid, chain: c})
		}
		// One cross-chain dependency from a midstream segment of an earlier chain.
		if c > 0 {
			from := g.segs[r.IntN(first)]
			to := g.segs[first+k/2+r.IntN(k-k/2)]
			g.put("FEEDS", from.id, to.id, ftoa(math.Round((0.1+0.3*r.Float64())*100)/100))
		}
	}
}

func (g *gen) institutions() {
	r := g.rng(2)
	for i := 0; i < g.nUniv; i++ {
		id := fmt.Sprintf("u%04d", i)
		g.put("University", id, fmt.Sprintf("Synthetic University %d", i), region(r))
		nf := 8 + r.IntN(8)
		seen := map[int]bool{}
		for j := 0; j < nf; j++ {
			if f := r.IntN(g.fields); !seen[f] {
				seen[f] = true
				g.put("RESEARCHES", id, fmt.Sprintf("tf%03d", f))
			}
		}
	}
	labTypes := graph.LabTypes
	for i := 0; i < g.nLab; i++ {
		id := fmt.Sprintf("l%05d", i)
		g.put("Lab", id, fmt.Sprintf("Synthetic Lab %d", i), region(r), labTypes[r.IntN(len(labTypes))])
		if r.Float64() < 0.7 {
			g.put("AFFILIATED_WITH", id, fmt.Sprintf("u%04d", r.IntN(g.nUniv)))
		}
		nf := 2 + r.IntN(3)
		seen := map[int]bool{}
		for j := 0; j < nf; j++ {
			if f := r.IntN(g.fields); !seen[f] {
				seen[f] = true
				g.put("RESEARCHES", id, fmt.Sprintf("tf%03d", f))
			}
		}
	}
	for i := 0; i < g.nPlat; i++ {
		t := "VALUATION"
		if i >= g.nValPlat {
			t = graph.PlatformTypes[r.IntN(len(graph.PlatformTypes))]
		}
		id := fmt.Sprintf("p%04d", i)
		g.put("Platform", id, fmt.Sprintf("Synthetic Platform %d", i), region(r), t)
	}
	for i := 0; i < g.nInc; i++ {
		g.put("Incubator", fmt.Sprintf("i%05d", i), fmt.Sprintf("Synthetic Incubator %d", i), region(r), graph.IncubatorLvls[r.IntN(len(graph.IncubatorLvls))])
	}
	for i := 0; i < g.nPoC; i++ {
		id := fmt.Sprintf("poc%04d", i)
		g.put("PoCCenter", id, fmt.Sprintf("Synthetic PoC Center %d", i), region(r))
	}
	for i := 0; i < g.nPark; i++ {
		g.put("Park", fmt.Sprintf("k%04d", i), fmt.Sprintf("Synthetic Park %d", i), region(r), graph.ParkTypes[r.IntN(len(graph.ParkTypes))])
	}
	for i := 0; i < g.nFund; i++ {
		g.put("Fund", fmt.Sprintf("f%05d", i), fmt.Sprintf("Synthetic Fund %d", i), region(r), ftoa(float64(50+r.IntN(5000))))
	}
}

var genCoopKinds = []string{"joint R&D", "contract research", "joint lab", "consortium project"}

func (g *gen) enterprises() {
	r := g.rng(3)
	n := g.opts.Enterprises
	nMasters := 2 * g.opts.Chains
	seen := map[int]bool{}
	for i := 0; i < n; i++ {
		id := eid(i)
		tier := "STARTUP"
		u := r.Float64()
		switch {
		case i < nMasters || u < 0.005:
			tier = "LEADER"
		case u < 0.04:
			tier = "SPECIALISED"
		case u < 0.16:
			tier = "HIGH_TECH"
		case u < 0.40:
			tier = "TECH_SME"
		case u < 0.80:
			tier = "SME"
		}
		master := i < nMasters
		highTech := tier == "LEADER" || tier == "SPECIALISED" || tier == "HIGH_TECH"
		scale := map[string]float64{"LEADER": 3000, "SPECIALISED": 400, "HIGH_TECH": 200, "TECH_SME": 60, "SME": 30, "STARTUP": 8}[tier]
		emp := int(scale * math.Exp(r.NormFloat64()*0.6))
		emp = max(emp, 1)
		rev := math.Round(float64(emp)*(0.5+r.Float64())*100) / 100
		reg := region(r)
		if master {
			reg = "Yangpu"
		}
		g.put("Enterprise", id, fmt.Sprintf("Synthetic Enterprise %d", i), reg, tier, btoa(master), btoa(highTech), btoa(tier == "SPECIALISED"),
			itoa(1985+r.IntN(40)), itoa(emp), ftoa(rev), ftoa(math.Round(r.Float64()*40)/100))

		// Segments: masters anchor their chain; others favour the first
		// (larger) segments of a skewed pick.
		var seg int
		if master {
			c := i / 2
			seg = -1
			for s, sg := range g.segs {
				if sg.chain == c%g.opts.Chains && seg < 0 {
					seg = s + r.IntN(3)
				}
			}
			g.put("MASTERS", id, fmt.Sprintf("c%02d", c%g.opts.Chains))
		} else {
			seg = skewed(r, len(g.segs), 1.3)
		}
		seg = min(seg, len(g.segs)-1)
		g.put("OPERATES_IN", id, g.segs[seg].id, ftoa(math.Round(r.Float64()*1000)/1000))
		if r.Float64() < 0.2 {
			if s2 := r.IntN(len(g.segs)); s2 != seg {
				g.put("OPERATES_IN", id, g.segs[s2].id, ftoa(math.Round(r.Float64()*1000)/1000))
			}
		}
		// Supply: power-law out-degree, preferential (skewed) targets.
		deg := powerDegree(r, 2.6, 200)
		if master {
			deg += 20
		}
		clear(seen)
		for j := 0; j < deg && n > 1; j++ {
			t := skewed(r, n, 2.5)
			if t == i || seen[t] {
				continue
			}
			seen[t] = true
			g.put("SUPPLIES", id, eid(t), "product "+itoa(r.IntN(500)), ftoa(math.Round(r.Float64()*10000)/100))
		}
		// Cooperation with research: more likely for high-tech firms.
		p := 0.08
		if highTech {
			p = 0.4
		}
		if r.Float64() < p {
			k := 1 + powerDegree(r, 2.5, 5)
			clear(seen)
			for j := 0; j < k; j++ {
				var to string
				if r.Float64() < 0.3 {
					x := skewed(r, g.nUniv, 1.5)
					if seen[-1-x] {
						continue
					}
					seen[-1-x] = true
					to = fmt.Sprintf("u%04d", x)
				} else {
					x := skewed(r, g.nLab, 2)
					if seen[x] {
						continue
					}
					seen[x] = true
					to = fmt.Sprintf("l%05d", x)
				}
				g.put("COOPERATES_WITH", id, to, genCoopKinds[r.IntN(len(genCoopKinds))], itoa(2005+r.IntN(20)))
			}
		}
		if highTech || r.Float64() < 0.05 {
			g.put("RESEARCHES", id, fmt.Sprintf("tf%03d", r.IntN(g.fields)))
		}
		if tier == "STARTUP" && r.Float64() < 0.5 {
			g.put("INCUBATES", fmt.Sprintf("i%05d", skewed(r, g.nInc, 1.5)), id, itoa(2015+r.IntN(10)), btoa(r.Float64() < 0.3))
		}
		if r.Float64() < 0.4 {
			g.put("LOCATED_IN", id, fmt.Sprintf("k%04d", skewed(r, g.nPark, 1.5)))
		}
		if (tier == "STARTUP" || tier == "TECH_SME") && r.Float64() < 0.1 {
			g.put("INVESTS_IN", fmt.Sprintf("f%05d", skewed(r, g.nFund, 1.5)), id, ftoa(float64(1+r.IntN(100))))
		}
	}
}

func (g *gen) achievements() {
	r := g.rng(4)
	for i := 0; i < g.nAch; i++ {
		id := fmt.Sprintf("a%06d", i)
		mat := 1 + r.IntN(9)
		g.put("Achievement", id, fmt.Sprintf("Synthetic Achievement %d", i), itoa(mat), itoa(2010+r.IntN(15)))
		g.put("PRODUCED", fmt.Sprintf("l%05d", skewed(r, g.nLab, 1.5)), id)
		g.put("APPLIES_TO", id, fmt.Sprintf("tf%03d", r.IntN(g.fields)))
		if mat >= 4 && r.Float64() < 0.4 {
			g.put("VALUES", fmt.Sprintf("p%04d", r.IntN(g.nValPlat)), id, ftoa(math.Round(r.Float64()*5000)/100))
			if mat >= 5 && r.Float64() < 0.6 {
				g.put("VALIDATES", fmt.Sprintf("poc%04d", r.IntN(g.nPoC)), id)
				if mat >= 6 && r.Float64() < 0.5 {
					g.put("TRANSFERRED_TO", id, eid(r.IntN(g.opts.Enterprises)), []string{"licence", "assignment", "equity", "spin-off"}[r.IntN(4)], itoa(2015+r.IntN(10)))
				}
			}
		}
	}
}
