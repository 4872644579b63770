package render

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/pressbot/pressbot/internal/render/textlen"
	"github.com/pressbot/pressbot/internal/utf8fast"
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
	up     int // index of parent in the scanner's tags (-1: none)
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
	parts, _ := splitMeasured(s, first, rest, html, false)
	return parts
}

// splitMeasured is splitText that also returns the length of each part
// where measuring it was part of the work (-1 where it was not). Most
// texts fit in one part and are measured once, with no break scanning;
// a part cut from a longer text has the length the scan counted.
//
// valid says that s is valid UTF-8, which is then measured without
// validating it.
func splitMeasured(s string, first, rest int, html, valid bool) (parts []string, units []int) {
	limit := first
	for {
		head, tail, cut, n := cutText(s, limit, html, valid)
		if !cut {
			return append(parts, s), append(units, n)
		}
		parts, units = append(parts, head), append(units, n)
		if tail == "" {
			// Only the space after the last word was left: no part of
			// nothing (Telegram refuses an empty message).
			return parts, units
		}
		s = tail
		limit = rest
	}
}

// cutText returns the longest good head of s within limit units and the
// tail that carries on; cut is false when all of s fits. units is the
// length of what is returned first (all of s, or the head) when it is
// known without measuring again, else -1.
func cutText(s string, limit int, html, valid bool) (head, tail string, cut bool, units int) {
	if len(s) <= limit {
		return s, "", false, -1 // no character takes less than one byte
	}
	// A text that likely fits is measured; one that likely does not is
	// scanned for breaks straight away. When the scan counted as the
	// platform counts (exact), its verdict and count are the platform's;
	// otherwise it takes the measure to cut, as it always did.
	measured := likelyFits(s, limit)
	if measured {
		if n, ok := measureWithin(s, limit, html, valid); ok {
			return s, "", false, n
		}
	}
	arena := tagArenas.Get().(*[]openTag)
	defer releaseArena(arena)
	// Most long texts are cut at the last paragraph break, which a scan
	// for paragraph breaks alone finds at a fraction of the cost; the full
	// scan runs when that break is not the one chooseBreak would take.
	best, over, exact, total, ok := scanParas(s, limit, html, arena)
	if !ok || over && !(best[brkPara].ok && best[brkPara].units*2 >= limit) {
		best, over, exact, total = scanBreaks(s, limit, html, arena)
	}
	if !over {
		if !exact {
			total = -1
		}
		return s, "", false, total
	}
	if !exact && !measured {
		if n, ok := measureWithin(s, limit, html, valid); ok {
			return s, "", false, n
		}
	}
	br := chooseBreak(best, limit)
	units = br.units
	if !br.ok || !exact {
		units = -1
	}
	if !br.ok {
		// Not even one grapheme fits: impossible for Telegram's limits;
		// fall back to a hard cut after the first rune.
		_, n := utf8.DecodeRuneInString(s)
		br = breakAt{a: n, b: n, ok: true}
	}
	head, tail = s[:br.a], s[br.b:]
	if br.open != nil {
		// Closing tags count nothing, but what dropEmptyPairs removes
		// need not be tags only (a stray '>' in the text).
		var intact bool
		head, tail, intact = closeAndReopen(head, tail, br.open)
		if !intact {
			units = -1
		}
	}
	return head, tail, true, units
}

// likelyFits guesses from the characters per byte of the start of s
// whether s fits in limit units: text with many multi-byte characters
// (Cyrillic takes two bytes a letter) fits in fewer units than bytes.
func likelyFits(s string, limit int) bool {
	sample := s[:min(len(s), 512)]
	return len(s)*utf8fast.RuneCount(sample) <= limit*len(sample)*21/20
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
	pre   int // depth of <pre>
	prev  rune
	prev2 rune
	ris   int // regional indicators in a row (flag pairs)
	best  [brkClasses]scanBreak
	// tags holds every tag opened so far (a pooled arena); top is the
	// index of the innermost one still open, -1 when none is. A break
	// records top, which keeps its frequent recording free of pointer
	// writes.
	tags []openTag
	top  int
	// The last cluster boundary before an ASCII character, recorded
	// cheaply and committed to best when the run of ASCII ends.
	asciiAt, asciiUnits, asciiOpen int
	// exact is false once the text has something the scanner counts
	// otherwise than textlen.TelegramLen (a numeric entity, a '>' inside
	// a quoted attribute): only while it is true are its counts the
	// lengths of the heads.
	exact bool
	arena *[]openTag
}

