package render

import (
	"strconv"
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

// TestHashtagCache checks that hashtags from a cache are those made
// anew, the first time and the next (and past the cache's bound), with
// duplicates that differ in case, apostrophes and Unicode case mappings.
func TestHashtagCache(t *testing.T) {
	lists := [][]string{
		nil, {}, {"Water", "water", "2030", "SDGs"}, {"водные ресурсы", "ВОДНЫЕ ресурсы", "Водные-ресурсы"},
		{"ta’lim", "ta'lim", "TA‘LIM", "talim"}, {"İ i", "i̇ i", "I i"}, {"Σσς", "σσσ", "ΣΣΣ"},
		{"中文 标签", "2030", "!!!", ""}, {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "A", "J"},
		{"K", "k", "\u212a"}, {"ǅx", "ǆx", "Ǆx"},
	}
	var c hashtagCache
	for round := range 2 {
		for _, tags := range lists {
			if got, want := c.hashtags(tags), refHashtags(tags); strings.Join(got, " ") != strings.Join(want, " ") || len(got) != len(want) {
				t.Errorf("round %d: cached hashtags(%q) = %q, want %q", round, tags, got, want)
			}
		}
	}
	for i := range maxCachedTags + 10 {
		c.hashtags([]string{"tag" + strconv.Itoa(i)})
	}
	if n := c.n.Load(); n != maxCachedTags {
		t.Errorf("the cache holds %d tags, want %d", n, maxCachedTags)
	}
	if got := c.hashtags([]string{"tag9999", "TAG9999", "water"}); strings.Join(got, " ") != "#Tag9999 #Water" {
		t.Errorf("past the bound: hashtags = %q", got)
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
