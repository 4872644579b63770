package render

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// nodeRenderer renders every node kind of the parsed AST for the Telegram
// HTML profile (html) or the plain-text profile used for Facebook and X.
// It keeps no state: per-render state lives in the *writer it is given.
type nodeRenderer struct {
	// cells renders table cells and other inline runs as plain text.
	cells renderer.Renderer
}

// newTextRenderer returns a goldmark renderer whose only node renderer is
// a nodeRenderer, and the nodeRenderer's functions by kind; the same
// renderer serves both profiles because the *writer says which one to
// produce.
func newTextRenderer() (renderer.Renderer, nodeFuncs) {
	nr := &nodeRenderer{}
	r := renderer.NewRenderer(renderer.WithNodeRenderers(util.Prioritized(nr, 100)))
	nr.cells = r
	var funcs nodeFuncs
	nr.RegisterFuncs(&funcs)
	return r, funcs
}

// nodeFuncs holds a node renderer's functions by node kind (nil for a
// kind it has none for).
type nodeFuncs []renderer.NodeRendererFunc

// Register implements renderer.NodeRendererFuncRegisterer.
func (f *nodeFuncs) Register(k ast.NodeKind, fn renderer.NodeRendererFunc) {
	for len(*f) <= int(k) {
		*f = append(*f, nil)
	}
	(*f)[k] = fn
}

// renderBoth renders n into the writers a and b as goldmark's renderer
// would in two walks of the tree (one for each), in one walk: every
// function is called for a and then for b. It relies on what holds for
// nodeRenderer: no function fails, stops the walk, or returns a status
// that depends on the writer.
func (f nodeFuncs) renderBoth(a, b *writer, src []byte, n ast.Node) {
	if n.Kind() == ast.KindText && a.html && !b.html {
		if t := n.(*ast.Text); !t.IsRaw() {
			textBoth(a, b, t.Segment.Value(src), t)
			return
		}
	}
	var fn renderer.NodeRendererFunc
	if k := int(n.Kind()); k < len(f) {
		fn = f[k]
	}
	status := ast.WalkContinue
	if fn != nil {
		status, _ = fn(a, src, n, true)
		_, _ = fn(b, src, n, true)
	}
	if status != ast.WalkSkipChildren {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			f.renderBoth(a, b, src, c)
		}
	}
	if fn != nil {
		_, _ = fn(a, src, n, false)
		_, _ = fn(b, src, n, false)
	}
}

// RegisterFuncs implements renderer.NodeRenderer.
func (nr *nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindDocument, nr.document)
	reg.Register(ast.KindParagraph, nr.paragraph)
	reg.Register(ast.KindTextBlock, nr.paragraph)
	reg.Register(ast.KindHeading, nr.heading)
	reg.Register(ast.KindThematicBreak, nr.thematicBreak)
	reg.Register(ast.KindCodeBlock, nr.codeBlock)
	reg.Register(ast.KindFencedCodeBlock, nr.codeBlock)
	reg.Register(ast.KindHTMLBlock, skip)
	reg.Register(ast.KindList, nr.list)
	reg.Register(ast.KindListItem, nr.listItem)
	reg.Register(ast.KindBlockquote, nr.blockquote)
	reg.Register(ast.KindText, nr.text)
	reg.Register(ast.KindString, nr.str)
	reg.Register(ast.KindCodeSpan, nr.codeSpan)
	reg.Register(ast.KindEmphasis, nr.emphasis)
	reg.Register(ast.KindLink, nr.link)
	reg.Register(ast.KindAutoLink, nr.autoLink)
	reg.Register(ast.KindImage, nr.image)
	reg.Register(ast.KindRawHTML, skip)
	reg.Register(east.KindStrikethrough, nr.strikethrough)
	reg.Register(east.KindTaskCheckBox, nr.taskCheckBox)
	reg.Register(east.KindTable, nr.table)
	reg.Register(east.KindTableHeader, skip)
	reg.Register(east.KindTableRow, skip)
	reg.Register(east.KindTableCell, cont)
	reg.Register(east.KindFootnoteLink, nr.footnoteLink)
	reg.Register(east.KindFootnoteBacklink, skip)
	reg.Register(east.KindFootnoteList, nr.footnoteList)
	reg.Register(east.KindFootnote, nr.footnote)
}

// skip drops a node and its children (raw HTML, backlinks).
func skip(util.BufWriter, []byte, ast.Node, bool) (ast.WalkStatus, error) {
	return ast.WalkSkipChildren, nil
}

// cont renders a node's children only.
func cont(util.BufWriter, []byte, ast.Node, bool) (ast.WalkStatus, error) {
	return ast.WalkContinue, nil
}

