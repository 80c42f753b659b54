package memstore

import (
	"bytes"
	"sort"
	"strings"

	"chainkg/graph"
)

// names is the search corpus: every node's folded names (graph.FoldText of
// name, nameZh and aliases) in one contiguous byte slice, so that Search
// finds candidates for its longest term with bytes.Index over a few
// megabytes instead of visiting every node. It is only a pre-filter:
// graph.MatchSearch still decides and scores each candidate.
//
// Records are appended; a node whose names change gets a new record and the
// old one is dead (rec[node] no longer points at it). compact rebuilds the
// corpus when dead bytes outweigh live ones.
type names struct {
	buf   []byte
	start []uint32 // record i is buf[start[i]:start[i+1]] (or to the end)
	owner []uint32 // node of record i
	rec   []uint32 // per node: its current record + 1 (0: none)
	dead  int      // bytes in dead records
}

// Separators between names and records; a term containing either falls
// back to the full scan.
const (
	nameSep   = 0x00
	recordSep = 0x01
)

func nameRecord(n graph.Node) []byte {
	var b []byte
	add := func(s string) {
		if s != "" {
			b = append(b, graph.FoldText(s)...)
			b = append(b, nameSep)
		}
	}
	add(n.Name)
	add(n.NameZh)
	for _, a := range n.Aliases {
		add(a)
	}
	return append(b, recordSep)
}

func (ix *names) record(i int) []byte {
	end := len(ix.buf)
	if i+1 < len(ix.start) {
		end = int(ix.start[i+1])
	}
	return ix.buf[ix.start[i]:end]
}

// set indexes node j's names (a no-op when they did not change).
func (ix *names) set(j uint32, n graph.Node) {
	for uint32(len(ix.rec)) <= j {
		ix.rec = append(ix.rec, 0)
	}
	r := nameRecord(n)
	if cur := ix.rec[j]; cur != 0 {
		if bytes.Equal(ix.record(int(cur-1)), r) {
			return
		}
		ix.dead += len(ix.record(int(cur - 1)))
	}
	ix.start = append(ix.start, uint32(len(ix.buf)))
	ix.owner = append(ix.owner, j)
	ix.buf = append(ix.buf, r...)
	ix.rec[j] = uint32(len(ix.start))
	if ix.dead > len(ix.buf)/2 && ix.dead > 1<<16 {
		ix.compact()
	}
}

// compact drops dead records.
func (ix *names) compact() {
	var c names
	c.rec = make([]uint32, len(ix.rec))
	for i := range ix.start {
		j := ix.owner[i]
		if ix.rec[j] != uint32(i+1) {
			continue
		}
		c.start = append(c.start, uint32(len(c.buf)))
		c.owner = append(c.owner, j)
		c.buf = append(c.buf, ix.record(i)...)
		c.rec[j] = uint32(len(c.start))
	}
	*ix = c
}

// usable reports whether the corpus can pre-filter for these terms.
func usable(terms []string) bool {
	for _, t := range terms {
		if strings.IndexByte(t, nameSep) >= 0 || strings.IndexByte(t, recordSep) >= 0 {
			return false
		}
	}
	return true
}

// candidates calls fn for each node whose live record contains term, in
// record order, each node once; fn returns false to stop.
func (ix *names) candidates(term string, fn func(n uint32) bool) {
	t := []byte(term)
	off := 0
	for off < len(ix.buf) {
		i := bytes.Index(ix.buf[off:], t)
		if i < 0 {
			return
		}
		p := off + i
		r := sort.Search(len(ix.start), func(k int) bool { return int(ix.start[k]) > p }) - 1
		j := ix.owner[r]
		if ix.rec[j] == uint32(r+1) && !fn(j) {
			return
		}
		if r+1 < len(ix.start) {
			off = int(ix.start[r+1])
		} else {
			return
		}
	}
}
