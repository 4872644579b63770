package render

import (
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// webOverrides replaces goldmark's HTML rendering of the nodes that could
// carry unsafe content into the newsroom: links keep only http, https and
// mailto targets (a path from the site root is made absolute), images only
// http(s) or files under content/, and raw HTML is dropped.
type webOverrides struct {
	base string
}

// RegisterFuncs implements renderer.NodeRenderer.
func (o *webOverrides) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindLink, o.link)
	reg.Register(ast.KindAutoLink, o.autoLink)
	reg.Register(ast.KindImage, o.image)
	reg.Register(ast.KindRawHTML, skip)
	reg.Register(ast.KindHTMLBlock, skip)
}

// link writes <a> only for an allowed target; a refused link keeps its
// text. The check is deterministic, so entering and leaving agree.
func (o *webOverrides) link(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Link)
	u, ok := linkURL(n.Destination, o.base, webSchemes)
	if !ok {
		return ast.WalkContinue, nil
	}
	if !entering {
		_, _ = w.WriteString("</a>")
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<a href="`)
	writeEscaped(w, u)
	_ = w.WriteByte('"')
	if n.Title != nil {
		_, _ = w.WriteString(` title="`)
		_, _ = w.Write(appendResolved(nil, n.Title, true))
		_ = w.WriteByte('"')
	}
	_ = w.WriteByte('>')
	return ast.WalkContinue, nil
}

func (o *webOverrides) autoLink(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*ast.AutoLink)
	dest := n.URL(source)
	if n.AutoLinkType == ast.AutoLinkEmail {
		dest = append([]byte("mailto:"), dest...)
	}
	label := appendEscaped(nil, n.Label(source))
	u, ok := linkURL(dest, "", webSchemes)
	if !ok {
		_, _ = w.Write(label)
		return ast.WalkSkipChildren, nil
	}
	_, _ = w.WriteString(`<a href="`)
	writeEscaped(w, u)
	_, _ = w.WriteString(`">`)
	_, _ = w.Write(label)
	_, _ = w.WriteString("</a>")
	return ast.WalkSkipChildren, nil
}

func (o *webOverrides) image(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*ast.Image)
	alt := newWriter(true, o.base)
	plainText(alt, source, n)
	u, ok := imageURL(n.Destination, o.base)
	if !ok {
		_, _ = w.Write(alt.buf)
		return ast.WalkSkipChildren, nil
	}
	_, _ = w.WriteString(`<img src="`)
	writeEscaped(w, u)
	_, _ = w.WriteString(`" alt="`)
	_, _ = w.Write(alt.buf)
	_ = w.WriteByte('"')
	if n.Title != nil {
		_, _ = w.WriteString(` title="`)
		_, _ = w.Write(appendResolved(nil, n.Title, true))
		_ = w.WriteByte('"')
	}
	_, _ = w.WriteString(` loading="lazy">`)
	return ast.WalkSkipChildren, nil
}

// writeEscaped writes s with &, <, > and " escaped (appendEscapedString
// straight into w).
func writeEscaped(w util.BufWriter, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		if byteClass[s[i]]&escHTML != 0 {
			_, _ = w.WriteString(s[last:i])
			_, _ = w.WriteString(htmlEscapes[s[i]])
			last = i + 1
		}
	}
	_, _ = w.WriteString(s[last:])
}

// plainText writes the text of n's inline descendants into w (escaped when
// w is HTML): alt text of images, for instance.
func plainText(w *writer, source []byte, n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch t := c.(type) {
		case *ast.Text:
			w.text(t.Segment.Value(source))
			if t.SoftLineBreak() || t.HardLineBreak() {
				w.buf = append(w.buf, ' ')
			}
		case *ast.String:
			w.text(t.Value)
		case *ast.RawHTML:
		default:
			plainText(w, source, c)
		}
	}
}
