package memstore

import (
	"strings"
	"unsafe"
)

// boxes allocates the store's boxed property values (the targets of the
// interface values in the value arena) and its strings' bytes in chunks,
// instead of as one small object each.
//
// Why: a stored string property is an interface value pointing at a
// 16-byte string header pointing at its bytes, two objects per value; a
// float is an 8-byte object. At 100,000 enterprises that was ~700,000 of
// the store's ~810,000 heap objects, and every collection cycle marks each
// of them: on a large store the collector's marking was about a quarter of
// a cold gap report's CPU (graph/memstore/README.md). In chunks they are a
// few hundred objects.
//
// The values are immutable once handed out: a chunk is only appended to
// within its capacity (which never moves what is already there) and
// replaced by a new one when full. A value that is overwritten keeps its
// chunk alive (like the value arena, keepVals); the waste is bounded by
// what was written.
type boxes struct {
	bytes []byte
	strs  []string
	f64s  []float64
	i64s  []int64
}

const (
	bytesChunk = 64 << 10 // bytes per chunk of string bytes
	boxChunk   = 1024     // values per chunk of headers or numbers
)

// The type words of interface values holding a string, a float64 and an
// int64, copied into the values made here.
var (
	protoString  any = ""
	protoFloat64 any = float64(0)
	protoInt64   any = int64(0)
)

// eface returns an interface value of proto's dynamic type whose data word
// is p. proto's type must be one Go stores indirectly (not pointer-shaped):
// p points at a value of that type, which must never change.
func eface(proto any, p unsafe.Pointer) any {
	e := *(*[2]unsafe.Pointer)(unsafe.Pointer(&proto))
	e[1] = p
	return *(*any)(unsafe.Pointer(&e))
}

// str returns a copy of x whose bytes live in a chunk.
func (b *boxes) str(x string) string {
	n := len(x)
	if n == 0 {
		return ""
	}
	if n > bytesChunk/16 {
		return strings.Clone(x)
	}
	if cap(b.bytes)-len(b.bytes) < n {
		b.bytes = make([]byte, 0, bytesChunk)
	}
	off := len(b.bytes)
	b.bytes = append(b.bytes, x...)
	return unsafe.String(&b.bytes[off], n)
}

// boxString returns x (copied) as an interface value whose header lives in
// a chunk.
func (b *boxes) boxString(x string) any {
	if len(b.strs) == cap(b.strs) {
		b.strs = make([]string, 0, boxChunk)
	}
	b.strs = append(b.strs, b.str(x))
	return eface(protoString, unsafe.Pointer(&b.strs[len(b.strs)-1]))
}

// boxFloat64 returns x as an interface value whose number lives in a chunk.
func (b *boxes) boxFloat64(x float64) any {
	if len(b.f64s) == cap(b.f64s) {
		b.f64s = make([]float64, 0, boxChunk)
	}
	b.f64s = append(b.f64s, x)
	return eface(protoFloat64, unsafe.Pointer(&b.f64s[len(b.f64s)-1]))
}

// boxInt64 returns x as an interface value whose number lives in a chunk.
func (b *boxes) boxInt64(x int64) any {
	if len(b.i64s) == cap(b.i64s) {
		b.i64s = make([]int64, 0, boxChunk)
	}
	b.i64s = append(b.i64s, x)
	return eface(protoInt64, unsafe.Pointer(&b.i64s[len(b.i64s)-1]))
}
