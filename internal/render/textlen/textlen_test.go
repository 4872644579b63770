package textlen

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestUTF16Len(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"Ташкент", 7},
		{"o‘zbek", 6},
		{"中文", 2},
		{"😀", 2},
		{"👨‍👩‍👧‍👦", 11}, // four astral people and three ZWJ
		{"🇺🇿", 4},
		{"\xff", 1}, // an invalid byte is one replacement character
	}
	for _, tt := range tests {
		if got := UTF16Len(tt.in); got != tt.want {
			t.Errorf("UTF16Len(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestTelegramLen(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"plain", 5},
		{"<b>bold</b>", 4},
		{`<a href="https://example.com/?a=1&amp;b=2">link</a>`, 4},
		{`<a href="x>y">z</a>`, 1}, // '>' inside a quoted attribute
		{`<pre><code class="language-go">a &lt; b</code></pre>`, 5},
		{"&lt;&gt;&amp;&quot;", 4},
		{"&#60;&#x3C;&#X3c;", 3},
		{"&#128512;", 2},    // 😀 decimal: astral, two units
		{"&#x1F600;", 2},    // 😀 hex
		{"😀", 2},            // literal astral
		{"&nbsp;", 6},       // not an entity Telegram knows: counted as written
		{"AT&T", 4},         // bare ampersand
		{"&#;", 3},          // empty numeric entity
		{"&#xD800;", 1},     // surrogate: one replacement character
		{"a\nb", 3},         // newlines count
		{"a<b unclosed", 1}, // an unclosed tag swallows the rest
		{"<tg-spoiler>Ташкент</tg-spoiler>", 7},
	}
	for _, tt := range tests {
		if got := TelegramLen(tt.in); got != tt.want {
			t.Errorf("TelegramLen(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestXWeight(t *testing.T) {
	long := "https://example.com/" + strings.Repeat("a", 2000)
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"hello", 5},
		{"Ташкент", 7},                   // Cyrillic is below U+10FF
		{"O‘zbekiston", 11},              // U+2018 is in a light range
		{"Oʻzbekiston", 11},              // U+02BB too
		{"中文", 4},                        // CJK weighs 2
		{"…", 2},                         // U+2026 is outside the light ranges
		{"example.com", 23},              // bare domain
		{"see example.com.", 4 + 23 + 1}, // the full stop is not part of the URL
		{"bit.ly/x", 23},                 // ccTLD with a path
		{"ab.uz", 5},                     // ccTLD without path is no URL
		{"t.co", 23},                     // except .co and .tv
		{"report.pdf", 10},               // not a TLD
		{"https://un.org/en/", 23},       // scheme
		{long, 23},                       // long URL
		{"(https://example.com/a_(b))", 1 + 23 + 1},
		{"mail@example.com", 16}, // no URL right after '@'
		{"x.com@y", 7},           // TLD followed by '@' is no TLD
		{"👍🏽", 2},                // skin tone
		{"🇺🇿🇰🇿", 4},              // two flags
		{"1️⃣", 2},               // keycap with VS16
		{"©", 1},                 // text-style copyright sign
		{"©️", 2},                // emoji-style
		{"👩‍💻 done", 2 + 5},      // ZWJ sequence
		{"e\u0301", 1},           // NFC composes é
	}
	for _, tt := range tests {
		if got := XWeight(tt.in); got != tt.want {
			t.Errorf("XWeight(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestCutX(t *testing.T) {
	url := "https://example.org/" + strings.Repeat("p", 100)
	family := "👨‍👩‍👧‍👦"
	tests := []struct {
		name       string
		in         string
		max        int
		head, rest string
	}{
		{"fits", "short text", 280, "short text", ""},
		{"exact fit without ellipsis", "abcde", 5, "abcde", ""},
		// "one two…" weighs 9: the longest head that fits in 9.
		{"word boundary", "one two three", 9, "one two", "three"},
		{"one below", "one two three", 8, "one", "two three"},
		{"whitespace run skipped", "one two   three four", 17, "one two   three", "four"},
		{"newline", "alpha\nbeta gamma", 12, "alpha\nbeta", "gamma"},
		// The URL weighs 23: "see …" 6, "see URL…" 29.
		{"URL kept whole", "see " + url + " now", 28, "see", url + " now"},
		{"URL fits", "see " + url + " now", 29, "see " + url, "now"},
		// A word too long for max falls back to grapheme clusters.
		{"grapheme fallback", "abcdefghij", 6, "abcd", "efghij"},
		{"CJK without spaces", "故人西辞黄鹤楼", 8, "故人西", "辞黄鹤楼"},
		{"ZWJ sequence whole", family + family + family + family, 6, family + family, family + family},
		{"flag whole", "🇺🇿🇺🇿🇺🇿", 5, "🇺🇿", "🇺🇿🇺🇿"},
		{"URL inside a long word", "xx(" + url + ").", 27, "xx(", url + ")."},
		{"no URL after a letter", "xxhttps://a.org/pppp", 6, "xxht", "tps://a.org/pppp"},
		{"nothing fits", "abc def", 2, "", "abc def"},
		{"leading space, nothing fits", "  abc", 2, "", "abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head, rest := CutX(tt.in, tt.max)
			if head != tt.head || rest != tt.rest {
				t.Fatalf("CutX(%q, %d) = %q, %q; want %q, %q", tt.in, tt.max, head, rest, tt.head, tt.rest)
			}
			checkCut(t, tt.in, tt.max, head, rest)
		})
	}
}

// checkCut asserts the invariants of CutX.
func checkCut(t *testing.T, s string, max int, head, rest string) {
	t.Helper()
	if rest == "" {
		// Nothing left out but perhaps trailing whitespace.
		if head != s && head != strings.TrimRightFunc(s, unicode.IsSpace) || XWeight(head) > max {
			t.Fatalf("CutX(%q, %d): rest empty but head %q", s, max, head)
		}
		return
	}
	if !strings.HasPrefix(s, head) || !strings.HasSuffix(s, rest) || len(head)+len(rest) > len(s) {
		t.Fatalf("CutX(%q, %d) = %q, %q: not a split of the input", s, max, head, rest)
	}
	gap := s[len(head) : len(s)-len(rest)]
	if strings.TrimFunc(gap, unicode.IsSpace) != "" {
		t.Fatalf("CutX(%q, %d): %q dropped at the cut", s, max, gap)
	}
	if head != "" {
		if w := XWeight(head + Ellipsis); w > max {
			t.Fatalf("CutX(%q, %d): head+… weighs %d", s, max, w)
		}
		if r, _ := utf8.DecodeLastRuneInString(head); unicode.IsSpace(r) {
			t.Fatalf("CutX(%q, %d): head %q ends in whitespace", s, max, head)
		}
	}
	if r, _ := utf8.DecodeRuneInString(rest); gap != "" && unicode.IsSpace(r) {
		t.Fatalf("CutX(%q, %d): rest %q starts with whitespace", s, max, rest)
	}
	for _, u := range findURLs(s) {
		if len(head) > u.start && len(head) < u.end {
			t.Fatalf("CutX(%q, %d): cut inside URL %q", s, max, s[u.start:u.end])
		}
	}
}

func FuzzCutX(f *testing.F) {
	seeds := []string{
		"one two three",
		"see https://example.org/path?q=1 now and then",
		"👨‍👩‍👧‍👦 family 🇺🇿 flag 1️⃣ keycap",
		"故人西辞黄鹤楼，烟花三月下扬州。",
		"Toshkent shahrida o‘tkazilgan forum example.com/x",
		strings.Repeat("word ", 80),
		"  leading and trailing  ",
	}
	for _, s := range seeds {
		f.Add(s, 20)
		f.Add(s, 280)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		if !utf8.ValidString(s) || max < 0 || max > 1000 {
			t.Skip()
		}
		head, rest := CutX(s, max)
		checkCut(t, s, max, head, rest)
	})
}

func FuzzTelegramLen(f *testing.F) {
	for _, s := range []string{"<b>x</b>", "&lt;&#x1F600;&#128512;", "<a href=\"a>b\">c</a>", "&#99999999999;", "&", "<"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := TelegramLen(s)
		if n < 0 || n > 2*len(s) {
			t.Fatalf("TelegramLen(%q) = %d", s, n)
		}
		if !strings.ContainsAny(s, "<&") && n != UTF16Len(s) {
			t.Fatalf("TelegramLen(%q) = %d, UTF16Len %d", s, n, UTF16Len(s))
		}
	})
}

// benchText is a press-release paragraph with a link, Uzbek and Russian text and emoji.
var benchText = strings.Repeat("The UN Regional Centre in Tashkent (https://unrcca.unmissions.org/) hosted a forum "+
	"on water security. Toshkentda o‘tkazilgan forum 🇺🇿. В Ташкенте прошёл форум 👩‍💻. ", 4)

func BenchmarkXWeight(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	for b.Loop() {
		XWeight(benchText)
	}
}

func BenchmarkTelegramLen(b *testing.B) {
	html := strings.Repeat("<b>Tashkent</b>, <i>12 May</i> &mdash; &lt;UN&gt; &#x1F600; "+benchText, 10)
	b.SetBytes(int64(len(html)))
	for b.Loop() {
		TelegramLen(html)
	}
}

func BenchmarkCutX(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	for b.Loop() {
		CutX(benchText, XMaxWeight)
	}
}
