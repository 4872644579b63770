package render

import (
	"strings"
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

// TestDatelineOnce checks that a body opening with the release's date, in
// any form its language writes it, gets no second dateline, and that a
// body opening otherwise does.
func TestDatelineOnce(t *testing.T) {
	r := newTestRenderer(t)
	tests := []struct {
		name, lang, body string
		added            string // the dateline the post adds; "" for none
	}{
		{"English", "en", "**1 June 2024, Tashkent** – Text.", ""},
		{"English, month first", "en", "June 1, 2024 – Text.", ""},
		{"Russian, г.", "ru", "**1 июня 2024 г., Ташкент** – Текст.", ""},
		{"Russian, года", "ru", "**1 июня 2024 года, Ташкент** – Текст.", ""},
		{"Uzbek, year first", "uz", "**2024-yil 1-iyun, Toshkent** – Matn.", ""},
		{"Uzbek Cyrillic, no hyphen", "uz-Cyrl", "1 июн 2024 йил, Тошкент – Матн.", ""},
		{"no dateline", "ru", "Текст без даты.", "1 июня 2024 г., Tashkent, Uzbekistan"},
		{"another day", "en", "**2 June 2024, Tashkent** – Text.", "1 June 2024, Tashkent, Uzbekistan"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fm := strings.Replace(frontMatter("T"), "lang: en", "lang: "+tt.lang, 1)
			rel := parseRelease(t, "2024/d", []byte(fm+tt.body+"\n"))
			p, err := r.Post(rel, testChannels[0])
			if err != nil {
				t.Fatal(err)
			}
			text := p.Parts[0].Text
			if tt.added == "" {
				if strings.Contains(text, "<i>") {
					t.Errorf("a second dateline was added:\n%s", text)
				}
			} else if !strings.Contains(text, "<i>"+tt.added+"</i>") {
				t.Errorf("no dateline %q:\n%s", tt.added, text)
			}
		})
	}
}
