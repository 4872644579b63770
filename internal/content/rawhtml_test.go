package content

import (
	"strings"
	"testing"
)

// TestRawHTMLWarnings checks that check warns where a release's raw HTML
// is dropped from every rendering, once per element, at its line and
// column, and stays quiet for what only looks like HTML.
func TestRawHTMLWarnings(t *testing.T) {
	tests := []struct {
		name, body string
		want       string // a part of the warning; "" for none
		line, col  int
	}{
		{"block", "Intro.\n\n<div class=\"note\">\nHidden text\n</div>", "raw HTML <div> is left out of the newsroom page and every post, and with it all the text on lines 8–10: write that text in Markdown", 8, 1},
		{"block to the blank line", "Before.\n<div>x</div>\nAfter.\n\nNext.", "and with it all the text on lines 7–8:", 7, 1},
		{"table", "Figures:\n\n<table><tr><td>1</td></tr></table>", "raw HTML <table> is left out of the newsroom page and every post, and with it all the text on line 8: write the table in Markdown", 8, 1},
		{"inline", "A <b>bold</b> word, <b>twice</b>.", "HTML tag <b> is dropped from the newsroom page and every post (the text around it stays): write **bold** instead", 6, 3},
		{"link", "Read <a href=\"https://example.org\">this</a>.", "HTML tag <a> is dropped from the newsroom page and every post (its text stays, without the link): write [text](https://…) instead", 6, 6},
		{"break", "Line one<br>line two", "HTML tag <br> is dropped from the newsroom page and every post (the lines it separates run together): end the line with a backslash (\\) for a line break instead", 6, 9},
		{"superscript", "An area of 5 km<sup>2</sup>.", "(the text around it stays): type the characters themselves instead (m², CO₂)", 6, 16},
		{"script", "Text.\n\n<script>alert(1)</script>", "raw HTML <script> is left out of the newsroom page and every post, and with it all the text on line 8: remove it", 8, 1},
		{"cyrillic before it", "Текст <i>курсив</i>.", "HTML tag <i> is dropped", 6, 7},
		{"comment", "Text.\n\n<!-- a note for colleagues -->", "", 0, 0},
		{"inline comment", "Text <!-- note --> more.", "", 0, 0},
		{"comment never closed", "Text.\n\n<!-- a note\n\nAll the rest.", "HTML comment is never closed with -->, so all the text after it (lines 8–10) is left out of the newsroom page and every post: end the note with -->", 8, 1},
		{"text after a comment", "Text.\n\n<!-- note --> Important.", "text next to an HTML comment is left out of the newsroom page and every post, with all of line 8: put the comment on a line of its own", 8, 1},
		{"less than", "Inflation fell to <5% as 3 < 4.", "", 0, 0},
		{"code span", "Write `<b>` for bold.", "", 0, 0},
		{"fenced code", "```\n<div>code</div>\n```", "", 0, 0},
		{"autolink", "See <https://example.org> and <press@example.org>.", "", 0, 0},
		{"escaped", "An \\<b> is text.", "", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "---\ntitle: t\ndate: 2026-11-01T10:00:00+05:00\nlang: en\n---\n" + tt.body + "\n"
			_, probs := Parse("r.md", "r", []byte(src), Options{})
			wantWarning(t, probs, tt.want, tt.line, tt.col)
		})
	}
}

// TestRawHTMLWarnsOncePerElement checks that a pasted HTML table gives a
// line per kind of element, not one per tag.
func TestRawHTMLWarnsOncePerElement(t *testing.T) {
	body := "Figures:\n\n<table>\n<tr><td>1</td><td>2</td></tr>\n<tr><td>3</td><td>4</td></tr>\n</table>\n\nIn <b>2026</b> and <b>2027</b>, <i>so</i>.\n"
	_, probs := Parse("r.md", "r", []byte("---\ntitle: t\ndate: 2026-11-01T10:00:00+05:00\n---\n"+body), Options{})
	var got []string
	for _, p := range probs {
		got = append(got, p.Message[:strings.Index(p.Message, " is ")])
	}
	want := []string{"raw HTML <table>", "HTML tag <b>", "HTML tag <i>"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("warnings %q, want %q", got, want)
	}
}
