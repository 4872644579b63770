// Package markdown is the Markdown dialect of releases: the goldmark
// extensions every rendering shares, and what a body holds that the
// renderings drop (raw HTML, links to targets they refuse), for pressbot
// check to warn about.
package markdown

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"

	"github.com/pressbot/pressbot/internal/markdown/fastparser"
)

// Extensions are the GFM extensions of every rendering, in GFM's order,
// without its autolinker (which internal/render adds in a faster form),
// and footnotes.
var Extensions = []goldmark.Extender{
	extension.Table, extension.Strikethrough, extension.TaskList, extension.Footnote,
}

// NewParser returns a goldmark parser with Extensions. It is safe for
// concurrent use.
func NewParser() parser.Parser {
	return New(Extensions...).Parser()
}

// New returns goldmark with exts and the parser of package fastparser,
// which builds the same trees as goldmark's own in about 60% of the
// time (10,000 generated releases: 0.63 s against 0.95–1.1 s).
func New(exts ...goldmark.Extender) goldmark.Markdown {
	return goldmark.New(goldmark.WithParser(fastparser.Default()), goldmark.WithExtensions(exts...))
}
