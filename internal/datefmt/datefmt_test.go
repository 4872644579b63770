package datefmt

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

var day = time.Date(2020, 2, 6, 10, 0, 0, 0, time.UTC)

func TestFormat(t *testing.T) {
	tests := []struct{ lang, want string }{
		{"en", "6 February 2020"},
		{"ru", "6 февраля 2020 г."},
		{"ru-RU", "6 февраля 2020 г."},
		{"uz", "6-fevral 2020-yil"},
		{"uz-Latn", "6-fevral 2020-yil"},
		{"uz-Cyrl", "6-феврал 2020 йил"},
		{"fr", "6 February 2020"},
		{"", "6 February 2020"},
	}
	for _, tt := range tests {
		if got := Format(day, tt.lang); got != tt.want {
			t.Errorf("Format(%q) = %q, want %q", tt.lang, got, tt.want)
		}
	}
	if got := Format(time.Date(2021, 12, 25, 0, 0, 0, 0, time.UTC), "ru"); got != "25 декабря 2021 г." {
		t.Errorf("Format(25 December 2021, ru) = %q", got)
	}
}

func TestKnown(t *testing.T) {
	for lang, want := range map[string]bool{"en": true, "ru-RU": true, "uz-Cyrl": true, "uz_Latn": true, "kk": false, "": false} {
		if got := Known(lang); got != want {
			t.Errorf("Known(%q) = %v, want %v", lang, got, want)
		}
	}
}

func TestPrefix(t *testing.T) {
	tests := []struct {
		lang, s string
		want    string // the date Prefix finds; "" for none
	}{
		{"en", "6 February 2020, Tashkent – Text", "6 February 2020"},
		{"en", "06 February 2020 – Text", "06 February 2020"},
		{"en", "February 6, 2020, Tashkent", "February 6, 2020"},
		{"en", "6 FEBRUARY 2020: text", "6 FEBRUARY 2020"},
		{"en", "2020-02-06 – text", "2020-02-06"},
		{"en", "6 February 2020", "6 February 2020"},
		{"en", "6 February 20201", ""},
		{"en", "6 February 2021, Tashkent", ""},
		{"en", "16 February 2020", ""},
		{"en", "6 Februaryx 2020", ""},
		{"en", "On 6 February 2020", ""},
		{"en", "6 Feb", ""},
		{"en", "", ""},
		{"ru", "6 февраля 2020 года, Ташкент – Текст", "6 февраля 2020 года"},
		{"ru", "6 февраля 2020 г., Ташкент", "6 февраля 2020 г."},
		{"ru", "6 Февраля 2020 г. – Текст", "6 Февраля 2020 г."},
		{"ru", "6 февраля 2020, Ташкент", "6 февраля 2020"},
		{"ru", "6 февраля 2020 годами", "6 февраля 2020"},
		{"ru", "6 марта 2020 года", ""},
		{"uz", "6-fevral 2020-yil, Toshkent", "6-fevral 2020-yil"},
		{"uz", "2020-yil 6-fevral, Toshkent – Matn", "2020-yil 6-fevral"},
		{"uz", "6-fevral, 2020-yil, Toshkent", "6-fevral, 2020-yil"},
		{"uz", "2020-yil, 6-fevral – Matn", "2020-yil, 6-fevral"},
		{"uz", "6-fevral 2020-y., Toshkent", "6-fevral 2020-y."},
		{"uz", "6-fevral 2020, Toshkent", "6-fevral 2020"},
		{"uz", "2020-yil 6-fevralda", ""},
		{"uz-Cyrl", "2020 йил 6 феврал, Тошкент", "2020 йил 6 феврал"},
		{"uz-Cyrl", "6-феврал 2020 йил", "6-феврал 2020 йил"},
		{"uz-Cyrl", "2020 йил 6 февраль, Тошкент – Матн", "2020 йил 6 февраль"}, // the longer spelling, last in the date
		{"uz-Cyrl", "2020 йил 6-февраль – Матн", "2020 йил 6-февраль"},
		{"uz-Cyrl", "2020 йил 6 февральда", ""},
		{"kk", "2020-02-06, Алматы", "2020-02-06"},
		{"kk", "6 February 2020, Almaty", "6 February 2020"},
	}
	for _, tt := range tests {
		n, ok := Prefix(tt.s, day, tt.lang)
		if ok != (tt.want != "") {
			t.Errorf("Prefix(%q, %s) found %v (%q), want %q", tt.s, tt.lang, ok, tt.s[:n], tt.want)
			continue
		}
		if ok && tt.s[:n] != tt.want {
			t.Errorf("Prefix(%q, %s) = %q, want %q", tt.s, tt.lang, tt.s[:n], tt.want)
		}
	}
}

