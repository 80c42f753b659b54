package graph_test

import (
	"chainkg/graph"
)

// Hand-made fixture chains for the analyses. Every node and edge is invented
// (Source: synthetic); the expected results in analysis_test.go are computed
// by hand from these lists, in comments next to each expectation.

func syn() graph.Provenance {
	return graph.Provenance{Source: graph.SourceSynthetic, AsOf: "2024-01-01"}
}

func nd(id string, kind graph.Kind, name string, props map[string]any) graph.Node {
	return graph.Node{ID: id, Kind: kind, Name: name, Props: props, Prov: syn()}
}

func ed(t graph.RelType, from, to string, props ...map[string]any) graph.Edge {
	e := graph.Edge{Type: t, From: from, To: to, Prov: syn()}
	if len(props) > 0 {
		e.Props = props[0]
	}
	return e
}

func seg(id, chain, name, stage string, order int64, extra ...map[string]any) graph.Node {
	p := map[string]any{"chainId": chain, "stage": stage, "order": order}
	for _, x := range extra {
		for k, v := range x {
			p[k] = v
		}
	}
	return nd(id, graph.KindSegment, name, p)
}

func ent(id, name, region, tier string, extra ...map[string]any) graph.Node {
	p := map[string]any{"region": region, "tier": tier}
	for _, x := range extra {
		for k, v := range x {
			p[k] = v
		}
	}
	return nd(id, graph.KindEnterprise, name, p)
}

func yp() map[string]any { return map[string]any{"region": "Yangpu"} }

// fixture is one hand-made graph and the chain to analyse.
type fixture struct {
	name  string
	chain string
	nodes []graph.Node
	edges []graph.Edge
}

