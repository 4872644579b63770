// Package fastparser is goldmark's block and inline parser with a faster
// inner loop. goldmark's parseBlock looks at every byte of every line of
// every paragraph, heading and table cell to see whether an inline parser
// starts there; in press releases almost no byte does, and that loop was
// about a third of the parse. This package's parseBlock passes over runs
// of bytes that cannot start anything in one step, and moves to the end
// of a block's last line at once (see advance); everything else is
// goldmark v1.8.7's parser/parser.go as it is (parser.go here), and the
// node types, block and inline parsers and extensions are goldmark's own.
// TestSameTreeAsGoldmark and FuzzSameTreeAsGoldmark compare the trees it
// builds with goldmark's.
package fastparser

import (
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// stopBytes returns the bytes at which parseBlock must take goldmark's
// steps rather than pass on: a newline (the line ends), a backslash (it
// escapes the next byte), ASCII punctuation with an inline parser, and
// when an inline parser is triggered by spaces (GFM's autolinks), white
// space other than '\r' and '\n'. At any other byte after the first of a
// line, goldmark's loop tries no parser (it looks one up only for
// punctuation, by the byte, and for white space, by ' ') and does only
// this: escaped = false; n++.
func stopBytes(inline *[256][]parser.InlineParser) [256]bool {
	var stops [256]bool
	for c := range stops {
		b := byte(c)
		space := util.IsSpace(b) && b != '\r' && b != '\n'
		stops[c] = b == '\n' || b == '\\' ||
			(util.IsPunct(b) && inline[c] != nil) ||
			(space && inline[' '] != nil)
	}
	return stops
}

// Default returns New with goldmark's default block and inline parsers
// and paragraph transformers, as goldmark.DefaultParser does.
func Default() parser.Parser {
	return New(
		parser.WithBlockParsers(parser.DefaultBlockParsers()...),
		parser.WithInlineParsers(parser.DefaultInlineParsers()...),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
	)
}

// lastStop returns where the last of lines ends (0 when there are none):
// the end of the block a BlockReader reset to lines reads.
func lastStop(lines *text.Segments) int {
	if lines.Len() == 0 {
		return 0
	}
	return lines.At(lines.Len() - 1).Stop
}

// advance does what block.Advance(n) does, in one step where goldmark's
// takes one per byte. Advance moves the position n bytes at once only
// when they end before the current line does; otherwise it steps byte
// by byte, to go on to the next line at the end of this one. On the
// block's last line (the current line ends at last, the Stop of its last
// line) without padding there is no next line to go on to, so the steps
// only add n to the start. That is the case at the end of every
// paragraph, whose last line goldmark keeps without its newline: press
// releases are mostly one-line paragraphs, which Advance stepped through
// byte by byte.
func advance(block text.BlockReader, n, last int) {
	line, pos := block.Position()
	if pos.Padding != 0 || pos.Stop < last {
		block.Advance(n)
		return
	}
	pos.Start += n
	block.SetPosition(line, pos)
}
