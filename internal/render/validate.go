package render

import (
	"fmt"
	"strings"
)

// telegramTags are the tags Telegram's parse_mode=HTML accepts (DESIGN.md)
// with the attributes each may carry.
var telegramTags = map[string][]string{
	"b": nil, "strong": nil, "i": nil, "em": nil, "u": nil, "ins": nil,
	"s": nil, "strike": nil, "del": nil, "tg-spoiler": nil,
	"a": {"href"}, "code": {"class"}, "pre": nil,
	"blockquote": {"expandable"}, "span": {"class"},
}

// formatting tags may hold, and be held by, any other entity except code.
var formatting = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "tg-spoiler": true, "span": true,
}

// ValidateTelegramHTML checks s against Telegram's HTML rules as pressbot
// applies them: only the allowed tags and attributes, every tag closed in
// order, no blockquote or <pre> inside a blockquote, nothing inside code or
// pre (but the <code class="language-…"> of a pre), no link in a link,
// links only to http, https, tg and mailto, and text escaped with only
// &lt; &gt; &amp; &quot; and numeric references. The error names the byte
// offset of the first problem.
func ValidateTelegramHTML(s string) error {
	var stack []string
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			n, err := checkTag(s, i, &stack)
			if err != nil {
				return err
			}
			i += n
		case '&':
			_, n := entityRune(s[i:])
			if n == 0 {
				return fmt.Errorf("render: telegram html: offset %d: bare '&' or unsupported entity (write &amp;)", i)
			}
			i += n
		case '>':
			return fmt.Errorf("render: telegram html: offset %d: bare '>' (write &gt;)", i)
		default:
			i++
		}
	}
	if len(stack) > 0 {
		return fmt.Errorf("render: telegram html: <%s> not closed at the end", stack[len(stack)-1])
	}
	return nil
}

// checkTag checks the tag at s[i] against the open stack and returns its
// length.
func checkTag(s string, i int, stack *[]string) (int, error) {
	end := strings.IndexByte(s[i:], '>')
	if end < 0 {
		return 0, fmt.Errorf("render: telegram html: offset %d: unterminated tag", i)
	}
	t := s[i : i+end+1]
	name := tagName(t)
	if _, ok := telegramTags[name]; !ok {
		return 0, fmt.Errorf("render: telegram html: offset %d: tag <%s> is not allowed", i, name)
	}
	if strings.HasPrefix(t, "</") {
		if t != "</"+name+">" {
			return 0, fmt.Errorf("render: telegram html: offset %d: malformed closing tag %q", i, t)
		}
		if len(*stack) == 0 || (*stack)[len(*stack)-1] != name {
			return 0, fmt.Errorf("render: telegram html: offset %d: </%s> does not close the open tag", i, name)
		}
		*stack = (*stack)[:len(*stack)-1]
		return len(t), nil
	}
	attrs, err := parseAttrs(t[1+len(name) : len(t)-1])
	if err != nil {
		return 0, fmt.Errorf("render: telegram html: offset %d: <%s>: %w", i, name, err)
	}
	if err := checkAttrs(name, attrs, *stack); err != nil {
		return 0, fmt.Errorf("render: telegram html: offset %d: <%s>: %w", i, name, err)
	}
	if err := checkNesting(name, *stack); err != nil {
		return 0, fmt.Errorf("render: telegram html: offset %d: %w", i, err)
	}
	*stack = append(*stack, name)
	return len(t), nil
}

// checkNesting applies Telegram's entity nesting rules to a new tag.
func checkNesting(name string, stack []string) error {
	if len(stack) == 0 {
		return nil
	}
	parent := stack[len(stack)-1]
	for _, open := range stack {
		switch {
		case open == "code":
			return fmt.Errorf("<%s> inside <code>", name)
		case open == "pre" && !(name == "code" && parent == "pre"):
			return fmt.Errorf("<%s> inside <pre>", name)
		case open == "blockquote" && (name == "blockquote" || name == "pre"):
			return fmt.Errorf("<%s> inside <blockquote>", name)
		case open == "a" && !formatting[name]:
			return fmt.Errorf("<%s> inside a link", name)
		}
	}
	if name == "pre" || name == "blockquote" {
		for _, open := range stack {
			if formatting[open] {
				return fmt.Errorf("<%s> inside <%s>", name, open)
			}
		}
	}
	return nil
}

// checkAttrs checks the attributes of a tag.
func checkAttrs(name string, attrs map[string]string, stack []string) error {
	allowed := telegramTags[name]
	for k := range attrs {
		if !contains(allowed, k) {
			return fmt.Errorf("attribute %q is not allowed", k)
		}
	}
	switch name {
	case "a":
		href, ok := attrs["href"]
		if !ok {
			return fmt.Errorf("missing href")
		}
		scheme, _ := schemeOf(decodeAttr(href))
		if !contains(telegramSchemes, scheme) {
			return fmt.Errorf("href %q: only http, https, tg and mailto links", href)
		}
	case "code":
		if c, ok := attrs["class"]; ok {
			if len(stack) == 0 || stack[len(stack)-1] != "pre" || !strings.HasPrefix(c, "language-") {
				return fmt.Errorf("class is only for <pre><code class=\"language-…\">")
			}
		}
	case "span":
		if attrs["class"] != "tg-spoiler" {
			return fmt.Errorf(`span needs class="tg-spoiler"`)
		}
	}
	return nil
}

// parseAttrs reads name="value" pairs (value escaped like text) and bare
// names.
func parseAttrs(s string) (map[string]string, error) {
	out := map[string]string{}
	for {
		s = strings.TrimLeft(s, " \t\n")
		if s == "" {
			return out, nil
		}
		end := strings.IndexAny(s, "= \t\n")
		if end < 0 {
			out[s] = ""
			return out, nil
		}
		name := s[:end]
		s = s[end:]
		if !strings.HasPrefix(s, `="`) {
			out[name] = ""
			continue
		}
		close := strings.IndexByte(s[2:], '"')
		if close < 0 {
			return nil, fmt.Errorf("attribute %q: unterminated value", name)
		}
		v := s[2 : 2+close]
		if strings.ContainsAny(v, "<>") {
			return nil, fmt.Errorf("attribute %q: unescaped < or >", name)
		}
		for j := strings.IndexByte(v, '&'); j >= 0; {
			_, n := entityRune(v[j:])
			if n == 0 {
				return nil, fmt.Errorf("attribute %q: bare '&'", name)
			}
			k := strings.IndexByte(v[j+n:], '&')
			if k < 0 {
				break
			}
			j += n + k
		}
		out[name] = v
		s = s[2+close+1:]
	}
}

// decodeAttr resolves the entities of an attribute value.
func decodeAttr(v string) string {
	if !strings.Contains(v, "&") {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); {
		if r, n := entityRune(v[i:]); n > 0 {
			b.WriteRune(r)
			i += n
			continue
		}
		b.WriteByte(v[i])
		i++
	}
	return b.String()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
