package schema

import "testing"

func TestBlankComments(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"ascii comment kept", "# fill\n{ a }", "# fill\n{ a }"},
		{"chinese comment blanked", "# 补链\nquery Q { a }", "#       \nquery Q { a }"},
		{"hash in string", `{ a(x: "# 补链") }`, `{ a(x: "# 补链") }`},
		{"hash in block string", "{ a(x: \"\"\"# 补链\n\"\"\") }", "{ a(x: \"\"\"# 补链\n\"\"\") }"},
		{"escaped quote", `{ a(x: "\"# 补") } # 链`, `{ a(x: "\"# 补") } #    `},
		{"unterminated string", `{ a(x: "abc`, `{ a(x: "abc`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := blankComments(tc.in)
			if got != tc.want {
				t.Fatalf("blankComments(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if len(got) != len(tc.in) {
				t.Fatalf("length changed: %d -> %d", len(tc.in), len(got))
			}
		})
	}
}

func FuzzBlankComments(f *testing.F) {
	f.Add("# 补链\nquery Q { a }")
	f.Add(`{ a(x: """# "") }`)
	f.Fuzz(func(t *testing.T, s string) {
		if got := blankComments(s); len(got) != len(s) {
			t.Fatalf("length changed")
		}
	})
}
