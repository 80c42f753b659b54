package loaders

import (
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"strconv"
	"strings"

	"chainkg/graph"
	"gopkg.in/yaml.v3"
)

// Mapping is a mapped import: how to read files that were not made for
// chainkg (a registry export, a foreign industry-chain dataset). See
// docs/dataset.md and loaders/testdata/foreign for an example.
type Mapping struct {
	Name        string    `yaml:"name"`
	Description string    `yaml:"description"`
	Source      string    `yaml:"source"` // default provenance source
	AsOf        string    `yaml:"asOf"`
	Nodes       []NodeMap `yaml:"nodes"`
	Edges       []EdgeMap `yaml:"edges"`
}

// NodeMap maps one foreign file to nodes.
type NodeMap struct {
	File   string `yaml:"file"`
	Format string `yaml:"format"`
	// Kind fixes the kind of every row; KindFrom reads it from a column
	// through a value map ("skip" as a value drops the row).
	Kind     graph.Kind `yaml:"kind"`
	KindFrom *Column    `yaml:"kindFrom"`
	ID       Column     `yaml:"id"`
	// IDPrefix is put before every id (keeps foreign codes apart from ours).
	IDPrefix string            `yaml:"idPrefix"`
	Name     Column            `yaml:"name"`
	NameZh   Column            `yaml:"nameZh"`
	Aliases  []Column          `yaml:"aliases"`
	Props    map[string]Column `yaml:"props"` // our property name: the column
	Const    map[string]string `yaml:"const"` // our property name: a fixed value
	Source   string            `yaml:"source"`
	AsOf     string            `yaml:"asOf"`
	// SkipUnmapped drops rows whose kind value has no mapping instead of
	// reporting them.
	SkipUnmapped bool `yaml:"skipUnmapped"`
}

// EdgeMap maps one foreign file to edges.
type EdgeMap struct {
	File         string            `yaml:"file"`
	Format       string            `yaml:"format"`
	Type         graph.RelType     `yaml:"type"`
	TypeFrom     *Column           `yaml:"typeFrom"`
	From         Column            `yaml:"from"`
	To           Column            `yaml:"to"`
	FromPrefix   string            `yaml:"fromPrefix"`
	ToPrefix     string            `yaml:"toPrefix"`
	Props        map[string]Column `yaml:"props"`
	Const        map[string]string `yaml:"const"`
	Source       string            `yaml:"source"`
	AsOf         string            `yaml:"asOf"`
	SkipUnmapped bool              `yaml:"skipUnmapped"`
}

// Column says where a value comes from: a column name (the short form is
// just the name), optionally through a value map, a scale factor, the year
// of a date, a list separator, or a default for empty cells.
type Column struct {
	Column string            `yaml:"column"`
	Values map[string]string `yaml:"values"` // foreign value -> ours; "*" matches any other value
	// Scale multiplies a number (e.g. 0.000001 turns yuan into million CNY).
	Scale float64 `yaml:"scale"`
	// Year keeps the year of a date (2019-03-01 -> 2019).
	Year bool `yaml:"year"`
	// Split turns a cell into a list at this separator.
	Split   string `yaml:"split"`
	Default string `yaml:"default"`
}

// UnmarshalYAML accepts a bare column name as the short form.
func (c *Column) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		c.Column = n.Value
		return nil
	}
	type plain Column
	return n.Decode((*plain)(c))
}

// skipValue in a value map drops the row (for kindFrom / typeFrom).
const skipValue = "skip"

// errSkip marks a row the mapping drops.
var errSkip = fmt.Errorf("skip")

// ReadMapped reads a mapping file and the foreign files it names (paths
// relative to the mapping file), converts every row to our kinds, types
// and properties, and validates the result like ReadDataset. Endpoints that
// are not in the mapped files are External (Load checks them in the store).
func ReadMapped(fsys fs.FS, mappingPath string) (*Dataset, error) {
	data, err := fs.ReadFile(fsys, mappingPath)
	if err != nil {
		return nil, &graph.Error{Code: graph.CodeInvalidInput, File: mappingPath, Msg: "cannot read the mapping", Err: err}
	}
	m, err := parseMapping(data, mappingPath)
	if err != nil {
		return nil, err
	}
	dir := path.Dir(mappingPath)
	ds := &Dataset{Name: m.Name, Description: m.Description, Source: m.Source, Files: []string{mappingPath}}
	b := newBuilder(ds)
	base := defaults{Source: m.Source, AsOf: m.AsOf}
	for _, nm := range m.Nodes {
		p := path.Join(dir, nm.File)
		ds.Files = append(ds.Files, p)
		def := override(base, nm.Source, nm.AsOf)
		if stop := b.readMapped(fsys, p, nm.Format, func(rec record) (record, error) { return nm.apply(rec) }, func(rec record) error {
			return b.nodeRow(rec, nm.Kind, def)
		}); stop {
			return nil, b.errs.err()
		}
	}
	for _, em := range m.Edges {
		p := path.Join(dir, em.File)
		ds.Files = append(ds.Files, p)
		def := override(base, em.Source, em.AsOf)
		if stop := b.readMapped(fsys, p, em.Format, func(rec record) (record, error) { return em.apply(rec) }, func(rec record) error {
			return b.edgeRow(rec, em.Type, def)
		}); stop {
			return nil, b.errs.err()
		}
	}
	if len(b.errs.errs) == 0 {
		b.checkEndpoints(false)
	}
	if err := b.errs.err(); err != nil {
		return nil, err
	}
	return ds, nil
}

