package loaders

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"unicode/utf8"

	"chainkg/graph"
	"gopkg.in/yaml.v3"
)

// Formats a data file may have. The manifest's format key overrides the
// file extension.
const (
	FormatCSV   = "csv"
	FormatJSONL = "jsonl"
	FormatYAML  = "yaml"
)

// field is one cell of a row: its column name as written, its value (a
// string, a []string or nil for "empty") and the line it sits on.
type field struct {
	key  string
	val  any
	line int
	col  string // the column as the user wrote it, if it differs from key (mapped imports)
}

// label is the field's name in error messages: the user's own column.
func (f field) label() string {
	if f.col != "" {
		return f.col
	}
	return f.key
}

// record is one row of a data file, whichever format it came from.
type record struct {
	file   string
	line   int
	fields []field
	// empty holds YAML keys whose value is null: not data, but their keys
	// must still be known columns (an unquoted comma in a flow mapping,
	// `{name: Energy materials (membranes, electrodes)}`, yields the key
	// "electrodes)" with no value, and the name is silently cut).
	empty []field
}

// formatOf returns the format of a file from its explicit format or its
// extension.
func formatOf(name, explicit string) (string, error) {
	f := strings.ToLower(strings.TrimSpace(explicit))
	if f == "" {
		switch strings.ToLower(path.Ext(name)) {
		case ".csv":
			f = FormatCSV
		case ".jsonl", ".ndjson":
			f = FormatJSONL
		case ".yaml", ".yml":
			f = FormatYAML
		}
	}
	switch f {
	case FormatCSV, FormatJSONL, FormatYAML:
		return f, nil
	case "json-lines", "ndjson":
		return FormatJSONL, nil
	case "yml":
		return FormatYAML, nil
	}
	return "", fmt.Errorf("cannot tell the format of %q: use .csv, .jsonl or .yaml, or set format", name)
}

// inputErr builds a BAD_USER_INPUT error at a location.
func inputErr(file string, line int, fieldName, format string, args ...any) *graph.Error {
	return &graph.Error{Code: graph.CodeInvalidInput, File: file, Line: line, Field: fieldName, Msg: fmt.Sprintf(format, args...)}
}

// readRecords streams the rows of one data file to fn. A parse error stops
// the file; fn's error is returned as is (the caller decides whether to go
// on: it collects errors and returns errStop when it has enough).
func readRecords(fsys fs.FS, name, format string, fn func(record) error) error {
	f, err := fsys.Open(name)
	if err != nil {
		return &graph.Error{Code: graph.CodeInvalidInput, File: name, Msg: "cannot open file", Err: err}
	}
	defer f.Close()
	switch format {
	case FormatCSV:
		return readCSV(f, name, fn)
	case FormatJSONL:
		return readJSONL(f, name, fn)
	case FormatYAML:
		data, err := io.ReadAll(f)
		if err != nil {
			return &graph.Error{Code: graph.CodeInvalidInput, File: name, Msg: "cannot read file", Err: err}
		}
		return readYAMLRows(data, name, fn)
	}
	return inputErr(name, 0, "", "unknown format %q", format)
}

// listSep separates the items of a list in one CSV cell.
const listSep = "|"

