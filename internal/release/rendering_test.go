package release

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// stdEncode is what Encode must match: encoding/json's Encoder without
// HTML escaping, indented by two spaces.
func stdEncode(t testing.TB, r Rendering) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRenderingEncodeMatchesEncodingJSON(t *testing.T) {
	tg := Part{Format: "html", Text: "<b>Title</b>\n\n\"Quote\" \\ back\tslash\r\x01\x1f\b\f & <a href=\"x\">x</a> Ўзбек 👩‍💻 \u2028\u2029 \xff\xfe end", Length: 40, Limit: 4096,
		Media: []Media{{URL: "https://news.example.org/media/a.jpg", Alt: "A \"minivan\""}, {URL: "u2", Alt: ""}}}
	fb := Part{Format: "text", Text: "Plain text", Length: 10, Limit: 63206, Link: "https://news.example.org/releases/2020/x/"}
	valid := Part{Format: "html", Text: "<b>Ш</b> \"©\"\n\u2028Щ\u2029\\ o‘zbek – 😀\x00", Length: 20, Limit: 4096, ValidUTF8: true}
	for _, tc := range []struct {
		name string
		r    Rendering
	}{
		{"empty", Rendering{}},
		{"no posts", NewRendering(Release{ID: "2020/x", Lang: "en", Hash: "abc"}, nil)},
		{"nil parts", Rendering{ID: "a", Posts: []RenderingPost{{Channel: "x", Kind: "x"}}}},
		{"empty parts", Rendering{ID: "a", Posts: []RenderingPost{{Channel: "x", Kind: "x", Parts: []Part{}}}}},
		{"full", NewRendering(Release{ID: "2020/x", Lang: "ru", Hash: "deadbeef"}, []Post{
			{Channel: "telegram", Kind: KindTelegram, Parts: []Part{tg, tg}},
			{Channel: "facebook", Kind: KindFacebook, Parts: []Part{fb}},
			{Channel: "x-ru", Kind: KindX, Parts: []Part{{Format: "text", Text: "1/2", Length: -1}, {Text: ""}, valid, {ValidUTF8: true}}},
		})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got bytes.Buffer
			if err := tc.r.Encode(&got); err != nil {
				t.Fatal(err)
			}
			if want := stdEncode(t, tc.r); !bytes.Equal(got.Bytes(), want) {
				t.Errorf("Encode:\n%s\nencoding/json:\n%s", got.Bytes(), want)
			}
		})
	}
}

func FuzzRenderingEncode(f *testing.F) {
	f.Add("2020/x", "<b>t</b>\n\"q\"", "https://e.org/a.jpg", "alt", 12, true)
	f.Add("", "\x00\x7f\u2028\xc3", "", "", -3, false)
	f.Fuzz(func(t *testing.T, id, text, url, alt string, n int, media bool) {
		p := Part{Format: "html", Text: text, Length: n, Limit: n * 2, Link: url, ValidUTF8: utf8.ValidString(text)}
		if media {
			p.Media = []Media{{URL: url, Alt: alt}}
		}
		r := Rendering{ID: id, Lang: alt, Hash: text, Posts: []RenderingPost{{Channel: id, Kind: url, Parts: []Part{p, {Text: alt}}}}}
		var got bytes.Buffer
		if err := r.Encode(&got); err != nil {
			t.Fatal(err)
		}
		if want := stdEncode(t, r); !bytes.Equal(got.Bytes(), want) {
			t.Fatalf("Encode:\n%q\nencoding/json:\n%q", got.Bytes(), want)
		}
	})
}

func BenchmarkRenderingEncode(b *testing.B) {
	text := string(bytes.Repeat([]byte("Ташкент, <b>6 февраля</b> – \"УНП ООН\" передало минивэн. "), 60))
	r := NewRendering(Release{ID: "2020/x", Lang: "ru", Hash: "deadbeef"}, []Post{
		{Channel: "telegram", Kind: KindTelegram, Parts: []Part{{Format: "html", Text: text, Length: 3000, Limit: 4096}}},
		{Channel: "facebook", Kind: KindFacebook, Parts: []Part{{Format: "text", Text: text, Length: 3000, Limit: 63206}}},
	})
	b.Run("pressbot", func(b *testing.B) {
		for b.Loop() {
			r.Encode(io.Discard)
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			stdEncode(b, r)
		}
	})
}

