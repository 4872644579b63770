package site

import (
	"html/template"
	"strings"
	"time"

	"github.com/pressbot/pressbot/internal/datefmt"
)

// openingTags are the tags a body may open with before its dateline:
// the first paragraph and the emphasis press releases put on the
// dateline ("**6 February 2020, Tashkent** – …"), which may close
// between the date and the place.
var openingTags = []string{"<p>", "<strong>", "<b>", "<em>", "<i>"}

// splitDateline reports whether the web HTML body opens with the
// release's dateline: date t as lang writes it in any usual form
// ("6 февраля 2020 года" as well as "6 февраля 2020 г."), then the
// location when there is one (", Tashkent, Uzbekistan"). If so it returns
// the opening tags before the date, the date as the body writes it, and
// the body after it, so that a release page can mark the date up as a
// <time> in place instead of repeating it above the body. location is
// plain text; the body is the web renderer's HTML, which escapes only &,
// <, > and ". A written date holds none of those.
func splitDateline(body template.HTML, t time.Time, lang, location string) (lead template.HTML, date string, rest template.HTML, ok bool) {
	s := string(body)
	i := 0
	for n := 0; n < 3; n++ {
		tag := openingTag(s[i:])
		if tag == "" {
			break
		}
		i += len(tag)
	}
	if i == 0 {
		return "", "", body, false
	}
	n, ok := datefmt.Prefix(s[i:], t, lang)
	if !ok {
		return "", "", body, false
	}
	after := s[i+n:]
	if location != "" && !strings.HasPrefix(skipClosingTags(after), ", "+escapeText(location)) {
		return "", "", body, false // the meta line would be the only place naming it
	}
	return template.HTML(s[:i]), s[i : i+n], template.HTML(after), true
}

// openingTag returns the opening tag s starts with, if it is one of
// openingTags.
func openingTag(s string) string {
	for _, t := range openingTags {
		if strings.HasPrefix(s, t) {
			return t
		}
	}
	return ""
}

// skipClosingTags returns s after the closing tags of openingTags it
// starts with: "</strong>, Tashkent" gives ", Tashkent".
func skipClosingTags(s string) string {
	for strings.HasPrefix(s, "</") {
		t := openingTag("<" + s[2:])
		if t == "" || t == "<p>" {
			break
		}
		s = s[len(t)+1:]
	}
	return s
}

// textEscaper escapes text as the web renderer does.
var textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// escapeText escapes s as the web renderer escapes text.
func escapeText(s string) string {
	if !strings.ContainsAny(s, `&<>"`) {
		return s
	}
	return textEscaper.Replace(s)
}

// datelineSeparators are what press releases put between the dateline
// and the text: "6 February 2020, Tashkent – The…". A comma is not one:
// after a date alone it starts the place, which lists must not lose.
var datelineSeparators = []string{"-", "–", "—", ":"}

// trimDateline returns the plain-text summary s without the dateline it
// opens with (date t as lang writes it, then ", location" when there is
// one, then a dash or colon), for lists, whose meta line already shows
// the date and the place. s is returned unchanged when it does not open
// with exactly that dateline or nothing would be left after it.
func trimDateline(s string, t time.Time, lang, location string) string {
	n, ok := datefmt.Prefix(s, t, lang)
	if !ok {
		return s
	}
	rest := s[n:]
	if location != "" {
		if rest, ok = strings.CutPrefix(rest, ", "+location); !ok {
			return s
		}
	}
	rest = strings.TrimLeft(rest, " ")
	for _, sep := range datelineSeparators {
		if after, ok := strings.CutPrefix(rest, sep); ok {
			if after = strings.TrimSpace(after); after != "" {
				return after
			}
			break
		}
	}
	return s
}
