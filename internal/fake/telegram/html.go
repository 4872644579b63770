package faketg

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits of the Bot API, counted in UTF-16 code units after entity parsing
// (https://core.telegram.org/bots/api#sendmessage, #sendphoto).
const (
	MaxTextLength    = 4096
	MaxCaptionLength = 1024
	MaxCallbackData  = 64
)

// EntityError is a parse_mode=HTML text that Telegram would refuse with
// "Bad Request: can't parse entities: ...".
type EntityError struct {
	Reason string
	Offset int
}

// Error implements error, in Telegram's words.
func (e *EntityError) Error() string {
	return fmt.Sprintf("can't parse entities: %s at byte offset %d", e.Reason, e.Offset)
}

// ParseHTML parses text the way Telegram parses parse_mode=HTML
// (https://core.telegram.org/bots/api#html-style) and returns the plain text
// the message would show. It accepts only the tags of DESIGN.md
// (b strong i em u ins s strike del a[href] code pre blockquote[expandable]
// tg-spoiler span.tg-spoiler), requires them balanced and properly nested,
// refuses nested blockquotes and tags inside code/pre (except code in pre),
// and decodes only &lt; &gt; &amp; &quot; and numeric entities.
func ParseHTML(s string) (string, error) {
	p := htmlParser{src: s}
	return p.parse()
}

// UTF16Len returns the length of s in UTF-16 code units, as Telegram counts.
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r) // invalid bytes range as U+FFFD: one unit
	}
	return n
}

type htmlParser struct {
	src   string
	i     int
	out   strings.Builder
	stack []string
}

func (p *htmlParser) parse() (string, error) {
	for p.i < len(p.src) {
		c := p.src[p.i]
		var err error
		switch c {
		case '<':
			err = p.tag()
		case '&':
			err = p.entity()
		default:
			p.out.WriteByte(c)
			p.i++
		}
		if err != nil {
			return "", err
		}
	}
	if len(p.stack) > 0 {
		return "", &EntityError{
			Reason: fmt.Sprintf("Can't find end tag corresponding to start tag %q", p.stack[len(p.stack)-1]),
			Offset: len(p.src),
		}
	}
	return p.out.String(), nil
}

// entity decodes one &...; sequence. A bare '&' not followed by a name or
// '#' is kept as text, as Telegram does.
func (p *htmlParser) entity() error {
	start := p.i
	end := strings.IndexByte(p.src[start:], ';')
	rest := p.src[start+1:]
	if end < 0 || rest == "" || !(isLetter(rest[0]) || rest[0] == '#') {
		p.out.WriteByte('&')
		p.i++
		return nil
	}
	name := p.src[start+1 : start+end]
	switch name {
	case "lt":
		p.out.WriteByte('<')
	case "gt":
		p.out.WriteByte('>')
	case "amp":
		p.out.WriteByte('&')
	case "quot":
		p.out.WriteByte('"')
	default:
		r, ok := numericEntity(name)
		if !ok {
			return &EntityError{Reason: fmt.Sprintf("Unsupported HTML entity \"&%s;\"", name), Offset: start}
		}
		p.out.WriteRune(r)
	}
	p.i = start + end + 1
	return nil
}

