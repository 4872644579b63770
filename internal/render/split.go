package render

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pressbot/pressbot/internal/render/textlen"
)

// Break classes, best first: a split prefers a paragraph break, then a
// line break, then the end of a sentence, then a space between words, and
// only as a last resort a grapheme cluster boundary inside a long word.
const (
	brkGrapheme = iota
	brkWord
	brkSentence
	brkLine
	brkPara
	brkClasses
)

// openTag is one element of the stack of open tags at a point of the text.
// It is a persistent linked list, so a snapshot costs one pointer.
type openTag struct {
	name   string
	tag    string // the opening tag as written, attributes included
	parent *openTag
}

// breakAt is a place where a text may be split: the head ends at a, the
// tail starts at b (the whitespace between them is dropped).
type breakAt struct {
	a, b  int
	units int // length of s[:a]
	open  *openTag
	ok    bool
}

// splitText cuts s into parts of at most first units (the first part) and
// rest units (the others). In html mode s is Telegram HTML: tags count
// nothing, entities count as the character they stand for, characters
// count their UTF-16 code units; a part never ends inside a tag or entity,
// and tags open at a split are closed at the end of the part and opened
// again at the start of the next. In text mode every rune counts one.
func splitText(s string, first, rest int, html bool) []string {
	var parts []string
	limit := first
	for {
		head, tail, cut := cutText(s, limit, html)
		if !cut {
			return append(parts, s)
		}
		parts = append(parts, head)
		s = tail
		limit = rest
	}
}

// cutText returns the longest good head of s within limit units and the
// tail that carries on; cut is false when all of s fits.
func cutText(s string, limit int, html bool) (head, tail string, cut bool) {
	if len(s) <= limit || measure(s, html) <= limit {
		return s, "", false // no character takes less than one byte
	}
	best, over := scanBreaks(s, limit, html)
	if !over {
		return s, "", false
	}
	br := chooseBreak(best, limit)
	if !br.ok {
		// Not even one grapheme fits: impossible for Telegram's limits;
		// fall back to a hard cut after the first rune.
		_, n := utf8.DecodeRuneInString(s)
		br = breakAt{a: n, b: n, ok: true}
	}
	head, tail = s[:br.a], s[br.b:]
	if br.open != nil {
		head, tail = closeAndReopen(head, tail, br.open)
	}
	return head, tail, true
}

// chooseBreak picks the best class whose last break leaves the part at
// least half full; failing that, the latest break between words (or
// better); a word is cut between grapheme clusters only when the text has
// no other break at all.
func chooseBreak(best [brkClasses]breakAt, limit int) breakAt {
	for c := brkClasses - 1; c >= brkWord; c-- {
		if best[c].ok && best[c].units*2 >= limit {
			return best[c]
		}
	}
	var late breakAt
	for _, br := range best[brkWord:] {
		if br.ok && br.a > late.a {
			late = br
		}
	}
	if late.ok {
		return late
	}
	return best[brkGrapheme]
}

// scanner walks s and records the last break of each class that keeps the
// head within the limit.
type scanner struct {
	s     string
	html  bool
	limit int
	units int
	open  *openTag
	pre   int // depth of <pre>
	prev  rune
	prev2 rune
	ris   int // regional indicators in a row (flag pairs)
	best  [brkClasses]breakAt
	// The last cluster boundary before an ASCII character, recorded
	// cheaply and committed to best when the run of ASCII ends.
	asciiAt, asciiUnits int
	asciiOpen           *openTag
}

// scanBreaks returns the best breaks and whether s exceeds limit.
func scanBreaks(s string, limit int, html bool) ([brkClasses]breakAt, bool) {
	sc := &scanner{s: s, html: html, limit: limit}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case html && c == '<':
			i = sc.tag(i)
			continue
		case c == ' ' || c == '\n' || c == '\t':
			j := sc.space(i)
			if sc.units > limit {
				return sc.best, true
			}
			i = j
			continue
		}
		if c < 0x80 && c != '&' {
			// ASCII: one unit, and a cluster boundary before it (but
			// after a joiner). Only the boundary where the text overflows
			// is worth recording; earlier ones would be overwritten.
			if sc.prev != 0x200D {
				sc.asciiAt, sc.asciiUnits, sc.asciiOpen = i, sc.units, sc.open
			}
			if sc.units+1 > limit {
				sc.commitASCII()
				return sc.best, true
			}
			sc.units++
			sc.prev2, sc.prev, sc.ris = sc.prev, rune(c), 0
			i++
			continue
		}
		sc.commitASCII()
		r, n, u := sc.char(i)
		sc.grapheme(i, r)
		if sc.units+u > limit {
			return sc.best, true
		}
		sc.units += u
		sc.prev2, sc.prev = sc.prev, r
		i += n
		if r == '。' || r == '！' || r == '？' {
			sc.mark(brkSentence, i, i)
		}
	}
	return sc.best, false
}