func override(d defaults, source, asOf string) defaults {
	if source != "" {
		d.Source = source
	}
	if asOf != "" {
		d.AsOf, _ = normDate(asOf)
	}
	return d
}

func (b *builder) readMapped(fsys fs.FS, p, format string, apply func(record) (record, error), row func(record) error) bool {
	f, err := formatOf(p, format)
	if err != nil {
		return b.errs.add(&graph.Error{Code: graph.CodeInvalidInput, File: p, Field: "format", Msg: err.Error()}) != nil
	}
	err = readRecords(fsys, p, f, func(rec record) error {
		out, err := apply(rec)
		if err == errSkip {
			b.ds.Skipped++
			return nil
		}
		if err != nil {
			return b.errs.add(err)
		}
		return row(out)
	})
	if err == errStop {
		return true
	}
	if err != nil {
		return b.errs.add(err) != nil
	}
	return false
}

// get reads a mapped value from a foreign row: the cell (or the default),
// through the value map and the conversions. ok is false for an empty cell.
func (c Column) get(rec record) (val any, f field, err error) {
	if c.Column == "" {
		return nil, f, nil
	}
	f = field{line: rec.line, col: c.Column}
	for _, x := range rec.fields {
		if x.key == c.Column {
			f.line, val = x.line, x.val
		}
	}
	if val == nil && c.Default != "" {
		val = c.Default
	}
	if val == nil {
		return nil, f, nil
	}
	if s, ok := val.(string); ok && c.Split != "" {
		val = strings.Split(s, c.Split)
	}
	conv := func(s string) (string, error) {
		s = strings.TrimSpace(s)
		if c.Values != nil {
			v, ok := c.Values[s]
			if !ok {
				v, ok = c.Values["*"]
			}
			if !ok {
				return "", inputErr(rec.file, f.line, c.Column, "value %q has no mapping (add it to values:, or a \"*\" entry)", s)
			}
			s = v
		}
		if c.Year && len(s) >= 4 {
			if _, err := strconv.Atoi(s[:4]); err == nil {
				s = s[:4]
			}
		}
		if c.Scale != 0 && s != "" {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return "", inputErr(rec.file, f.line, c.Column, "%q is not a number", s)
			}
			s = strconv.FormatFloat(x*c.Scale, 'f', -1, 64)
		}
		return s, nil
	}
	switch x := val.(type) {
	case string:
		s, err := conv(x)
		return s, f, err
	case []string:
		out := make([]string, 0, len(x))
		for _, s := range x {
			v, err := conv(s)
			if err != nil {
				return nil, f, err
			}
			if v != "" {
				out = append(out, v)
			}
		}
		return out, f, nil
	}
	return nil, f, nil
}

// put adds a mapped value to the output record under our key.
func put(out *record, key string, c Column, in record, prefix string) error {
	v, f, err := c.get(in)
	if err != nil || v == nil {
		return err
	}
	if s, ok := v.(string); ok {
		if s == "" {
			return nil
		}
		v = prefix + s
	}
	f.key, f.val = key, v
	out.fields = append(out.fields, f)
	return nil
}

func (nm *NodeMap) apply(in record) (record, error) {
	out := record{file: in.file, line: in.line}
	if nm.KindFrom != nil {
		v, f, err := nm.KindFrom.get(in)
		if err != nil {
			if nm.SkipUnmapped {
				return out, errSkip
			}
			return out, err
		}
		if s, _ := v.(string); s == skipValue {
			return out, errSkip
		} else if s == "" {
			return out, inputErr(in.file, in.line, nm.KindFrom.Column, "kind column is empty")
		}
		f.key, f.val = "kind", v
		out.fields = append(out.fields, f)
	}
	if err := put(&out, graph.PropID, nm.ID, in, nm.IDPrefix); err != nil {
		return out, err
	}
	if err := put(&out, graph.PropName, nm.Name, in, ""); err != nil {
		return out, err
	}
	if err := put(&out, graph.PropNameZh, nm.NameZh, in, ""); err != nil {
		return out, err
	}
	var aliases []string
	for _, a := range nm.Aliases {
		v, _, err := a.get(in)
		if err != nil {
			return out, err
		}
		aliases = append(aliases, list(v)...)
	}
	if len(aliases) > 0 {
		out.fields = append(out.fields, field{key: graph.PropAliases, val: aliases, line: in.line})
	}
	if err := mapProps(&out, nm.Props, nm.Const, in); err != nil {
		return out, err
	}
	if nm.Name.Column != "" && valueOf(out, graph.PropName) == nil {
		// Foreign rows often lack an English name: fall back to the Chinese one.
		if v := valueOf(out, graph.PropNameZh); v != nil {
			out.fields = append(out.fields, field{key: graph.PropName, val: v, line: in.line, col: nm.Name.Column})
		}
	}
	return out, nil
}

