package storetest

import (
	"context"
	"testing"

	"chainkg/graph"
)

// Fixture returns a small hand-made graph that the conformance suite and
// other packages' tests (schema goldens, analyses) share. Every node and edge
// is invented demo data (Source: graph.SourceSynthetic), even where a name is
// a real institution from the seed document.
//
// STABILITY: golden files are written on it. Only ADD nodes and edges at the
// end of the lists; never change or remove existing ones.
//
// Three chains, segments upstream -> downstream, FEEDS inside and across:
//
//	chain:ai  人工智能 (leader:ai LEADS; ent:zhixin MASTERS)
//	  seg:ai-compute(1,UP) ──┐
//	  seg:ai-data(2,UP) ─────┴─> seg:ai-models(3,MID) ──> seg:ai-apps(4,DOWN)
//	                                   │
//	                                   └──────────────┐  (cross-chain FEEDS)
//	chain:health 生命健康 (ent:huayi MASTERS)           v
//	  seg:health-materials(1,UP) ─> seg:health-devices(2,MID) ─> seg:health-diagnosis(3,DOWN)
//
//	chain:h2 氢能 (ent:qingneng MASTERS; no FEEDS to the other chains)
//	  seg:h2-production(1,UP) ─> seg:h2-storage(2,MID) ─> seg:h2-fuelcell(3,DOWN)
//
// Enterprises (OPERATES_IN; region Yangpu = local, Shanghai/Other = outside):
//
//	ent:zhixin   智芯微电子 LEADER, chain-master, Yangpu  -> ai-compute
//	ent:shuju    数聚科技   SME, Other                    -> ai-data
//	ent:moxing   模型智能   HIGH_TECH, Yangpu             -> ai-models
//	ent:shenlan  深蓝医疗智能 STARTUP, Yangpu             -> ai-apps, health-diagnosis
//	ent:huayi    华医医疗器械 SPECIALISED, Shanghai        -> health-devices
//	ent:kangcai  康材生物   TECH_SME, Yangpu              -> health-materials
//	ent:qingneng 氢能动力   HIGH_TECH, Yangpu             -> h2-fuelcell
//	ent:chuqing  储氢装备   SME, Other                    -> h2-storage
//
// Supply:      zhixin -> moxing, shuju -> moxing, huayi -> shenlan, chuqing -> qingneng
// Cooperation: lab:fudan-ai -> moxing, moxing -> shenlan, uni:tongji -> qingneng
//
// Knowledge and services:
//
//	uni:fudan 复旦大学 <- lab:fudan-ai, lab:math-institute, poc:green (AFFILIATED_WITH)
//	uni:tongji 同济大学 <- lab:tongji-h2, poc:tongji
//	fields: tf:ml, tf:chip-design, tf:medical-imaging, tf:biomaterials, tf:electrocatalysis
//	plat:brain-chip SERVES ai-compute; plat:ttc-east SERVES chain:health;
//	inc:large-model SERVES chain:ai, INCUBATES shenlan; park:yangpu hosts zhixin, moxing, shenlan
//
// Transfer pipeline:
//
//	lab:fudan-ai -PRODUCED-> ach:med-imaging <-VALUES- plat:valuation
//	                         ach:med-imaging <-VALIDATES- poc:tongji
//	                         ach:med-imaging -TRANSFERRED_TO-> ent:shenlan
//	lab:tongji-h2 -PRODUCED-> ach:h2-catalyst <-VALIDATES- poc:green, -TRANSFERRED_TO-> ent:qingneng
//
// Context outside any projection rule: fund:yangpu-ai INVESTS_IN moxing,
// policy:life-health TARGETS chain:health, cons:ai with members, chal:med-llm.
func Fixture() (nodes []graph.Node, edges []graph.Edge) {
	return fixtureNodes(), fixtureEdges()
}

// Load upserts nodes then edges into s and fails the test on error.
func Load(t testing.TB, s graph.Store, nodes []graph.Node, edges []graph.Edge) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.UpsertNodes(ctx, nodes); err != nil {
		t.Fatalf("load nodes: %v", err)
	}
	if _, err := s.UpsertEdges(ctx, edges); err != nil {
		t.Fatalf("load edges: %v", err)
	}
}