// scanBreak is a breakAt while scanning, its open tags an index in tags.
type scanBreak struct {
	a, b, units, open int
	ok                bool
}

// set records a break. (Field by field: a composite literal here is built
// in a temporary and copied, which stalls the scanner's hottest store.)
func (br *scanBreak) set(a, b, units, open int) {
	br.a, br.b, br.units, br.open, br.ok = a, b, units, open, true
}

// result returns the breaks found; their open tags point into tags.
func (sc *scanner) result() (best [brkClasses]breakAt) {
	for c, br := range sc.best {
		best[c] = breakAt{a: br.a, b: br.b, units: br.units, open: sc.tag(br.open), ok: br.ok}
	}
	if sc.arena != nil {
		*sc.arena = sc.tags // keep what it grew to
	}
	return best
}

// tag returns the open tag at index i of tags (nil for -1).
func (sc *scanner) tag(i int) *openTag {
	if i < 0 || i >= len(sc.tags) {
		return nil
	}
	return &sc.tags[i]
}

// tagArenas recycles the scanners' arenas of open tags; cutText returns
// one once it is done with the breaks that point into it.
var tagArenas = sync.Pool{New: func() any { return new([]openTag) }}

// releaseArena clears an arena and returns it to the pool.
func releaseArena(a *[]openTag) {
	clear(*a)
	*a = (*a)[:0]
	if cap(*a) <= 1024 {
		tagArenas.Put(a)
	}
}