func (em *EdgeMap) apply(in record) (record, error) {
	out := record{file: in.file, line: in.line}
	if em.TypeFrom != nil {
		v, f, err := em.TypeFrom.get(in)
		if err != nil {
			if em.SkipUnmapped {
				return out, errSkip
			}
			return out, err
		}
		if s, _ := v.(string); s == skipValue {
			return out, errSkip
		} else if s == "" {
			return out, inputErr(in.file, in.line, em.TypeFrom.Column, "relation type column is empty")
		}
		f.key, f.val = "type", v
		out.fields = append(out.fields, f)
	}
	if err := put(&out, "from", em.From, in, em.FromPrefix); err != nil {
		return out, err
	}
	if err := put(&out, "to", em.To, in, em.ToPrefix); err != nil {
		return out, err
	}
	return out, mapProps(&out, em.Props, em.Const, in)
}

func mapProps(out *record, props map[string]Column, consts map[string]string, in record) error {
	for _, k := range graph.SortedKeys(props) {
		if err := put(out, k, props[k], in, ""); err != nil {
			return err
		}
	}
	for _, k := range graph.SortedKeys(consts) {
		if valueOf(*out, k) == nil {
			out.fields = append(out.fields, field{key: k, val: consts[k], line: in.line, col: "const." + k})
		}
	}
	return nil
}

func parseMapping(data []byte, name string) (*Mapping, error) {
	root, err := parseYAML(data, name)
	if err != nil {
		return nil, err
	}
	if err := checkKeys(root, name, reflect.TypeOf(Mapping{})); err != nil {
		return nil, err
	}
	var m Mapping
	if err := root.Decode(&m); err != nil {
		return nil, &graph.Error{Code: graph.CodeInvalidInput, File: name, Line: yamlErrLine(err), Msg: "invalid mapping", Err: err}
	}
	var c collector
	if m.Name == "" {
		c.add(inputErr(name, root.Line, "name", "the mapping needs a name"))
	}
	if m.Source == "" {
		c.add(inputErr(name, root.Line, "source", "the mapping needs a default provenance source (where the files come from)"))
	}
	if m.AsOf != "" {
		d, err := normDate(m.AsOf)
		if err != nil {
			c.add(inputErr(name, lineOfKey(root, "asOf"), "asOf", "%v", err))
		}
		m.AsOf = d
	}
	if len(m.Nodes) == 0 && len(m.Edges) == 0 {
		c.add(inputErr(name, root.Line, "nodes", "the mapping names no files"))
	}
	items := func(key string) []*yaml.Node {
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Value == key {
				return root.Content[i+1].Content
			}
		}
		return nil
	}
	checkFile := func(key string, i int, file string) int {
		line := root.Line
		if it := items(key); i < len(it) {
			line = it[i].Line
		}
		if file == "" || !fs.ValidPath(file) || strings.Contains(file, "..") {
			c.add(inputErr(name, line, key+".file", "file %q must be a relative path below the mapping", file))
		}
		return line
	}
	for i, nm := range m.Nodes {
		line := checkFile("nodes", i, nm.File)
		if nm.ID.Column == "" {
			c.add(inputErr(name, line, "nodes.id", "id: which column holds the id"))
		}
		if (nm.Kind == "") == (nm.KindFrom == nil) {
			c.add(inputErr(name, line, "nodes.kind", "give exactly one of kind (fixed) and kindFrom (a column)"))
		}
		if nm.Kind != "" {
			if _, ok := graph.LookupKind(nm.Kind); !ok {
				c.add(inputErr(name, line, "nodes.kind", "unknown node kind %q", nm.Kind))
			}
		}
		if nm.KindFrom != nil {
			for _, v := range nm.KindFrom.Values {
				if _, ok := graph.LookupKind(graph.Kind(v)); !ok && v != skipValue {
					c.add(inputErr(name, line, "nodes.kindFrom", "value %q is not a node kind (or skip)", v))
				}
			}
		}
	}
	for i, em := range m.Edges {
		line := checkFile("edges", i, em.File)
		if em.From.Column == "" || em.To.Column == "" {
			c.add(inputErr(name, line, "edges.from", "from and to: which columns hold the endpoint ids"))
		}
		if (em.Type == "") == (em.TypeFrom == nil) {
			c.add(inputErr(name, line, "edges.type", "give exactly one of type (fixed) and typeFrom (a column)"))
		}
		if em.Type != "" {
			if _, ok := graph.LookupRel(em.Type); !ok {
				c.add(inputErr(name, line, "edges.type", "unknown relation type %q", em.Type))
			}
		}
		if em.TypeFrom != nil {
			for _, v := range em.TypeFrom.Values {
				if _, ok := graph.LookupRel(graph.RelType(v)); !ok && v != skipValue {
					c.add(inputErr(name, line, "edges.typeFrom", "value %q is not a relation type (or skip)", v))
				}
			}
		}
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	return &m, nil
}
