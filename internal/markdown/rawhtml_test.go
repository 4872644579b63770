package markdown

import (
	"reflect"
	"strings"
	"testing"
)

// TestFindRawHTML checks what counts as raw HTML: what goldmark parses as
// such, so exactly what the profiles drop.
func TestFindRawHTML(t *testing.T) {
	tests := []struct {
		name, body string
		want       []RawHTML
	}{
		{"none", "Plain text with a < b and <5% and 3 <= 4.", nil},
		{"block", "Intro.\n\n<div class=\"x\">\nHidden text\n</div>\n", []RawHTML{{Offset: 8, Tag: "div", Block: true, End: 43}}},
		{"inline", "A <b>bold</b> word.", []RawHTML{{Offset: 2, Tag: "b", End: 5}, {Offset: 9, Tag: "b", End: 13}}},
		{"break", "Line one<br>line two", []RawHTML{{Offset: 8, Tag: "br", End: 12}}},
		{"comment", "Text.\n\n<!-- a note for colleagues -->\n", []RawHTML{{Offset: 7, Comment: true, Block: true, End: 38}}},
		{"inline comment", "Text <!-- note --> more.", []RawHTML{{Offset: 5, Comment: true, End: 18}}},
		{"code span", "Use `<b>` for bold.", nil},
		{"fenced code", "```\n<div>code</div>\n```\n", nil},
		{"indented code", "Text.\n\n    <div>code</div>\n", nil},
		{"autolinks", "See <https://example.org> or <press@example.org>.", nil},
		{"escaped", "An \\<b> is not a tag.", nil},
		{"in a list", "- item <em>one</em>\n", []RawHTML{{Offset: 7, Tag: "em", End: 11}, {Offset: 14, Tag: "em", End: 19}}},
		{"in a quote", "> <p>quoted</p>\n", []RawHTML{{Offset: 2, Tag: "p", Block: true, End: 16}}},
		{"script", "<script>alert(1)</script>\n", []RawHTML{{Offset: 0, Tag: "script", Block: true, End: 26}}},
		{"block to the blank line", "Before.\n<div>x</div>\nAfter.\n\nNext.", []RawHTML{{Offset: 8, Tag: "div", Block: true, End: 28}}},
		{"comment never closed", "Text.\n\n<!-- note\n\nAll the rest.\n", []RawHTML{{Offset: 7, Comment: true, Block: true, End: 32}}},
		{"upper case", "X <SPAN>y</SPAN>", []RawHTML{{Offset: 2, Tag: "span", End: 8}, {Offset: 9, Tag: "span", End: 16}}},
	}
	for _, tt := range tests {
		if got := FindRawHTML(tt.body); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: FindRawHTML(%q) = %+v, want %+v", tt.name, tt.body, got, tt.want)
		}
	}
}

// FuzzFindRawHTML checks that every piece found starts with '<' inside
// the body, in order, and that a body without '<' has none.
func FuzzFindRawHTML(f *testing.F) {
	for _, s := range []string{"A <b>bold</b> word", "<div>\nx\n</div>\n", "`<b>`", "<!-- c -->", "> <p>q</p>", "- <em>i</em>", "<https://x.org>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		last := -1
		for _, h := range FindRawHTML(body) {
			if h.Offset <= last || h.End <= h.Offset || h.End > len(body) || body[h.Offset] != '<' {
				t.Fatalf("FindRawHTML(%q): %+v out of order or not at a '<'", body, h)
			}
			last = h.Offset
		}
		if !strings.Contains(body, "<") && FindRawHTML(body) != nil {
			t.Fatalf("FindRawHTML(%q) found HTML without '<'", body)
		}
	})
}
