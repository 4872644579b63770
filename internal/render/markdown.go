package render

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
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
	md := goldmark.New(goldmark.WithExtensions(exts...))
	md.Renderer().AddOptions(
		renderer.WithNodeRenderers(util.Prioritized(&webOverrides{base: base}, 100)),
		html.WithWriter(webWriter{}),
	)
	return md
}

// markdownExtensions is extension.GFM (in GFM's order) with fastLinkify
// in place of extension.Linkify, and footnotes.
var markdownExtensions = []goldmark.Extender{
	fastLinkify{}, extension.Table, extension.Strikethrough, extension.TaskList,
	extension.Footnote,
}

// parse parses a release body once; every profile renders the same AST.
func parse(p parser.Parser, src []byte) ast.Node {
	return p.Parse(text.NewReader(src))
}