func readCSV(r io.Reader, name string, fn func(record) error) error {
	br := bufio.NewReaderSize(r, 1<<16)
	if b, err := br.Peek(1); len(b) == 0 {
		if err != nil && err != io.EOF {
			return &graph.Error{Code: graph.CodeInvalidInput, File: name, Msg: "cannot read file", Err: err}
		}
		return inputErr(name, 1, "", "empty file: a CSV file needs at least a header line")
	}
	if b, _ := br.Peek(3); bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3) // byte order mark written by spreadsheet exports
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return csvErr(name, err)
	}
	cols := make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if !utf8.ValidString(h) {
			return inputErr(name, 1, fmt.Sprintf("column %d", i+1), "invalid UTF-8 in header")
		}
		if h == "" {
			return inputErr(name, 1, fmt.Sprintf("column %d", i+1), "empty column name in header")
		}
		if seen[h] {
			return inputErr(name, 1, h, "column %q appears twice in the header", h)
		}
		seen[h] = true
		cols[i] = h
	}
	cr.FieldsPerRecord = -1 // checked below, to name the missing column
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return csvErr(name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(row) < len(cols) {
			return inputErr(name, line, cols[len(row)], "missing column: the row has %d values, the header %d (first missing: %s)", len(row), len(cols), cols[len(row)])
		}
		if len(row) > len(cols) {
			return inputErr(name, line, fmt.Sprintf("column %d", len(cols)+1), "the row has %d values, the header only %d (an unquoted comma?)", len(row), len(cols))
		}
		rec := record{file: name, line: line, fields: make([]field, 0, len(row))}
		for i, cell := range row {
			if !utf8.ValidString(cell) {
				return inputErr(name, line, cols[i], "invalid UTF-8 (files must be UTF-8)")
			}
			cell = strings.TrimSpace(cell)
			if cell == "" {
				continue
			}
			rec.fields = append(rec.fields, field{key: cols[i], val: strings.Clone(cell), line: line})
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
}

func csvErr(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		return &graph.Error{Code: graph.CodeInvalidInput, File: name, Line: pe.Line, Field: fmt.Sprintf("column %d", pe.Column), Msg: msg}
	}
	return &graph.Error{Code: graph.CodeInvalidInput, File: name, Msg: "cannot read CSV", Err: err}
}

// maxLine is the longest JSON Lines row accepted.
const maxLine = 16 << 20

func readJSONL(r io.Reader, name string, fn func(record) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), maxLine)
	line, rows := 0, 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})
		}
		if !utf8.Valid(b) {
			return inputErr(name, line, "", "invalid UTF-8 (files must be UTF-8)")
		}
		rows++
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil {
			return inputErr(name, line, "", "not a JSON object: %v", err)
		}
		if obj == nil {
			return inputErr(name, line, "", "not a JSON object")
		}
		if dec.More() {
			return inputErr(name, line, "", "more than one JSON value on the line")
		}
		rec := record{file: name, line: line}
		if err := flattenJSON(&rec, obj, ""); err != nil {
			return err
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return &graph.Error{Code: graph.CodeInvalidInput, File: name, Line: line + 1, Msg: "cannot read line", Err: err}
	}
	if rows == 0 {
		return inputErr(name, 1, "", "empty file: no JSON rows")
	}
	return nil
}

// nestedKeys are objects whose members are read as if they were top-level
// columns, so rows shaped like graph.Node's JSON ({"props":{...},
// "provenance":{...}}) load too.
var nestedKeys = map[string]bool{"props": true, "provenance": true}

func flattenJSON(rec *record, obj map[string]any, prefix string) error {
	for _, k := range graph.SortedKeys(obj) {
		v := obj[k]
		if m, ok := v.(map[string]any); ok && prefix == "" && nestedKeys[k] {
			if err := flattenJSON(rec, m, k+"."); err != nil {
				return err
			}
			continue
		}
		val, err := scalarOrList(v)
		if err != nil {
			return inputErr(rec.file, rec.line, k, "%v", err)
		}
		if val == nil {
			continue
		}
		rec.fields = append(rec.fields, field{key: k, val: val, line: rec.line})
	}
	return nil
}

// scalarOrList turns a decoded JSON value into the reader's cell form: a
// string, a []string or nil.
func scalarOrList(v any) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		if strings.TrimSpace(x) == "" {
			return nil, nil
		}
		return strings.TrimSpace(x), nil
	case json.Number:
		return x.String(), nil
	case bool:
		if x {
			return "true", nil
		}
		return "false", nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, err := scalarOrList(e)
			if err != nil {
				return nil, err
			}
			str, ok := s.(string)
			if !ok {
				return nil, fmt.Errorf("a list may hold only strings and numbers")
			}
			out = append(out, str)
		}
		return out, nil
	}
	return nil, fmt.Errorf("nested objects are not allowed here (%T)", v)
}