func (nr *nodeRenderer) document(bw util.BufWriter, _ []byte, _ ast.Node, entering bool) (ast.WalkStatus, error) {
	w := bw.(*writer)
	if !entering {
		if w.marker != "" {
			w.open()
		}
		w.closeQuote()
	}
	return ast.WalkContinue, nil
}

// paragraph also serves TextBlock, the paragraph of a tight list item.
func (nr *nodeRenderer) paragraph(bw util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	w := bw.(*writer)
	parent := n.Parent()
	if !entering {
		if parent != nil && parent.Kind() == ast.KindDocument && w.leadEnd == 0 {
			w.leadEnd = len(w.buf)
		}
		return ast.WalkContinue, nil
	}
	switch {
	case parent == nil:
	case parent.Kind() == ast.KindListItem || parent.Kind() == east.KindFootnote:
		if n.PreviousSibling() != nil {
			w.brk(blankIfLoose(parent))
		}
	default:
		w.brk(2)
	}
	return ast.WalkContinue, nil
}

// blankIfLoose returns 2 line breaks inside the item of a loose list, else 1.
func blankIfLoose(item ast.Node) int {
	if l, ok := item.Parent().(*ast.List); ok && !l.IsTight {
		return 2
	}
	return 1
}

func (nr *nodeRenderer) heading(bw util.BufWriter, _ []byte, _ ast.Node, entering bool) (ast.WalkStatus, error) {
	w := bw.(*writer)
	if entering {
		w.brk(2)
		w.open()
		w.tag("<b>")
	} else {
		w.tag("</b>")
		w.brk(2)
	}
	return ast.WalkContinue, nil
}

func (nr *nodeRenderer) thematicBreak(bw util.BufWriter, _ []byte, _ ast.Node, entering bool) (ast.WalkStatus, error) {
	w := bw.(*writer)
	if entering {
		w.brk(2)
		w.rawString("———")
		w.brk(2)
	}
	return ast.WalkSkipChildren, nil
}

func (nr *nodeRenderer) codeBlock(bw util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	w := bw.(*writer)
	lines := n.Lines()
	var code []byte
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		code = append(code, seg.Value(source)...)
	}
	code = bytes.TrimRight(code, "\n")
	if len(bytes.TrimSpace(code)) == 0 {
		return ast.WalkSkipChildren, nil
	}
	var lang string
	if f, ok := n.(*ast.FencedCodeBlock); ok {
		lang = codeLanguage(f.Language(source))
	}
	w.brk(2)
	w.block()
	switch {
	case !w.html:
	case lang != "":
		w.buf = append(w.buf, `<pre><code class="language-`...)
		w.buf = append(w.buf, lang...)
		w.buf = append(w.buf, `">`...)
	default:
		w.buf = append(w.buf, "<pre>"...)
	}
	w.literal(code)
	if lang != "" {
		w.tag("</code>")
	}
	w.tag("</pre>")
	w.brk(2)
	return ast.WalkSkipChildren, nil
}

// block starts a <pre> block: Telegram lets no <pre> live inside a
// <blockquote>, so an open quote is closed (and reopened after).
func (w *writer) block() {
	w.closeQuote()
	q := w.quote
	w.quote = 0
	w.open()
	w.quote = q
}

// codeLanguage keeps the first word of a fence's info string when it is a
// plausible language name (letters, digits and + # . _ -), else "".
func codeLanguage(info []byte) string {
	if len(info) == 0 || len(info) > 32 {
		return ""
	}
	for _, c := range info {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '+' || c == '#' || c == '.' || c == '_' || c == '-'
		if !ok {
			return ""
		}
	}
	return string(info)
}

func (nr *nodeRenderer) list(bw util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	w := bw.(*writer)
	l := n.(*ast.List)
	nested := n.Parent() != nil && n.Parent().Kind() == ast.KindListItem
	if entering {
		if nested {
			w.brk(1)
		} else {
			w.brk(2)
		}
		w.lists = append(w.lists, listState{ordered: l.IsOrdered(), next: l.Start})
		return ast.WalkContinue, nil
	}
	w.lists = w.lists[:len(w.lists)-1]
	if nested {
		w.brk(1)
	} else {
		w.brk(2)
	}
	return ast.WalkContinue, nil
}

func (nr *nodeRenderer) listItem(bw util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	w := bw.(*writer)
	if !entering {
		if w.marker != "" {
			w.open()
		}
		w.indent = w.indent[:len(w.indent)-1]
		return ast.WalkContinue, nil
	}
	base := ""
	if len(w.indent) > 0 {
		base = w.indent[len(w.indent)-1]
	}
	ls := &w.lists[len(w.lists)-1]
	mark := "• "
	if ls.ordered {
		mark = strconv.Itoa(ls.next) + ". "
		ls.next++
	}
	if n.PreviousSibling() != nil {
		w.brk(blankIfLoose(n))
	} else {
		w.brk(1)
	}
	w.marker = base + mark
	w.indent = append(w.indent, base+spaces(utf8.RuneCountInString(mark)+1))
	return ast.WalkContinue, nil
}

