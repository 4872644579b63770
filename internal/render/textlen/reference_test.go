package textlen

// URL finding, X weighting and Telegram lengths as they were before they
// were tuned for speed: the straightforward code the fuzz tests below
// hold the tuned code to.

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rivo/uniseg"
	"golang.org/x/text/unicode/norm"
)

var refNamedEntities = map[string]rune{"lt": '<', "gt": '>', "amp": '&', "quot": '"'}

// refFindURLs returns the byte spans of the URLs twitter-text counts in s.
func refFindURLs(s string) []span {
	if !strings.Contains(s, ".") {
		return nil
	}
	var out []span
	for j := 0; j < len(s); {
		before, w := utf8.DecodeRuneInString(s[j:])
		m, ok := urlMatch{}, false
		if validBefore(before) {
			m, ok = matchURL(s, j+w)
		}
		start := j + w
		if !ok && j == 0 {
			before, start = 0, 0
			m, ok = matchURL(s, 0)
		}
		if !ok {
			j += w
			continue
		}
		if sp, keep := acceptURL(s, start, before, m); keep {
			out = append(out, sp)
		}
		j = m.end
	}
	return out
}

// refWeigh is XWeight with emoji parsing switchable: twitter-text v2 counted
// every code point of an emoji sequence on its own.
func refWeigh(s string, emoji bool) int {
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	urls := refFindURLs(s)
	total := 0
	for i := 0; i < len(s); {
		if len(urls) > 0 && urls[0].start == i {
			total += XURLWeight
			i = urls[0].end
			urls = urls[1:]
			continue
		}
		limit := len(s)
		if len(urls) > 0 {
			limit = urls[0].start
		}
		if s[i] < utf8.RuneSelf && (i+1 == limit || s[i+1] < utf8.RuneSelf) {
			total++ // an ASCII character that starts no longer cluster
			i++
			continue
		}
		if !emoji {
			r, w := utf8.DecodeRuneInString(s[i:])
			total += runeWeight(r)
			i += w
			continue
		}
		cluster, _, _, _ := uniseg.FirstGraphemeClusterInString(s[i:limit], -1)
		total += clusterWeight(cluster)
		i += len(cluster)
	}
	return total
}

// refTelegramLen returns the length Telegram applies to a parse_mode=HTML text
// (https://core.telegram.org/bots/api#html-style): the UTF-16 code units of
// what remains after tags are removed and the entities &lt; &gt; &amp;
// &quot; and numeric ones (&#123; &#x1F600;) are decoded. Anything else
// that looks like an entity is counted as the characters it is written with.
func refTelegramLen(html string) int {
	n := 0
	for i := 0; i < len(html); {
		switch html[i] {
		case '<':
			i = skipTag(html, i)
		case '&':
			r, w := refDecodeEntity(html[i:])
			n += utf16Units(r)
			i += w
		default:
			r, w := utf8.DecodeRuneInString(html[i:])
			n += utf16Units(r)
			i += w
		}
	}
	return n
}

// refDecodeEntity decodes the entity at the start of s ('&' first) and returns
// its code point and length; a '&' that starts no entity stands for itself.
func refDecodeEntity(s string) (rune, int) {
	end := strings.IndexByte(s, ';')
	if end < 2 || end > 12 {
		return '&', 1
	}
	name := s[1:end]
	if r, ok := refNamedEntities[name]; ok {
		return r, end + 1
	}
	if name[0] != '#' {
		return '&', 1
	}
	base, digits := 10, name[1:]
	if len(digits) > 0 && (digits[0] == 'x' || digits[0] == 'X') {
		base, digits = 16, digits[1:]
	}
	if digits == "" || strings.ContainsAny(digits, "+-") {
		return '&', 1
	}
	v, err := strconv.ParseUint(digits, base, 32)
	if err != nil {
		return '&', 1
	}
	if v > utf8.MaxRune || (v >= 0xD800 && v <= 0xDFFF) {
		return utf8.RuneError, end + 1
	}
	return rune(v), end + 1
}

