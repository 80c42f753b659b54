// The tabs GraphiQL opens with (when the browser has no saved tabs yet): what a
// policy analyst asks of the bundled Yangpu dataset. Each one runs as it is
// against `chainkg serve` with the embedded default data; e2e/examples.mjs
// runs them all against a live server so they stay in step with the schema.

const q = (s) => s.trim() + '\n';

/** Tabs: { query, variables? } as GraphiQL's defaultTabs takes them. */
export const EXAMPLES = [
  {
    query: q(`
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
`),
  },
  {
    query: q(`
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
`),
    variables: '{ "after": null }',
  },
  {
    query: q(`
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
`),
  },
  {
    query: q(`
# Everything within two hops of Fudan University,
# nodes and edges ready for a graph view.
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
`),
  },
  {
    query: q(`
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
`),
  },
  {
    query: q(`
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
`),
  },
  {
    query: q(`
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
`),
  },
];