// TestPrefixOfFormat checks that every date Format writes is found again,
// for every day of a leap year, in each language.
func TestPrefixOfFormat(t *testing.T) {
	for _, lang := range []string{"en", "ru", "uz", "uz-Cyrl", "kk"} {
		for d := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == 2024; d = d.AddDate(0, 0, 1) {
			s := Format(d, lang)
			if n, ok := Prefix(s+", Tashkent", d, lang); !ok || n != len(s) {
				t.Fatalf("Prefix(%q, %s) = %d, %v; want %d, true", s, lang, n, ok, len(s))
			}
			if _, ok := Prefix(s, d.AddDate(0, 0, 1), lang); ok {
				t.Fatalf("Prefix(%q) found the next day", s)
			}
		}
	}
}

// FuzzPrefix checks that Prefix never panics and that what it finds is a
// prefix of s holding the year.
func FuzzPrefix(f *testing.F) {
	f.Add("6 февраля 2020 года, Ташкент", "ru", int64(0))
	f.Add("2020-yil 6-fevral", "uz", int64(0))
	f.Add("February 6, 2020", "en", int64(0))
	f.Fuzz(func(t *testing.T, s, lang string, days int64) {
		d := day.AddDate(0, 0, int(days%100000))
		n, ok := Prefix(s, d, lang)
		if !ok {
			if n != 0 {
				t.Fatalf("Prefix(%q) = %d, false", s, n)
			}
			return
		}
		if n <= 0 || n > len(s) || !strings.Contains(s[:n], strconv.Itoa(d.Year())) {
			t.Fatalf("Prefix(%q, %v, %q) = %d", s, d, lang, n)
		}
	})
}

// BenchmarkPrefix measures finding a Russian date in its second form, as
// every release's rendering does once.
func BenchmarkPrefix(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := Prefix("6 февраля 2020 года, Ташкент – Текст", day, "ru"); !ok {
			b.Fatal("not found")
		}
	}
}

// TestPrefixSpellings checks the other spellings of months that releases
// use: English abbreviations, and the Uzbek forms with "ya" and "ь".
func TestPrefixSpellings(t *testing.T) {
	sep := time.Date(2020, 9, 7, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		lang, s string
		day     time.Time
		want    string
	}{
		{"en", "Feb. 6, 2020 – Text", day, "Feb. 6, 2020"},
		{"en", "6 Feb 2020, Tashkent", day, "6 Feb 2020"},
		{"en", "Sept. 7, 2020, Tashkent", sep, "Sept. 7, 2020"},
		{"en", "7 Sep 2020", sep, "7 Sep 2020"},
		{"en", "7 Septem 2020", sep, ""},
		{"uz", "7-sentyabr 2020-yil, Toshkent", sep, "7-sentyabr 2020-yil"},
		{"uz", "2020-yil 7-sentabr", sep, "2020-yil 7-sentabr"},
		{"uz-Cyrl", "7 сентябрь 2020 йил, Тошкент", sep, "7 сентябрь 2020 йил"},
		{"uz-Cyrl", "6-февраль 2020 йил", day, "6-февраль 2020 йил"},
	}
	for _, tt := range tests {
		n, ok := Prefix(tt.s, tt.day, tt.lang)
		if ok != (tt.want != "") || (ok && tt.s[:n] != tt.want) {
			t.Errorf("Prefix(%q, %s) = %q, %v; want %q", tt.s, tt.lang, tt.s[:n], ok, tt.want)
		}
	}
	months, ok := Months("uz")
	if !ok || months[8][0] != "sentabr" || len(months[8]) != 2 {
		t.Errorf("Months(uz)[September] = %q, %v; want sentabr first, then one other", months[8], ok)
	}
}
