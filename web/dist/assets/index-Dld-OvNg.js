const __vite__mapDeps=(i,m=__vite__mapDeps,d=(m.f||(m.f=["assets/monaco-editor-CkSeJ1Zx.js","assets/rolldown-runtime-XKyaHtl9.js","assets/mouseTarget-C4TcsmEI.js","assets/vendor-B8Ynq4TE.js","assets/vendor-CoVlNJDk.css","assets/monaco-editor-9Pu61-ut.css"])))=>i.map(i=>d[i]);
import{r as e}from"./rolldown-runtime-XKyaHtl9.js";import{a as t,ar as n,ir as r,o as i,t as a}from"./vendor-B8Ynq4TE.js";function o(e){return new Worker(`/graphiql/assets/editor.worker-DEFT_Yb2.js`,{type:`module`,name:e?.name})}function s(e){return new Worker(`/graphiql/assets/json.worker-ky6CAS4V.js`,{type:`module`,name:e?.name})}function c(e){return new Worker(`/graphiql/assets/graphql.worker-CnQW6F4w.js`,{type:`module`,name:e?.name})}globalThis.MonacoEnvironment={getWorker(e,t){switch(t){case`json`:return new s;case`graphql`:return new c;default:return new o}}};var l=e(n(),1),u=r(),d=`/graphql`;function f(e,n){if(!n)return;let r;try{r=t(e).definitions.filter(e=>e.kind===`OperationDefinition`)}catch{return n}return r.some(e=>e.name?.value===n)?n:r.length===1?void 0:n}async function p(e,t={}){let n={...t.headers||{},"Content-Type":`application/json`,Accept:`application/graphql-response+json, application/json`},r=await fetch(d,{method:`POST`,headers:n,credentials:`same-origin`,body:JSON.stringify({query:e.query,variables:e.variables??void 0,operationName:f(e.query,e.operationName)})}),i=await r.text();try{return JSON.parse(i)}catch{return{errors:[{message:`HTTP ${r.status} ${r.statusText}: response is not JSON`,extensions:{status:r.status,body:i.slice(0,2e3)}}]}}}var m=e=>e.trim()+`
`,h=[{query:m(`
# chainkg: the Yangpu industry-chain knowledge graph.
# Each tab is an example: run it with the pink button
# or Ctrl-Enter. The book icon (top left) opens the
# docs of every type and field.
#
# The key chains and their segments, upstream to
# downstream, with the local enterprises in each.
query ChainsWithSegments {
  chains(first: 10, orderBy: {field: name}) {
    totalCount
    edges {
      node {
        id
        name
        nameZh
        keyChain
        segments(first: 20, orderBy: {field: order}) {
          edges {
            node {
              id
              nameZh
              stage
              enterprises(first: 5, where: {region: "Yangpu"}) {
                totalCount
                edges { node { name tier } }
              }
            }
          }
        }
      }
    }
  }
}
`)},{query:m(`
# Local high-tech enterprises, highest R&D intensity
# first, a page at a time: pass pageInfo.endCursor
# as $after (Variables, below) for the next page.
query HighTechEnterprises($after: String) {
  enterprises(
    first: 10
    after: $after
    where: {region: "Yangpu", highTech: true}
    orderBy: {field: rdIntensity, direction: DESC}
  ) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        id
        name
        nameZh
        tier
        rdIntensity
        chainMaster
        operatesIn(first: 5) { edges { node { nameZh } } }
        provenance { source confidence }
      }
    }
  }
}
`),variables:`{ "after": null }`},{query:m(`
# Search names and aliases, Chinese or English:
# everything named after Fudan.
query SearchFudan {
  search(text: "复旦", first: 20) {
    score
    node {
      __typename
      id
      name
      nameZh
    }
  }
}
`)},{query:m(`
# Everything within two hops of Fudan University,
# nodes and edges ready for a graph view.
query FudanNeighborhood {
  neighborhood(id: "univ-fudan", depth: 2, limit: 60) {
    truncated
    nodes { __typename id name nameZh }
    edges { type from to provenance { source } }
  }
}
`)},{query:m(`
# How a lab's result reached an enterprise: the
# achievement-transfer pipeline (produced, valued,
# validated, transferred) from Tongji's hydrogen lab
# to Hydrocell.
query LabToEnterprise {
  paths(
    from: "lab-tongji-h2"
    to: "ent-hydrocell"
    maxHops: 4
    relationTypes: [PRODUCED, VALUES, VALIDATES, TRANSFERRED_TO]
  ) {
    length
    nodes { __typename id name }
    edges { type from to properties }
  }
}
`)},{query:m(`
# The chain leader's gap report for the AI chain:
# a verdict per segment (MISSING, WEAK, COVERED,
# STRONG) with its reasons, the chain's scores,
# missing links along FEEDS and single points of
# failure. Try another chain id, or
# gapReport(options: {scope: "Shanghai"}).
query AIChainGapReport {
  chain(id: "chain-ai") {
    name
    nameZh
    gapReport {
      scope
      completeness
      strength
      fusion
      statusCounts { missing weak covered strong }
      segments {
        segment { id nameZh }
        stage
        status
        score
        reasons
        counts { localFirms leaders highTech knowledge cooperations }
      }
      links { from { nameZh } to { nameZh } kind reason }
      singlePoints { segment { nameZh } firm { name } reason }
    }
  }
}
`)},{query:m(`
# Filling the chain: the AI chain's weakest
# segments, most important first, with the actors
# that could fill them and why.
query AIChainFillCandidates {
  chain(id: "chain-ai") {
    nameZh
    fill {
      segment { nameZh }
      importance
      reasons
      candidates {
        actor { kind name nameZh }
        kind
        score
        reasons
      }
    }
  }
}
`)},{query:m(`
# The size of the graph, by node kind and by
# relation type.
query GraphStats {
  stats {
    nodes
    edges
    byKind { kind count }
    byType { kind count }
  }
}
`)}];i(()=>import(`./monaco-editor-CkSeJ1Zx.js`).then(e=>e.t).then(e=>{e.editor.onDidCreateEditor(e=>{e.updateOptions({unicodeHighlight:{ambiguousCharacters:!1}})})}),__vite__mapDeps([0,1,2,3,4,5])),(0,u.createRoot)(document.getElementById(`graphiql`)).render((0,l.createElement)(a,{fetcher:p,defaultTabs:h,defaultEditorToolsVisibility:!0,shouldPersistHeaders:!1}));