func (nr *nodeRenderer) blockquote(bw util.BufWriter, _ []byte, _ ast.Node, entering bool) (ast.WalkStatus, error) {
	w := bw.(*writer)
	if entering {
		w.brk(2)
		w.quote++
		return ast.WalkContinue, nil
	}
	w.quote--
	if w.quote == 0 {
		w.closeQuote()
	}
	w.brk(2)
	return ast.WalkContinue, nil
}

func (nr *nodeRenderer) text(bw util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	w := bw.(*writer)
	t := n.(*ast.Text)
	if t.IsRaw() {
		w.raw(t.Segment.Value(source))
	} else {
		w.text(t.Segment.Value(source))
	}
	switch {
	case t.HardLineBreak():
		w.brk(1)
	case t.SoftLineBreak():
		w.buf = append(w.buf, ' ')
	}
	return ast.WalkContinue, nil
}

// textBoth is text for the HTML writer a and the plain-text writer b,
// the source resolved for both in one scan.
func textBoth(a, b *writer, v []byte, t *ast.Text) {
	a.open()
	b.open()
	a.buf, b.buf = appendResolvedBoth(a.buf, b.buf, v)
	for _, w := range [2]*writer{a, b} {
		switch {
		case t.HardLineBreak():
			w.brk(1)
		case t.SoftLineBreak():
			w.buf = append(w.buf, ' ')
		}
	}
}

func (nr *nodeRenderer) str(bw util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	w := bw.(*writer)
	s := n.(*ast.String)
	if s.IsCode() || s.IsRaw() {
		w.raw(s.Value)
	} else {
		w.text(s.Value)
	}
	return ast.WalkContinue, nil
}

func (nr *nodeRenderer) codeSpan(bw util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	w := bw.(*writer)
	w.open()
	code := w.link == 0 // Telegram: a link holds no code entity
	if code {
		w.tag("<code>")
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		var v []byte
		switch t := c.(type) {
		case *ast.Text:
			v = t.Segment.Value(source)
		case *ast.String:
			v = t.Value
		}
		if len(v) > 0 && v[len(v)-1] == '\n' {
			w.raw(v[:len(v)-1])
			w.buf = append(w.buf, ' ')
		} else {
			w.raw(v)
		}
	}
	if code {
		w.tag("</code>")
	}
	return ast.WalkSkipChildren, nil
}

func (nr *nodeRenderer) emphasis(bw util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	w := bw.(*writer)
	open, close := "<i>", "</i>"
	if n.(*ast.Emphasis).Level >= 2 {
		open, close = "<b>", "</b>"
	}
	if entering {
		w.open()
		w.tag(open)
	} else {
		w.tag(close)
	}
	return ast.WalkContinue, nil
}

func (nr *nodeRenderer) strikethrough(bw util.BufWriter, _ []byte, _ ast.Node, entering bool) (ast.WalkStatus, error) {
	w := bw.(*writer)
	if entering {
		w.open()
		w.tag("<s>")
	} else {
		w.tag("</s>")
	}
	return ast.WalkContinue, nil
}

func (nr *nodeRenderer) taskCheckBox(bw util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		w := bw.(*writer)
		if n.(*east.TaskCheckBox).IsChecked {
			w.rawString("☑ ")
		} else {
			w.rawString("☐ ")
		}
	}
	return ast.WalkContinue, nil
}

func (nr *nodeRenderer) footnoteLink(bw util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		bw.(*writer).rawString("[" + strconv.Itoa(n.(*east.FootnoteLink).Index) + "]")
	}
	return ast.WalkSkipChildren, nil
}

func (nr *nodeRenderer) footnoteList(bw util.BufWriter, _ []byte, _ ast.Node, entering bool) (ast.WalkStatus, error) {
	w := bw.(*writer)
	w.brk(2)
	if entering {
		w.rawString("———")
		w.brk(1)
	}
	return ast.WalkContinue, nil
}

func (nr *nodeRenderer) footnote(bw util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	w := bw.(*writer)
	if !entering {
		if w.marker != "" {
			w.open()
		}
		w.indent = w.indent[:len(w.indent)-1]
		return ast.WalkContinue, nil
	}
	mark := "[" + strconv.Itoa(n.(*east.Footnote).Index) + "] "
	w.brk(1)
	w.marker = mark
	w.indent = append(w.indent, spaces(len(mark)))
	return ast.WalkContinue, nil
}

// spaces returns n spaces (sliced from a constant when there are few).
func spaces(n int) string {
	const blank = "                                "
	if n <= len(blank) {
		return blank[:n]
	}
	return strings.Repeat(" ", n)
}