// parseYAML parses a YAML document, checking UTF-8 first so that the error
// names the line.
func parseYAML(data []byte, name string) (*yaml.Node, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, inputErr(name, 1, "", "empty file")
	}
	if line, ok := validUTF8(data); !ok {
		return nil, inputErr(name, line, "", "invalid UTF-8 (files must be UTF-8)")
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &graph.Error{Code: graph.CodeInvalidInput, File: name, Line: yamlErrLine(err), Msg: "invalid YAML", Err: err}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, inputErr(name, 1, "", "empty file")
	}
	return doc.Content[0], nil
}

// validUTF8 reports whether data is valid UTF-8 and, if not, the line of
// the first bad byte.
func validUTF8(data []byte) (int, bool) {
	if utf8.Valid(data) {
		return 0, true
	}
	line := 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return line, false
		}
		if r == '\n' {
			line++
		}
		i += size
	}
	return line, false
}

// yamlErrLine digs the line number out of a yaml.v3 error, which carries it
// only in its text ("yaml: line 7: ..."); 0 when absent.
func yamlErrLine(err error) int {
	msg := err.Error()
	i := strings.Index(msg, "line ")
	if i < 0 {
		return 0
	}
	n := 0
	for _, c := range msg[i+5:] {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// readYAMLRows reads a YAML data file: a sequence of mappings, or a mapping
// whose "rows" key holds that sequence.
func readYAMLRows(data []byte, name string, fn func(record) error) error {
	root, err := parseYAML(data, name)
	if err != nil {
		return err
	}
	seq := root
	if root.Kind == yaml.MappingNode {
		seq = nil
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Value == "rows" {
				seq = root.Content[i+1]
			}
		}
		if seq == nil {
			return inputErr(name, root.Line, "rows", "a YAML data file is a list of rows, or a mapping with a rows: list")
		}
	}
	if seq.Kind != yaml.SequenceNode {
		return inputErr(name, seq.Line, "", "a YAML data file is a list of rows")
	}
	if len(seq.Content) == 0 {
		return inputErr(name, seq.Line, "", "empty file: no rows")
	}
	for _, item := range seq.Content {
		rec, err := yamlRecord(item, name, nil)
		if err != nil {
			return err
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	return nil
}

// yamlRecord turns one YAML mapping into a record. Keys in skip are left
// for the caller (chain templates keep segments, requires and feeds).
func yamlRecord(n *yaml.Node, name string, skip map[string]bool) (record, error) {
	rec := record{file: name, line: n.Line}
	if n.Kind != yaml.MappingNode {
		return rec, inputErr(name, n.Line, "", "a row must be a mapping of column: value")
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			return rec, inputErr(name, k.Line, k.Value, "key %q appears twice", k.Value)
		}
		seen[k.Value] = true
		if skip[k.Value] {
			continue
		}
		if v.Kind == yaml.MappingNode && nestedKeys[k.Value] {
			sub, err := yamlRecord(v, name, nil)
			if err != nil {
				return rec, err
			}
			rec.fields = append(rec.fields, sub.fields...)
			continue
		}
		val, err := yamlValue(v)
		if err != nil {
			return rec, inputErr(name, v.Line, k.Value, "%v", err)
		}
		if val == nil {
			rec.empty = append(rec.empty, field{key: k.Value, line: k.Line})
		}
		if val != nil {
			rec.fields = append(rec.fields, field{key: k.Value, val: val, line: k.Line})
		}
	}
	return rec, nil
}

func yamlValue(v *yaml.Node) (any, error) {
	if v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	switch v.Kind {
	case yaml.ScalarNode:
		if v.Tag == "!!null" {
			return nil, nil
		}
		s := strings.TrimSpace(v.Value)
		if s == "" {
			return nil, nil
		}
		return s, nil
	case yaml.SequenceNode:
		out := make([]string, 0, len(v.Content))
		for _, e := range v.Content {
			if e.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("a list may hold only scalars")
			}
			out = append(out, strings.TrimSpace(e.Value))
		}
		return out, nil
	}
	return nil, fmt.Errorf("nested mappings are not allowed here")
}

// sortFields orders fields by key; used where determinism matters.
func sortFields(fs []field) {
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].key < fs[j].key })
}
