package content

import (
	"github.com/pressbot/pressbot/internal/markdown"
)

// checkRawHTML warns at the first place of each HTML element in the body:
// every rendering drops raw HTML, an HTML block with the text inside it
// and an inline tag without the text around it, so an editor who pasted
// HTML would lose text or a line break unawares. HTML comments, a way to
// leave colleagues a note, are left alone.
func (b *builder) checkRawHTML() {
	type seen struct {
		tag   string
		block bool
	}
	done := map[seen]bool{}
	for _, h := range markdown.FindRawHTML(b.r.Body) {
		if h.Comment || done[seen{h.Tag, h.Block}] {
			continue
		}
		done[seen{h.Tag, h.Block}] = true
		at := bodyPos(b.r.Body, h.Offset, b.r.BodyLine)
		if h.Block {
			b.ps.warnf(at, "raw HTML %s is left out of the newsroom page and every post, with the text inside it: "+
				"write that text in Markdown instead (a blank line starts a paragraph; **bold**, *italic*, [link](https://…))", tagLabel(h.Tag))
			continue
		}
		if h.Tag == "br" {
			b.ps.warnf(at, "HTML tag <br> is dropped from the newsroom page and every post, so the lines it separates run together: end the line with a backslash (\\) for a line break instead")
			continue
		}
		b.ps.warnf(at, "HTML tag %s is dropped from the newsroom page and every post (the text around it stays): %s", tagLabel(h.Tag), markdownFor(h.Tag))
	}
}

// tagLabel writes an element name as a tag, "<div>", or "HTML" when it
// has none (a declaration).
func tagLabel(tag string) string {
	if tag == "" {
		return "HTML"
	}
	return "<" + tag + ">"
}

// markdownFor says what to write in Markdown instead of the inline tag.
func markdownFor(tag string) string {
	switch tag {
	case "b", "strong":
		return "write **bold** instead"
	case "i", "em":
		return "write *italic* instead"
	case "a":
		return "write [text](https://…) instead"
	case "s", "del", "strike":
		return "write ~~struck~~ instead"
	case "code":
		return "write `code` instead"
	}
	return "use Markdown instead"
}
