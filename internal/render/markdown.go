package render

import (
	"bytes"
	"slices"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/pressbot/pressbot/internal/markdown"
)

// newMarkdown returns the goldmark instance every profile shares: GFM
// (tables, strikethrough, autolinks, task lists) and footnotes, typographer
// off so the text stays as the editor wrote it, raw HTML never passed
// through (goldmark's default without html.WithUnsafe; our web overrides
// drop it entirely).
func newMarkdown(base string) goldmark.Markdown {
	return newMarkdownWith(base, markdownExtensions)
}

// newMarkdownWith is newMarkdown with other goldmark extensions (tests
// compare fastLinkify with goldmark's own Linkify through it).
func newMarkdownWith(base string, exts []goldmark.Extender) goldmark.Markdown {
	md := markdown.New(exts...)
	md.Renderer().AddOptions(
		renderer.WithNodeRenderers(util.Prioritized(&webOverrides{base: base}, 100)),
		html.WithWriter(webWriter{}),
	)
	return md
}

// newPlainParser returns the parser of newMarkdown without GFM's
// autolinks (see parseBody).
func newPlainParser() parser.Parser {
	return markdown.NewParser()
}

// markdownExtensions is extension.GFM (in GFM's order) with fastLinkify
// in place of extension.Linkify, and footnotes.
var markdownExtensions = append([]goldmark.Extender{fastLinkify{}}, gfmWithoutLinkify...)

// gfmWithoutLinkify is markdownExtensions without the autolinker.
var gfmWithoutLinkify = markdown.Extensions

// parse parses a release body once; every profile renders the same AST.
func parse(p parser.Parser, src []byte) ast.Node {
	return p.Parse(text.NewReader(src))
}

// parseBody parses a release body. GFM's autolinks make goldmark stop at
// every space, line head, '*', '_', '~' and '(' to try its linkify
// parser, which costs about a fifth of the parse; most releases link
// only through [text](url). So a body whose only traces of a bare URL or
// e-mail address lie in link destinations (see scanAutolinks) is parsed
// without linkify, and the result kept unless one of those traces turns
// out to be text after all (see textCovers).
//
// Until linkify would first match, both parsers build the same tree but
// for where a run of text is cut into Text nodes. That shows in one
// place: goldmark trims the whitespace at the end of a line only after
// the last stop, so with linkify's stops at every space it keeps all but
// one character of a longer run ("a \t\n" keeps "a "), without them it
// trims the run. Bodies with such runs take the full parse too (see
// oddLineEnds); otherwise the two render alike in every profile
// (TestPlainParseSameOutput, FuzzPlainParse).
func (r *Renderer) parseBody(src []byte) ast.Node {
	if r.plain != nil && !oddLineEnds(src) {
		if suspects, elsewhere := scanAutolinks(src); !elsewhere {
			if root := parse(r.plain, src); len(suspects) == 0 || !textCovers(root, suspects) {
				return root
			}
		}
	}
	return parse(r.md.Parser(), src)
}

// scanAutolinks finds where linkify could start a link in src: at an '@'
// (e-mail addresses) or at "http:", "https:", "ftp:" or "www." (case
// matters, as in goldmark). It returns those that lie in what looks like
// an inline link's destination ("](https://…)"), which the link parser
// takes before linkify could see them; and true as soon as one lies
// elsewhere.
func scanAutolinks(src []byte) (suspects []int, elsewhere bool) {
	note := func(start int) bool {
		if !inDestination(src, start) {
			return true
		}
		suspects = append(suspects, start)
		return false
	}
	for _, c := range [...]byte{'@', ':'} {
		for i := 0; ; i++ {
			j := bytes.IndexByte(src[i:], c)
			if j < 0 {
				break
			}
			i += j
			if start := traceStart(src, i); start >= 0 && note(start) {
				return nil, true
			}
		}
	}
	for i := 0; ; i += len(www) {
		j := bytes.Index(src[i:], www)
		if j < 0 {
			break
		}
		i += j
		if note(i) {
			return nil, true
		}
	}
	return suspects, false
}

// traceStart returns where the autolink trace ending in src[i] (an '@',
// or the ':' of "http:", "https:" or "ftp:") starts, or -1 when there is
// none.
func traceStart(src []byte, i int) int {
	if src[i] == '@' {
		return i
	}
	for _, p := range schemes {
		if start := i + 1 - len(p); start >= 0 && bytes.Equal(src[start:i+1], p) {
			return start
		}
	}
	return -1
}

// schemes and www start every URL GFM's linkify links ("www." gets
// http:// in front).
var (
	schemes = [][]byte{[]byte("http:"), []byte("https:"), []byte("ftp:")}
	www     = []byte("www.")
)

// hasAutolinkTrace reports whether b holds an '@', a scheme or "www.".
func hasAutolinkTrace(b []byte) bool {
	return bytes.IndexByte(b, '@') >= 0 || bytes.Contains(b, www) ||
		slices.ContainsFunc(schemes, func(p []byte) bool { return bytes.Contains(b, p) })
}

// inDestination reports whether the run of non-space bytes around
// src[start] starts right after "](", as an inline link's destination
// does. It looks back at most 2 KiB, and beyond that says no.
func inDestination(src []byte, start int) bool {
	for w := start; w > max(start-2048, 0); w-- {
		switch src[w-1] {
		case ' ', '\t', '\n', '\r', '\v', '\f':
			return false
		case '(':
			return w >= 2 && src[w-2] == ']'
		}
	}
	return false
}

// textCovers reports whether a Text node under n covers one of the
// positions pos, or a String node holds an autolink trace.
func textCovers(n ast.Node, pos []int) bool {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch t := c.(type) {
		case *ast.Text:
			for _, p := range pos {
				if p >= t.Segment.Start && p < t.Segment.Stop {
					return true
				}
			}
		case *ast.String:
			if hasAutolinkTrace(t.Value) {
				return true
			}
		}
		if c.HasChildren() && textCovers(c, pos) {
			return true
		}
	}
	return false
}

// oddLineEnds reports whether a line of src ends in two or more
// whitespace characters (space, tab, vertical tab, form feed, carriage
// return) other than exactly two spaces, Markdown's hard line break.
func oddLineEnds(src []byte) bool {
	for {
		end := bytes.IndexByte(src, '\n')
		if end < 0 {
			return oddEnd(src)
		}
		if oddEnd(src[:end]) {
			return true
		}
		src = src[end+1:]
	}
}

// oddEnd reports whether line ends as oddLineEnds looks for.
func oddEnd(line []byte) bool {
	n := 0
	for n < len(line) && isLineSpace(line[len(line)-1-n]) {
		n++
	}
	return n >= 2 && (n != 2 || line[len(line)-1] != ' ' || line[len(line)-2] != ' ')
}

// isLineSpace reports whether c is whitespace goldmark trims at a line's
// end (util.IsSpace without the newline).
func isLineSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r'
}