// stdString is a JSON string as encoding/json's Encoder writes it with
// SetEscapeHTML(false), as Encode does.
func stdString(t testing.TB, s string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// checkJSONString compares appendJSONString and, for valid UTF-8,
// appendValidJSONString on s with encoding/json.
func checkJSONString(t testing.TB, s string) {
	want := stdString(t, s)
	if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
		t.Fatalf("appendJSONString(%q) = %s, want %s", s, got, want)
	}
	if !utf8.ValidString(s) {
		return
	}
	if got := appendValidJSONString([]byte("x"), s); !bytes.Equal(got[1:], want) || got[0] != 'x' {
		t.Fatalf("appendValidJSONString(%q) = %s, want %s", s, got[1:], want)
	}
}

// jsonEdges are the edge cases of appendJSONString: control characters,
// quotes, U+2028 and U+2029 and the letters whose bytes resemble them
// (Ш, Щ, ©), three- and four-byte runes, invalid and truncated sequences.
var jsonEdges = []string{
	"\n", "\"", "\\", "\x00", "\x1f", " ", "\x7f", "\t\r\b\f", "\u2028", "\u2029", "Ш", "Щ", "©", "\u2027", "\u202a",
	"\u2028\u2029", "\u0428\u2029", "\u2228", "\u2229", "\u0a28", "‘", "–", "😀", "👩‍💻", "\U0010FFFF", "\ue2a8", "\xff", "\x80", "\xd0", "\xc0\x80",
	"\xe0\x80\x80", "\xe0\xa0\x80", "\xed\xa0\x80", "\xed\x9f\xbf", "\xe2\x80", "\xe2\x80\xa8\xa9", "\x80\xa8",
	"\xa8", "\xf0\x90\x80", "\xf4\x90\x80\x80", "&lt;<b>",
}

// TestAppendJSONStringAlignments compares appendJSONString and
// appendValidJSONString with encoding/json on long texts (the eight-byte
// words of utf8fast.RunStops, the sixteen bytes of nextJSONStop) with
// each edge case at every offset, alone, twice and at the end.
func TestAppendJSONStringAlignments(t *testing.T) {
	for _, e := range jsonEdges {
		for pre := range 34 {
			for _, fill := range []string{"x", "я", "o‘"} {
				lead := strings.Repeat(fill, pre)
				for _, s := range []string{
					lead + e + strings.Repeat("я", 9) + e + strings.Repeat("ab", 5),
					lead + e, e + lead, lead + e + e + lead,
				} {
					checkJSONString(t, s)
				}
			}
		}
	}
}

// TestAppendValidJSONString checks appendValidJSONString on whole texts.
func TestAppendValidJSONString(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"empty", "", `""`},
		{"ascii", "<b>a</b> & b", `"<b>a</b> & b"`},
		{"escapes", "\"q\" \\ \n\t\r\b\f\x00\x01\x1f\x7f", `"\"q\" \\ \n\t\r\b\f\u0000\u0001\u001f` + "\x7f\""},
		{"separators", "a\u2028b\u2029", `"a\u2028b\u2029"`},
		{"lookalikes", "ШЩ© ѨѩШ\u2028Щ", `"ШЩ© ѨѩШ\u2028Щ"`},
		{"long cyrillic", strings.Repeat("Ташкент — «УНП ООН» o‘zbek\n", 3), `"` + strings.Repeat(`Ташкент — «УНП ООН» o‘zbek\n`, 3) + `"`},
		{"separator at 16", "0123456789abcde\u2028f", `"0123456789abcde\u2028f"`},
		{"quote at 15 and 16", "0123456789abcde\"\"", `"0123456789abcde\"\""`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := appendValidJSONString(nil, tt.in); string(got) != tt.want {
				t.Errorf("appendValidJSONString(%q) = %s, want %s", tt.in, got, tt.want)
			}
			checkJSONString(t, tt.in)
		})
	}
}

// FuzzAppendJSONString compares appendJSONString and, for valid UTF-8,
// appendValidJSONString with encoding/json, with s at every offset from
// the sixteen-byte words.
func FuzzAppendJSONString(f *testing.F) {
	for _, e := range jsonEdges {
		f.Add(e + "я" + e)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for pre := range 17 {
			checkJSONString(t, strings.Repeat("x", pre)+s)
			checkJSONString(t, strings.Repeat("я", pre)+s+strings.Repeat("ж", pre))
		}
	})
}
