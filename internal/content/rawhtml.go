package content

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pressbot/pressbot/internal/markdown"
)

// checkRawHTML warns where the body holds raw HTML (found), which every rendering
// drops: an HTML block with every line of it (up to the next blank line,
// or to the line that closes a <pre>, <script> or comment), an inline tag
// without the text around it. An editor who pasted HTML would otherwise
// lose text or a line break unawares. Each element is named once, at its
// first place. A comment is a way to leave colleagues a note and is named
// only when it hides text.
func (b *builder) checkRawHTML(found []markdown.RawHTML) {
	type seen struct {
		tag   string
		block bool
	}
	done := map[seen]bool{}
	for _, h := range found {
		if done[seen{h.Tag, h.Block}] && !h.Comment {
			continue
		}
		done[seen{h.Tag, h.Block}] = true
		at := bodyPos(b.r.Body, h.Offset, b.r.BodyLine)
		switch {
		case h.Comment && h.Block:
			b.checkComment(h, at)
		case h.Comment:
		case h.Block:
			b.ps.warnf(at, "raw HTML %s is left out of the newsroom page and every post, and with it all the text on %s: %s",
				tagLabel(h.Tag), b.lineSpan(h), blockAdvice(h.Tag))
		default:
			b.ps.warnf(at, "HTML tag %s is dropped from the newsroom page and every post (%s): %s",
				tagLabel(h.Tag), inlineLoss(h.Tag), inlineAdvice(h.Tag))
		}
	}
}

// comments matches an HTML comment.
var comments = regexp.MustCompile(`(?s)<!--.*?-->`)

// checkComment warns when the comment block h hides text: it is never
// closed, or text shares its lines.
func (b *builder) checkComment(h markdown.RawHTML, at pos) {
	block := b.r.Body[h.Offset:h.End]
	switch {
	case !strings.Contains(block, "-->"):
		b.ps.warnf(at, "HTML comment is never closed with -->, so all the text after it (%s) is left out of the newsroom page and every post: end the note with -->", b.lineSpan(h))
	case strings.TrimSpace(comments.ReplaceAllString(block, "")) != "":
		b.ps.warnf(at, "text next to an HTML comment is left out of the newsroom page and every post, with all of %s: put the comment on a line of its own", b.lineSpan(h))
	}
}

// lineSpan names the file lines h covers: "line 9" or "lines 9–11".
func (b *builder) lineSpan(h markdown.RawHTML) string {
	first := bodyPos(b.r.Body, h.Offset, b.r.BodyLine).line
	last := bodyPos(b.r.Body, h.End-1, b.r.BodyLine).line
	if strings.HasSuffix(b.r.Body[h.Offset:h.End], "\n") && h.End-1 > h.Offset {
		last = bodyPos(b.r.Body, h.End-2, b.r.BodyLine).line
	}
	if first == last {
		return fmt.Sprintf("line %d", first)
	}
	return fmt.Sprintf("lines %d–%d", first, last)
}

// tagLabel writes an element name as a tag, "<div>", or "HTML" when it
// has none (a declaration).
func tagLabel(tag string) string {
	if tag == "" {
		return "HTML"
	}
	return "<" + tag + ">"
}

// blockAdvice says what to write instead of an HTML block of tag.
func blockAdvice(tag string) string {
	switch tag {
	case "table", "tr", "td", "th", "thead", "tbody":
		return "write the table in Markdown (| a | b | rows, with a | --- | --- | line under the first)"
	case "h1", "h2", "h3", "h4", "h5", "h6":
		return "write the heading in Markdown (## Heading)"
	case "ul", "ol", "li":
		return "write the list in Markdown (- item)"
	case "img":
		return "show the picture in Markdown (![what it shows](images/photo.jpg))"
	case "script", "style":
		return "remove it (a release cannot run scripts or set styles)"
	}
	return "write that text in Markdown instead (a blank line starts a paragraph; **bold**, *italic*, [link](https://…))"
}

// inlineLoss says what the renderings lose with an inline tag.
func inlineLoss(tag string) string {
	switch tag {
	case "br":
		return "the lines it separates run together"
	case "a":
		return "its text stays, without the link"
	case "img":
		return "the picture is not shown"
	case "iframe", "object", "embed", "video", "audio":
		return "what it embeds is not shown"
	case "script", "style":
		return "the code in it stays, shown as text"
	}
	return "the text around it stays"
}

// inlineAdvice says what to write instead of an inline tag.
func inlineAdvice(tag string) string {
	switch tag {
	case "b", "strong":
		return "write **bold** instead"
	case "i", "em":
		return "write *italic* instead"
	case "a":
		return "write [text](https://…) instead"
	case "br":
		return "end the line with a backslash (\\) for a line break instead"
	case "s", "del", "strike":
		return "write ~~struck~~ instead"
	case "code", "kbd", "samp", "tt":
		return "write `code` instead"
	case "img":
		return "write ![what it shows](images/photo.jpg) instead"
	case "sup", "sub":
		return "type the characters themselves instead (m², CO₂)"
	case "iframe", "object", "embed", "video", "audio":
		return "link to it instead: [text](https://…)"
	case "script", "style":
		return "remove it (a release cannot run scripts or set styles)"
	}
	return "use Markdown instead"
}