// scanBreaks returns the best breaks, whether s exceeds limit, whether
// the scan counted as the platform counts (then the units of the breaks
// are the lengths of the heads, and when s fits units is its length).
//
// The open tags of the breaks live in arena (nil: a new one) until the
// caller releases it.
func scanBreaks(s string, limit int, html bool, arena *[]openTag) (best [brkClasses]breakAt, over, exact bool, units int) {
	sc := &scanner{s: s, html: html, limit: limit, top: -1, exact: true, arena: arena}
	if arena != nil {
		sc.tags = (*arena)[:0]
	}
	run := &asciiRunText
	if html {
		run = &asciiRunHTML
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case html && c == '<':
			i = sc.scanTag(i)
			continue
		case c == ' ' || c == '\n' || c == '\t':
			if c == ' ' && sc.pre == 0 && i+1 < len(s) && !sc.joins(i+1) {
				// The usual space between words (space does the rest).
				cls := brkWord
				if sentenceEnd(sc.prev, sc.prev2) {
					cls = brkSentence
				}
				sc.mark(cls, i, i+1)
				sc.units++
				sc.prev2, sc.prev, sc.ris = sc.prev, ' ', 0
				if sc.units > limit {
					return sc.result(), true, sc.exact, sc.units
				}
				i++
				continue
			}
			j := sc.space(i)
			if sc.units > limit {
				return sc.result(), true, sc.exact, sc.units
			}
			i = j
			continue
		}
		if c < 0x80 && c != '&' {
			// A run of ASCII characters: one unit each, and a cluster
			// boundary before each (but not right after a joiner). Only
			// the boundary where the text overflows, or else the last
			// one, is worth recording; earlier ones would be overwritten.
			j := i + 1
			for j < len(s) && run[s[j]] {
				j++
			}
			n := j - i
			if sc.units+n > limit {
				k := i + limit - sc.units // the first character that does not fit
				if k > i || sc.prev != 0x200D {
					sc.asciiAt, sc.asciiUnits, sc.asciiOpen = k, limit, sc.top
				}
				sc.commitASCII()
				return sc.result(), true, sc.exact, sc.units
			}
			if n > 1 || sc.prev != 0x200D {
				sc.asciiAt, sc.asciiUnits, sc.asciiOpen = j-1, sc.units+n-1, sc.top
			}
			sc.units += n
			if n > 1 {
				sc.prev2 = rune(s[j-2])
			} else {
				sc.prev2 = sc.prev
			}
			sc.prev, sc.ris = rune(s[j-1]), 0
			i = j
			continue
		}
		if c >= 0xC2 && c <= 0xDF {
			// A run of letters in two-byte sequences that never join a
			// cluster (Latin accents, Greek, Cyrillic, Armenian): one
			// unit each, and a cluster boundary before each (but not
			// right after a joiner), recorded where the text overflows
			// or else for the last letter.
			j := i
			for j+1 < len(s) && lone2(s[j], s[j+1]) {
				j += 2
			}
			if n := (j - i) / 2; n > 0 {
				sc.commitASCII()
				first := sc.prev != 0x200D
				if sc.units+n > limit {
					m := limit - sc.units // the first letter that does not fit
					if m > 0 || first {
						sc.markAt(brkGrapheme, i+2*m, sc.units+m)
					}
					return sc.result(), true, sc.exact, sc.units
				}
				if n > 1 || first {
					sc.markAt(brkGrapheme, j-2, sc.units+n-1)
				}
				sc.units += n
				if n > 1 {
					sc.prev2 = decode2(s[j-4], s[j-3])
				} else {
					sc.prev2 = sc.prev
				}
				sc.prev = decode2(s[j-2], s[j-1])
				sc.ris = 0
				i = j
				continue
			}
		}
		sc.commitASCII()
		r, n, u := sc.char(i)
		sc.grapheme(i, r)
		if sc.units+u > limit {
			return sc.result(), true, sc.exact, sc.units
		}
		sc.units += u
		sc.prev2, sc.prev = sc.prev, r
		i += n
		if r == '。' || r == '！' || r == '？' {
			sc.mark(brkSentence, i, i)
		}
	}
	return sc.result(), false, sc.exact, sc.units
}

// scanParas is scanBreaks for paragraph breaks only: it counts units as
// scanBreaks does and records the paragraph breaks scanBreaks records
// (whitespace runs with two or more newlines, outside <pre>, not followed
// by a character that extends a cluster), every other class left empty.
// Units are counted in runs, whitespace looked at only around newlines.
// ok is false, and nothing is known, when the text has a <pre> block,
// where whitespace follows other rules.
func scanParas(s string, limit int, html bool, arena *[]openTag) (best [brkClasses]breakAt, over, exact bool, units int, ok bool) {
	sc := &scanner{s: s, html: html, limit: limit, top: -1, exact: true, arena: arena}
	if arena != nil {
		sc.tags = (*arena)[:0]
	}
	plain := &paraPlainText
	if html {
		plain = &paraPlainHTML
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case plain[c]:
			// A run of ASCII other than newline, '&' and (in HTML) '<':
			// letters, spaces and tabs, one unit each.
			j := i + 1
			for j < len(s) && plain[s[j]] {
				j++
			}
			if sc.units+(j-i) > limit {
				// Over within the run, unless only its trailing blanks
				// are, and a newline follows: scanBreaks takes those
				// blanks with the newline and records the break first.
				a := j
				for a > i && (s[a-1] == ' ' || s[a-1] == '\t') {
					a--
				}
				if j == len(s) || s[j] != '\n' || sc.units+(a-i) > limit {
					return sc.result(), true, sc.exact, sc.units, true
				}
			}
			sc.units += j - i
			i = j
		case c == '\n':
			// The whitespace run around this newline, as space() takes it.
			a := i
			for a > 0 && (s[a-1] == ' ' || s[a-1] == '\t') {
				a--
			}
			j, nl := i, 0
			for j < len(s) && (s[j] == ' ' || s[j] == '\n' || s[j] == '\t') {
				if s[j] == '\n' {
					nl++
				}
				j++
			}
			start := sc.units - (i - a) // units before the run
			if nl >= 2 && start <= limit && !(j < len(s) && continues(s[j:])) && a != 0 && start != 0 {
				sc.best[brkPara].set(a, j, start, sc.top)
			}
			sc.units += j - i
			if sc.units > limit {
				return sc.result(), true, sc.exact, sc.units, true
			}
			i = j
		case html && c == '<':
			i = sc.scanTag(i)
			if sc.pre > 0 {
				return best, false, false, 0, false
			}
		case c >= 0xC2 && c <= 0xDF && i+1 < len(s) && s[i+1]&0xC0 == 0x80:
			j := i + 2
			for j+1 < len(s) && s[j] >= 0xC2 && s[j] <= 0xDF && s[j+1]&0xC0 == 0x80 {
				j += 2
			}
			if n := (j - i) / 2; sc.units+n > limit {
				return sc.result(), true, sc.exact, sc.units, true
			} else {
				sc.units += n
			}
			i = j
		default: // '&', or another character
			_, n, u := sc.char(i)
			if sc.units+u > limit {
				return sc.result(), true, sc.exact, sc.units, true
			}
			sc.units += u
			i += n
		}
	}
	return sc.result(), false, sc.exact, sc.units, true
}

