package render

// The scanner and splitter as they were before they were tuned for speed:
// straightforward code that FuzzSplitMatchesReference holds the tuned one
// to (same parts for any text and limit).

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/pressbot/pressbot/internal/render/textlen"
)

// refOpenTag is one element of the stack of open tags at a point of the text.
// It is a persistent linked list, so a snapshot costs one pointer.
type refOpenTag struct {
	name   string
	tag    string // the opening tag as written, attributes included
	parent *refOpenTag
}

// refBreakAt is a place where a text may be split: the head ends at a, the
// tail starts at b (the whitespace between them is dropped).
type refBreakAt struct {
	a, b  int
	units int // length of s[:a]
	open  *refOpenTag
	ok    bool
}

// refSplitText cuts s into parts of at most first units (the first part) and
// rest units (the others). In html mode s is Telegram HTML: tags count
// nothing, entities count as the character they stand for, characters
// count their UTF-16 code units; a part never ends inside a tag or entity,
// and tags open at a split are closed at the end of the part and opened
// again at the start of the next. In text mode every rune counts one.
func refSplitText(s string, first, rest int, html bool) []string {
	var parts []string
	limit := first
	for {
		head, tail, cut := refCutText(s, limit, html)
		if !cut {
			return append(parts, s)
		}
		parts = append(parts, head)
		if tail == "" {
			return parts // no empty last part
		}
		s = tail
		limit = rest
	}
}

// refCutText returns the longest good head of s within limit units and the
// tail that carries on; cut is false when all of s fits.
func refCutText(s string, limit int, html bool) (head, tail string, cut bool) {
	if len(s) <= limit || refMeasure(s, html) <= limit {
		return s, "", false // no character takes less than one byte
	}
	best, over := refScanBreaks(s, limit, html)
	if !over {
		return s, "", false
	}
	br := refChooseBreak(best, limit)
	if !br.ok {
		// Not even one grapheme fits: impossible for Telegram's limits;
		// fall back to a hard cut after the first rune.
		_, n := utf8.DecodeRuneInString(s)
		br = refBreakAt{a: n, b: n, ok: true}
	}
	head, tail = s[:br.a], s[br.b:]
	if br.open != nil {
		head, tail = refCloseAndReopen(head, tail, br.open)
	}
	return head, tail, true
}

