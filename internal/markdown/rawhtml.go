package markdown

import (
	"bytes"
	"strings"
	"sync"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// RawHTML is a piece of raw HTML in a release body. Every profile drops
// it: an HTML block with the text inside it, an inline tag without the
// text around it (docs/render.md).
type RawHTML struct {
	// Offset is the byte offset of its '<' in the body.
	Offset int
	// Tag is the element's name in lower case ("div", "b"); "" for a
	// comment, a declaration or a processing instruction.
	Tag string
	// Comment is true for an HTML comment ("<!-- note -->").
	Comment bool
	// Block is true for an HTML block, false for an inline tag.
	Block bool
	// End is the byte offset just past it: for a block, past its last
	// line (the line that closes it, for <pre>, <script>, a comment …),
	// every line of which the renderings drop.
	End int
}

// rawParser is the parser Find uses: the renderer's, without the
// autolinker, which finds no HTML and no link with a dropped target.
var rawParser = sync.OnceValue(NewParser)

// FindRawHTML returns the raw HTML of body in order, as goldmark finds it
// when the renderer parses the body: text in code spans and blocks,
// autolinks (<https://…>) and escaped brackets are not HTML. A body
// without '<' followed by a letter, '/', '!' or '?' is not parsed.
func FindRawHTML(body string) []RawHTML {
	if !mayHoldHTML(body) {
		return nil
	}
	return parseBody(body).HTML
}

// Findings are what a body holds that the renderings drop.
type Findings struct {
	HTML  []RawHTML
	Links []Link
}

// Find returns the raw HTML (as FindRawHTML) and the dropped links (as
// FindDroppedLinks) of body, parsing it once, and only when it may hold
// either: most bodies have no HTML, and links only to https:// addresses.
func Find(body string) Findings {
	if !mayHoldHTML(body) && !mayDropLink(body) {
		return Findings{}
	}
	return parseBody(body)
}

// parseBody parses body and collects its findings.
func parseBody(body string) Findings {
	src := []byte(body)
	var out Findings
	add := func(start, end int, block bool) {
		if i := bytes.IndexByte(src[start:end], '<'); i >= 0 {
			h := RawHTML{Offset: start + i, Block: block, End: end}
			h.Tag, h.Comment = rawTagName(src[start+i:])
			out.HTML = append(out.HTML, h)
		}
	}
	_ = ast.Walk(rawParser().Parse(text.NewReader(src)), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n := n.(type) {
		case *ast.HTMLBlock:
			if lines := n.Lines(); entering && lines.Len() > 0 {
				end := lines.At(lines.Len() - 1).Stop
				if n.HasClosure() {
					end = n.ClosureLine.Stop
				}
				add(lines.At(0).Start, end, true)
			}
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			if segs := n.Segments; entering && segs.Len() > 0 {
				add(segs.At(0).Start, segs.At(segs.Len()-1).Stop, false)
			}
		case *ast.Link:
			if !entering {
				break
			}
			if l, drop := droppedLink(n, src); drop {
				out.Links = append(out.Links, l)
			}
		}
		return ast.WalkContinue, nil
	})
	return out
}

// mayHoldHTML reports whether s has a '<' that could open a tag, comment
// or declaration.
func mayHoldHTML(s string) bool {
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 || i+1 >= len(s) {
			return false
		}
		if c := s[i+1] | 0x20; c >= 'a' && c <= 'z' || s[i+1] == '/' || s[i+1] == '!' || s[i+1] == '?' {
			return true
		}
		s = s[i+1:]
	}
}

// rawTagName returns the lower-case element name of the HTML at the start of
// b ("<div …", "</b>"), or "" and whether it is a comment.
func rawTagName(b []byte) (string, bool) {
	if bytes.HasPrefix(b, []byte("<!--")) {
		return "", true
	}
	b = bytes.TrimPrefix(bytes.TrimPrefix(b, []byte("<")), []byte("/"))
	n := 0
	for n < len(b) && (b[n]|0x20 >= 'a' && b[n]|0x20 <= 'z' || n > 0 && (b[n] >= '0' && b[n] <= '9' || b[n] == '-')) {
		n++
	}
	return strings.ToLower(string(b[:n])), false
}
