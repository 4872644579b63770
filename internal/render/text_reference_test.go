package render

// Text escaping and hashtags as they were before they were tuned for
// speed, the reference the fuzz tests below hold the tuned code to.

import (
	"bytes"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/util"
)

// refAppendEscaped appends s with &, <, > and " escaped and NUL replaced.
func refAppendEscaped(dst, s []byte) []byte {
	last := 0
	for i, c := range s {
		if e := util.EscapeHTMLByte(c); e != nil {
			dst = append(dst, s[last:i]...)
			dst = append(dst, e...)
			last = i + 1
		} else if c == 0 {
			dst = append(dst, s[last:i]...)
			dst = append(dst, "\uFFFD"...)
			last = i + 1
		}
	}
	return append(dst, s[last:]...)
}

// refAppendEscapedString is refAppendEscaped for a string.
func refAppendEscapedString(dst []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		if e := util.EscapeHTMLByte(s[i]); e != nil {
			dst = append(dst, s[last:i]...)
			dst = append(dst, e...)
			last = i + 1
		}
	}
	return append(dst, s[last:]...)
}

// refEscapeHTML returns s with &, <, > and " escaped.
func refEscapeHTML(s string) string {
	if !strings.ContainsAny(s, `&<>"`) {
		return s
	}
	return string(refAppendEscapedString(nil, s))
}

// refAppendResolved appends Markdown source text with backslash escapes,
// named (HTML5) and numeric character references resolved, in one pass as
// CommonMark reads them; escaped for HTML when esc is true.
func refAppendResolved(dst, src []byte, esc bool) []byte {
	put := func(dst, s []byte) []byte {
		if esc {
			return refAppendEscaped(dst, s)
		}
		return append(dst, s...)
	}
	last := 0
	for i := 0; i < len(src); i++ {
		switch c := src[i]; {
		case c == '\\' && i+1 < len(src) && util.IsPunct(src[i+1]):
			dst = put(dst, src[last:i])
			last = i + 1
			i++ // the escaped character is written literally
		case c == 0:
			dst = put(dst, src[last:i])
			dst = append(dst, "\uFFFD"...)
			last = i + 1
		case c == '&':
			r, chars, n := entityAt(src[i:])
			if n == 0 {
				continue
			}
			dst = put(dst, src[last:i])
			if chars != nil {
				dst = put(dst, chars)
			} else {
				dst = put(dst, utf8.AppendRune(nil, r))
			}
			last = i + n
			i += n - 1
		}
	}
	return put(dst, src[last:])
}

// refHashtag turns a tag into a hashtag: words are joined in CamelCase
// ("gender-equality" → "#GenderEquality", "Aral Sea" → "#AralSea"), or
// with "_" in scripts without case; apostrophes vanish inside a word
// ("ta’lim" → "#Talim") and other non-letters separate words. Digits stay
// ("COVID-19" → "#COVID19"). It returns "" for a tag with no letter.
func refHashtag(tag string) string {
	var b strings.Builder
	letter, prevCased := false, false
	for i, word := range refHashtagWords(tag) {
		r := []rune(word)
		// Digits join like cased letters: "COVID-19" → "COVID19".
		cased := unicode.IsDigit(r[0]) || unicode.ToUpper(r[0]) != unicode.ToLower(r[0])
		if i > 0 && !(cased && prevCased) {
			b.WriteByte('_')
		}
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
		prevCased = cased
		for _, c := range r {
			letter = letter || unicode.IsLetter(c)
		}
	}
	if !letter {
		return ""
	}
	return "#" + b.String()
}

// refHashtagWords splits a tag into runs of letters, marks and digits;
// apostrophe-like characters are dropped without splitting.
func refHashtagWords(tag string) []string {
	var out []string
	var cur []rune
	for _, r := range tag {
		switch {
		case strings.ContainsRune("'’‘ʻʼ`´", r):
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			cur = append(cur, r)
		default:
			if len(cur) > 0 {
				out = append(out, string(cur))
				cur = cur[:0]
			}
		}
	}
	if len(cur) > 0 {
		out = append(out, string(cur))
	}
	return out
}

// refHashtags returns the distinct refHashtags of tags, in order.
func refHashtags(tags []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range tags {
		h := refHashtag(t)
		if h != "" && !seen[strings.ToLower(h)] {
			seen[strings.ToLower(h)] = true
			out = append(out, h)
		}
	}
	return out
}

// FuzzTextMatchesReference: resolving and escaping text, runs copied
// whole or not, for one profile or both at once, write what the
// reference writes.
func FuzzTextMatchesReference(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Add([]byte("\\<\\&\\\\&amp;&#0;\x00&lt;&bogus; &quot; \"<>" + strings.Repeat("long run of text without specials ", 4) + "&copy;\\*"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, esc := range []bool{false, true} {
			if got, want := appendResolved(nil, b, esc), refAppendResolved(nil, b, esc); !bytes.Equal(got, want) {
				t.Fatalf("appendResolved(%q, %v) = %q, want %q", b, esc, got, want)
			}
		}
		html, plain := appendResolvedBoth([]byte("<"), []byte(">"), b)
		if want := refAppendResolved([]byte("<"), b, true); !bytes.Equal(html, want) {
			t.Fatalf("appendResolvedBoth(%q): HTML %q, want %q", b, html, want)
		}
		if want := refAppendResolved([]byte(">"), b, false); !bytes.Equal(plain, want) {
			t.Fatalf("appendResolvedBoth(%q): plain %q, want %q", b, plain, want)
		}
		if got, want := appendEscaped(nil, b), refAppendEscaped(nil, b); !bytes.Equal(got, want) {
			t.Fatalf("appendEscaped(%q) = %q, want %q", b, got, want)
		}
		if got, want := escapeHTML(string(b)), refEscapeHTML(string(b)); got != want {
			t.Fatalf("escapeHTML(%q) = %q, want %q", b, got, want)
		}
	})
}

// fuzzTags is the cache FuzzHashtagMatchesReference fills.
var fuzzTags hashtagCache

// FuzzHashtagMatchesReference: hashtags as the reference makes them,
// and from a cache.
func FuzzHashtagMatchesReference(f *testing.F) {
	for _, s := range []string{"climate", "gender-equality", "COVID-19", "sog‘liqni saqlash", "ta’lim", "中文 标签", "2030", "\u0301abc def", "ǅx", "İ i I", "Σσς", "'a'b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Hashtag(s), refHashtag(s); got != want {
			t.Fatalf("Hashtag(%q) = %q, want %q", s, got, want)
		}
		tags := strings.Fields(s)
		if got, want := hashtags(tags), refHashtags(tags); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("hashtags(%q) = %q, want %q", tags, got, want)
		}
		for range 2 { // made, then from the cache
			if got, want := fuzzTags.hashtags(tags), refHashtags(tags); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Fatalf("cached hashtags(%q) = %q, want %q", tags, got, want)
			}
		}
	})
}
