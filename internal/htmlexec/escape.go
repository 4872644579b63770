package htmlexec

import (
	"bytes"
	"fmt"
	"html/template"
	"reflect"
	"strconv"
	"strings"
)

// contentType is the kind of content a value holds, as html/template's
// escapers tell it by the value's type.
type contentType int

const (
	plain contentType = iota
	html              // template.HTML
	url               // template.URL
)

// stringify returns how html/template's escapers turn a value of type typ
// into a string, and the type of its content. Types it would print through
// a String or Error method, pointers, and the CSS, JS and attribute
// content types are not compiled.
func stringify(typ reflect.Type) (func(reflect.Value) string, contentType, error) {
	stringer := reflect.TypeFor[fmt.Stringer]()
	if typ.Implements(stringer) || typ.Implements(reflect.TypeFor[error]()) {
		return nil, 0, errUnsupported
	}
	switch typ {
	case reflect.TypeFor[template.HTML]():
		return reflect.Value.String, html, nil
	case reflect.TypeFor[template.URL]():
		return reflect.Value.String, url, nil
	case reflect.TypeFor[template.CSS](), reflect.TypeFor[template.HTMLAttr](), reflect.TypeFor[template.JS](),
		reflect.TypeFor[template.JSStr](), reflect.TypeFor[template.Srcset]():
		return nil, 0, errUnsupported
	}
	switch typ.Kind() {
	case reflect.String:
		return reflect.Value.String, plain, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(v reflect.Value) string { return strconv.FormatInt(v.Int(), 10) }, plain, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return func(v reflect.Value) string { return strconv.FormatUint(v.Uint(), 10) }, plain, nil
	case reflect.Bool:
		return func(v reflect.Value) string { return strconv.FormatBool(v.Bool()) }, plain, nil
	}
	return nil, 0, errUnsupported
}

// escaper is one of html/template's escaping functions, by the name it
// has in escaped templates.
type escaper struct {
	// apply returns s, of content type ct, escaped.
	apply func(s string, ct contentType) string
	// write writes what apply returns to buf, without the string when it
	// can.
	write func(buf *bytes.Buffer, s string, ct contentType)
	// types are the content types it is compiled for.
	types []contentType
}

// handles reports whether e is compiled for content of type ct.
func (e *escaper) handles(ct contentType) bool {
	for _, t := range e.types {
		if t == ct {
			return true
		}
	}
	return false
}

// escapers are the escaping functions of html/template that htmlexec
// runs itself, each as html/template's does (html.go, url.go). Content
// of type HTML in an attribute (which html/template strips of its tags)
// is not compiled.
var escapers = map[string]*escaper{
	"_html_template_htmlescaper": {
		apply: func(s string, ct contentType) string {
			if ct == html {
				return s
			}
			return replace(s, &htmlTable)
		},
		write: func(buf *bytes.Buffer, s string, ct contentType) {
			if ct == html {
				buf.WriteString(s)
				return
			}
			writeReplaced(buf, s, &htmlTable)
		},
		types: []contentType{plain, html, url},
	},
	"_html_template_attrescaper": {
		apply: func(s string, _ contentType) string { return replace(s, &htmlTable) },
		write: func(buf *bytes.Buffer, s string, _ contentType) { writeReplaced(buf, s, &htmlTable) },
		types: []contentType{plain, url},
	},
	"_html_template_rcdataescaper": {
		apply: func(s string, ct contentType) string { return replace(s, rcdataTable(ct)) },
		write: func(buf *bytes.Buffer, s string, ct contentType) { writeReplaced(buf, s, rcdataTable(ct)) },
		types: []contentType{plain, html, url},
	},
	"_html_template_urlfilter": {
		apply: urlFilter,
		write: func(buf *bytes.Buffer, s string, ct contentType) { buf.WriteString(urlFilter(s, ct)) },
		types: []contentType{plain, url},
	},
	"_html_template_urlnormalizer": {
		apply: func(s string, _ contentType) string { return processURL(s, true) },
		write: func(buf *bytes.Buffer, s string, _ contentType) { buf.WriteString(processURL(s, true)) },
		types: []contentType{plain, url},
	},
	"_html_template_urlescaper": {
		apply: func(s string, ct contentType) string { return processURL(s, ct == url) },
		write: func(buf *bytes.Buffer, s string, ct contentType) { buf.WriteString(processURL(s, ct == url)) },
		types: []contentType{plain, url},
	},
}