// commitASCII records the pending boundary before an ASCII character.
func (sc *scanner) commitASCII() {
	if sc.asciiAt > 0 && sc.asciiUnits > 0 {
		sc.best[brkGrapheme] = breakAt{a: sc.asciiAt, b: sc.asciiAt, units: sc.asciiUnits, open: sc.asciiOpen, ok: true}
	}
	sc.asciiAt = 0
}

// mark records a break of class c.
func (sc *scanner) mark(c, a, b int) {
	if a == 0 || sc.units == 0 {
		return
	}
	sc.best[c] = breakAt{a: a, b: b, units: sc.units, open: sc.open, ok: true}
}

// char decodes the character at s[i] (an entity in html mode) and returns
// it, the bytes it takes and its units.
func (sc *scanner) char(i int) (rune, int, int) {
	if sc.html && sc.s[i] == '&' {
		if r, n := entityRune(sc.s[i:]); n > 0 {
			return r, n, utf16Units(r)
		}
	}
	r, n := utf8.DecodeRuneInString(sc.s[i:])
	if sc.html {
		return r, n, utf16Units(r)
	}
	return r, n, 1
}

// grapheme records a grapheme boundary before the rune r at s[i] unless r
// continues the cluster before it (combining mark, joiner, variation
// selector, emoji modifier or tag, second half of a flag).
func (sc *scanner) grapheme(i int, r rune) {
	ri := r >= 0x1F1E6 && r <= 0x1F1FF
	joins := sc.prev == 0x200D || extends(r) || (ri && sc.ris%2 == 1)
	if ri {
		sc.ris++
	} else {
		sc.ris = 0
	}
	if !joins {
		sc.mark(brkGrapheme, i, i)
	}
}

// space handles the whitespace run at s[i] and returns where it ends.
func (sc *scanner) space(i int) int {
	if sc.pre > 0 {
		// Inside <pre> whitespace is content: break after a newline only
		// (dropping it) or after a space (keeping it).
		c := sc.s[i]
		if c == '\n' {
			cls := brkLine
			if i+1 < len(sc.s) && sc.s[i+1] == '\n' {
				cls = brkPara
			}
			sc.mark(cls, i, i+1)
			sc.units++
		} else if sc.units++; sc.units <= sc.limit {
			sc.mark(brkWord, i+1, i+1)
		}
		sc.prev2, sc.prev = sc.prev, rune(c)
		return i + 1
	}
	j, nl := i, 0
	for j < len(sc.s) && (sc.s[j] == ' ' || sc.s[j] == '\n' || sc.s[j] == '\t') {
		if sc.s[j] == '\n' {
			nl++
		}
		j++
	}
	if j < len(sc.s) && continues(sc.s[j:]) {
		// " 🏼": a modifier or mark after a space belongs to the space's
		// cluster; keep them together rather than orphan the mark.
		sc.units += j - i
		sc.prev2, sc.prev, sc.ris = sc.prev, ' ', 0
		return j
	}
	cls := brkWord
	switch {
	case nl >= 2:
		cls = brkPara
	case nl == 1:
		cls = brkLine
	case sentenceEnd(sc.prev, sc.prev2):
		cls = brkSentence
	}
	sc.mark(cls, i, j)
	sc.units += j - i
	sc.prev2, sc.prev, sc.ris = sc.prev, ' ', 0
	return j
}

// sentenceEnd reports whether the text so far ends a sentence: a full
// stop, question or exclamation mark or ellipsis, maybe followed by a
// closing quote or bracket.
func sentenceEnd(prev, prev2 rune) bool {
	if strings.ContainsRune(`"'”’»)]`, prev) {
		prev = prev2
	}
	return strings.ContainsRune(".!?…", prev)
}

// tag handles the tag at s[i] and returns where it ends.
func (sc *scanner) tag(i int) int {
	end := strings.IndexByte(sc.s[i:], '>')
	if end < 0 {
		return len(sc.s)
	}
	t := sc.s[i : i+end+1]
	name := tagName(t)
	if strings.HasPrefix(t, "</") {
		if sc.open != nil {
			if sc.open.name == "pre" {
				sc.pre--
			}
			sc.open = sc.open.parent
		}
	} else {
		sc.open = &openTag{name: name, tag: t, parent: sc.open}
		if name == "pre" {
			sc.pre++
		}
	}
	return i + end + 1
}