// hydrogenFixture: a small hydrogen chain with all four statuses.
//
//	seg:h2-prod (UP,1) ──> seg:h2-storage (MID,2, MISSING) ──> seg:h2-vehicle (DOWN,4)
//	       └─────────────> seg:h2-fuelcell (MID,3) ───────────────┘
//	                              └──> seg:marine-ship (chain:marine)
//
//	prod:     ent:a (LEADER, chain-master, share .5), ent:b (SME, share .5); Tongji researches
//	          electrolysis and cooperates with ent:a; plat:val serves it         -> STRONG
//	storage:  only ent:x (Shanghai) operates in it                                -> MISSING
//	fuelcell: ent:c (HIGH_TECH) alone; Tongji researches catalyst; inc:h2 and
//	          poc:tongji serve it; no cooperation                                 -> COVERED
//	vehicle:  ent:d (SME) alone; nobody researches vehicle integration           -> WEAK
func hydrogenFixture() fixture {
	nodes := []graph.Node{
		nd("chain:h2", graph.KindChain, "Hydrogen energy", map[string]any{"keyChain": true}),
		nd("chain:marine", graph.KindChain, "Marine equipment", nil),
		seg("seg:h2-prod", "chain:h2", "Hydrogen production", "UPSTREAM", 1, map[string]any{"policyWeight": 0.5}),
		seg("seg:h2-storage", "chain:h2", "Storage and transport", "MIDSTREAM", 2, map[string]any{"policyWeight": 0.8}),
		seg("seg:h2-fuelcell", "chain:h2", "Fuel-cell stacks", "MIDSTREAM", 3),
		seg("seg:h2-vehicle", "chain:h2", "Fuel-cell vehicles", "DOWNSTREAM", 4),
		seg("seg:marine-ship", "chain:marine", "Hydrogen ships", "DOWNSTREAM", 1),
		nd("tf:electrolysis", graph.KindTechField, "Electrolysis", nil),
		nd("tf:storage-mat", graph.KindTechField, "Storage materials", nil),
		nd("tf:catalyst", graph.KindTechField, "Catalysts", nil),
		nd("tf:membrane", graph.KindTechField, "Membranes", nil),
		nd("tf:vehicle-int", graph.KindTechField, "Vehicle integration", nil),
		ent("ent:a", "Alpha Electrolysers", "Yangpu", "LEADER", map[string]any{"chainMaster": true}),
		ent("ent:b", "Beta Gas", "Yangpu", "SME"),
		ent("ent:c", "Gamma Stacks", "Yangpu", "HIGH_TECH", map[string]any{"highTech": true}),
		ent("ent:d", "Delta Motors", "Yangpu", "SME"),
		ent("ent:e", "Epsilon Marine", "Yangpu", "SME"),
		ent("ent:x", "Xeno Tanks", "Shanghai", "SPECIALISED", map[string]any{"specialised": true}),
		nd("uni:tongji", graph.KindUniversity, "Tongji University", yp()),
		nd("lab:h2", graph.KindLab, "Hydrogen Lab", map[string]any{"region": "Yangpu", "labType": "KEY_LAB"}),
		nd("poc:tongji", graph.KindPoCCenter, "Tongji PoC Center", yp()),
		nd("plat:val", graph.KindPlatform, "Valuation Platform", map[string]any{"region": "Yangpu", "platformType": "VALUATION"}),
		nd("inc:h2", graph.KindIncubator, "Hydrogen Incubator", map[string]any{"region": "Yangpu", "level": "DISTRICT"}),
		nd("leader:h2", graph.KindChainLeader, "Hydrogen chain leader office", nil),
		nd("ach:tank", graph.KindAchievement, "Composite tank liner", map[string]any{"maturity": int64(7), "year": int64(2023)}),
		nd("ach:early", graph.KindAchievement, "Early sorbent", map[string]any{"maturity": int64(3)}),
	}
	share := func(x float64) map[string]any { return map[string]any{"share": x} }
	edges := []graph.Edge{
		ed(graph.RelHasSegment, "chain:h2", "seg:h2-prod"),
		ed(graph.RelHasSegment, "chain:h2", "seg:h2-storage"),
		ed(graph.RelHasSegment, "chain:h2", "seg:h2-fuelcell"),
		ed(graph.RelHasSegment, "chain:h2", "seg:h2-vehicle"),
		ed(graph.RelHasSegment, "chain:marine", "seg:marine-ship"),
		ed(graph.RelFeeds, "seg:h2-prod", "seg:h2-storage"),
		ed(graph.RelFeeds, "seg:h2-prod", "seg:h2-fuelcell"),
		ed(graph.RelFeeds, "seg:h2-storage", "seg:h2-vehicle"),
		ed(graph.RelFeeds, "seg:h2-fuelcell", "seg:h2-vehicle"),
		ed(graph.RelFeeds, "seg:h2-fuelcell", "seg:marine-ship"),
		ed(graph.RelRequires, "seg:h2-prod", "tf:electrolysis"),
		ed(graph.RelRequires, "seg:h2-storage", "tf:storage-mat"),
		ed(graph.RelRequires, "seg:h2-fuelcell", "tf:catalyst"),
		ed(graph.RelRequires, "seg:h2-fuelcell", "tf:membrane"),
		ed(graph.RelRequires, "seg:h2-vehicle", "tf:vehicle-int"),
		ed(graph.RelRequires, "seg:marine-ship", "tf:vehicle-int"),
		ed(graph.RelOperatesIn, "ent:a", "seg:h2-prod", share(0.5)),
		ed(graph.RelOperatesIn, "ent:b", "seg:h2-prod", share(0.5)),
		ed(graph.RelOperatesIn, "ent:c", "seg:h2-fuelcell"),
		ed(graph.RelOperatesIn, "ent:d", "seg:h2-vehicle"),
		ed(graph.RelOperatesIn, "ent:e", "seg:marine-ship"),
		ed(graph.RelOperatesIn, "ent:x", "seg:h2-storage"),
		ed(graph.RelResearches, "ent:a", "tf:electrolysis"),
		ed(graph.RelResearches, "ent:b", "tf:storage-mat"),
		ed(graph.RelResearches, "ent:c", "tf:storage-mat"),
		ed(graph.RelResearches, "uni:tongji", "tf:electrolysis"),
		ed(graph.RelResearches, "uni:tongji", "tf:catalyst"),
		ed(graph.RelResearches, "lab:h2", "tf:storage-mat"),
		ed(graph.RelCooperates, "ent:a", "uni:tongji"),
		ed(graph.RelCooperates, "ent:x", "ent:c"),
		ed(graph.RelSupplies, "ent:a", "ent:c"),
		ed(graph.RelSupplies, "ent:c", "ent:d"),
		ed(graph.RelMasters, "ent:a", "chain:h2"),
		ed(graph.RelLeads, "leader:h2", "chain:h2"),
		ed(graph.RelServes, "plat:val", "seg:h2-prod"),
		ed(graph.RelServes, "poc:tongji", "tf:catalyst"),
		ed(graph.RelServes, "inc:h2", "seg:h2-fuelcell"),
		ed(graph.RelAffiliated, "poc:tongji", "uni:tongji"),
		ed(graph.RelOperates, "ent:a", "inc:h2"),
		ed(graph.RelIncubates, "inc:h2", "ent:c"),
		ed(graph.RelProduced, "lab:h2", "ach:tank"),
		ed(graph.RelProduced, "lab:h2", "ach:early"),
		ed(graph.RelAppliesTo, "ach:tank", "tf:storage-mat"),
		ed(graph.RelAppliesTo, "ach:early", "tf:storage-mat"),
		ed(graph.RelValues, "plat:val", "ach:tank"),
		ed(graph.RelValues, "plat:val", "ach:early"),
		ed(graph.RelValidates, "poc:tongji", "ach:tank"),
		ed(graph.RelTransferredTo, "ach:tank", "ent:c"),
	}
	return fixture{name: "hydrogen", chain: "chain:h2", nodes: nodes, edges: edges}
}

