package plaintext

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// footerHeadings are the lines (lower case, apostrophes as ', no final
// colon) that open the contacts footer, in English, Russian and Uzbek.
var footerHeadings = set(
	"for more information", "for more information, please contact", "for further information",
	"for further information, please contact", "for media inquiries", "for media enquiries",
	"media contact", "media contacts", "press contact", "press contacts",
	"дополнительная информация", "для получения дополнительной информации", "для дополнительной информации",
	"за дополнительной информацией обращайтесь", "контакты для сми", "контакты для прессы",
	"qo'shimcha ma'lumot uchun", "qo'shimcha ma'lumot", "batafsil ma'lumot uchun",
	"qo'shimcha ma'lumot uchun murojaat qiling", "oav uchun aloqa",
	"қўшимча маълумот учун", "батафсил маълумот учун",
)

// maxFooterItem is the longest line, in characters, taken as a footer item;
// a paragraph with a longer line ends the list.
const maxFooterItem = 200

// isFooterHeading reports whether s is a footer heading line.
func isFooterHeading(s string) bool {
	s = strings.ToLower(strings.TrimSpace(strings.TrimRight(s, ": ")))
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(apostrophes, r) {
			return '\''
		}
		return r
	}, s)
	return footerHeadings[s]
}

// renderBody writes the Markdown body: the dateline in bold, paragraphs
// separated by blank lines, and the footer as a list. It returns notes on
// what it did.
func renderBody(doc document, dl dateline, hasDateline bool) ([]byte, []string) {
	var blocks, notes []string
	for i := 0; i < len(doc.paras); i++ {
		p := doc.paras[i]
		switch {
		case i == 0 && hasDateline:
			blocks = append(blocks, datelineBlock(dl))
		case isFooterHeading(p.lines[0]):
			list, used, n := footerList(doc.paras[i:])
			blocks = append(blocks, escapeLine(p.lines[0]))
			if n > 0 {
				blocks = append(blocks, list)
				notes = append(notes, fmt.Sprintf("footer: %q (line %d) made a list of %d item(s), text as written", p.lines[0], p.line, n))
			}
			i += used - 1
		default:
			if p.text != "" {
				blocks = append(blocks, escapeLine(p.text))
			}
		}
		if len(p.list) > 0 && !isFooterHeading(p.lines[0]) {
			blocks = append(blocks, listBlock(p.list))
			notes = append(notes, fmt.Sprintf("list: line %d: %d item(s) made a Markdown list", p.listLine, len(p.list)))
		}
	}
	return []byte(strings.Join(blocks, "\n\n") + "\n"), notes
}

// listBlock writes a list kept from the plain text.
func listBlock(list []item) string {
	out := make([]string, len(list))
	for i, it := range list {
		out[i] = it.marker + " " + escapeLine(it.text)
	}
	return strings.Join(out, "\n")
}

// datelineBlock writes the first paragraph with its dateline in bold.
func datelineBlock(dl dateline) string {
	b := "**" + escapeText(strings.TrimSpace(dl.head)) + "**"
	if dl.rest == "" {
		return b
	}
	return b + " " + strings.TrimSpace(dl.sep) + " " + escapeText(dl.rest)
}

// footerList turns the lines after a footer heading (the rest of its
// paragraph and the following short paragraphs) into a Markdown list. It
// returns the list, how many paragraphs it used and the number of items.
func footerList(paras []para) (string, int, int) {
	items := paras[0].lines[1:]
	used := 1
	for ; used < len(paras); used++ {
		if hasLongLine(paras[used].lines, maxFooterItem) || isFooterHeading(paras[used].lines[0]) {
			break
		}
		items = append(items, paras[used].lines...)
	}
	var out []string
	for _, it := range items {
		it = strings.TrimSpace(listMarker.ReplaceAllString(it, ""))
		if it != "" {
			out = append(out, "- "+escapeLine(it))
		}
	}
	return strings.Join(out, "\n"), used, len(out)
}

