package render

import (
	"strings"
	"testing"

	"github.com/pressbot/pressbot/internal/render/textlen"
)

func TestSplitText(t *testing.T) {
	para := strings.Repeat("Word word word. ", 8) // 128 units
	tests := []struct {
		name  string
		in    string
		limit int
		want  []string
	}{
		{"fits", "<b>short</b>", 10, []string{"<b>short</b>"}},
		{"paragraph first", "aaaa bbbb.\n\ncccc dddd", 16, []string{"aaaa bbbb.", "cccc dddd"}},
		{"sentence before word", "Aaa bbb. Ccc ddd eee", 16, []string{"Aaa bbb.", "Ccc ddd eee"}},
		{"word", "aaaa bbbb cccc dddd", 12, []string{"aaaa bbbb", "cccc dddd"}},
		{"reopen bold", "<b>aaaa bbbb cccc</b> d", 10, []string{"<b>aaaa bbbb</b>", "<b>cccc</b> d"}},
		{"reopen link", `<a href="https://x.org/?a=1&amp;b=2">aaaa bbbb cccc</a>`, 10,
			[]string{`<a href="https://x.org/?a=1&amp;b=2">aaaa bbbb</a>`, `<a href="https://x.org/?a=1&amp;b=2">cccc</a>`}},
		{"reopen pre code", "<pre><code class=\"language-go\">a := 1\nb := 2\nc := 3</code></pre>", 14,
			[]string{"<pre><code class=\"language-go\">a := 1\nb := 2</code></pre>", "<pre><code class=\"language-go\">c := 3</code></pre>"}},
		{"entity atomic", "aaaaaaaa&amp;&amp;&amp;bb", 10, []string{"aaaaaaaa&amp;&amp;", "&amp;bb"}},
		{"no empty pair", "aaaa bbbb <i>cccc</i>", 10, []string{"aaaa bbbb", "<i>cccc</i>"}},
		{"zwj emoji kept whole", "👩‍💻👩‍💻👩‍💻", 7, []string{"👩‍💻", "👩‍💻", "👩‍💻"}},
		{"flags kept whole", "🇺🇿🇰🇿🇰🇬", 5, []string{"🇺🇿", "🇰🇿", "🇰🇬"}},
		{"combining mark kept", "e\u0301e\u0301e\u0301", 3, []string{"e\u0301", "e\u0301", "e\u0301"}},
		{"half-full rule", "ab\n\n" + para, 100, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := splitText(tt.in, tt.limit, tt.limit, true)
			for i, p := range got {
				if n := textlen.TelegramLen(p); n > tt.limit {
					t.Errorf("part %d has %d units, over %d: %q", i+1, n, tt.limit, p)
				}
				if err := ValidateTelegramHTML(p); err != nil {
					t.Errorf("part %d: %v", i+1, err)
				}
			}
			if tt.want == nil {
				// A paragraph break two units in would leave a tiny part:
				// the split falls at a sentence far later instead.
				if len(got) < 2 || textlen.TelegramLen(got[0]) < 50 {
					t.Errorf("first part too short: %q", got)
				}
				return
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestSplitPlainText(t *testing.T) {
	got := splitText("один два три четыре", 9, 9, false)
	want := []string{"один два", "три", "четыре"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}
