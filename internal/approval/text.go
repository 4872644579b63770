package approval

import (
	"fmt"
	"html"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxText is Telegram's limit on a message's text, in UTF-16 code units
// after entity parsing (https://core.telegram.org/bots/api#sendmessage).
const MaxText = 4096

// esc escapes s for parse_mode=HTML: Telegram decodes only &lt; &gt; &amp;
// and &quot;, which are all html.EscapeString makes apart from &#39;, which
// Telegram reads as a numeric entity.
func esc(s string) string { return html.EscapeString(s) }

// units returns the length of s in UTF-16 code units, as Telegram counts.
func units(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// cutUnits returns the longest prefix of s of at most max UTF-16 units,
// cut at a rune boundary, preferring the last line or word break in its
// final fifth, with "…" appended when s was cut.
func cutUnits(s string, max int) string {
	if units(s) <= max {
		return s
	}
	if max <= 1 {
		return "…"
	}
	n, end := 0, 0
	for i, r := range s {
		w := utf16.RuneLen(r)
		if n+w > max-1 {
			break
		}
		n += w
		end = i + utf8.RuneLen(r)
	}
	head := s[:end]
	if i := strings.LastIndexAny(head, "\n "); i > len(head)*4/5 {
		head = head[:i]
	}
	return strings.TrimRight(head, " \n") + "…"
}

// msg builds a parse_mode=HTML message from fixed markup and plain-text
// pieces, and cuts its quotes so that the whole fits in MaxText units.
type msg struct {
	segs []seg
}

// seg is a piece of a message: markup (no visible length), escaped plain
// text, or the plain text of an expandable quote that may be shortened.
type seg struct {
	html  string
	text  string
	quote bool
}

// tag appends markup written by us (tags and already escaped text).
func (m *msg) tag(s string) *msg { m.segs = append(m.segs, seg{html: s}); return m }

// text appends plain text, escaped.
func (m *msg) text(s string) *msg { m.segs = append(m.segs, seg{text: s}); return m }

// bold appends plain text in <b>.
func (m *msg) bold(s string) *msg { return m.tag("<b>").text(s).tag("</b>") }

// code appends plain text in <code>.
func (m *msg) code(s string) *msg { return m.tag("<code>").text(s).tag("</code>") }

// link appends an <a href> with plain text label.
func (m *msg) link(href, label string) *msg {
	return m.tag(`<a href="` + esc(href) + `">`).text(label).tag("</a>")
}

// quote appends an expandable blockquote of plain text, which String may
// shorten.
func (m *msg) quote(s string) *msg {
	m.segs = append(m.segs, seg{text: s, quote: true})
	return m
}

// visible returns the visible length of markup written by tag: our markup
// only ever holds escaped text and tags, so this counts text outside tags
// and decodes the four entities.
func visible(s string) int {
	n, in := 0, false
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '<':
			in = true
		case r == '>' && in:
			in = false
		case in:
		case r == '&':
			if j := strings.IndexByte(s[i:], ';'); j > 0 {
				w = j + 1
			}
			n++
		default:
			n += utf16.RuneLen(r)
		}
		i += w
	}
	return n
}

// String returns the message's HTML, shortening the quotes (longest first
// to the same share) so that the visible text stays within limit units.
func (m *msg) String(limit int) string {
	fixed := 0
	var quotes []int
	for i, s := range m.segs {
		switch {
		case s.quote:
			quotes = append(quotes, i)
		case s.html != "":
			fixed += visible(s.html)
		default:
			fixed += units(s.text)
		}
	}
	budget := fill(m.segs, quotes, limit-fixed-2*len(quotes))
	var b strings.Builder
	for i, s := range m.segs {
		switch {
		case s.quote:
			b.WriteString("<blockquote expandable>")
			b.WriteString(esc(cutUnits(s.text, budget[i])))
			b.WriteString("</blockquote>")
		case s.html != "":
			b.WriteString(s.html)
		default:
			b.WriteString(esc(s.text))
		}
	}
	out := b.String()
	if fixed > limit {
		// Only a pathological header gets here: keep it valid HTML by
		// dropping the markup.
		plain := make([]string, 0, len(m.segs))
		for _, s := range m.segs {
			if s.html == "" {
				plain = append(plain, s.text)
			}
		}
		return esc(cutUnits(strings.Join(plain, ""), limit))
	}
	return out
}

// fill shares budget among the quotes: short quotes keep their length and
// the rest is split evenly among the longer ones.
func fill(segs []seg, quotes []int, budget int) map[int]int {
	out := map[int]int{}
	left := quotes
	for len(left) > 0 {
		share := max(budget, 0) / len(left)
		var long []int
		for _, i := range left {
			if n := units(segs[i].text); n <= share {
				out[i] = n
				budget -= n
			} else {
				long = append(long, i)
			}
		}
		if len(long) == len(left) {
			for _, i := range long {
				out[i] = max(share, 1)
			}
			break
		}
		left = long
	}
	return out
}

// plural writes n and one when n is 1, else n and many:
// plural(2, "post is", "posts are") is "2 posts are".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
