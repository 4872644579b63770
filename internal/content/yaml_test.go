package content

import "testing"

// TestOpenQuote checks which quote mark openQuote finds still open.
func TestOpenQuote(t *testing.T) {
	tests := []struct {
		name      string
		fm        string
		line, col int
	}{
		{"all closed", "title: \"a\"\nlocation: 'b'\n", 0, 0},
		{"double on first line", "title: \"a\ndate: 2020\n", 1, 8},
		{"single on third line", "title: a\nlang: en\nlocation: 'x\n", 3, 11},
		{"escaped double quote", "title: \"say \\\"hi\ndate: 2020\n", 1, 8},
		{"doubled single quote", "title: 'it''s\n", 1, 8},
		{"closed on a later line", "title: \"a\n  b\"\ndate: \"2020\n", 3, 7},
		{"apostrophe inside a word", "title: UN's plan\nlocation: Tashkent\n", 0, 0},
		{"quote in a comment", "title: a # \"note\nlang: en\n", 0, 0},
		{"list entry", "tags: [\"a\", \"b]\n", 1, 13},
		{"dash entry", "tags:\n  - 'a\n", 2, 5},
		{"after Cyrillic", "title: «Ш» \"б\n", 1, 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line, col := openQuote([]byte(tt.fm))
			if line != tt.line || col != tt.col {
				t.Errorf("openQuote(%q) = %d:%d, want %d:%d", tt.fm, line, col, tt.line, tt.col)
			}
		})
	}
}
