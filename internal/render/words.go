package render

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pressbot/pressbot/internal/datefmt"
)

// words are the wrapper words of one language.
type words struct {
	readMore string
}

// languages holds the languages the office publishes in; any other tag
// falls back to English.
var languages = map[string]*words{
	"en":      {readMore: "Read more"},
	"ru":      {readMore: "Подробнее"},
	"uz":      {readMore: "Batafsil"},
	"uz-cyrl": {readMore: "Батафсил"},
}

// wordsFor returns the words of a BCP 47 language tag: "uz-Cyrl" has its
// own, "ru-RU" those of "ru", anything unknown English.
func wordsFor(lang string) *words {
	l := strings.ToLower(lang)
	if w, ok := languages[l]; ok {
		return w
	}
	if strings.HasPrefix(l, "uz-cyrl") {
		return languages["uz-cyrl"]
	}
	if i := strings.IndexAny(l, "-_"); i > 0 {
		if w, ok := languages[l[:i]]; ok {
			return w
		}
	}
	return languages["en"]
}

// dateOnly returns the date part of a dateline: "6 February 2020".
func dateOnly(t time.Time, lang string) string { return datefmt.Format(t, lang) }

// dateline returns "6 February 2020, Tashkent, Uzbekistan" in the
// release's language (without the place when it has none).
func dateline(t time.Time, lang, location string) string {
	return withPlace(dateOnly(t, lang), location)
}

// withPlace appends the place to a formatted date: "6 February 2020,
// Tashkent, Uzbekistan".
func withPlace(date, location string) string {
	if location = strings.TrimSpace(location); location != "" {
		date += ", " + location
	}
	return date
}

// Hashtag turns a tag into a hashtag: words are joined in CamelCase
// ("gender-equality" → "#GenderEquality", "Aral Sea" → "#AralSea"), or
// with "_" in scripts without case; apostrophes vanish inside a word
// ("ta’lim" → "#Talim") and other non-letters separate words. Digits stay
// ("COVID-19" → "#COVID19"). It returns "" for a tag with no letter.
func Hashtag(tag string) string {
	b := make([]byte, 1, len(tag)+8)
	b[0] = '#'
	inWord, words, letter, prevCased := false, 0, false, false
	for _, r := range tag {
		switch {
		case isApostrophe(r): // dropped without splitting the word
		case isWordRune(r):
			if !inWord {
				// Digits join like cased letters: "COVID-19" → "COVID19".
				cased := unicode.IsDigit(r) || unicode.ToUpper(r) != unicode.ToLower(r)
				if words > 0 && !(cased && prevCased) {
					b = append(b, '_')
				}
				r = unicode.ToUpper(r)
				inWord, prevCased = true, cased
				words++
			}
			b = utf8.AppendRune(b, r)
			if !letter {
				letter = unicode.IsLetter(r)
			}
		default: // anything else separates words
			inWord = false
		}
	}
	if !letter {
		return ""
	}
	return string(b)
}

// isWordRune reports whether r belongs in a word of a hashtag: a letter, a
// digit or a non-spacing mark. ASCII and the basic Cyrillic alphabet are
// answered without the Unicode tables.
func isWordRune(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	case r >= 0x410 && r <= 0x44F: // А–я
		return true
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// isApostrophe reports the apostrophe-like characters a hashtag drops.
func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', '‘', 'ʻ', 'ʼ', '`', '´':
		return true
	}
	return false
}

// hashtags returns the distinct hashtags of tags, in order; two that are
// the same in lower case are one.
func hashtags(tags []string) []string {
	return (*hashtagCache)(nil).hashtags(tags)
}

// hashtagCache remembers the hashtag of each tag a Renderer has seen, up
// to maxCachedTags of them: an archive uses a few dozen tags over and
// over, and Hashtag costs Unicode look-ups and two allocations a tag,
// hashtags a lower-case copy for each pair it compares. A nil cache
// remembers nothing. It is safe for concurrent use.
type hashtagCache struct {
	m sync.Map // tag → *hashtagOf
	n atomic.Int32
}

// maxCachedTags bounds a hashtagCache: tags beyond it are made anew each
// time (a service that renders for months keeps no unbounded map).
const maxCachedTags = 4096

// hashtagOf is what hashtags needs of a tag: its hashtag and, to find
// duplicates, the hashtag in lower case and its count of runes.
type hashtagOf struct {
	hashtag, lower string
	runes          int
}

// of returns the hashtag of tag, from the cache when it is there.
func (c *hashtagCache) of(tag string) *hashtagOf {
	if c != nil {
		if h, ok := c.m.Load(tag); ok {
			return h.(*hashtagOf)
		}
	}
	h := Hashtag(tag)
	ho := &hashtagOf{hashtag: h, lower: strings.ToLower(h), runes: utf8.RuneCountInString(h)}
	if c != nil && c.n.Load() < maxCachedTags {
		if _, loaded := c.m.LoadOrStore(tag, ho); !loaded {
			c.n.Add(1)
		}
	}
	return ho
}

// hashtags is the package's hashtags with the hashtags of c: two are the
// same when they have as many runes and the same lower case (ToLower maps
// rune to rune, so a different count is a different hashtag).
func (c *hashtagCache) hashtags(tags []string) []string {
	var out []string
	var seen [8]*hashtagOf
	kept := seen[:0]
	for _, t := range tags {
		h := c.of(t)
		if h.hashtag == "" || slices.ContainsFunc(kept, func(o *hashtagOf) bool {
			return o.runes == h.runes && o.lower == h.lower
		}) {
			continue
		}
		out = append(out, h.hashtag)
		kept = append(kept, h)
	}
	return out
}
