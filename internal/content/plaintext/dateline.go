package plaintext

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pressbot/pressbot/internal/datefmt"
)

// dateline is what the opening of the first paragraph said.
type dateline struct {
	head     string // the dateline as written, e.g. "6 February 2020, Tashkent, Uzbekistan"
	sep      string // the dash after it, with its spaces, e.g. " - "
	rest     string // the paragraph after the dash ("" if the dateline is the whole paragraph)
	dateText string // the date as written, e.g. "6 February 2020"
	month0   string // the month word as written ("" for numeric dates)
	lang     string // language the month word belongs to ("" for numeric dates)
	location string // e.g. "Tashkent, Uzbekistan"; "" if none
	year     int
	month    int
	day      int
}

// monthNames maps, per language, each month word (lower case, without an
// abbreviation's dot) to its number: the spellings internal/datefmt finds
// in a release's dateline, so that what import reads, render and the
// newsroom recognise again.
var monthNames = func() map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, lang := range []string{"en", "ru", "uz", "uz-Cyrl"} {
		months, _ := datefmt.Months(lang)
		t := map[string]int{}
		for i, spellings := range months {
			for _, w := range spellings {
				t[strings.ToLower(strings.TrimSuffix(w, "."))] = i + 1
			}
		}
		out[lang] = t
	}
	return out
}()

// alt returns a regexp alternation of the table's words, longest first.
func alt(t map[string]int) string {
	ws := make([]string, 0, len(t))
	for w := range t {
		ws = append(ws, regexp.QuoteMeta(w))
	}
	sort.Slice(ws, func(i, j int) bool {
		if len(ws[i]) != len(ws[j]) {
			return len(ws[i]) > len(ws[j])
		}
		return ws[i] < ws[j]
	})
	return "(" + strings.Join(ws, "|") + ")"
}

// datePattern is one way of writing a date; the indexes say which
// submatch holds the day, the month and the year.
type datePattern struct {
	lang           string
	re             *regexp.Regexp
	day, mon, year int
}

