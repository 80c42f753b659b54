// The tabs GraphiQL opens with (when the browser has no saved tabs yet): what a
// policy analyst asks of the bundled Yangpu dataset. Each one runs as it is
// against `chainkg serve` with the embedded default data; e2e/examples.mjs
// runs them all against a live server so they stay in step with the schema.

const q = (s) => s.trim() + '\n';

/** Tabs: { query, variables? } as GraphiQL's defaultTabs takes them. */
export const EXAMPLES = [
  {
    query: q(`
# Welcome to chainkg: the Yangpu industry-chain knowledge graph.
# Each tab holds an example; press the run button (or Ctrl-Enter).
# The doc explorer (book icon, top left) lists every type and field.
#
# The key industry chains and their segments, upstream to downstream,
# with the local enterprises operating in each segment.
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
`),
  },
  {
    query: q(`
# Local high-tech enterprises, largest R&D intensity first, one page at a
# time: pass pageInfo.endCursor as $after to get the next page.
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
`),
    variables: '{ "after": null }',
  },
  {
    query: q(`
# Search names and aliases, Chinese or English: everything about Fudan.
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
`),
  },
  {
    query: q(`
# Everything within two hops of Fudan University, ready for a graph view.
query FudanNeighborhood {
  neighborhood(id: "univ-fudan", depth: 2, limit: 60) {
    truncated
    nodes { __typename id name nameZh }
    edges { type from to provenance { source } }
  }
}
`),
  },
  {
    query: q(`
# How a lab's result reached an enterprise: the achievement-transfer
# pipeline (produced, valued, validated, transferred) from Tongji's
# hydrogen lab to Hydrocell.
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
`),
  },
  {
    query: q(`
# The size of the graph, by node kind and relation type.
query GraphStats {
  stats {
    nodes
    edges
    byKind { kind count }
    byType { kind count }
  }
}
`),
  },
];