// refChooseBreak picks the best class whose last break leaves the part at
// least half full; failing that, the latest break between words (or
// better); a word is cut between grapheme clusters only when the text has
// no other break at all.
func refChooseBreak(best [brkClasses]refBreakAt, limit int) refBreakAt {
	for c := brkClasses - 1; c >= brkWord; c-- {
		if best[c].ok && best[c].units*2 >= limit {
			return best[c]
		}
	}
	var late refBreakAt
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

// refScanner walks s and records the last break of each class that keeps the
// head within the limit.
type refScanner struct {
	s     string
	html  bool
	limit int
	units int
	open  *refOpenTag
	pre   int // depth of <pre>
	prev  rune
	prev2 rune
	ris   int // regional indicators in a row (flag pairs)
	best  [brkClasses]refBreakAt
	// The last cluster boundary before an ASCII character, recorded
	// cheaply and committed to best when the run of ASCII ends.
	asciiAt, asciiUnits int
	asciiOpen           *refOpenTag
}

// refScanBreaks returns the best breaks and whether s exceeds limit.
func refScanBreaks(s string, limit int, html bool) ([brkClasses]refBreakAt, bool) {
	sc := &refScanner{s: s, html: html, limit: limit}
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
func (sc *refScanner) commitASCII() {
	if sc.asciiAt > 0 && sc.asciiUnits > 0 {
		sc.best[brkGrapheme] = refBreakAt{a: sc.asciiAt, b: sc.asciiAt, units: sc.asciiUnits, open: sc.asciiOpen, ok: true}
	}
	sc.asciiAt = 0
}

// mark records a break of class c.
func (sc *refScanner) mark(c, a, b int) {
	if a == 0 || sc.units == 0 {
		return
	}
	sc.best[c] = refBreakAt{a: a, b: b, units: sc.units, open: sc.open, ok: true}
}

// char decodes the character at s[i] (an entity in html mode) and returns
// it, the bytes it takes and its units.
func (sc *refScanner) char(i int) (rune, int, int) {
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
// refContinues the cluster before it (combining mark, joiner, variation
// selector, emoji modifier or tag, second half of a flag).
func (sc *refScanner) grapheme(i int, r rune) {
	ri := r >= 0x1F1E6 && r <= 0x1F1FF
	joins := sc.prev == 0x200D || refExtends(r) || (ri && sc.ris%2 == 1)
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
func (sc *refScanner) space(i int) int {
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
	if j < len(sc.s) && refContinues(sc.s[j:]) {
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
	case refSentenceEnd(sc.prev, sc.prev2):
		cls = brkSentence
	}
	sc.mark(cls, i, j)
	sc.units += j - i
	sc.prev2, sc.prev, sc.ris = sc.prev, ' ', 0
	return j
}

// refSentenceEnd reports whether the text so far ends a sentence: a full
// stop, question or exclamation mark or ellipsis, maybe followed by a
// closing quote or bracket.
func refSentenceEnd(prev, prev2 rune) bool {
	if strings.ContainsRune(`"'”’»)]`, prev) {
		prev = prev2
	}
	return strings.ContainsRune(".!?…", prev)
}

// tag handles the tag at s[i] and returns where it ends.
func (sc *refScanner) tag(i int) int {
	end := strings.IndexByte(sc.s[i:], '>')
	if end < 0 {
		return len(sc.s)
	}
	t := sc.s[i : i+end+1]
	name := refTagName(t)
	if strings.HasPrefix(t, "</") {
		if sc.open != nil {
			if sc.open.name == "pre" {
				sc.pre--
			}
			sc.open = sc.open.parent
		}
	} else {
		sc.open = &refOpenTag{name: name, tag: t, parent: sc.open}
		if name == "pre" {
			sc.pre++
		}
	}
	return i + end + 1
}

// refTagName returns the lower-case element name of a tag.
func refTagName(t string) string {
	t = strings.TrimPrefix(strings.TrimPrefix(t, "<"), "/")
	end := strings.IndexAny(t, " \t\n/>")
	if end < 0 {
		end = len(t)
	}
	return strings.ToLower(t[:end])
}

// refCloseAndReopen closes the open tags at the end of head and opens them
// again at the start of tail, dropping pairs left empty by the split.
func refCloseAndReopen(head, tail string, open *refOpenTag) (string, string) {
	var stack []*refOpenTag
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

// refExtends reports whether r never starts a grapheme cluster: a combining
// mark, joiner, variation selector, keycap, emoji modifier, tag or
// non-initial Hangul jamo. (A cluster longer than a whole message, such
// as a letter with thousands of marks, is still cut: there is no other
// way to send it.)
func refExtends(r rune) bool {
	if r < 0x300 {
		return false
	}
	return r == 0x200D || r == 0x20E3 || (r >= 0xFE00 && r <= 0xFE0F) ||
		(r >= 0x1F3FB && r <= 0x1F3FF) || (r >= 0xE0020 && r <= 0xE007F) ||
		(r >= 0x1160 && r <= 0x11FF) || (r >= 0xD7B0 && r <= 0xD7FF) || // Hangul vowel and final jamo
		unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc)
}

// refContinues reports whether s starts with a character that refExtends the
// cluster before it.
func refContinues(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return refExtends(r)
}

// refMeasure is the length of s as its platform counts it.
func refMeasure(s string, html bool) int {
	if len(s) <= 1 {
		return len(s)
	}
	if html {
		return textlen.TelegramLen(s)
	}
	return utf8.RuneCountInString(s)
}

// FuzzSplitMatchesReference cuts arbitrary text, Telegram HTML or plain,
// at arbitrary limits with the tuned splitter and the reference one: the
// parts must be the same, and every length the splitter reports must be
// the part's length as the platform counts it.
func FuzzSplitMatchesReference(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, 10, true)
	}
	r := newTestRenderer(f)
	for _, tr := range testReleases(f)[:5] {
		f.Add(string(r.newDoc(parseRelease(f, tr.name, tr.data)).telegramBody().buf), 300, true)
	}
	f.Add("<pre>abcdefghij klm</pre>", 10, true)
	f.Add("abcdefgh   \n\nij", 9, true)
	f.Add("aaaaaaa\n\nbbbb   \n\ncc", 14, true)
	f.Add("abcdefgh \t\n \n ij kl\n\nmn", 10, false)
	f.Add("Ташкент  \n\nСамарканд\n\n<b>x</b>\n\n", 9, true)
	f.Add("<>> 000 <a href=\"x>y\">z</a> &#00000065; &lt;&#x1F600;", 4, true)
	f.Add("a\u200dbcd efg\u200dhij. Klm! nop… «q» (r.) s.” t 🇺🇿🇺🇿 e\u0301 中文。日本", 7, false)
	f.Fuzz(func(t *testing.T, s string, limit int, html bool) {
		if limit < 1 || limit > 5000 {
			t.Skip()
		}
		checkSplitMeasured(t, s, limit, html)
	})
}

// TestSplitMatchesReferenceOnReleases splits the Telegram and plain-text
// bodies of the test releases at many limits both ways.
func TestSplitMatchesReferenceOnReleases(t *testing.T) {
	r := newTestRenderer(t)
	for _, tr := range testReleases(t) {
		d := r.newDoc(parseRelease(t, tr.name, tr.data))
		for _, html := range []bool{true, false} {
			w := d.plainBody()
			if html {
				w = d.telegramBody()
			}
			s := string(w.buf)
			for _, limit := range []int{13, 50, 100, 300, 1024, 4096} {
				got, _ := splitMeasured(s, limit, limit, html, false)
				want := refSplitText(s, limit, limit, html)
				if strings.Join(got, "\x00|") != strings.Join(want, "\x00|") {
					t.Fatalf("%s: html %v, limit %d: parts differ from the reference", tr.name, html, limit)
				}
			}
		}
		d.free()
	}
}

// TestExtendsMatchesReference checks extends' shortcuts on every code
// point.
func TestExtendsMatchesReference(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if extends(r) != refExtends(r) {
			t.Fatalf("extends(%U) = %v", r, extends(r))
		}
	}
}

// TestSplitMatchesReferenceRandom builds texts from the pieces splitting
// cares about (words, blanks, newlines, tags, entities, emoji, marks) and
// splits them at many limits both ways: structured cases a byte-level
// fuzzer reaches slowly.
func TestSplitMatchesReferenceRandom(t *testing.T) {
	pieces := []string{
		"word", "слово", "o‘zbek", "中文", " ", "  ", "\t", "\n", "\n\n", " \n\n ", "\n \n", ".", "!", "…»", "。",
		"<b>", "</b>", "<i>", "</i>", `<a href="https://x.org/?a=1&amp;b=2">`, "</a>", "<pre>", "</pre>", "<blockquote>", "</blockquote>",
		"&amp;", "&lt;", "&#x1F600;", "&#65;", "&bogus;", "&", "👩‍💻", "🇺🇿", "e\u0301", "\u200d", "\u0301", "😀",
	}
	rng := rand.New(rand.NewPCG(3, 1))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for k := 0; k < n; k++ {
		var b strings.Builder
		for range 5 + rng.IntN(120) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		limit := 3 + rng.IntN(80)
		html := rng.IntN(4) != 0
		checkSplitMeasured(t, s, limit, html)
	}
}

// checkSplitMeasured splits s with the tuned splitter (also measuring
// the parts as valid UTF-8, when s is) and the reference one: the parts
// must be the same, and every length the splitter reports must be the
// part's length as the platform counts it.
func checkSplitMeasured(t *testing.T, s string, limit int, html bool) {
	t.Helper()
	want := refSplitText(s, limit, limit, html)
	for _, valid := range []bool{false, utf8.ValidString(s)} {
		got, units := splitMeasured(s, limit, limit, html, valid)
		if strings.Join(got, "\x00|") != strings.Join(want, "\x00|") {
			t.Fatalf("split(%q, %d, html %v, valid %v) = %q, reference %q", s, limit, html, valid, got, want)
		}
		for i, u := range units {
			if m := refMeasure(got[i], html); u >= 0 && u != m {
				t.Fatalf("split(%q, %d, html %v, valid %v): part %d reported %d units, is %d", s, limit, html, valid, i, u, m)
			}
		}
	}
}
