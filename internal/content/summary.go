package content

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pressbot/pressbot/internal/markdown"
)

// defaultSummary returns the plain text of the body's first paragraph:
// headings, lists, quotes, code, tables and HTML blocks are skipped; links
// keep their text, images and inline HTML tags are dropped, and emphasis
// and code markers are removed. It returns "" when the body has no plain paragraph.
func defaultSummary(body string) string {
	para := firstParagraph(body)
	if para == "" {
		return ""
	}
	if len(para) > maxSummarySource {
		cut := strings.LastIndexByte(para[:maxSummarySource], ' ')
		if cut <= 0 {
			cut = maxSummarySource
		}
		para = strings.ToValidUTF8(para[:cut], "")
	}
	return strings.Join(strings.Fields(stripInline(dropRawHTML(para))), " ")
}

// dropRawHTML removes the inline HTML tags and comments of paragraph p,
// as every rendering does, keeping the text around them.
func dropRawHTML(p string) string {
	found := markdown.FindRawHTML(p)
	if len(found) == 0 {
		return p
	}
	var b strings.Builder
	last := 0
	for _, h := range found {
		b.WriteString(p[last:h.Offset])
		last = h.End
	}
	b.WriteString(p[last:])
	return b.String()
}

// maxSummarySource caps the paragraph text a default summary is made from,
// which keeps the work per file small whatever the file holds.
const maxSummarySource = 8 << 10

// maxLinkPart caps how far a link's text or target is searched for.
const maxLinkPart = 2 << 10

// firstParagraph returns the lines of the first plain paragraph of body.
func firstParagraph(body string) string {
	var block []string
	inFence, skip := "", false
	for line := range strings.SplitSeq(body, "\n") {
		t := strings.TrimSpace(line)
		if inFence != "" {
			if strings.HasPrefix(t, inFence) {
				inFence = ""
			}
			continue
		}
		if t == "" {
			if len(block) > 0 {
				break
			}
			skip = false
			continue
		}
		if skip {
			continue
		}
		if len(block) == 0 {
			if f := fence(t); f != "" {
				inFence = f
				continue
			}
			if !isParagraphStart(t) {
				skip = true // the rest of this block is not a paragraph
				continue
			}
		}
		block = append(block, t)
	}
	return strings.Join(block, "\n")
}

// fence returns the fence marker if t opens a fenced code block.
func fence(t string) string {
	for _, f := range []string{"```", "~~~"} {
		if strings.HasPrefix(t, f) {
			return f
		}
	}
	return ""
}

// isParagraphStart reports whether a trimmed line can begin a plain
// paragraph (not a heading, list item, quote, table, HTML or rule).
func isParagraphStart(t string) bool {
	switch t[0] {
	case '#', '>', '|', '<', '=':
		return false
	case '-', '*', '+':
		if len(t) == 1 || t[1] == ' ' || t[1] == '\t' {
			return false // list item
		}
		if strings.Trim(t, string(t[0])+" ") == "" {
			return false // thematic break: ---, ***, * * *
		}
	}
	if i := strings.IndexAny(t, ".)"); i > 0 && i <= 9 && i+1 < len(t) && t[i+1] == ' ' {
		if strings.Trim(t[:i], "0123456789") == "" {
			return false // ordered list item
		}
	}
	return true
}

// stripInline removes Markdown inline markup from s.
func stripInline(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && strings.IndexByte("\\`*_{}[]()#+-.!~<>", s[i+1]) >= 0:
			b.WriteByte(s[i+1])
			i += 2
			continue
		case c == '!' && i+1 < len(s) && s[i+1] == '[':
			if _, end, ok := link(s, i+1); ok {
				i = end
				continue
			}
		case c == '[':
			if text, end, ok := link(s, i); ok {
				b.WriteString(stripInline(text))
				i = end
				continue
			}
		case c == '`':
			i++
			continue
		case c == '*' || c == '_' || c == '~':
			end := i
			for end < len(s) && s[end] == c {
				end++
			}
			if !isEmphasisRun(s, i, end) {
				b.WriteString(s[i:end])
			}
			i = end
			continue
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

// link parses "[text](url)" or "[text][ref]" at s[i] == '['; it returns
// the text and the index after the link.
func link(s string, i int) (string, int, bool) {
	closeText := strings.IndexByte(window(s, i+1), ']')
	if closeText < 0 {
		return "", 0, false
	}
	text := s[i+1 : i+1+closeText]
	j := i + 1 + closeText + 1
	if j >= len(s) {
		return "", 0, false
	}
	var closer byte
	switch s[j] {
	case '(':
		closer = ')'
	case '[':
		closer = ']'
	default:
		return "", 0, false
	}
	k := strings.IndexByte(window(s, j+1), closer)
	if k < 0 {
		return "", 0, false
	}
	return text, j + 1 + k + 1, true
}

// window returns s from i, at most maxLinkPart bytes of it.
func window(s string, i int) string {
	return s[i:min(len(s), i+maxLinkPart)]
}

// isEmphasisRun reports whether the run s[start:end] of '*', '_' or '~' is
// markup: it touches a word boundary on one side ("**bold**", "_it_"),
// rather than sitting inside a word (snake_case, 2*3). A single '~' is text.
func isEmphasisRun(s string, start, end int) bool {
	if s[start] == '~' && end-start < 2 {
		return false
	}
	before, _ := utf8.DecodeLastRuneInString(s[:start])
	after, _ := utf8.DecodeRuneInString(s[end:])
	wordBefore := start > 0 && isWord(before)
	wordAfter := end < len(s) && isWord(after)
	return !(wordBefore && wordAfter)
}

func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