// FuzzMatchesReference: URLs, weights and Telegram lengths (also with an
// early exit, also of bytes) are what the reference finds.
func FuzzMatchesReference(f *testing.F) {
	for _, s := range []string{
		"see https://example.org/path?q=1 now, www.x.co and a.b.c.uz/x",
		"👨‍👩‍👧‍👦 family 🇺🇿 flag 1️⃣ keycap a\u0301 ©️ ®x #⃣ \r\n‼️",
		"ПРООН поддерживает example.co и ţest.com é.org _a.com -b.com 1.5 млн",
		"x-http://a.com a-https://b.org/c-d_e.f.uz-g " + strings.Repeat("ab-", 100) + "x.com",
		strings.Repeat("a", 300) + ".org/x and http://" + strings.Repeat("q", 260) + ".net",
		"<b>x</b>&lt;&#x1F600;&#128512;<a href=\"a>b\">c</a>&#99999999999;&#00000065;&\xe0\xa0\x80\xed\xa0\x80\xc2",
		"故人西辞黄鹤楼，烟花三月下扬州。 «цитата» — o‘zbek",
	} {
		f.Add(s, 20)
	}
	f.Fuzz(func(t *testing.T, s string, limit int) {
		if got, want := findURLs(s), refFindURLs(s); len(got) != len(want) || (len(got) > 0 && !equalSpans(got, want)) {
			t.Fatalf("findURLs(%q) = %v, reference %v", s, got, want)
		}
		for _, emoji := range []bool{true, false} {
			if got, want := weigh(s, emoji), refWeigh(s, emoji); got != want {
				t.Fatalf("weigh(%q, %v) = %d, reference %d", s, emoji, got, want)
			}
		}
		n := TelegramLen(s)
		if want := refTelegramLen(s); n != want {
			t.Fatalf("TelegramLen(%q) = %d, reference %d", s, n, want)
		}
		for _, within := range []func() (int, bool){
			func() (int, bool) { return TelegramLenWithin(s, limit) },
			func() (int, bool) { return TelegramLenWithin([]byte(s), limit) },
		} {
			if m, ok := within(); ok != (n <= limit) || (ok && m != n) || (!ok && m <= limit) {
				t.Fatalf("TelegramLenWithin(%q, %d) = %d, %v; length %d", s, limit, m, ok, n)
			}
		}
	})
}

func equalSpans(a, b []span) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestMatchesReferenceRandom builds texts from the pieces URL finding and
// weighing care about and compares with the reference.
func TestMatchesReferenceRandom(t *testing.T) {
	pieces := []string{
		"word", "Ташкент", "o‘zbek", "中文", " ", "\n\n", ".", ",", "-", "_", "/", ":", "?", "&", "#", "@", "(", ")",
		"http://", "https://", "HTTP://", "www.", "example", ".com", ".uz", ".co", ".рф", "xn--p1ai", "127", "0", "8080",
		"é", "a\u0301", "👩‍💻", "🇺🇿", "1️⃣", "©️", "\u200d", "…", "—", "«", "»",
	}
	rng := rand.New(rand.NewPCG(5, 8))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for k := 0; k < n; k++ {
		var b strings.Builder
		for range 1 + rng.IntN(40) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		if got, want := findURLs(s), refFindURLs(s); len(got) != len(want) || (len(got) > 0 && !equalSpans(got, want)) {
			t.Fatalf("findURLs(%q) = %v, reference %v", s, got, want)
		}
		if got, want := XWeight(s), refWeigh(s, true); got != want {
			t.Fatalf("XWeight(%q) = %d, reference %d", s, got, want)
		}
	}
}

// TestTelegramLenLongTexts holds TelegramLen and TelegramLenWithin on
// long texts, where they count eight bytes at a time between tags and
// entities, to the reference.
func TestTelegramLenLongTexts(t *testing.T) {
	pieces := []string{
		"word ", "Ташкент ", "o‘zbek", "中文", "—", "\n\n", " ", "<b>", "</b>", `<a href="https://x.org/?a=1&amp;b">`,
		"</a>", "&amp;", "&lt;", "&#x1F600;", "&#1234;", "&mdash;", "&", "<", "👩‍💻", "é", "\uFFFD", "\xff", "\xd0",
		"\xe0\xa0\x80", "\xed\x9f\xbf", "\U0001F1FA\U0001F1FF", strings.Repeat("abcdefgh", 5), strings.Repeat("Юникод", 4),
	}
	rng := rand.New(rand.NewPCG(9, 4))
	for range 3000 {
		var b strings.Builder
		for range 1 + rng.IntN(200) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		n := TelegramLen(s)
		if want := refTelegramLen(s); n != want {
			t.Fatalf("TelegramLen(%q) = %d, reference %d", s, n, want)
		}
		limit := rng.IntN(n + 10)
		for _, m := range []func() (int, bool){
			func() (int, bool) { return TelegramLenWithin(s, limit) },
			func() (int, bool) { return TelegramLenWithin([]byte(s), limit) },
		} {
			if got, ok := m(); ok != (n <= limit) || (ok && got != n) || (!ok && got <= limit) {
				t.Fatalf("TelegramLenWithin(%q, %d) = %d, %v; length %d", s, limit, got, ok, n)
			}
		}
	}
}