// paraPlainText and paraPlainHTML mark the ASCII bytes scanParas counts
// in runs.
var paraPlainText, paraPlainHTML = func() (text, html [256]bool) {
	for c := range 0x80 {
		text[c] = c != '\n' && c != '&'
		html[c] = text[c] && c != '<'
	}
	return text, html
}()

// asciiRunText and asciiRunHTML mark the ASCII bytes that scanBreaks
// counts in bulk: all but whitespace, '&' and (in HTML) '<'.
var asciiRunText, asciiRunHTML = func() (text, html [256]bool) {
	for c := range 0x80 {
		text[c] = c != ' ' && c != '\n' && c != '\t' && c != '&'
		html[c] = text[c] && c != '<'
	}
	return text, html
}()

// joins reports whether s[i] is whitespace or may extend the cluster of
// a space before it: a single space before anything else is an ordinary
// break between words.
func (sc *scanner) joins(i int) bool {
	switch c := sc.s[i]; {
	case c == ' ' || c == '\n' || c == '\t':
		return true
	case c < utf8.RuneSelf:
		return false
	}
	return continues(sc.s[i:])
}

// commitASCII records the pending boundary before an ASCII character.
func (sc *scanner) commitASCII() {
	if sc.asciiAt > 0 && sc.asciiUnits > 0 {
		sc.best[brkGrapheme].set(sc.asciiAt, sc.asciiAt, sc.asciiUnits, sc.asciiOpen)
	}
	sc.asciiAt = 0
}

// mark records a break of class c.
func (sc *scanner) mark(c, a, b int) {
	if a == 0 || sc.units == 0 {
		return
	}
	sc.best[c].set(a, b, sc.units, sc.top)
}

// markAt records a grapheme break at a with units before it.
func (sc *scanner) markAt(c, a, units int) {
	if a == 0 || units == 0 {
		return
	}
	sc.best[c].set(a, a, units, sc.top)
}

// decode2 decodes a well-formed two-byte sequence.
func decode2(b0, b1 byte) rune { return rune(b0&0x1F)<<6 | rune(b1&0x3F) }

// lone2 reports whether the bytes b0 b1 are a two-byte sequence of a
// character that never extends a cluster (extends is false for it).
func lone2(b0, b1 byte) bool {
	if b0 < 0xC2 || b0 > 0xDF || b1&0xC0 != 0x80 {
		return false
	}
	r := decode2(b0, b1)
	return r < 0x300 || r >= 0x370 && r < 0x483 || r >= 0x48A && r < 0x591
}

