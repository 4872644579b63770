package plaintext

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// uzCyrlLetters are Cyrillic letters that Uzbek uses and Russian does not.
const uzCyrlLetters = "ўқғҳЎҚҒҲ"

// uzLatinLetter matches the Uzbek Latin letters o‘ and g‘, written with any
// of the apostrophes found in the wild.
var uzLatinLetter = regexp.MustCompile("(?i)[og][‘ʻ'’`ʼ]\\pL")

// Frequent function words, used to tell Uzbek Latin from English.
var (
	uzWords = set("va", "uchun", "bilan", "ham", "hamda", "bu", "esa", "yil", "yilda", "emas", "balki",
		"orqali", "doirasida", "bo‘yicha", "bo'yicha", "ushbu", "qilish", "etildi", "bo‘ladi", "bo'ladi")
	enWords = set("the", "and", "of", "to", "in", "for", "with", "is", "on", "by", "that", "from", "will", "was")
)

// set returns the words as a set.
func set(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// detectLang guesses the language of text from its script and, for Latin
// text, from Uzbek letters and frequent words. It returns the tag and a
// human reason.
func detectLang(text string) (lang, how string, err error) {
	var cyr, lat, uzc int
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Cyrillic, r):
			cyr++
			if strings.ContainsRune(uzCyrlLetters, r) {
				uzc++
			}
		case unicode.Is(unicode.Latin, r):
			lat++
		}
	}
	switch {
	case cyr == 0 && lat == 0:
		return "en", "no letters to detect a language from; default en, use -lang to change", nil
	case cyr > lat && uzc >= 2:
		return "uz-Cyrl", fmt.Sprintf("Cyrillic text with %d Uzbek letters (ў қ ғ ҳ)", uzc), nil
	case cyr > lat:
		return "ru", "Cyrillic text without Uzbek letters", nil
	}
	uz := 2 * len(uzLatinLetter.FindAllStringIndex(text, -1))
	en := 0
	for _, w := range strings.FieldsFunc(strings.ToLower(text), notWordRune) {
		if uzWords[w] {
			uz++
		}
		if enWords[w] {
			en++
		}
	}
	if uz > en {
		return "uz", fmt.Sprintf("Latin text with Uzbek letters and words (score %d against English %d)", uz, en), nil
	}
	return "en", fmt.Sprintf("Latin text with English words (score %d against Uzbek %d)", en, uz), nil
}

// notWordRune reports whether r separates words (apostrophes belong to words).
func notWordRune(r rune) bool {
	return !unicode.IsLetter(r) && !strings.ContainsRune("‘ʻ'’`ʼ", r)
}
