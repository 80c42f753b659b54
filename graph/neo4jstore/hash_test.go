package neo4jstore

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"testing"

	"chainkg/graph"
)

// contentHashReference is contentHash as first written (hash.Write per
// piece); the stored _h of every existing database depends on these bytes.
func contentHashReference(tag string, m map[string]any) string {
	h := sha256.New()
	h.Write([]byte(tag))
	for _, k := range graph.SortedKeys(m) {
		h.Write([]byte{0})
		h.Write([]byte(k))
		h.Write([]byte{0})
		switch v := m[k].(type) {
		case string:
			h.Write([]byte("s" + v))
		case int64:
			h.Write([]byte("i" + strconv.FormatInt(v, 10)))
		case float64:
			h.Write([]byte("f" + strconv.FormatUint(math.Float64bits(v), 16)))
		case bool:
			h.Write([]byte("b" + strconv.FormatBool(v)))
		case []string:
			h.Write([]byte("l" + strconv.Itoa(len(v))))
			for _, s := range v {
				h.Write([]byte{0})
				h.Write([]byte(s))
			}
		default:
			fmt.Fprintf(h, "?%T%v", v, v)
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func TestContentHashStable(t *testing.T) {
	for i, m := range []map[string]any{
		{},
		{"id": "e1", "name": "A", "revenue": 1.5, "employees": int64(-3), "highTech": true, "aliases": []string{"x", "", "模型"}},
		{"a": []string{}, "b": false, "c": math.Inf(-1), "d": int32(7), "e": nil, "名": "值"},
	} {
		for _, tag := range []string{"Enterprise", "SUPPLIES", ""} {
			if got, want := contentHash(tag, m), contentHashReference(tag, m); got != want {
				t.Errorf("case %d tag %q: %s, reference %s", i, tag, got, want)
			}
		}
	}
	// A fixed value: a change of the hashed bytes would mark every stored
	// node "updated" on the next load.
	if got := contentHash("Enterprise", map[string]any{"id": "e1", "name": "A"}); got != contentHashReference("Enterprise", map[string]any{"name": "A", "id": "e1"}) || len(got) != 32 {
		t.Errorf("contentHash = %s", got)
	}
}
