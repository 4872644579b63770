package render

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestInvalidUTF8Body renders a hand-made release with invalid bytes as
// if each bad sequence were U+FFFD.
func TestInvalidUTF8Body(t *testing.T) {
	r := newTestRenderer(t)
	for _, body := range []string{"a\xffb", "абвгдеж\xd0", "**ж\xc0\x80ж** [x](https://x.org/\xfe)", strings.Repeat("д", 20) + "\xed\xa0\x80"} {
		got, err := r.All(fuzzRelease(body, true))
		if err != nil {
			t.Fatal(err)
		}
		want, err := r.All(fuzzRelease(strings.ToValidUTF8(body, "\uFFFD"), true))
		if err != nil {
			t.Fatal(err)
		}
		if got.WebHTML != want.WebHTML || got.Posts[0].Parts[0].Text != want.Posts[0].Parts[0].Text {
			t.Errorf("body %q: renders %q, want %q", body, got.WebHTML, want.WebHTML)
		}
		if !strings.Contains(got.WebHTML, "\uFFFD") {
			t.Errorf("body %q: web HTML %q has no U+FFFD", body, got.WebHTML)
		}
	}
}

// TestValidUTF8Trusted checks that a renderer told its bodies are valid
// UTF-8 renders valid ones exactly as one that checks.
func TestValidUTF8Trusted(t *testing.T) {
	checking := newTestRenderer(t)
	trusting, err := New(Config{BaseURL: testBase, Channels: testChannels, ValidUTF8: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{"a b", "**ж** [x](https://x.org/ж)\n\n- один\n- два", strings.Repeat("д ", 3000)} {
		want, err := checking.All(fuzzRelease(body, true))
		if err != nil {
			t.Fatal(err)
		}
		got, err := trusting.All(fuzzRelease(body, true))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range got.Posts {
			for i := range p.Parts { // the one difference: the parts say they are valid
				if !p.Parts[i].ValidUTF8 || !utf8.ValidString(p.Parts[i].Text) {
					t.Errorf("body %q: %s part %d: ValidUTF8 %v for %q", body, p.Channel, i, p.Parts[i].ValidUTF8, p.Parts[i].Text)
				}
				p.Parts[i].ValidUTF8 = false
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("body %q: trusting renderer gives %+v, want %+v", body, got, want)
		}
	}
}