// hasLongLine reports whether a line is longer than n characters.
func hasLongLine(lines []string, n int) bool {
	for _, l := range lines {
		if utf8.RuneCountInString(l) > n {
			return true
		}
	}
	return false
}

// Inline escaping: characters that would start emphasis, code, links,
// strikethrough or raw HTML, and & when it would start an entity.
var (
	inlineSpecial = regexp.MustCompile("[\\\\*_`\\[\\]<~]|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
	urlOrEmail    = regexp.MustCompile(`https?://[^\s<>"]+|[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+`)
	entityLike    = regexp.MustCompile(`&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});`)
	// blockStart matches what would open a heading, list, quote or
	// thematic break at the start of a line.
	blockStart = regexp.MustCompile(`^(?:[#>+=-]|\d{1,9}[.)])`)
)

// escapeLine escapes s as one Markdown line that renders as s.
func escapeLine(s string) string {
	e := escapeText(s)
	if m := blockStart.FindString(e); m != "" {
		e = m[:len(m)-1] + `\` + e[len(m)-1:]
	}
	return e
}

// escapeText escapes s for use inside a Markdown line; web addresses and
// e-mail addresses become autolinks (their text unchanged).
func escapeText(s string) string {
	if !strings.Contains(s, "://") && !strings.Contains(s, "@") {
		return escapeInline(s)
	}
	var b strings.Builder
	last := 0
	for _, m := range urlOrEmail.FindAllStringIndex(s, -1) {
		u := trimURL(s[m[0]:m[1]])
		if u == "" || entityLike.MatchString(u) || !isAutolink(u) {
			continue
		}
		b.WriteString(escapeInline(s[last:m[0]]))
		b.WriteString("<" + u + ">")
		last = m[0] + len(u)
	}
	b.WriteString(escapeInline(s[last:]))
	return b.String()
}

// escapeInline backslash-escapes inline Markdown syntax in s.
func escapeInline(s string) string {
	if !strings.ContainsAny(s, "\\*_`[]<~&") {
		return s
	}
	return inlineSpecial.ReplaceAllStringFunc(s, func(m string) string { return `\` + m })
}

// trimURL drops sentence punctuation after an address, and a closing
// parenthesis that has no opening one inside it.
func trimURL(u string) string {
	for u != "" {
		last, size := utf8.DecodeLastRuneInString(u)
		switch {
		case strings.ContainsRune(".,;:!?'\"»”’*_", last):
		case last == ')' && strings.Count(u, "(") < strings.Count(u, ")"):
		default:
			return u
		}
		u = u[:len(u)-size]
	}
	return u
}

// isAutolink reports whether u is an address CommonMark autolinks: a URL
// with something after the scheme, or an e-mail address.
func isAutolink(u string) bool {
	if i := strings.Index(u, "://"); i >= 0 {
		return len(u) > i+3
	}
	return strings.Contains(u, "@")
}

// frontMatter writes the YAML front matter block and the blank line after it.
func frontMatter(r Result) []byte {
	var b strings.Builder
	b.WriteString("---\n")
	b.WriteString("title: " + strconv.Quote(r.Title) + "\n")
	if !r.Date.IsZero() {
		b.WriteString("date: " + r.Date.Format("2006-01-02T15:04:05Z07:00") + "\n")
	}
	if r.Location != "" {
		b.WriteString("location: " + strconv.Quote(r.Location) + "\n")
	}
	b.WriteString("lang: " + yamlScalar(r.Lang) + "\n")
	b.WriteString("---\n\n")
	return []byte(b.String())
}

// plainTag matches a language tag safe to write unquoted in YAML.
var plainTag = regexp.MustCompile(`^[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$`)

// yamlScalar quotes s unless it is a plain language tag that YAML reads
// back as the same string.
func yamlScalar(s string) string {
	switch strings.ToLower(s) {
	case "yes", "no", "on", "off", "true", "false", "null":
		return strconv.Quote(s)
	}
	if plainTag.MatchString(s) {
		return s
	}
	return strconv.Quote(s)
}