// htmlTable and normTable are html/template's htmlReplacementTable and
// htmlNormReplacementTable (which leaves '&' alone), by byte: every rune
// they replace is ASCII, and every other byte, even of invalid UTF-8, is
// copied as it is.
var htmlTable, normTable [128]string

func init() {
	for _, t := range []*[128]string{&htmlTable, &normTable} {
		t[0], t['"'], t['\''], t['+'], t['<'], t['>'] = "\uFFFD", "&#34;", "&#39;", "&#43;", "&lt;", "&gt;"
	}
	htmlTable['&'] = "&amp;"
}

// rcdataTable is the table rcdataescaper uses for content of type ct.
func rcdataTable(ct contentType) *[128]string {
	if ct == html {
		return &normTable
	}
	return &htmlTable
}

// writeReplaced writes s to buf with the bytes that table names replaced.
func writeReplaced(buf *bytes.Buffer, s string, table *[128]string) {
	written := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 128 && table[c] != "" {
			buf.WriteString(s[written:i])
			buf.WriteString(table[c])
			written = i + 1
		}
	}
	buf.WriteString(s[written:])
}

// replace returns s with the bytes that table names replaced.
func replace(s string, table *[128]string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 128 && table[c] != "" {
			var buf bytes.Buffer
			buf.Grow(len(s) + 16)
			writeReplaced(&buf, s, table)
			return buf.String()
		}
	}
	return s
}

// urlFilter is html/template's urlFilter: it passes URL content and safe
// URLs (relative, or http, https or mailto) and replaces others.
func urlFilter(s string, ct contentType) string {
	if ct == url {
		return s
	}
	if scheme, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(scheme, "/") {
		if !strings.EqualFold(scheme, "http") && !strings.EqualFold(scheme, "https") && !strings.EqualFold(scheme, "mailto") {
			return "#ZgotmplZ"
		}
	}
	return s
}

// processURL is html/template's urlProcessor after stringify: it
// percent-encodes the bytes of s that may not stand in a URL as they are;
// when norm is set, it keeps reserved characters and valid escapes. It
// looks each byte's class up in urlClass, as a switch per byte (in a
// call per byte) took five times as long on a page's links.
func processURL(s string, norm bool) string {
	var b strings.Builder
	written := 0
	keep := urlUnreserved // the highest class kept as it is
	if norm {
		keep = urlReserved
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if k := urlClass[c]; k != urlEscaped && k <= keep ||
			k == urlPercent && norm && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			continue
		}
		if written == 0 {
			b.Grow(len(s) + 16)
		}
		b.WriteString(s[written:i])
		b.WriteByte('%')
		b.WriteByte("0123456789abcdef"[c>>4])
		b.WriteByte("0123456789abcdef"[c&15])
		written = i + 1
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

// urlByte is the class of a byte in a URL, as html/template's
// urlProcessor treats it.
type urlByte uint8

const (
	urlEscaped    urlByte = iota // always percent-encoded
	urlUnreserved                // letters, digits and "-._~": always kept
	urlReserved                  // kept when normalizing
	urlPercent                   // '%': kept when normalizing and a valid escape follows
)

// urlClass is the class of every byte.
var urlClass = func() (t [256]urlByte) {
	for c := range 256 {
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", byte(c)) >= 0:
			t[c] = urlUnreserved
		case strings.IndexByte("!#$&*+,/:;=?@[]", byte(c)) >= 0:
			t[c] = urlReserved
		case c == '%':
			t[c] = urlPercent
		}
	}
	return t
}()

// isHex reports whether c is a hexadecimal digit.
func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
