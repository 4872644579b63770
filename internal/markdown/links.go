package markdown

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark/ast"
)

// Link is a link of a release body whose target the renderings drop,
// keeping only its text (docs/render.md): a relative path other than
// "/…", a "#fragment", or a scheme other than http, https and mailto.
type Link struct {
	// Offset is the byte offset of the link's text in the body (of its
	// paragraph when the text is empty).
	Offset int
	// Dest is the target as goldmark reads it.
	Dest string
	// Text is the link's text, without marks.
	Text string
}

// keptPrefixes start the targets every rendering keeps as links
// (internal/render's textSchemes and webSchemes; Telegram keeps tg: too).
var keptPrefixes = []string{"http:", "https:", "mailto:"}

// LinkKept reports whether every rendering keeps a link to dest: an
// http, https or mailto URL, or a path from the newsroom's root ("/…",
// made absolute on it).
func LinkKept(dest string) bool {
	d := strings.TrimSpace(dest)
	if strings.HasPrefix(d, "/") {
		return !strings.HasPrefix(d, "//")
	}
	for _, p := range keptPrefixes {
		if len(d) >= len(p) && strings.EqualFold(d[:len(p)], p) {
			return true
		}
	}
	return false
}

// FindDroppedLinks returns the links of body whose targets the
// renderings drop, in order, as goldmark parses them (a link in code is
// no link, a reference link takes its definition's target).
func FindDroppedLinks(body string) []Link { return Find(body).Links }

// mayDropLink reports whether body may hold a link that LinkKept refuses:
// a reference definition ("]:"), or a "](" that starts neither a kept
// target nor a plain picture ("![alt](").
func mayDropLink(s string) bool {
	if strings.Contains(s, "]:") {
		return true
	}
	for off := 0; ; {
		i := strings.Index(s[off:], "](")
		if i < 0 {
			return false
		}
		i += off
		dest := strings.TrimLeft(s[i+2:], " \t\n<")
		if !LinkKept(dest) && !plainPicture(s[:i]) {
			return true
		}
		off = i + 2
	}
}

// plainPicture reports whether s, the text before a "](", ends in
// "![alt" with no bracket, parenthesis or backslash in alt, and no
// backslash before the "!".
func plainPicture(s string) bool {
	const maxAlt = 1 << 10
	i := strings.LastIndexByte(s, '[')
	if i < 1 || len(s)-i > maxAlt || s[i-1] != '!' || (i >= 2 && s[i-2] == '\\') {
		return false
	}
	return !strings.ContainsAny(s[i+1:], `[]()\`)
}

// droppedLink returns the link n as a Link, and whether the renderings
// drop its target.
func droppedLink(n *ast.Link, src []byte) (Link, bool) {
	dest := string(n.Destination)
	if LinkKept(dest) {
		return Link{}, false
	}
	l := Link{Offset: -1, Dest: dest}
	var text []byte
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			if l.Offset < 0 {
				l.Offset = t.Segment.Start
			}
			text = append(text, t.Segment.Value(src)...)
		}
		return ast.WalkContinue, nil
	})
	l.Text = string(bytes.TrimSpace(text))
	if l.Offset < 0 {
		l.Offset = blockStart(n)
	}
	return l, true
}

// blockStart returns the offset of the first line of the block holding n.
func blockStart(n ast.Node) int {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Type() == ast.TypeBlock && p.Lines().Len() > 0 {
			return p.Lines().At(0).Start
		}
	}
	return 0
}
