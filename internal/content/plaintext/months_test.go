package plaintext

import "testing"

// TestMonthNames checks the month words import reads, now taken from
// internal/datefmt: full names, abbreviations without their dot, and the
// Uzbek variant spellings, each with its month.
func TestMonthNames(t *testing.T) {
	tests := []struct {
		lang, word string
		month      int
	}{
		{"en", "january", 1}, {"en", "jan", 1}, {"en", "may", 5}, {"en", "sept", 9}, {"en", "sep", 9}, {"en", "dec", 12},
		{"ru", "февраля", 2}, {"ru", "декабря", 12},
		{"uz", "sentabr", 9}, {"uz", "sentyabr", 9}, {"uz", "oktyabr", 10}, {"uz", "dekabr", 12},
		{"uz-Cyrl", "январ", 1}, {"uz-Cyrl", "январь", 1}, {"uz-Cyrl", "май", 5}, {"uz-Cyrl", "сентябрь", 9},
	}
	for _, tt := range tests {
		if got := monthNames[tt.lang][tt.word]; got != tt.month {
			t.Errorf("monthNames[%s][%q] = %d, want %d", tt.lang, tt.word, got, tt.month)
		}
	}
	for lang, want := range map[string]int{"en": 24, "ru": 12, "uz": 14, "uz-Cyrl": 21} {
		if n := len(monthNames[lang]); n != want {
			t.Errorf("%s has %d month words, want %d", lang, n, want)
		}
	}
	if _, ok := monthNames["en"]["jan."]; ok {
		t.Error("an abbreviation kept its dot")
	}
}