// tagName returns the lower-case element name of a tag.
func tagName(t string) string {
	t = strings.TrimPrefix(strings.TrimPrefix(t, "<"), "/")
	end := strings.IndexAny(t, " \t\n/>")
	if end < 0 {
		end = len(t)
	}
	return strings.ToLower(t[:end])
}

// closeAndReopen closes the open tags at the end of head and opens them
// again at the start of tail, dropping pairs left empty by the split.
func closeAndReopen(head, tail string, open *openTag) (string, string) {
	var stack []*openTag
	for t := open; t != nil; t = t.parent {
		stack = append(stack, t) // innermost first
	}
	var h strings.Builder
	h.WriteString(head)
	for _, t := range stack {
		h.WriteString("</" + t.name + ">")
	}
	var tl strings.Builder
	for k := len(stack) - 1; k >= 0; k-- {
		tl.WriteString(stack[k].tag)
	}
	tl.WriteString(tail)
	return dropEmptyPairs(h.String(), false), dropEmptyPairs(tl.String(), true)
}

// dropEmptyPairs removes "<x ...></x>" left at the end of a head (or, with
// atStart, right after the reopened tags at the start of a tail).
func dropEmptyPairs(s string, atStart bool) string {
	for {
		var i, j int
		if atStart {
			i, j = emptyPairAfterOpens(s)
		} else {
			i, j = emptyPairAtEnd(s)
		}
		if i < 0 {
			return s
		}
		s = s[:i] + s[j:]
	}
}

// emptyPairAtEnd finds an empty element at the end of s.
func emptyPairAtEnd(s string) (int, int) {
	if !strings.HasSuffix(s, ">") {
		return -1, -1
	}
	c := strings.LastIndex(s, "</")
	if c <= 0 || s[c-1] != '>' {
		return -1, -1
	}
	o := strings.LastIndexByte(s[:c], '<')
	if o < 0 || strings.HasPrefix(s[o:], "</") || tagName(s[o:c]) != tagName(s[c:]) {
		return -1, -1
	}
	return o, len(s)
}

// emptyPairAfterOpens finds an empty element among the opening tags at
// the start of s.
func emptyPairAfterOpens(s string) (int, int) {
	i := 0
	for strings.HasPrefix(s[i:], "<") && !strings.HasPrefix(s[i:], "</") {
		end := strings.IndexByte(s[i:], '>')
		if end < 0 {
			return -1, -1
		}
		next := i + end + 1
		if strings.HasPrefix(s[next:], "</") {
			ce := strings.IndexByte(s[next:], '>')
			if ce > 0 && tagName(s[next:next+ce+1]) == tagName(s[i:next]) {
				return i, next + ce + 1
			}
			return -1, -1
		}
		i = next
	}
	return -1, -1
}

// entityRune decodes the character reference at the start of s the way
// Telegram does (the four named entities and numeric ones); n is 0 when s
// starts with none.
func entityRune(s string) (rune, int) {
	for _, e := range [...]struct {
		name string
		r    rune
	}{{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}} {
		if strings.HasPrefix(s, e.name) {
			return e.r, len(e.name)
		}
	}
	if r, _, n := entityAt([]byte(s[:min(len(s), 12)])); n > 0 && strings.HasPrefix(s, "&#") {
		return r, n
	}
	return 0, 0
}

// utf16Units returns how many UTF-16 code units r takes.
func utf16Units(r rune) int {
	if r > 0xFFFF {
		return 2
	}
	return 1
}

// extends reports whether r never starts a grapheme cluster: a combining
// mark, joiner, variation selector, keycap, emoji modifier, tag or
// non-initial Hangul jamo. (A cluster longer than a whole message, such
// as a letter with thousands of marks, is still cut: there is no other
// way to send it.)
func extends(r rune) bool {
	if r < 0x300 {
		return false
	}
	return r == 0x200D || r == 0x20E3 || (r >= 0xFE00 && r <= 0xFE0F) ||
		(r >= 0x1F3FB && r <= 0x1F3FF) || (r >= 0xE0020 && r <= 0xE007F) ||
		(r >= 0x1160 && r <= 0x11FF) || (r >= 0xD7B0 && r <= 0xD7FF) || // Hangul vowel and final jamo
		unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc)
}

// continues reports whether s starts with a character that extends the
// cluster before it.
func continues(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return extends(r)
}

// measure is the length of s as its platform counts it.
func measure(s string, html bool) int {
	if len(s) <= 1 {
		return len(s)
	}
	if html {
		return textlen.TelegramLen(s)
	}
	return utf8.RuneCountInString(s)
}
