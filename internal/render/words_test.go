package render

import (
	"testing"
	"time"
	"unicode"
)

func TestHashtag(t *testing.T) {
	tests := map[string]string{
		"climate":           "#Climate",
		"gender-equality":   "#GenderEquality",
		"Aral Sea":          "#AralSea",
		"COVID-19":          "#COVID19",
		"SDGs":              "#SDGs",
		"водные ресурсы":    "#ВодныеРесурсы",
		"sog‘liqni saqlash": "#SogliqniSaqlash",
		"ta’lim":            "#Talim",
		"oʻzbek tili":       "#OzbekTili",
		"中文 标签":             "#中文_标签",
		"2030":              "",
		"!!!":               "",
		"":                  "",
	}
	for in, want := range tests {
		if got := Hashtag(in); got != want {
			t.Errorf("Hashtag(%q) = %q, want %q", in, got, want)
		}
	}
	if got := hashtags([]string{"Water", "water", "2030", "SDGs"}); len(got) != 2 || got[0] != "#Water" || got[1] != "#SDGs" {
		t.Errorf("hashtags = %q", got)
	}
}

func TestDateline(t *testing.T) {
	day := time.Date(2020, 2, 6, 0, 0, 0, 0, time.UTC)
	tests := []struct{ lang, loc, want string }{
		{"en", "Tashkent, Uzbekistan", "6 February 2020, Tashkent, Uzbekistan"},
		{"ru", "Ташкент, Узбекистан", "6 февраля 2020 г., Ташкент, Узбекистан"},
		{"uz", "Toshkent, O‘zbekiston", "6-fevral 2020-yil, Toshkent, O‘zbekiston"},
		{"uz-Cyrl", "Тошкент", "6-феврал 2020 йил, Тошкент"},
		{"ru-RU", "", "6 февраля 2020 г."},
		{"fr", "Paris", "6 February 2020, Paris"},
	}
	for _, tt := range tests {
		if got := dateline(day, tt.lang, tt.loc); got != tt.want {
			t.Errorf("dateline(%s) = %q, want %q", tt.lang, got, tt.want)
		}
	}
	for lang, want := range map[string]string{"en": "Read more", "ru": "Подробнее", "uz": "Batafsil", "uz-Latn": "Batafsil"} {
		if got := wordsFor(lang).readMore; got != want {
			t.Errorf("readMore(%s) = %q, want %q", lang, got, want)
		}
	}
}

// TestIsWordRune checks the shortcuts of isWordRune against the Unicode
// tables for every code point they cover.
func TestIsWordRune(t *testing.T) {
	for r := rune(0); r < 0x500; r++ {
		want := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
		if got := isWordRune(r); got != want {
			t.Errorf("isWordRune(%U) = %v, want %v", r, got, want)
		}
	}
}
