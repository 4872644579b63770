package render

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/util"

	"github.com/pressbot/pressbot/internal/release"
)

// Link schemes each profile keeps; any other link keeps its text only.
var (
	telegramSchemes = []string{"http", "https", "tg", "mailto"}
	textSchemes     = []string{"http", "https", "mailto"}
	webSchemes      = textSchemes
	imageSchemes    = []string{"http", "https"}
)

// linkURL resolves a Markdown destination (escapes and character
// references) and returns it when its scheme is one of schemes. A path
// starting with one "/" is made absolute on the newsroom base URL; any
// other relative reference, and any other scheme (javascript:, data:,
// vbscript:, file:), is refused.
func linkURL(dest []byte, base string, schemes []string) (string, bool) {
	return checkURL(escapeURL(dest), base, schemes)
}

// checkURL is linkURL on a destination escapeURL has resolved.
func checkURL(u, base string, schemes []string) (string, bool) {
	if u == "" {
		return "", false
	}
	scheme, ok := schemeOf(u)
	if !ok {
		if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") && base != "" {
			return strings.TrimRight(base, "/") + u, true
		}
		return "", false
	}
	for _, s := range schemes {
		if scheme == s {
			return u, true
		}
	}
	return "", false
}

// imageURL resolves an image destination: http(s) as is, a relative path
// as a file under content/ served by the newsroom (release.ImageURL).
func imageURL(dest []byte, base string) (string, bool) {
	u := escapeURL(dest)
	if u == "" || strings.HasPrefix(u, "//") || strings.HasPrefix(u, "#") {
		return "", false
	}
	if _, ok := schemeOf(u); ok {
		return checkURL(u, base, imageSchemes)
	}
	if base == "" {
		return "", false
	}
	return release.MediaURL(base, u), true
}

// escapeURL resolves a Markdown destination as goldmark does for a link
// (backslash escapes and character references resolved, then
// URL-escaped) and trims it. Most destinations are plain URLs that this
// leaves as they are: those skip goldmark's passes.
func escapeURL(dest []byte) string {
	for _, c := range dest {
		if !urlAsIs[c] {
			return strings.TrimSpace(string(util.URLEscape(dest, true)))
		}
	}
	return strings.TrimSpace(string(dest))
}

// urlAsIs marks the bytes util.URLEscape(…, true) leaves as they are
// wherever they stand, asked of goldmark itself: ASCII, and neither a
// backslash nor '&' (escapes and references) nor '%' (kept only before two
// hex digits).
var urlAsIs = func() (t [256]bool) {
	for c := range utf8.RuneSelf {
		in := []byte{'a', byte(c), 'a'}
		t[c] = c != '\\' && c != '&' && c != '%' && bytes.Equal(util.URLEscape(in, true), in)
	}
	return t
}()

// schemeOf returns the lower-cased scheme of u, if it has one.
func schemeOf(u string) (string, bool) {
	i := strings.IndexByte(u, ':')
	if i <= 0 {
		return "", false
	}
	if j := strings.IndexAny(u, "/?#"); j >= 0 && j < i {
		return "", false
	}
	s := strings.ToLower(u[:i])
	for k, c := range s {
		ok := c >= 'a' && c <= 'z' || k > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')
		if !ok {
			return "", false
		}
	}
	return s, true
}

// linkState remembers, for each link being rendered, whether an <a> was
// opened, where its text starts and its target.
type linkState struct {
	a     bool
	start int
	url   string
}

func (w *writer) schemes() []string {
	if w.html {
		return telegramSchemes
	}
	return textSchemes
}

// enterLink opens a link to url (ok: the target is allowed).
func (w *writer) enterLink(url string, ok bool) {
	w.open()
	st := linkState{url: url}
	if ok && w.html && w.link == 0 {
		w.buf = append(w.buf, `<a href="`...)
		w.buf = appendEscapedString(w.buf, url)
		w.buf = append(w.buf, `">`...)
		st.a = true
		w.link++
	} else if !ok {
		st.url = ""
	}
	st.start = len(w.buf)
	w.links = append(w.links, st)
}

// exitLink closes the innermost link: in HTML it writes </a> (with the URL
// as text when the link had none); in plain text it writes the target
// after the text, "text (https://…)", unless the text already is it.
func (w *writer) exitLink() {
	st := w.links[len(w.links)-1]
	w.links = w.links[:len(w.links)-1]
	text := bytes.TrimSpace(w.buf[st.start:])
	if st.a {
		if len(text) == 0 {
			w.buf = appendEscapedString(w.buf, st.url)
		}
		w.buf = append(w.buf, "</a>"...)
		w.link--
		return
	}
	if w.html || st.url == "" {
		return
	}
	target := strings.TrimPrefix(st.url, "mailto:")
	switch {
	case len(text) == 0:
		w.buf = append(w.buf, target...)
	case string(text) == target, string(text) == st.url:
	default:
		w.buf = append(w.buf, " ("...)
		w.buf = append(w.buf, target...)
		w.buf = append(w.buf, ')')
	}
}

func (nr *nodeRenderer) link(bw util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	w := bw.(*writer)
	if entering {
		u, ok := linkURL(n.(*ast.Link).Destination, w.base, w.schemes())
		w.enterLink(u, ok)
	} else {
		w.exitLink()
	}
	return ast.WalkContinue, nil
}

func (nr *nodeRenderer) image(bw util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	w := bw.(*writer)
	if entering {
		u, ok := imageURL(n.(*ast.Image).Destination, w.base)
		w.enterLink(u, ok)
	} else {
		w.exitLink()
	}
	return ast.WalkContinue, nil
}

func (nr *nodeRenderer) autoLink(bw util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	w := bw.(*writer)
	al := n.(*ast.AutoLink)
	dest := al.URL(source)
	if al.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(string(dest)), "mailto:") {
		dest = append([]byte("mailto:"), dest...)
	}
	u, ok := linkURL(dest, "", w.schemes())
	w.enterLink(u, ok)
	w.raw(al.Label(source))
	if !w.html && ok {
		// The label is the address itself: no "(target)" after it.
		w.links[len(w.links)-1].url = ""
	}
	w.exitLink()
	return ast.WalkSkipChildren, nil
}
