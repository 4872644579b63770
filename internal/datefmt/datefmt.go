// Package datefmt writes a release's date the way each of the office's
// languages writes it in a dateline, and finds that date where a text
// opens with it in any of the forms press releases use ("6 февраля 2020
// года" as well as "6 февраля 2020 г.").
package datefmt

import (
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// language is how one language writes dates.
type language struct {
	// months are each month's spellings: the first is the one Format
	// writes, the others are also found ("Sept.", "sentyabr").
	months [12][]string
	// forms are the usual ways to write a date, most specific first, so
	// that "6 февраля 2020 года" is not read as "6 февраля 2020". In a
	// form, D is the day (written with or without a leading zero), M the
	// month's name (any spelling, any letter case), Y the year; every
	// other byte stands for itself. Format writes the first form.
	forms []string
}

// spell lists each month's spellings from the names Format writes and
// other spellings in use, each with the number of its month (1–12).
func spell(names [12]string, others map[string]int) [12][]string {
	var m [12][]string
	for i, n := range names {
		m[i] = []string{n}
	}
	for w, i := range others {
		m[i-1] = append(m[i-1], w)
	}
	for i := range m {
		rest := m[i][1:] // longest first, so that "June" is tried before "Jun"
		sort.Slice(rest, func(a, b int) bool {
			if len(rest[a]) != len(rest[b]) {
				return len(rest[a]) > len(rest[b])
			}
			return rest[a] < rest[b]
		})
	}
	return m
}

// languages are the languages with their own date forms; any other tag
// is written as English by Format.
var languages = map[string]*language{
	"en": {
		months: spell([12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
			map[string]int{"Jan.": 1, "Jan": 1, "Feb.": 2, "Feb": 2, "Mar.": 3, "Mar": 3, "Apr.": 4, "Apr": 4, "Jun.": 6, "Jun": 6,
				"Jul.": 7, "Jul": 7, "Aug.": 8, "Aug": 8, "Sept.": 9, "Sept": 9, "Sep.": 9, "Sep": 9, "Oct.": 10, "Oct": 10,
				"Nov.": 11, "Nov": 11, "Dec.": 12, "Dec": 12}),
		forms: []string{"D M Y", "M D, Y"},
	},
	"ru": {
		months: spell([12]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"}, nil),
		forms:  []string{"D M Y г.", "D M Y года", "D M Y г", "D M Y"},
	},
	"uz": {
		months: spell([12]string{"yanvar", "fevral", "mart", "aprel", "may", "iyun", "iyul", "avgust", "sentabr", "oktabr", "noyabr", "dekabr"},
			map[string]int{"sentyabr": 9, "oktyabr": 10}),
		forms: []string{"D-M Y-yil", "Y-yil D-M", "D-M, Y-yil", "Y-yil, D-M", "D-M Y-y.", "D-M Y"},
	},
	"uz-cyrl": {
		months: spell([12]string{"январ", "феврал", "март", "апрел", "май", "июн", "июл", "август", "сентябр", "октябр", "ноябр", "декабр"},
			map[string]int{"январь": 1, "февраль": 2, "апрель": 4, "июнь": 6, "июль": 7, "сентябрь": 9, "октябрь": 10, "ноябрь": 11, "декабрь": 12}),
		forms: []string{"D-M Y йил", "D M Y йил", "Y йил D-M", "Y йил D M", "D-M Y й.", "D M Y"},
	},
}

// Months returns the spellings of each month that lang's dates use (the
// first of each is the one Format writes), and false for a language
// without date forms of its own.
func Months(lang string) ([12][]string, bool) {
	w, ok := lookup(lang)
	return w.months, ok
}

// lookup returns the date forms of a BCP 47 tag: "uz-Cyrl" has its own,
// "ru-RU" those of "ru"; false for a language without forms.
func lookup(lang string) (*language, bool) {
	l := strings.ToLower(lang)
	if w, ok := languages[l]; ok {
		return w, true
	}
	if strings.HasPrefix(l, "uz-cyrl") {
		return languages["uz-cyrl"], true
	}
	if i := strings.IndexAny(l, "-_"); i > 0 {
		if w, ok := languages[l[:i]]; ok {
			return w, true
		}
	}
	return languages["en"], false
}

// Known reports whether lang has date forms of its own; Format writes
// any other language's dates in English.
func Known(lang string) bool {
	_, ok := lookup(lang)
	return ok
}

// Format writes t's calendar date as lang writes it in a dateline:
// "6 February 2020", "6 февраля 2020 г.", "6-fevral 2020-yil".
func Format(t time.Time, lang string) string {
	w, _ := lookup(lang)
	y, m, d := t.Date()
	form := w.forms[0]
	var b strings.Builder
	b.Grow(len(form) + len(w.months[m-1][0]) + 8)
	for i := 0; i < len(form); i++ {
		switch form[i] {
		case 'D':
			b.WriteString(strconv.Itoa(d))
		case 'M':
			b.WriteString(w.months[m-1][0])
		case 'Y':
			b.WriteString(strconv.Itoa(y))
		default:
			b.WriteByte(form[i])
		}
	}
	return b.String()
}

// Prefix returns the length in bytes of t's date at the start of s when s
// opens with it in one of lang's forms (or, for any language, ISO 8601
// "2020-02-06"), and the date ends there: "6 February 2020" followed by a
// digit or letter is another date or word.
func Prefix(s string, t time.Time, lang string) (int, bool) {
	w, _ := lookup(lang)
	y, m, d := t.Date()
	var buf [len(time.DateOnly)]byte
	if iso := t.AppendFormat(buf[:0], time.DateOnly); len(s) >= len(iso) && s[:len(iso)] == string(iso) && ends(s[len(iso):]) {
		return len(iso), true
	}
	for _, form := range w.forms {
		if n, ok := match(s, form, d, w.months[m-1], y); ok {
			return n, true
		}
	}
	return 0, false
}

// match returns the length of the prefix of s that writes day d, month
// (one of its spellings) and year y as form does, and ends there (see
// ends). Each spelling of the month is tried in turn: "Jun" fits where
// "June" does not, and "ноябрь" where "ноябр" stops inside the word.
func match(s, form string, d int, month []string, y int) (int, bool) {
	for _, name := range month {
		if n, ok := matchOne(s, form, d, name, y); ok && ends(s[n:]) {
			return n, true
		}
	}
	return 0, false
}

// matchOne is match with one spelling of the month.
func matchOne(s, form string, d int, month string, y int) (int, bool) {
	n := 0
	for i := 0; i < len(form); i++ {
		var k int
		switch form[i] {
		case 'D':
			k = number(s[n:], d, true)
		case 'M':
			if len(s)-n >= len(month) && strings.EqualFold(s[n:n+len(month)], month) {
				k = len(month)
			}
		case 'Y':
			k = number(s[n:], y, false)
		default:
			if n < len(s) && s[n] == form[i] {
				k = 1
			}
		}
		if k == 0 {
			return 0, false
		}
		n += k
	}
	return n, true
}

// number returns the length of the decimal v at the start of s (with
// zero allowing one leading zero), or 0.
func number(s string, v int, zero bool) int {
	digits := strconv.Itoa(v)
	if zero && len(digits) == 1 && strings.HasPrefix(s, "0"+digits) {
		return 2
	}
	if strings.HasPrefix(s, digits) {
		return len(digits)
	}
	return 0
}

// ends reports whether a date followed by rest is the whole date.
func ends(rest string) bool {
	r, _ := utf8.DecodeRuneInString(rest)
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}