func syn(asOf string) graph.Provenance {
	return graph.Provenance{Source: graph.SourceSynthetic, AsOf: asOf}
}

type props = map[string]any

func fnode(id string, k graph.Kind, name, zh string, p props) graph.Node {
	return graph.Node{ID: id, Kind: k, Name: name, NameZh: zh, Props: p, Prov: syn("2024-03-01")}
}

func fedge(t graph.RelType, from, to string, p props) graph.Edge {
	return graph.Edge{Type: t, From: from, To: to, Props: p, Prov: syn("2024-03-01")}
}

func fixtureNodes() []graph.Node {
	ns := []graph.Node{
		// Chains.
		fnode("chain:ai", graph.KindChain, "Artificial Intelligence", "人工智能", props{"keyChain": true, "policyWeight": 0.9}),
		fnode("chain:health", graph.KindChain, "Life and Health", "生命健康", props{"keyChain": true, "policyWeight": 0.8}),
		fnode("chain:h2", graph.KindChain, "Hydrogen Energy", "氢能", props{"keyChain": false}),
		// Segments.
		fnode("seg:ai-compute", graph.KindSegment, "AI Chips and Compute", "算力芯片", props{"chainId": "chain:ai", "stage": "UPSTREAM", "order": int64(1), "policyWeight": 0.7}),
		fnode("seg:ai-data", graph.KindSegment, "Data Services", "数据服务", props{"chainId": "chain:ai", "stage": "UPSTREAM", "order": int64(2)}),
		fnode("seg:ai-models", graph.KindSegment, "Large Models", "大模型", props{"chainId": "chain:ai", "stage": "MIDSTREAM", "order": int64(3), "policyWeight": 0.9}),
		fnode("seg:ai-apps", graph.KindSegment, "AI Applications", "智能应用", props{"chainId": "chain:ai", "stage": "DOWNSTREAM", "order": int64(4), "policyWeight": 0.5}),
		fnode("seg:health-materials", graph.KindSegment, "Biomedical Materials", "生物医用材料", props{"chainId": "chain:health", "stage": "UPSTREAM", "order": int64(1)}),
		fnode("seg:health-devices", graph.KindSegment, "High-end Medical Devices", "高端医疗器械", props{"chainId": "chain:health", "stage": "MIDSTREAM", "order": int64(2), "policyWeight": 0.8}),
		fnode("seg:health-diagnosis", graph.KindSegment, "Digital Health Diagnosis", "数字健康诊断", props{"chainId": "chain:health", "stage": "DOWNSTREAM", "order": int64(3), "policyWeight": 0.6}),
		fnode("seg:h2-production", graph.KindSegment, "Hydrogen Production", "制氢", props{"chainId": "chain:h2", "stage": "UPSTREAM", "order": int64(1)}),
		fnode("seg:h2-storage", graph.KindSegment, "Storage and Transport", "储运", props{"chainId": "chain:h2", "stage": "MIDSTREAM", "order": int64(2)}),
		fnode("seg:h2-fuelcell", graph.KindSegment, "Fuel Cells", "燃料电池", props{"chainId": "chain:h2", "stage": "DOWNSTREAM", "order": int64(3), "policyWeight": 0.4}),
		// Technology fields.
		fnode("tf:ml", graph.KindTechField, "Machine Learning", "机器学习", nil),
		fnode("tf:chip-design", graph.KindTechField, "Chip Design", "芯片设计", nil),
		fnode("tf:medical-imaging", graph.KindTechField, "Medical Imaging", "医学影像", nil),
		fnode("tf:biomaterials", graph.KindTechField, "Biomaterials", "生物材料", nil),
		fnode("tf:electrocatalysis", graph.KindTechField, "Electrocatalysis", "电催化", nil),
		// Universities and labs.
		fnode("uni:fudan", graph.KindUniversity, "Fudan University", "复旦大学", props{"region": "Yangpu", "website": "https://www.fudan.edu.cn"}),
		fnode("uni:tongji", graph.KindUniversity, "Tongji University", "同济大学", props{"region": "Yangpu"}),
		fnode("lab:fudan-ai", graph.KindLab, "Fudan AI Lab", "复旦人工智能实验室", props{"region": "Yangpu", "labType": "KEY_LAB"}),
		fnode("lab:math-institute", graph.KindLab, "Institute of Basic and Applied Mathematics", "基础数学与应用数学研究所", props{"region": "Yangpu", "labType": "NEW_RD_INSTITUTION"}),
		fnode("lab:tongji-h2", graph.KindLab, "Tongji Hydrogen Lab", "同济氢能实验室", props{"region": "Yangpu", "labType": "KEY_LAB"}),
		// Platforms, incubator, PoC centers, park.
		fnode("plat:ttc-east", graph.KindPlatform, "National Technology Transfer Center East", "国家技术转移东部中心", props{"region": "Yangpu", "platformType": "TECH_TRANSFER"}),
		fnode("plat:sh-tech-exchange", graph.KindPlatform, "Shanghai Technology Exchange", "上海技术交易所", props{"region": "Yangpu", "platformType": "TECH_EXCHANGE"}),
		fnode("plat:valuation", graph.KindPlatform, "Technology Valuation and Pricing Platform", "科技成果估值定价平台", props{"region": "Yangpu", "platformType": "VALUATION"}),
		fnode("plat:brain-chip", graph.KindPlatform, "Brain-inspired Chip R&D and Transfer Platform", "类脑芯片研发与转化平台", props{"region": "Yangpu", "platformType": "RD_TRANSFER"}),
		fnode("inc:large-model", graph.KindIncubator, "Large Model Incubator", "大模型孵化器", props{"region": "Yangpu", "level": "MUNICIPAL", "focus": "large models"}),
		fnode("poc:green", graph.KindPoCCenter, "Shanghai International Green Low-Carbon PoC Center", "上海国际绿色低碳概念验证中心", props{"region": "Yangpu", "focus": "green low-carbon"}),
		fnode("poc:tongji", graph.KindPoCCenter, "Tongji PoC Center", "同济大学概念验证中心", props{"region": "Yangpu"}),
		fnode("park:yangpu", graph.KindPark, "Zhangjiang Hi-Tech Zone Yangpu Park", "张江高新区杨浦园", props{"region": "Yangpu", "parkType": "HIGH_TECH_PARK"}),
		// Enterprises (invented).
		fnode("ent:zhixin", graph.KindEnterprise, "Zhixin Microelectronics", "智芯微电子", props{"region": "Yangpu", "tier": "LEADER", "chainMaster": true, "highTech": true, "founded": int64(2012), "employees": int64(1800), "revenue": 2400.0, "rdIntensity": 0.18}),
		fnode("ent:shuju", graph.KindEnterprise, "Shuju Data Technology", "数聚科技", props{"region": "Other", "tier": "SME", "founded": int64(2018), "employees": int64(120), "revenue": 85.0}),
		fnode("ent:moxing", graph.KindEnterprise, "Moxing AI", "模型智能", props{"region": "Yangpu", "tier": "HIGH_TECH", "highTech": true, "founded": int64(2020), "employees": int64(300), "revenue": 150.5, "rdIntensity": 0.35}),
		fnode("ent:shenlan", graph.KindEnterprise, "Shenlan Medical AI", "深蓝医疗智能", props{"region": "Yangpu", "tier": "STARTUP", "founded": int64(2023), "employees": int64(25)}),
		fnode("ent:huayi", graph.KindEnterprise, "Huayi Medical Devices", "华医医疗器械", props{"region": "Shanghai", "tier": "SPECIALISED", "chainMaster": true, "specialised": true, "highTech": true, "founded": int64(2005), "employees": int64(950), "revenue": 780.0, "rdIntensity": 0.09}),
		fnode("ent:kangcai", graph.KindEnterprise, "Kangcai Biomaterials", "康材生物", props{"region": "Yangpu", "tier": "TECH_SME", "founded": int64(2016), "employees": int64(60), "revenue": 32.0}),
		fnode("ent:qingneng", graph.KindEnterprise, "Qingneng Hydrogen Power", "氢能动力", props{"region": "Yangpu", "tier": "HIGH_TECH", "chainMaster": true, "highTech": true, "founded": int64(2015), "employees": int64(420), "revenue": 510.0, "rdIntensity": 0.12}),
		fnode("ent:chuqing", graph.KindEnterprise, "Chuqing Hydrogen Storage", "储氢装备", props{"region": "Other", "tier": "SME", "founded": int64(2019)}),
		// Achievements.
		fnode("ach:med-imaging", graph.KindAchievement, "Medical Imaging Foundation Model", "医学影像大模型", props{"maturity": int64(6), "year": int64(2023)}),
		fnode("ach:h2-catalyst", graph.KindAchievement, "Low-platinum Electrocatalyst", "低铂电催化剂", props{"maturity": int64(5), "year": int64(2022)}),
		// Context nodes.
		fnode("leader:ai", graph.KindChainLeader, "AI Chain Leader Office", "人工智能产业链链长办公室", props{"office": "Yangpu District Science and Technology Commission"}),
		fnode("fund:yangpu-ai", graph.KindFund, "Yangpu AI Fund", "杨浦人工智能基金", props{"region": "Yangpu", "size": 500.0}),
		fnode("policy:life-health", graph.KindPolicy, "Several Opinions on the Life and Health Industry (Trial)", "关于促进生命健康产业高质量发展的若干意见（试行）", props{"issuer": "Yangpu District", "issued": "2024-01-15"}),
		fnode("cons:ai", graph.KindConsortium, "AI Innovation Consortium", "人工智能创新联合体", nil),
		fnode("chal:med-llm", graph.KindChallenge, "Medical Large Model Challenge", "医疗大模型揭榜挂帅", props{"status": "TAKEN", "deadline": "2024-12-31", "indicators": "diagnostic accuracy >= 95%"}),
	}
	ns[len(ns)-1].Aliases = []string{"Med-LLM Challenge"}
	for i := range ns {
		switch ns[i].ID {
		case "ent:moxing":
			ns[i].Aliases = []string{"MoXing", "模型智能科技"}
		case "plat:ttc-east":
			ns[i].Aliases = []string{"TTC East"}
		case "uni:fudan":
			ns[i].Aliases = []string{"Fudan"}
		}
	}
	return ns
}