func numericEntity(name string) (rune, bool) {
	if len(name) < 2 || name[0] != '#' {
		return 0, false
	}
	var (
		v   uint64
		err error
	)
	if name[1] == 'x' || name[1] == 'X' {
		v, err = strconv.ParseUint(name[2:], 16, 32)
	} else {
		v, err = strconv.ParseUint(name[1:], 10, 32)
	}
	if err != nil || v == 0 || v > utf8.MaxRune || (v >= 0xD800 && v <= 0xDFFF) {
		return 0, false
	}
	return rune(v), true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// tag parses one start or end tag at p.i.
func (p *htmlParser) tag() error {
	start := p.i
	end := strings.IndexByte(p.src[start:], '>')
	if end < 0 {
		return &EntityError{Reason: "Unclosed start tag", Offset: start}
	}
	body := p.src[start+1 : start+end]
	p.i = start + end + 1
	if strings.HasPrefix(body, "/") {
		return p.endTag(strings.ToLower(strings.TrimSpace(body[1:])), start)
	}
	name, attrs, reason := splitTag(body)
	if reason == "" {
		reason = p.checkStart(name, attrs)
	}
	if reason != "" {
		return &EntityError{Reason: reason, Offset: start}
	}
	p.stack = append(p.stack, name)
	return nil
}

func (p *htmlParser) endTag(name string, off int) error {
	if len(p.stack) == 0 {
		return &EntityError{Reason: fmt.Sprintf("Unexpected end tag %q", name), Offset: off}
	}
	top := p.stack[len(p.stack)-1]
	if name != top {
		return &EntityError{Reason: fmt.Sprintf("Unmatched end tag, expected \"</%s>\", found \"</%s>\"", top, name), Offset: off}
	}
	p.stack = p.stack[:len(p.stack)-1]
	return nil
}

var simpleTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "tg-spoiler": true,
	"code": true, "pre": true, "blockquote": true, "a": true, "span": true,
}

// checkStart applies Telegram's rules to a start tag and returns why it is
// refused, or "".
func (p *htmlParser) checkStart(name string, attrs map[string]string) string {
	if !simpleTags[name] {
		return fmt.Sprintf("Unsupported start tag %q", name)
	}
	if len(p.stack) > 0 {
		top := p.stack[len(p.stack)-1]
		if top == "code" || (top == "pre" && name != "code") {
			return fmt.Sprintf("Can't use tag %q inside <%s>", name, top)
		}
	}
	switch name {
	case "a":
		if _, ok := attrs["href"]; !ok {
			return "Tag \"a\" must have attribute \"href\""
		}
		if p.inside("a") {
			return "Nested tag \"a\" is not supported"
		}
	case "span":
		if attrs["class"] != "tg-spoiler" {
			return "Tag \"span\" must have class \"tg-spoiler\""
		}
	case "blockquote":
		if p.inside("blockquote") {
			return "Nested blockquotes are not supported"
		}
	}
	return ""
}

func (p *htmlParser) inside(name string) bool {
	for _, t := range p.stack {
		if t == name {
			return true
		}
	}
	return false
}

// splitTag splits `name attr="v" attr2` into a lower-case name and
// attributes, or returns why it cannot. Values may be double-, single- or
// unquoted.
func splitTag(body string) (string, map[string]string, string) {
	body = strings.TrimSuffix(strings.TrimSpace(body), "/")
	n := 0
	for n < len(body) && (isLetter(body[n]) || body[n] == '-' || (n > 0 && body[n] >= '0' && body[n] <= '9')) {
		n++
	}
	if n == 0 {
		return "", nil, "Empty tag name"
	}
	name := strings.ToLower(body[:n])
	attrs := map[string]string{}
	rest := body[n:]
	for {
		rest = strings.TrimLeft(rest, " \t\n\r")
		if rest == "" {
			return name, attrs, ""
		}
		k := 0
		for k < len(rest) && rest[k] != '=' && rest[k] != ' ' && rest[k] != '\t' && rest[k] != '\n' {
			k++
		}
		key := strings.ToLower(rest[:k])
		rest = rest[k:]
		if !strings.HasPrefix(rest, "=") {
			attrs[key] = ""
			continue
		}
		val, tail, reason := attrValue(rest[1:])
		if reason != "" {
			return "", nil, reason
		}
		attrs[key] = val
		rest = tail
	}
}

func attrValue(s string) (string, string, string) {
	if s == "" {
		return "", "", "Expected attribute value"
	}
	if q := s[0]; q == '"' || q == '\'' {
		end := strings.IndexByte(s[1:], q)
		if end < 0 {
			return "", "", "Unclosed attribute value"
		}
		return unescapeAttr(s[1 : 1+end]), s[2+end:], ""
	}
	end := strings.IndexAny(s, " \t\n")
	if end < 0 {
		end = len(s)
	}
	return unescapeAttr(s[:end]), s[end:], ""
}

var attrUnescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&amp;", "&")

func unescapeAttr(s string) string { return attrUnescaper.Replace(s) }