// spofFixture: a linear intelligent-connected-vehicle chain where one firm
// holds up the middle (single point of failure) and no chain-master exists.
//
//	seg:icv-sensor (UP,1) -> seg:icv-compute (MID,2) -> seg:icv-software (MID,3) -> seg:icv-vehicle (DOWN,4)
//	sensor:   f1 (LEADER), f2 (HIGH_TECH); Fudan researches sensing, cooperates with f1 -> STRONG
//	compute:  f3 (HIGH_TECH) alone; lab:auto researches chips                        -> COVERED
//	software: f4 (HIGH_TECH, revenue 90), f5 (SME, revenue 10): HHI .82; Fudan
//	          researches software and cooperates with f4                              -> COVERED
//	vehicle:  f6, f7 (SME); nobody researches integration, no platform               -> WEAK
//	supply f1->f3->f4->f6; f5 cooperates with f4.
func spofFixture() fixture {
	nodes := []graph.Node{
		nd("chain:icv", graph.KindChain, "Intelligent connected vehicles", nil),
		seg("seg:icv-sensor", "chain:icv", "Sensors", "UPSTREAM", 1),
		seg("seg:icv-compute", "chain:icv", "Vehicle computing", "MIDSTREAM", 2),
		seg("seg:icv-software", "chain:icv", "Driving software", "MIDSTREAM", 3),
		seg("seg:icv-vehicle", "chain:icv", "Vehicle integration", "DOWNSTREAM", 4),
		nd("tf:sensing", graph.KindTechField, "Sensing", nil),
		nd("tf:chips", graph.KindTechField, "Automotive chips", nil),
		nd("tf:software", graph.KindTechField, "Driving software", nil),
		nd("tf:integration", graph.KindTechField, "System integration", nil),
		ent("ent:f1", "F1 Lidar", "Yangpu", "LEADER"),
		ent("ent:f2", "F2 Radar", "Yangpu", "HIGH_TECH"),
		ent("ent:f3", "F3 Compute", "Yangpu", "HIGH_TECH"),
		ent("ent:f4", "F4 Autopilot", "Yangpu", "HIGH_TECH", map[string]any{"revenue": 90.0}),
		ent("ent:f5", "F5 Maps", "Yangpu", "SME", map[string]any{"revenue": 10.0}),
		ent("ent:f6", "F6 Motors", "Yangpu", "SME"),
		ent("ent:f7", "F7 Buses", "Yangpu", "SME"),
		nd("uni:fudan", graph.KindUniversity, "Fudan University", yp()),
		nd("lab:auto", graph.KindLab, "Automotive Chip Lab", yp()),
	}
	edges := []graph.Edge{
		ed(graph.RelHasSegment, "chain:icv", "seg:icv-sensor"),
		ed(graph.RelHasSegment, "chain:icv", "seg:icv-compute"),
		ed(graph.RelHasSegment, "chain:icv", "seg:icv-software"),
		ed(graph.RelHasSegment, "chain:icv", "seg:icv-vehicle"),
		ed(graph.RelFeeds, "seg:icv-sensor", "seg:icv-compute"),
		ed(graph.RelFeeds, "seg:icv-compute", "seg:icv-software"),
		ed(graph.RelFeeds, "seg:icv-software", "seg:icv-vehicle"),
		ed(graph.RelRequires, "seg:icv-sensor", "tf:sensing"),
		ed(graph.RelRequires, "seg:icv-compute", "tf:chips"),
		ed(graph.RelRequires, "seg:icv-software", "tf:software"),
		ed(graph.RelRequires, "seg:icv-vehicle", "tf:integration"),
		ed(graph.RelOperatesIn, "ent:f1", "seg:icv-sensor"),
		ed(graph.RelOperatesIn, "ent:f2", "seg:icv-sensor"),
		ed(graph.RelOperatesIn, "ent:f3", "seg:icv-compute"),
		ed(graph.RelOperatesIn, "ent:f4", "seg:icv-software"),
		ed(graph.RelOperatesIn, "ent:f5", "seg:icv-software"),
		ed(graph.RelOperatesIn, "ent:f6", "seg:icv-vehicle"),
		ed(graph.RelOperatesIn, "ent:f7", "seg:icv-vehicle"),
		ed(graph.RelResearches, "uni:fudan", "tf:sensing"),
		ed(graph.RelResearches, "uni:fudan", "tf:software"),
		ed(graph.RelResearches, "lab:auto", "tf:chips"),
		ed(graph.RelCooperates, "ent:f1", "uni:fudan"),
		ed(graph.RelCooperates, "uni:fudan", "ent:f4"),
		ed(graph.RelCooperates, "ent:f5", "ent:f4"),
		ed(graph.RelSupplies, "ent:f1", "ent:f3"),
		ed(graph.RelSupplies, "ent:f3", "ent:f4"),
		ed(graph.RelSupplies, "ent:f4", "ent:f6"),
	}
	return fixture{name: "single-point", chain: "chain:icv", nodes: nodes, edges: edges}
}

