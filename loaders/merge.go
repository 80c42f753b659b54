package loaders

import (
	"strings"
)

// Merge combines datasets read separately (several PATHs on one command
// line, or a dataset plus a mapped import) into one, applying the same
// duplicate rules as within one dataset: identical duplicates collapse,
// conflicting ones are errors naming both locations. Edges between the
// parts are resolved; what is still outside all of them is External.
func Merge(parts ...*Dataset) (*Dataset, error) {
	if len(parts) == 1 {
		return parts[0], nil
	}
	var names []string
	out := &Dataset{}
	for _, p := range parts {
		names = append(names, p.Name)
		out.Files = append(out.Files, p.Files...)
		out.Skipped += p.Skipped
	}
	out.Name = strings.Join(names, "+")
	b := newBuilder(out)
	for _, p := range parts {
		for i, n := range p.Nodes {
			if b.addNode(n, p.NodeLocation(i)) == errStop {
				return nil, b.errs.err()
			}
		}
		for i, e := range p.Edges {
			if b.addEdge(e, p.EdgeLocation(i)) == errStop {
				return nil, b.errs.err()
			}
		}
	}
	if len(b.errs.errs) == 0 {
		b.checkEndpoints(false)
	}
	if err := b.errs.err(); err != nil {
		return nil, err
	}
	return out, nil
}
