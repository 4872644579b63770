package release

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
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
			{Channel: "x-ru", Kind: KindX, Parts: []Part{{Format: "text", Text: "1/2", Length: -1}, {Text: ""}}},
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
		p := Part{Format: "html", Text: text, Length: n, Limit: n * 2, Link: url}
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

// TestAppendJSONStringAlignments compares appendJSONString with
// encoding/json on long texts (the eight-byte runs of utf8fast.RunStops)
// with each edge case at every offset: control characters, quotes,
// U+2028 and U+2029 and the letters whose bytes resemble them (Ш, Щ),
// three- and four-byte runes, invalid and truncated sequences.
func TestAppendJSONStringAlignments(t *testing.T) {
	edges := []string{
		"\n", "\"", "\\", "\x00", "\x1f", "\x7f", "\t\r\b\f", "\u2028", "\u2029", "Ш", "Щ", "\u2027", "\u202a", "‘", "–",
		"😀", "👩‍💻", "\U0010FFFF", "\xff", "\x80", "\xd0", "\xc0\x80", "\xe0\x80\x80", "\xe0\xa0\x80", "\xed\xa0\x80",
		"\xed\x9f\xbf", "\xe2\x80", "\xe2\x80\xa8\xa9", "\xf0\x90\x80", "\xf4\x90\x80\x80", "&lt;<b>",
	}
	for _, e := range edges {
		for pre := range 18 {
			for _, fill := range []string{"x", "я", "o‘"} {
				s := strings.Repeat(fill, pre) + e + strings.Repeat("я", 9) + e + strings.Repeat("ab", 5)
				want, err := json.Marshal(s)
				if err != nil {
					t.Fatal(err)
				}
				// encoding/json escapes <, > and & by default; Encode does not.
				want = bytes.ReplaceAll(bytes.ReplaceAll(bytes.ReplaceAll(want, []byte(`\u003c`), []byte("<")), []byte(`\u003e`), []byte(">")), []byte(`\u0026`), []byte("&"))
				if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
					t.Fatalf("appendJSONString(%q) = %s, want %s", s, got, want)
				}
			}
		}
	}
}
