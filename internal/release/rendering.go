package release

import (
	"io"
	"math/bits"
	"strconv"
	"unicode/utf8"

	"github.com/pressbot/pressbot/internal/utf8fast"
)

// Rendering is the JSON form of a release's posts that `pressbot render
// -json` prints and `pressbot build -posts` writes next to each release
// page (DESIGN.md: {"id","lang","hash","posts":[{"channel","kind","parts"}]}).
type Rendering struct {
	ID    string          `json:"id"`
	Lang  string          `json:"lang"`
	Hash  string          `json:"hash"`
	Posts []RenderingPost `json:"posts"`
}

// RenderingPost is one channel's post in a Rendering.
type RenderingPost struct {
	Channel string `json:"channel"`
	Kind    string `json:"kind"`
	Parts   []Part `json:"parts"`
}

// NewRendering returns the Rendering of rel's posts; Posts is never nil.
func NewRendering(rel Release, posts []Post) Rendering {
	out := Rendering{ID: rel.ID, Lang: rel.Lang, Hash: rel.Hash, Posts: make([]RenderingPost, 0, len(posts))}
	for _, p := range posts {
		out.Posts = append(out.Posts, RenderingPost{Channel: p.Channel, Kind: p.Kind, Parts: p.Parts})
	}
	return out
}

// Encode writes r to w as indented JSON with HTML (Telegram's markup) left
// unescaped: byte for byte what encoding/json's Encoder writes with
// SetEscapeHTML(false) and SetIndent("", "  "), at several times its
// speed (a build with -posts encodes every release of the archive).
func (r Rendering) Encode(w io.Writer) error {
	_, err := w.Write(r.AppendJSON(make([]byte, 0, r.size())))
	return err
}

// size estimates the length of r's JSON.
func (r Rendering) size() int {
	n := 256
	for _, p := range r.Posts {
		for _, pt := range p.Parts {
			n += 160 + len(pt.Text) + len(pt.Text)/8 + len(pt.Link)
			for _, m := range pt.Media {
				n += 64 + len(m.URL) + len(m.Alt)
			}
		}
	}
	return n
}

// AppendJSON appends the JSON Encode writes to b.
func (r Rendering) AppendJSON(b []byte) []byte {
	b = append(b, "{\n  \"id\": "...)
	b = appendJSONString(b, r.ID)
	b = append(b, ",\n  \"lang\": "...)
	b = appendJSONString(b, r.Lang)
	b = append(b, ",\n  \"hash\": "...)
	b = appendJSONString(b, r.Hash)
	b = append(b, ",\n  \"posts\": "...)
	b = appendArray(b, r.Posts, "\n  ", appendPost)
	return append(b, "\n}\n"...)
}

// appendArray appends a JSON array of items, each by appendItem, as
// encoding/json does: null for nil, [] for empty, else one element after
// another and the closing bracket on a line of its own, indented by indent.
func appendArray[T any](b []byte, items []T, indent string, appendItem func([]byte, T) []byte) []byte {
	switch {
	case items == nil:
		return append(b, "null"...)
	case len(items) == 0:
		return append(b, "[]"...)
	}
	b = append(b, '[')
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendItem(b, it)
	}
	return append(append(b, indent...), ']')
}

// appendPost appends one post of a Rendering at its indentation.
func appendPost(b []byte, p RenderingPost) []byte {
	b = append(b, "\n    {\n      \"channel\": "...)
	b = appendJSONString(b, p.Channel)
	b = append(b, ",\n      \"kind\": "...)
	b = appendJSONString(b, p.Kind)
	b = append(b, ",\n      \"parts\": "...)
	b = appendArray(b, p.Parts, "\n      ", appendPart)
	return append(b, "\n    }"...)
}

// appendPart appends one part of a post at its indentation.
func appendPart(b []byte, pt Part) []byte {
	b = append(b, "\n        {\n          \"format\": "...)
	b = appendJSONString(b, pt.Format)
	b = append(b, ",\n          \"text\": "...)
	if pt.ValidUTF8 {
		b = appendValidJSONString(b, pt.Text)
	} else {
		b = appendJSONString(b, pt.Text)
	}
	b = append(b, ",\n          \"length\": "...)
	b = strconv.AppendInt(b, int64(pt.Length), 10)
	b = append(b, ",\n          \"limit\": "...)
	b = strconv.AppendInt(b, int64(pt.Limit), 10)
	if len(pt.Media) > 0 { // omitempty
		b = append(b, ",\n          \"media\": "...)
		b = appendArray(b, pt.Media, "\n          ", appendMedia)
	}
	if pt.Link != "" {
		b = append(b, ",\n          \"link\": "...)
		b = appendJSONString(b, pt.Link)
	}
	return append(b, "\n        }"...)
}

// appendMedia appends one picture of a part at its indentation.
func appendMedia(b []byte, m Media) []byte {
	b = append(b, "\n            {\n              \"url\": "...)
	b = appendJSONString(b, m.URL)
	b = append(b, ",\n              \"alt\": "...)
	b = appendJSONString(b, m.Alt)
	return append(b, "\n            }"...)
}

