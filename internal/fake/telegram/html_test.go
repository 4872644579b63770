package faketg

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseHTML(t *testing.T) {
	tests := []struct {
		in, plain string
		err       string // substring of the error; "" for none
	}{
		{in: "plain", plain: "plain"},
		{in: "<b>bold</b> <strong>s</strong> <i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike><del>d</del>", plain: "bold s ieunskd"},
		{in: `<a href="https://un.org/?a=1&amp;b=2">UN</a>`, plain: "UN"},
		{in: `<a href='x'>single</a> <a href=x>bare</a>`, plain: "single bare"},
		{in: "<tg-spoiler>x</tg-spoiler><span class=\"tg-spoiler\">y</span>", plain: "xy"},
		{in: `<pre><code class="language-go">a &lt; b</code></pre>`, plain: "a < b"},
		{in: "<blockquote expandable>q</blockquote><blockquote>r</blockquote>", plain: "qr"},
		{in: "&lt;&gt;&amp;&quot; &#65;&#x42; & alone", plain: `<>&" AB & alone`},
		{in: "<B>upper</B>", plain: "upper"},
		{in: "a > b", plain: "a > b"},
		{in: "<div>x</div>", err: `Unsupported start tag "div"`},
		{in: "<br>", err: `Unsupported start tag "br"`},
		{in: "<b>open", err: `Can't find end tag corresponding to start tag "b"`},
		{in: "<b><i>x</b></i>", err: "Unmatched end tag"},
		{in: "x</b>", err: "Unexpected end tag"},
		{in: "<a>no href</a>", err: `must have attribute "href"`},
		{in: "<span>x</span>", err: `class "tg-spoiler"`},
		{in: "<blockquote><blockquote>x</blockquote></blockquote>", err: "Nested blockquotes"},
		{in: "<code><b>x</b></code>", err: "inside <code>"},
		{in: "<pre><i>x</i></pre>", err: "inside <pre>"},
		{in: "&nbsp;", err: `Unsupported HTML entity "&nbsp;"`},
		{in: "1 < 2", err: "Unclosed start tag"},
		{in: "<>", err: "Empty tag name"},
	}
	for _, tt := range tests {
		plain, err := ParseHTML(tt.in)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("ParseHTML(%q): %v", tt.in, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("ParseHTML(%q) error = %v, want %q", tt.in, err, tt.err)
		case tt.err == "" && plain != tt.plain:
			t.Errorf("ParseHTML(%q) = %q, want %q", tt.in, plain, tt.plain)
		}
		var ee *EntityError
		if err != nil && (!errors.As(err, &ee) || !strings.HasPrefix(err.Error(), "can't parse entities: ")) {
			t.Errorf("ParseHTML(%q) error %q is not Telegram's", tt.in, err)
		}
	}
}

func TestUTF16Len(t *testing.T) {
	tests := []struct {
		s string
		n int
	}{
		{"", 0}, {"abc", 3}, {"Ташкент", 7}, {"Oʻzbekiston", 11}, {"👍", 2}, {"a👍b", 4}, {"\xff", 1},
	}
	for _, tt := range tests {
		if got := UTF16Len(tt.s); got != tt.n {
			t.Errorf("UTF16Len(%q) = %d, want %d", tt.s, got, tt.n)
		}
	}
}

// FuzzParseHTML checks that the parser never panics, that accepted text
// never grows, and that escaping any plain text is always accepted and
// round-trips.
func FuzzParseHTML(f *testing.F) {
	for _, s := range []string{"<b>x</b>", "&lt;&amp;", "<a href=\"u\">l</a>", "<pre><code class=\"language-go\">x</code></pre>", "<b>", "&#x1F600;", "Ташкент 👍"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		plain, err := ParseHTML(s)
		if err == nil && utf8.ValidString(s) && len(plain) > len(s)+3*strings.Count(s, "&#") {
			t.Errorf("ParseHTML(%q) = %q grew", s, plain)
		}
		esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
		back, err := ParseHTML("<b>" + esc + "</b>")
		if err != nil {
			t.Fatalf("escaped text refused: %v", err)
		}
		if back != s {
			t.Errorf("round trip %q → %q", s, back)
		}
	})
}

func BenchmarkParseHTML(b *testing.B) {
	s := strings.Repeat(`<b>UN</b> and <a href="https://un.org">partners</a> &amp; Oʻzbekiston; `, 50)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		if _, err := ParseHTML(s); err != nil {
			b.Fatal(err)
		}
	}
}