var datePatterns = []datePattern{
	// 6 February 2020, 6th Feb. 2020
	{"en", regexp.MustCompile(`(?i)\b(\d{1,2})(?:st|nd|rd|th)?\s+` + alt(monthNames["en"]) + `\.?,?\s+(\d{4})\b`), 1, 2, 3},
	// February 6, 2020
	{"en", regexp.MustCompile(`(?i)\b` + alt(monthNames["en"]) + `\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b`), 2, 1, 3},
	// 6 февраля 2020 г., 6 февраля 2020 года
	{"ru", regexp.MustCompile(`(?i)(?:^|[^\pL\d])(\d{1,2})\s+` + alt(monthNames["ru"]) + `\s+(\d{4})(?:\s*(?:года|г\.?))?`), 1, 2, 3},
	// 6-fevral 2020-yil
	{"uz", regexp.MustCompile(`(?i)\b(\d{1,2})\s*-?\s*` + alt(monthNames["uz"]) + `\s+(\d{4})(?:\s*-?\s*yil(?:da)?)?`), 1, 2, 3},
	// 2020-yil 6-fevral
	{"uz", regexp.MustCompile(`(?i)\b(\d{4})\s*-?\s*yil(?:ning|da)?\s+(\d{1,2})\s*-?\s*` + alt(monthNames["uz"]) + `(?:da)?`), 2, 3, 1},
	// 6 февраль 2020 йил
	{"uz-Cyrl", regexp.MustCompile(`(?i)(?:^|[^\pL\d])(\d{1,2})\s*-?\s*` + alt(monthNames["uz-Cyrl"]) + `\s+(\d{4})(?:\s*-?\s*йил)?`), 1, 2, 3},
	// 2020 йил 6 февраль
	{"uz-Cyrl", regexp.MustCompile(`(?i)(?:^|[^\pL\d])(\d{4})\s*-?\s*йил\s+(\d{1,2})\s*-?\s*` + alt(monthNames["uz-Cyrl"])), 2, 3, 1},
	// 06.02.2020
	{"", regexp.MustCompile(`\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b`), 1, 2, 3},
	// 2020-02-06
	{"", regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`), 3, 2, 1},
}

// separator finds the dash that closes a dateline: a hyphen (or two) with
// a space on at least one side, or an en, em or horizontal-bar dash.
var separator = regexp.MustCompile(`\s+-{1,2}\s*|\s*-{1,2}\s+|\s*[–—―]\s*`)

// maxHead is the longest dateline, in bytes, that findDateline considers.
const maxHead = 200

// findDateline reports whether the paragraph opens with a dateline: a date
// and an optional place, separated by commas, then a dash. A paragraph
// that is a dateline on its own counts too.
func findDateline(p string) (dateline, bool) {
	for _, m := range separator.FindAllStringIndex(p, -1) {
		if m[0] > maxHead {
			break
		}
		if dl, ok := parseHead(p[:m[0]]); ok {
			dl.sep, dl.rest = p[m[0]:m[1]], p[m[1]:]
			if dl.rest == "" { // a dash ending the paragraph belongs to the head
				return dateline{}, false
			}
			return dl, true
		}
	}
	if len(p) <= maxHead {
		if dl, ok := parseHead(p); ok {
			return dl, true
		}
	}
	return dateline{}, false
}

// impossibleDate returns the date of a paragraph that opens like a
// dateline whose date does not exist ("31 February 2020, Tashkent – "),
// so that the message can say so rather than that no dateline was found.
func impossibleDate(p string) (string, bool) {
	head := p
	if m := separator.FindStringIndex(p); m != nil {
		head = p[:m[0]]
	}
	if len(head) > maxHead {
		return "", false
	}
	for _, dp := range datePatterns {
		if sm := dp.re.FindStringSubmatchIndex(head); sm != nil {
			if _, ok := dp.date(head, sm); !ok {
				return strings.TrimSpace(head[min(sm[2*dp.day], sm[2*dp.mon], sm[2*dp.year]):sm[1]]), true
			}
		}
	}
	return "", false
}

// parseHead parses "date, place" or "place, date": the head must hold a
// valid date, and whatever else it holds must look like place names.
func parseHead(head string) (dateline, bool) {
	for _, dp := range datePatterns {
		sm := dp.re.FindStringSubmatchIndex(head)
		if sm == nil {
			continue
		}
		dl, ok := dp.date(head, sm)
		if !ok {
			continue
		}
		start := sm[2*dp.day]
		if sm[2*dp.year] < start {
			start = sm[2*dp.year]
		}
		if sm[2*dp.mon] < start {
			start = sm[2*dp.mon]
		}
		before, after := strings.TrimSpace(head[:start]), strings.TrimSpace(head[sm[1]:])
		if before != "" && !strings.HasSuffix(before, ",") || after != "" && !strings.HasPrefix(after, ",") {
			continue // the date is inside a sentence, not a dateline
		}
		loc, ok := placeParts(before + "," + after)
		if !ok {
			continue
		}
		dl.head, dl.dateText, dl.location = head, strings.TrimSpace(head[start:sm[1]]), loc
		return dl, true
	}
	return dateline{}, false
}

// date builds the dateline's date from a match; false if no such day.
func (dp datePattern) date(s string, sm []int) (dateline, bool) {
	group := func(i int) string { return s[sm[2*i]:sm[2*i+1]] }
	day, _ := strconv.Atoi(group(dp.day))
	year, _ := strconv.Atoi(group(dp.year))
	dl := dateline{year: year, day: day, lang: dp.lang}
	if dp.lang == "" {
		dl.month, _ = strconv.Atoi(group(dp.mon))
	} else {
		dl.month0 = group(dp.mon)
		dl.month = monthNames[dp.lang][strings.ToLower(dl.month0)]
	}
	t := time.Date(year, time.Month(dl.month), day, 0, 0, 0, 0, time.UTC)
	ok := year >= 1900 && year <= 2200 && dl.month >= 1 && dl.month <= 12 && t.Day() == day && int(t.Month()) == dl.month
	return dl, ok
}

// weekdays are left out of the location ("Thursday, 6 February 2020, Tashkent").
var weekdays = set("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье",
	"dushanba", "seshanba", "chorshanba", "payshanba", "juma", "shanba", "yakshanba")

// placeParts returns the comma-separated parts of s joined by ", ", or
// false if a part does not look like a place name (a capitalised name of
// at most 50 characters without digits; at most four parts).
func placeParts(s string) (string, bool) {
	var parts []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" || weekdays[strings.ToLower(p)] {
			continue
		}
		r, _ := utf8.DecodeRuneInString(p)
		if !unicode.IsUpper(r) || utf8.RuneCountInString(p) > 50 || strings.ContainsFunc(p, unicode.IsDigit) {
			return "", false
		}
		parts = append(parts, p)
	}
	if len(parts) > 4 {
		return "", false
	}
	return strings.Join(parts, ", "), true
}