// appendJSONString appends s as a JSON string the way encoding/json does
// without HTML escaping: quote, backslash and control characters escaped
// (\b \f \n \r \t or \u00XX), invalid UTF-8 as \ufffd, U+2028 and U+2029
// as \u2028 and \u2029, everything else as is.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start, i := 0, 0
	for i < len(s) {
		// Long runs of plain runes, then the word that ended the run
		// (or the last bytes) as below.
		i, _ = utf8fast.RunStops(s, i, jsonStops)
		for stop := min(i+8, len(s)); i < stop; {
			b, i, start = appendJSONStep(b, s, i, start)
		}
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// jsonStops are the bytes that end utf8fast's runs in appendJSONString:
// those that may need escaping (and some that do not: A8 and A9 follow
// the lead byte in Ш, Щ and a few more capital letters).
var jsonStops = utf8fast.NewStops(0x20, true, '"', '\\')

// appendJSONStep takes one step of appendJSONString from s[i]: a word of
// plain runes or up to the next character to escape, else one rune,
// escaped as needed. start is where the text not yet appended begins.
func appendJSONStep(b []byte, s string, i, start int) ([]byte, int, int) {
	if i+8 <= len(s) { // eight bytes at a time while they are whole plain runes
		v := utf8fast.Load8(s, i)
		if n := utf8fast.Span(v); n > 0 {
			i += min(n, bits.TrailingZeros64(jsonSpecial8(v))/8)
			if i < len(s) && (s[i] < 0x20 || s[i] == '"' || s[i] == '\\') {
				b = appendEscapedASCII(append(b, s[start:i]...), s[i])
				i++
				start = i
			}
			return b, i, start
		}
	}
	c := s[i]
	if c < utf8.RuneSelf {
		if c < 0x20 || c == '"' || c == '\\' {
			b = appendEscapedASCII(append(b, s[start:i]...), c)
			start = i + 1
		}
		return b, i + 1, start
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	esc := ""
	switch {
	case r == utf8.RuneError && size == 1:
		esc = `\ufffd`
	case r == '\u2028':
		esc = `\u2028`
	case r == '\u2029':
		esc = `\u2029`
	}
	if esc != "" {
		b = append(append(b, s[start:i]...), esc...)
		start = i + size
	}
	return b, i + size, start
}

// appendValidJSONString is appendJSONString for s that is valid UTF-8:
// only the bytes of an ASCII character to escape and the last bytes (A8,
// A9) of U+2028 and U+2029 need a look, so it finds them sixteen bytes
// at a time whatever the text holds, and copies what lies between.
func appendValidJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := nextJSONStop(s, 0); i < len(s); i = nextJSONStop(s, i+1) {
		switch c := s[i]; {
		case c < utf8.RuneSelf:
			b = appendEscapedASCII(append(b, s[start:i]...), c)
			start = i + 1
		case i >= start+2 && s[i-2] == 0xE2 && s[i-1] == 0x80: // U+2028 or U+2029; else Ш, Щ, © …
			b = append(append(b, s[start:i-2]...), `\u202`...)
			b = append(b, '8'+c&1)
			start = i + 1
		}
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// nextJSONStop returns the index of the first byte of s from i that is a
// control character, a quote, a backslash, A8 or A9, or len(s).
func nextJSONStop(s string, i int) int {
	for ; i+16 <= len(s); i += 16 {
		m, m2 := jsonStops8(utf8fast.Load8(s, i)), jsonStops8(utf8fast.Load8(s, i+8))
		if m|m2 != 0 {
			if m == 0 {
				return i + 8 + bits.TrailingZeros64(m2)/8
			}
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c|1 == 0xA9 {
			break
		}
	}
	return i
}

// jsonStops8 marks the bytes of v at which nextJSONStop stops: the lowest
// set bit is the top bit of the first (bits above it may be set wrongly),
// and v has none when it returns 0.
func jsonStops8(v uint64) uint64 {
	const ones, hi = 0x0101010101010101, 0x8080808080808080
	// (x - n) &^ x marks the bytes of x below n by their top bits. For
	// the ASCII stops, x = v ^ c has the top bits of v; (v | 1) ^ A9 is
	// zero at A8 and A9, and its top bits are those of v inverted.
	ascii := (v - ones*0x20) | (v ^ ones*'"' - ones) | (v ^ ones*'\\' - ones)
	sep := ((v | ones) ^ ones*0xA9) - ones
	return (ascii&^v | sep&v) & hi
}

// jsonSpecial8 marks the bytes of v that are control characters, quotes or
// backslashes: the lowest set bit is the top bit of the first such byte
// (bits above it may be set wrongly), and v has none when it returns 0.
func jsonSpecial8(v uint64) uint64 {
	const ones, hi = 0x0101010101010101, 0x8080808080808080
	below := func(x uint64, n byte) uint64 { return (x - ones*uint64(n)) &^ x & hi } // bytes < n (n ≤ 128)
	return below(v, 0x20) | below(v^(ones*'"'), 1) | below(v^(ones*'\\'), 1)
}

// appendEscapedASCII appends the JSON escape of the ASCII byte c: a quote,
// a backslash or a control character.
func appendEscapedASCII(b []byte, c byte) []byte {
	const hex = "0123456789abcdef"
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	return append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
}