func fixtureEdges() []graph.Edge {
	conf := func(e graph.Edge, c float64, ev string) graph.Edge {
		e.Prov.Confidence, e.Prov.Evidence = c, ev
		return e
	}
	return []graph.Edge{
		// Chain structure.
		fedge(graph.RelHasSegment, "chain:ai", "seg:ai-compute", nil),
		fedge(graph.RelHasSegment, "chain:ai", "seg:ai-data", nil),
		fedge(graph.RelHasSegment, "chain:ai", "seg:ai-models", nil),
		fedge(graph.RelHasSegment, "chain:ai", "seg:ai-apps", nil),
		fedge(graph.RelHasSegment, "chain:health", "seg:health-materials", nil),
		fedge(graph.RelHasSegment, "chain:health", "seg:health-devices", nil),
		fedge(graph.RelHasSegment, "chain:health", "seg:health-diagnosis", nil),
		fedge(graph.RelHasSegment, "chain:h2", "seg:h2-production", nil),
		fedge(graph.RelHasSegment, "chain:h2", "seg:h2-storage", nil),
		fedge(graph.RelHasSegment, "chain:h2", "seg:h2-fuelcell", nil),
		fedge(graph.RelFeeds, "seg:ai-compute", "seg:ai-models", props{"weight": 0.6}),
		fedge(graph.RelFeeds, "seg:ai-data", "seg:ai-models", props{"weight": 0.4}),
		fedge(graph.RelFeeds, "seg:ai-models", "seg:ai-apps", nil),
		fedge(graph.RelFeeds, "seg:ai-models", "seg:health-diagnosis", props{"weight": 0.3}),
		fedge(graph.RelFeeds, "seg:health-materials", "seg:health-devices", nil),
		fedge(graph.RelFeeds, "seg:health-devices", "seg:health-diagnosis", props{"weight": 0.5}),
		fedge(graph.RelFeeds, "seg:h2-production", "seg:h2-storage", nil),
		fedge(graph.RelFeeds, "seg:h2-storage", "seg:h2-fuelcell", nil),
		fedge(graph.RelRequires, "seg:ai-compute", "tf:chip-design", nil),
		fedge(graph.RelRequires, "seg:ai-models", "tf:ml", nil),
		fedge(graph.RelRequires, "seg:ai-apps", "tf:ml", nil),
		fedge(graph.RelRequires, "seg:health-materials", "tf:biomaterials", nil),
		fedge(graph.RelRequires, "seg:health-diagnosis", "tf:medical-imaging", nil),
		fedge(graph.RelRequires, "seg:health-diagnosis", "tf:ml", nil),
		fedge(graph.RelRequires, "seg:h2-production", "tf:electrocatalysis", nil),
		fedge(graph.RelRequires, "seg:h2-fuelcell", "tf:electrocatalysis", nil),
		// Leaders and chain-masters.
		fedge(graph.RelLeads, "leader:ai", "chain:ai", nil),
		fedge(graph.RelMasters, "ent:zhixin", "chain:ai", nil),
		fedge(graph.RelMasters, "ent:huayi", "chain:health", nil),
		fedge(graph.RelMasters, "ent:qingneng", "chain:h2", nil),
		// Enterprises in segments.
		conf(fedge(graph.RelOperatesIn, "ent:zhixin", "seg:ai-compute", props{"role": "AI accelerator chips", "share": 0.7}), 0.9, "synthetic annual report"),
		conf(fedge(graph.RelOperatesIn, "ent:shuju", "seg:ai-data", props{"role": "data annotation"}), 0.6, ""),
		conf(fedge(graph.RelOperatesIn, "ent:moxing", "seg:ai-models", props{"role": "vertical large models", "share": 0.5}), 0.8, ""),
		conf(fedge(graph.RelOperatesIn, "ent:shenlan", "seg:ai-apps", props{"role": "diagnosis assistant"}), 0.7, ""),
		conf(fedge(graph.RelOperatesIn, "ent:shenlan", "seg:health-diagnosis", props{"role": "imaging diagnosis"}), 0.7, ""),
		conf(fedge(graph.RelOperatesIn, "ent:huayi", "seg:health-devices", props{"role": "imaging devices"}), 0.9, ""),
		conf(fedge(graph.RelOperatesIn, "ent:kangcai", "seg:health-materials", nil), 0.5, ""),
		conf(fedge(graph.RelOperatesIn, "ent:qingneng", "seg:h2-fuelcell", props{"role": "fuel cell stacks", "share": 0.6}), 0.9, ""),
		conf(fedge(graph.RelOperatesIn, "ent:chuqing", "seg:h2-storage", nil), 0.6, ""),
		// Supply and cooperation.
		fedge(graph.RelSupplies, "ent:zhixin", "ent:moxing", props{"product": "AI accelerator", "volume": 12.0}),
		fedge(graph.RelSupplies, "ent:shuju", "ent:moxing", props{"product": "labelled data"}),
		fedge(graph.RelSupplies, "ent:huayi", "ent:shenlan", props{"product": "CT scanners"}),
		fedge(graph.RelSupplies, "ent:chuqing", "ent:qingneng", props{"product": "hydrogen tanks"}),
		fedge(graph.RelCooperates, "lab:fudan-ai", "ent:moxing", props{"kind": "joint R&D", "since": int64(2022)}),
		fedge(graph.RelCooperates, "ent:moxing", "ent:shenlan", props{"kind": "contract"}),
		fedge(graph.RelCooperates, "uni:tongji", "ent:qingneng", props{"kind": "joint lab", "since": int64(2019)}),
		// Knowledge.
		fedge(graph.RelAffiliated, "lab:fudan-ai", "uni:fudan", nil),
		fedge(graph.RelAffiliated, "lab:math-institute", "uni:fudan", nil),
		fedge(graph.RelAffiliated, "lab:tongji-h2", "uni:tongji", nil),
		fedge(graph.RelAffiliated, "poc:green", "uni:fudan", nil),
		fedge(graph.RelAffiliated, "poc:green", "plat:ttc-east", nil),
		fedge(graph.RelAffiliated, "poc:tongji", "uni:tongji", nil),
		fedge(graph.RelResearches, "uni:fudan", "tf:ml", nil),
		fedge(graph.RelResearches, "lab:fudan-ai", "tf:ml", nil),
		fedge(graph.RelResearches, "lab:fudan-ai", "tf:medical-imaging", nil),
		fedge(graph.RelResearches, "lab:math-institute", "tf:ml", nil),
		fedge(graph.RelResearches, "lab:tongji-h2", "tf:electrocatalysis", nil),
		fedge(graph.RelResearches, "uni:tongji", "tf:electrocatalysis", nil),
		fedge(graph.RelResearches, "ent:kangcai", "tf:biomaterials", nil),
		// Services.
		fedge(graph.RelServes, "plat:brain-chip", "seg:ai-compute", nil),
		fedge(graph.RelServes, "plat:ttc-east", "chain:health", nil),
		fedge(graph.RelServes, "inc:large-model", "chain:ai", nil),
		fedge(graph.RelServes, "poc:green", "seg:h2-production", nil),
		fedge(graph.RelIncubates, "inc:large-model", "ent:shenlan", props{"since": int64(2023), "graduated": false}),
		fedge(graph.RelLocatedIn, "ent:zhixin", "park:yangpu", nil),
		fedge(graph.RelLocatedIn, "ent:moxing", "park:yangpu", nil),
		fedge(graph.RelLocatedIn, "ent:shenlan", "park:yangpu", nil),
		fedge(graph.RelOperates, "plat:ttc-east", "plat:valuation", nil),
		fedge(graph.RelOperates, "plat:sh-tech-exchange", "plat:valuation", nil),
		// Transfer pipeline.
		fedge(graph.RelProduced, "lab:fudan-ai", "ach:med-imaging", nil),
		fedge(graph.RelProduced, "lab:tongji-h2", "ach:h2-catalyst", nil),
		fedge(graph.RelAppliesTo, "ach:med-imaging", "tf:medical-imaging", nil),
		fedge(graph.RelAppliesTo, "ach:h2-catalyst", "tf:electrocatalysis", nil),
		fedge(graph.RelValues, "plat:valuation", "ach:med-imaging", props{"value": 12.5}),
		fedge(graph.RelValidates, "poc:tongji", "ach:med-imaging", nil),
		fedge(graph.RelValidates, "poc:green", "ach:h2-catalyst", nil),
		fedge(graph.RelTransferredTo, "ach:med-imaging", "ent:shenlan", props{"mode": "licence", "year": int64(2024)}),
		fedge(graph.RelTransferredTo, "ach:h2-catalyst", "ent:qingneng", props{"mode": "assignment", "year": int64(2023)}),
		// Context.
		fedge(graph.RelInvestsIn, "fund:yangpu-ai", "ent:moxing", props{"amount": 50.0}),
		fedge(graph.RelTargets, "policy:life-health", "chain:health", nil),
		fedge(graph.RelTargets, "chal:med-llm", "seg:health-diagnosis", nil),
		fedge(graph.RelTakesOn, "ent:shenlan", "chal:med-llm", nil),
		fedge(graph.RelMemberOf, "uni:fudan", "cons:ai", nil),
		fedge(graph.RelMemberOf, "ent:zhixin", "cons:ai", nil),
		fedge(graph.RelMemberOf, "ent:moxing", "cons:ai", nil),
	}
}
