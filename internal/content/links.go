package content

import (
	"fmt"
	"path"
	"strings"

	"github.com/pressbot/pressbot/internal/markdown"
)

// checkLinks warns at each link of the body whose target every rendering
// drops (found), keeping only its text: a relative path, a #fragment, or
// a scheme other than http, https and mailto (docs/render.md).
func (b *builder) checkLinks(found []markdown.Link) {
	for _, l := range found {
		at := bodyPos(b.r.Body, l.Offset, b.r.BodyLine)
		b.ps.warnf(at, "link %q%s is dropped from the newsroom page and every post, which show only its text: %s",
			l.Dest, linkText(l.Text), b.linkAdvice(l))
	}
}

// linkText names a link's text for a message: ` ("see")`, or nothing.
func linkText(s string) string {
	const maxShown = 40
	if s == "" {
		return ""
	}
	if r := []rune(s); len(r) > maxShown {
		s = string(r[:maxShown]) + "…"
	}
	return fmt.Sprintf(" (on %q)", s)
}

// linkAdvice says what to write instead of the link l.
func (b *builder) linkAdvice(l markdown.Link) string {
	dest := strings.TrimSpace(l.Dest)
	scheme, _, hasScheme := strings.Cut(dest, ":")
	switch {
	case dest == "":
		return "the link has no target; write one, such as [text](https://…)"
	case strings.HasPrefix(dest, "#"):
		return "links within the release are not kept; remove the link, or write a full address starting with https://"
	case strings.HasPrefix(dest, "//"):
		return "write the address with its scheme, https:" + dest
	case strings.EqualFold(scheme, "tg") && hasScheme:
		return "only Telegram posts keep a tg: link; write an https://t.me/… address instead"
	case hasScheme && !strings.ContainsAny(scheme, "/?#"):
		return "only http, https and mailto links are kept; write a full address starting with https://"
	}
	if id, ok := b.releaseLink(dest); ok {
		return fmt.Sprintf("relative links are not kept; link that release's newsroom page, /releases/%s/, or write a full address starting with https://", id)
	}
	return "relative links are not kept; write a full address starting with https://"
}

// releaseLink returns the ID of the release file that the relative
// link dest names from this release's folder, when dest ends in ".md"
// and stays inside the content folder.
func (b *builder) releaseLink(dest string) (string, bool) {
	p, _, _ := strings.Cut(dest, "#")
	if !strings.HasSuffix(p, ".md") || strings.Contains(p, "?") {
		return "", false
	}
	id := path.Join(path.Dir(b.r.ID), strings.TrimSuffix(p, ".md"))
	if id == "." || id == ".." || strings.HasPrefix(id, "../") {
		return "", false
	}
	return id, true
}
