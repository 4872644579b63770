package render

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// fastLinkify is GFM's Linkify extension (default configuration) with a
// cheap pre-check in front of its inline parser. goldmark calls that
// parser at every space, line head, '*', '_', '~' and '(' of every
// paragraph, and it returns nil almost always; the pre-check returns nil
// exactly where goldmark's parser would (see mayLinkify) and hands every
// other position to goldmark's parser, so the AST stays the same.
type fastLinkify struct{}

// Extend registers the parser as extension.Linkify does (same priority).
func (fastLinkify) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithInlineParsers(
		util.Prioritized(&linkifyParser{inner: extension.NewLinkifyParser()}, 999),
	))
}

// linkifyParser wraps goldmark's linkify parser.
type linkifyParser struct {
	inner parser.InlineParser
	// configured is set when a parser option configures linkify
	// (protocols, regexps): mayLinkify knows only the defaults, so every
	// position then goes to goldmark's parser.
	configured bool
}

// Trigger returns the trigger bytes of goldmark's parser.
func (p *linkifyParser) Trigger() []byte { return p.inner.Trigger() }

// SetOption passes parser options on to goldmark's parser, as goldmark
// does for its own.
func (p *linkifyParser) SetOption(name parser.OptionName, value any) {
	if so, ok := p.inner.(parser.SetOptioner); ok {
		so.SetOption(name, value)
	}
	if strings.HasPrefix(string(name), "Linkify") {
		p.configured = true
	}
}

// Parse returns nil when goldmark's parser cannot match here, and what
// goldmark's parser returns otherwise.
func (p *linkifyParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, _ := block.PeekLine()
	if len(line) > 0 && !p.configured {
		switch line[0] { // goldmark's parser skips the trigger character
		case ' ', '*', '_', '~', '(':
			line = line[1:]
		}
		// Most positions end at the first byte (a letter of a word
		// outside ASCII, punctuation, a space).
		if len(line) == 0 || !linkStart[line[0]] || !mayLinkify(line) {
			return nil
		}
	}
	return p.inner.Parse(parent, block, pc)
}

// mayLinkify reports whether goldmark's linkify parser (no allowed
// protocols and no e-mail regexp configured) can return a link for line,
// the text after the trigger character. It follows that parser's steps:
// a URL needs the prefix "http:", "https:", "ftp:" or "www."; otherwise
// an e-mail address, which is refused when line starts with ASCII
// punctuation and otherwise needs util.FindEmailIndex's local part (1 to
// 64 bytes of emailLocal) followed by '@'. When it reports true, goldmark's
// parser decides.
func mayLinkify(line []byte) bool {
	if len(line) == 0 {
		return false // no prefix; FindEmailIndex returns -1 on no bytes
	}
	switch line[0] {
	case 'h':
		if bytes.HasPrefix(line, protoHTTP) || bytes.HasPrefix(line, protoHTTPS) {
			return true
		}
	case 'f':
		if bytes.HasPrefix(line, protoFTP) {
			return true
		}
	case 'w':
		if bytes.HasPrefix(line, domainWWW) {
			return true
		}
	}
	if util.IsPunct(line[0]) {
		return false
	}
	i, lim := 0, min(len(line), 64)
	for i < lim && emailLocal[line[i]] {
		i++
	}
	return i > 0 && i < len(line) && line[i] == '@'
}

var (
	protoHTTP  = []byte("http:")
	protoHTTPS = []byte("https:")
	protoFTP   = []byte("ftp:")
	domainWWW  = []byte("www.")
)

// emailLocal holds the bytes util.FindEmailIndex accepts in the local
// part of an address, asked of FindEmailIndex itself: c is one when
// "c@a" is an address.
var emailLocal = func() (t [256]bool) {
	for c := range 256 {
		t[c] = util.FindEmailIndex([]byte{byte(c), '@', 'a'}) >= 0
	}
	return t
}()

// linkStart holds the bytes mayLinkify can return true after: the first
// bytes of "http:", "https:", "ftp:" and "www.", and the bytes an e-mail
// address can start with (emailLocal, not ASCII punctuation).
var linkStart = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c == 'h' || c == 'f' || c == 'w' || (emailLocal[c] && !util.IsPunct(byte(c)))
	}
	return t
}()
