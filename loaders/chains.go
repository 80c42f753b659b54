package loaders

import (
	"io/fs"
	"strconv"

	"chainkg/graph"
	"gopkg.in/yaml.v3"
)

// Chain templates (a YAML file named under chains: in the manifest):
//
//	source: yangpu-stc-2024-workplan   # default provenance for this file
//	asOf: 2024-01-01
//	fields:                             # TechField nodes
//	  - {id: tf-llm, name: Large language models, nameZh: 大语言模型}
//	chains:
//	  - id: chain-ai
//	    name: Artificial intelligence
//	    nameZh: 人工智能
//	    keyChain: true
//	    segments:                       # upstream to downstream
//	      - id: seg-ai-chips
//	        name: AI chips
//	        stage: UPSTREAM             # order defaults to the position (1, 2, ...)
//	        requires: [tf-chip-design]  # REQUIRES edges
//	        feeds: [seg-ai-models, {to: seg-dh-diagnosis, weight: 0.3}]  # FEEDS, any chain
//	feeds:                              # more FEEDS edges, with their own columns
//	  - {from: seg-ai-models, to: seg-dh-diagnosis, weight: 0.4}
//
// A chain gives a Chain node and HAS_SEGMENT edges; a segment gives a
// Segment node whose chainId is set from its chain.

var chainFileKeys = map[string]bool{"source": true, "asOf": true, "fields": true, "chains": true, "feeds": true}

// readChains reads one chain-template file into the builder. It returns
// errStop when the builder has collected enough errors.
func readChains(fsys fs.FS, name string, base defaults, b *builder) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return b.errs.add(&graph.Error{Code: graph.CodeInvalidInput, File: name, Msg: "cannot read chain templates", Err: err})
	}
	root, err := parseYAML(data, name)
	if err != nil {
		return b.errs.add(err)
	}
	if root.Kind != yaml.MappingNode {
		return b.errs.add(inputErr(name, root.Line, "", "a chain-template file is a mapping with fields:, chains: and feeds:"))
	}
	def := base
	sections := map[string]*yaml.Node{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if !chainFileKeys[k.Value] {
			if err := b.errs.add(inputErr(name, k.Line, k.Value, "unknown key %q (known: source, asOf, fields, chains, feeds)", k.Value)); err != nil {
				return err
			}
			continue
		}
		switch k.Value {
		case "source":
			def.Source = v.Value
		case "asOf":
			d, err := normDate(v.Value)
			if err != nil {
				if err := b.errs.add(inputErr(name, v.Line, "asOf", "%v", err)); err != nil {
					return err
				}
			}
			def.AsOf = d
		default:
			if v.Kind != yaml.SequenceNode {
				if err := b.errs.add(inputErr(name, v.Line, k.Value, "%s must be a list", k.Value)); err != nil {
					return err
				}
				continue
			}
			sections[k.Value] = v
		}
	}
	add := func(err error) error { return b.errs.add(err) }
	if s := sections["fields"]; s != nil {
		for _, it := range s.Content {
			rec, err := yamlRecord(it, name, nil)
			if err != nil {
				if add(err) != nil {
					return errStop
				}
				continue
			}
			if err := b.nodeRow(rec, graph.KindTechField, def); err != nil {
				return err
			}
		}
	}
	if s := sections["chains"]; s != nil {
		for _, it := range s.Content {
			if err := b.chain(it, name, def); err != nil {
				return err
			}
		}
	}
	if s := sections["feeds"]; s != nil {
		for _, it := range s.Content {
			rec, err := yamlRecord(it, name, nil)
			if err != nil {
				if add(err) != nil {
					return errStop
				}
				continue
			}
			if err := b.edgeRow(rec, graph.RelFeeds, def); err != nil {
				return err
			}
		}
	}
	return nil
}

func (b *builder) nodeRow(rec record, kind graph.Kind, def defaults) error {
	n, err := nodeFromRecord(rec, kind, def)
	if err != nil {
		b.reject(recordID(rec))
		return b.errs.add(err)
	}
	return b.addNode(n, Location{rec.file, rec.line})
}

// reject remembers the id of a node row that failed, so that edges to it
// are not reported once more as dangling.
func (b *builder) reject(id string) {
	if id == "" {
		return
	}
	if b.rejected == nil {
		b.rejected = map[string]bool{}
	}
	b.rejected[id] = true
}

