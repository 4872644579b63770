package content

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// defaultSummary returns the plain text of the body's first paragraph:
// headings, lists, quotes, code, tables and HTML blocks are skipped; links
// keep their text, images are dropped, and emphasis and code markers are
// removed. It returns "" when the body has no plain paragraph.
func defaultSummary(body string) string {
	para := firstParagraph(body)
	if para == "" {
		return ""
	}
	return strings.Join(strings.Fields(stripInline(para)), " ")
}

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
		return len(t) > 1 && t[1] != ' ' && t[1] != '-' && t[1] != '*'
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
			if isEmphasisMarker(s, i) {
				i++
				continue
			}
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

// link parses "[text](url)" or "[text][ref]" at s[i] == '['; it returns
// the text and the index after the link.
func link(s string, i int) (string, int, bool) {
	closeText := strings.IndexByte(s[i+1:], ']')
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
	k := strings.IndexByte(s[j+1:], closer)
	if k < 0 {
		return "", 0, false
	}
	return text, j + 1 + k + 1, true
}

// isEmphasisMarker reports whether the '*', '_' or '~' at s[i] is markup:
// part of a run that touches a word boundary on one side ("**bold**",
// "_it_"), rather than a character inside a word (snake_case).
func isEmphasisMarker(s string, i int) bool {
	c := s[i]
	start, end := i, i
	for start > 0 && s[start-1] == c {
		start--
	}
	for end < len(s) && s[end] == c {
		end++
	}
	if c == '~' && end-start < 2 {
		return false
	}
	before, _ := utf8.DecodeLastRuneInString(s[:start])
	after, _ := utf8.DecodeRuneInString(s[end:])
	wordBefore := start > 0 && isWord(before)
	wordAfter := end < len(s) && isWord(after)
	if c == '*' {
		return !(isSpace(before, start == 0) && isSpace(after, end == len(s)))
	}
	return !(wordBefore && wordAfter)
}

func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func isSpace(r rune, edge bool) bool { return edge || unicode.IsSpace(r) }