// char decodes the character at s[i] (an entity in html mode) and returns
// it, the bytes it takes and its units.
func (sc *scanner) char(i int) (rune, int, int) {
	if sc.html && sc.s[i] == '&' {
		if strings.HasPrefix(sc.s[i:], "&#") {
			sc.exact = false
		}
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
	if j < len(sc.s) && sc.s[j] >= utf8.RuneSelf && continues(sc.s[j:]) {
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
	switch prev {
	case '"', '\'', '”', '’', '»', ')', ']':
		prev = prev2
	}
	switch prev {
	case '.', '!', '?', '…':
		return true
	}
	return false
}

// scanTag handles the tag at s[i] and returns where it ends.
func (sc *scanner) scanTag(i int) int {
	end := strings.IndexByte(sc.s[i:], '>')
	if end < 0 {
		return len(sc.s)
	}
	t := sc.s[i : i+end+1]
	if sc.exact && (strings.IndexByte(t, '"') >= 0 || strings.IndexByte(t, '\'') >= 0) && endsInQuote(t) {
		sc.exact = false
	}
	name := tagName(t)
	if strings.HasPrefix(t, "</") {
		if sc.top >= 0 {
			if sc.tags[sc.top].name == "pre" {
				sc.pre--
			}
			sc.top = sc.tags[sc.top].up
		}
	} else {
		// A parent pointer taken before append grows tags points into
		// the old array, which stays as it was.
		sc.tags = append(sc.tags, openTag{name: name, tag: t, parent: sc.tag(sc.top), up: sc.top})
		sc.top = len(sc.tags) - 1
		if name == "pre" {
			sc.pre++
		}
	}
	return i + end + 1
}

// endsInQuote reports whether the tag t (up to its first '>') has that
// '>' inside a quoted attribute value, where textlen.TelegramLen does not
// end the tag.
func endsInQuote(t string) bool {
	var quote byte
	for k := 1; k < len(t)-1; k++ {
		switch c := t[k]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		}
	}
	return quote != 0
}

// tagName returns the lower-case element name of a tag.
func tagName(t string) string {
	t = strings.TrimPrefix(strings.TrimPrefix(t, "<"), "/")
	for i := 0; i < len(t); i++ { // the usual name: lower-case letters
		switch c := t[i]; {
		case c >= 'a' && c <= 'z', c == '-' && i > 0:
			continue
		case c == ' ' || c == '\t' || c == '\n' || c == '/' || c == '>':
			return t[:i]
		}
		break
	}
	end := strings.IndexAny(t, " \t\n/>")
	if end < 0 {
		end = len(t)
	}
	return strings.ToLower(t[:end])
}

// closeAndReopen closes the open tags at the end of head and opens them
// again at the start of tail, dropping pairs left empty by the split;
// intact reports that nothing was dropped from the head.
func closeAndReopen(head, tail string, open *openTag) (string, string, bool) {
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
	closed := h.String()
	head = dropEmptyPairs(closed, false)
	return head, dropEmptyPairs(tl.String(), true), len(head) == len(closed)
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
	switch {
	case r < 0x300,
		// Blocks with no mark, joiner or selector, checked first because
		// press releases are written in them: Greek, Cyrillic and
		// Armenian letters; punctuation, super- and subscripts and
		// currency signs after U+200F; CJK ideographs.
		r >= 0x370 && r < 0x483, r >= 0x48A && r < 0x591,
		r >= 0x2010 && r < 0x20D0,
		r >= 0x4E00 && r <= 0x9FFF:
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
	if len(s) > 1 && lone2(s[0], s[1]) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s)
	return extends(r)
}

// measureWithin is the length of s as its platform counts it, and
// whether it is at most limit; counting stops past the limit. valid says
// that s is valid UTF-8.
func measureWithin(s string, limit int, html, valid bool) (int, bool) {
	if html && valid {
		return textlen.TelegramLenValidWithin(s, limit)
	}
	if html {
		return textlen.TelegramLenWithin(s, limit)
	}
	n := utf8fast.RuneCount(s)
	return n, n <= limit
}
