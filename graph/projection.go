package graph

// A Projection carries what the analyses read and nothing more, so that the
// projection of a large chain stays cheap to extract and to hold: every
// node's id, kind, name, nameZh and provenance and, of its kind properties,
// only ProjectedNodeProps; every edge's type, ends and provenance and, of
// its properties, only ProjectedEdgeProps. Aliases and every other property
// are left out (GraphQL reads them from the store by id when asked).
// projection_test.go checks that the analyses read no other property.
var (
	ProjectedNodeProps = []string{"chainId", "chainMaster", "highTech", "maturity", "order", "policyWeight", "region", "revenue", "specialised", "stage", "tier"}
	ProjectedEdgeProps = []string{"share"}
)

var (
	projectedNode = setOfStrings(ProjectedNodeProps)
	projectedEdge = setOfStrings(ProjectedEdgeProps)
)

func setOfStrings(l []string) map[string]bool {
	m := make(map[string]bool, len(l))
	for _, s := range l {
		m[s] = true
	}
	return m
}

// IsProjectedNodeProp and IsProjectedEdgeProp say whether a Projection
// carries the node (edge) property k.
func IsProjectedNodeProp(k string) bool { return projectedNode[k] }
func IsProjectedEdgeProp(k string) bool { return projectedEdge[k] }

// ProjectedNode returns n as a Projection carries it (Props trimmed, no
// aliases; Props nil when nothing is left). n is not modified.
func ProjectedNode(n Node) Node {
	n.Aliases = nil
	n.Props = trimProps(n.Props, projectedNode)
	return n
}

// ProjectedEdge returns e as a Projection carries it.
func ProjectedEdge(e Edge) Edge {
	e.Props = trimProps(e.Props, projectedEdge)
	return e
}

func trimProps(m map[string]any, keep map[string]bool) map[string]any {
	var out map[string]any
	for k, v := range m {
		if keep[k] {
			if out == nil {
				out = make(map[string]any, len(keep))
			}
			out[k] = v
		}
	}
	return out
}