func (b *builder) edgeRow(rec record, typ graph.RelType, def defaults) error {
	e, err := edgeFromRecord(rec, typ, def)
	if err != nil {
		return b.errs.add(err)
	}
	return b.addEdge(e, Location{rec.file, rec.line})
}

var chainSkip = map[string]bool{"segments": true}
var segmentSkip = map[string]bool{"requires": true, "feeds": true}

func (b *builder) chain(it *yaml.Node, name string, def defaults) error {
	rec, err := yamlRecord(it, name, chainSkip)
	if err != nil {
		return b.errs.add(err)
	}
	if err := b.nodeRow(rec, graph.KindChain, def); err != nil {
		return err
	}
	chainID, _ := single(valueOf(rec, "id"))
	var segs *yaml.Node
	for i := 0; i+1 < len(it.Content); i += 2 {
		if it.Content[i].Value == "segments" {
			segs = it.Content[i+1]
		}
	}
	if segs == nil {
		return nil
	}
	if segs.Kind != yaml.SequenceNode {
		return b.errs.add(inputErr(name, segs.Line, "segments", "segments must be a list"))
	}
	for pos, s := range segs.Content {
		srec, err := yamlRecord(s, name, segmentSkip)
		if err != nil {
			if b.errs.add(err) != nil {
				return errStop
			}
			continue
		}
		if v := valueOf(srec, "chainId"); v != nil {
			if c, _ := single(v); c != chainID {
				if b.errs.add(inputErr(name, srec.line, "chainId", "segment chainId %q differs from its chain %q", c, chainID)) != nil {
					return errStop
				}
				continue
			}
		} else if chainID != "" {
			srec.fields = append(srec.fields, field{key: "chainId", val: chainID, line: srec.line})
		}
		if valueOf(srec, "order") == nil {
			srec.fields = append(srec.fields, field{key: "order", val: strconv.Itoa(pos + 1), line: srec.line})
		}
		if err := b.nodeRow(srec, graph.KindSegment, def); err != nil {
			return err
		}
		segID, _ := single(valueOf(srec, "id"))
		if chainID != "" && segID != "" {
			e := record{file: name, line: srec.line, fields: []field{{key: "from", val: chainID, line: srec.line}, {key: "to", val: segID, line: srec.line}}}
			if err := b.edgeRow(e, graph.RelHasSegment, def); err != nil {
				return err
			}
		}
		if err := b.segmentLinks(s, name, segID, def); err != nil {
			return err
		}
	}
	return nil
}

// segmentLinks reads a segment's requires: and feeds: lists.
func (b *builder) segmentLinks(s *yaml.Node, name, segID string, def defaults) error {
	for i := 0; i+1 < len(s.Content); i += 2 {
		k, v := s.Content[i], s.Content[i+1]
		if !segmentSkip[k.Value] {
			continue
		}
		if v.Kind != yaml.SequenceNode {
			if b.errs.add(inputErr(name, v.Line, k.Value, "%s must be a list", k.Value)) != nil {
				return errStop
			}
			continue
		}
		typ := graph.RelRequires
		if k.Value == "feeds" {
			typ = graph.RelFeeds
		}
		for _, t := range v.Content {
			var rec record
			switch t.Kind {
			case yaml.ScalarNode:
				rec = record{file: name, line: t.Line, fields: []field{{key: "to", val: t.Value, line: t.Line}}}
			case yaml.MappingNode:
				r, err := yamlRecord(t, name, nil)
				if err != nil {
					if b.errs.add(err) != nil {
						return errStop
					}
					continue
				}
				rec = r
			default:
				if b.errs.add(inputErr(name, t.Line, k.Value, "want an id or a mapping with to:")) != nil {
					return errStop
				}
				continue
			}
			if v := valueOf(rec, "from"); v != nil {
				if b.errs.add(inputErr(name, t.Line, "from", "from is implied by the segment")) != nil {
					return errStop
				}
				continue
			}
			rec.fields = append(rec.fields, field{key: "from", val: segID, line: t.Line})
			if err := b.edgeRow(rec, typ, def); err != nil {
				return err
			}
		}
	}
	return nil
}

func valueOf(rec record, key string) any {
	for _, f := range rec.fields {
		if canonKey(f.key) == key {
			return f.val
		}
	}
	return nil
}

// recordID is the id column of a row, "" when it has none.
func recordID(rec record) string {
	for _, f := range rec.fields {
		if canonKey(f.key) == graph.PropID {
			if s, ok := f.val.(string); ok {
				return s
			}
		}
	}
	return ""
}