// brokenFixture: a big-data chain with a broken FEEDS link (storage feeds
// analytics but no local edge joins their firms) and a missing segment
// (security) between covered ones; no chain-master.
//
//	seg:bd-collect (UP,1) ─> seg:bd-store (MID,2) ──> seg:bd-analytics (DOWN,4)
//	        └──────────────> seg:bd-secure (MID,3, MISSING) ──┘
func brokenFixture() fixture {
	nodes := []graph.Node{
		nd("chain:bd", graph.KindChain, "Big data", nil),
		seg("seg:bd-collect", "chain:bd", "Data collection", "UPSTREAM", 1),
		seg("seg:bd-store", "chain:bd", "Data storage", "MIDSTREAM", 2),
		seg("seg:bd-secure", "chain:bd", "Data security", "MIDSTREAM", 3),
		seg("seg:bd-analytics", "chain:bd", "Analytics", "DOWNSTREAM", 4),
		nd("tf:iot", graph.KindTechField, "IoT sensing", nil),
		nd("tf:db", graph.KindTechField, "Databases", nil),
		nd("tf:crypto", graph.KindTechField, "Cryptography", nil),
		nd("tf:ml", graph.KindTechField, "Machine learning", nil),
		ent("ent:g1", "G1 Sensors", "Yangpu", "LEADER"),
		ent("ent:g2", "G2 Storage", "Yangpu", "HIGH_TECH"),
		ent("ent:g3", "G3 Insight", "Yangpu", "HIGH_TECH"),
		nd("lab:data", graph.KindLab, "Data Lab", yp()),
		nd("plat:bd", graph.KindPlatform, "Big Data Platform", map[string]any{"region": "Yangpu", "platformType": "DIGITAL_ECONOMY"}),
	}
	edges := []graph.Edge{
		ed(graph.RelHasSegment, "chain:bd", "seg:bd-collect"),
		ed(graph.RelHasSegment, "chain:bd", "seg:bd-store"),
		ed(graph.RelHasSegment, "chain:bd", "seg:bd-secure"),
		ed(graph.RelHasSegment, "chain:bd", "seg:bd-analytics"),
		ed(graph.RelFeeds, "seg:bd-collect", "seg:bd-store"),
		ed(graph.RelFeeds, "seg:bd-collect", "seg:bd-secure"),
		ed(graph.RelFeeds, "seg:bd-store", "seg:bd-analytics"),
		ed(graph.RelFeeds, "seg:bd-secure", "seg:bd-analytics"),
		ed(graph.RelRequires, "seg:bd-collect", "tf:iot"),
		ed(graph.RelRequires, "seg:bd-store", "tf:db"),
		ed(graph.RelRequires, "seg:bd-secure", "tf:crypto"),
		ed(graph.RelRequires, "seg:bd-analytics", "tf:ml"),
		ed(graph.RelOperatesIn, "ent:g1", "seg:bd-collect"),
		ed(graph.RelOperatesIn, "ent:g2", "seg:bd-store"),
		ed(graph.RelOperatesIn, "ent:g3", "seg:bd-analytics"),
		ed(graph.RelResearches, "lab:data", "tf:db"),
		ed(graph.RelCooperates, "ent:g2", "lab:data"),
		ed(graph.RelSupplies, "ent:g1", "ent:g2"),
		ed(graph.RelServes, "plat:bd", "chain:bd"),
	}
	return fixture{name: "broken-link", chain: "chain:bd", nodes: nodes, edges: edges}
}

func fixtures() []fixture { return []fixture{hydrogenFixture(), spofFixture(), brokenFixture()} }
