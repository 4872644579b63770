package markdown

import (
	"reflect"
	"testing"
)

// TestFindDroppedLinks checks which links count as dropped: those whose
// target no rendering keeps, as goldmark parses them.
func TestFindDroppedLinks(t *testing.T) {
	tests := []struct {
		name, body string
		want       []Link
	}{
		{"none", "Plain text.", nil},
		{"https", "See [UNDP](https://www.undp.org) and [mail](mailto:a@b.org).", nil},
		{"root path", "See [the release](/releases/2024/aral/).", nil},
		{"relative md", "See [the English one](../2024/aral-en.md).", []Link{{Offset: 5, Dest: "../2024/aral-en.md", Text: "the English one"}}},
		{"relative file", "A [pdf](files/report.pdf).", []Link{{Offset: 3, Dest: "files/report.pdf", Text: "pdf"}}},
		{"fragment", "[a](#x)", []Link{{Offset: 1, Dest: "#x", Text: "a"}}},
		{"tel", "Call [us](tel:+998711234567).", []Link{{Offset: 6, Dest: "tel:+998711234567", Text: "us"}}},
		{"protocol-relative", "[x](//example.org)", []Link{{Offset: 1, Dest: "//example.org", Text: "x"}}},
		{"reference", "See [the report][r].\n\n[r]: files/report.pdf\n", []Link{{Offset: 5, Dest: "files/report.pdf", Text: "the report"}}},
		{"picture", "![A map](images/map.png)", nil},
		{"escaped picture mark", `\![A map](images/map.png)`, []Link{{Offset: 3, Dest: "images/map.png", Text: "A map"}}},
		{"picture in a link", "[![logo](logo.png)](files/a.pdf)", []Link{{Offset: 3, Dest: "files/a.pdf", Text: "logo"}}},
		{"empty text", "Text [](files/a.pdf)", []Link{{Offset: 0, Dest: "files/a.pdf"}}},
		{"in code", "`[a](b.md)`\n\n    [c](d.md)\n", nil},
		{"emphasis", "[**bold** text](a.md)", []Link{{Offset: 3, Dest: "a.md", Text: "bold text"}}},
	}
	for _, tt := range tests {
		if got := FindDroppedLinks(tt.body); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: FindDroppedLinks(%q) = %+v, want %+v", tt.name, tt.body, got, tt.want)
		}
	}
}

// TestMayDropLink checks the pre-filter: a body is left unparsed only
// when none of its links can be dropped.
func TestMayDropLink(t *testing.T) {
	tests := []struct {
		body string
		want bool
	}{
		{"no links", false},
		{"[a](https://x.org) [b]( <HTTP://y.org>) [c](/releases/a/)", false},
		{"![alt](images/a.png)", false},
		{"[a](b.md)", true},
		{`\![alt](a.md)`, true},
		{"[![alt](a.png)](b.md)", true},
		{"[r]\n\n[r]: https://x.org", true},
		{"[a](//x.org)", true},
	}
	for _, tt := range tests {
		if got := mayDropLink(tt.body); got != tt.want {
			t.Errorf("mayDropLink(%q) = %v, want %v", tt.body, got, tt.want)
		}
	}
}

// FuzzFind checks that the pre-filter never hides a dropped link the
// parse finds, and that Find's raw HTML is FindRawHTML's.
func FuzzFind(f *testing.F) {
	for _, s := range []string{"[a](b.md)", "![x](a.png)", `\![x](a.png)`, "[r]\n\n[r]: x", "<b>x</b> [a](#y)", "[![i](a.png)](b)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		all := parseBody(body)
		got := Find(body)
		if len(all.Links) > 0 && len(got.Links) == 0 {
			t.Fatalf("Find(%q) missed the dropped links %+v", body, all.Links)
		}
		if !reflect.DeepEqual(got.HTML, FindRawHTML(body)) && len(got.HTML)+len(FindRawHTML(body)) > 0 {
			t.Fatalf("Find(%q).HTML = %+v, FindRawHTML = %+v", body, got.HTML, FindRawHTML(body))
		}
	})
}
