package content

import "sort"

// Canonical front matter keys (DESIGN.md, plus withdrawn).
const (
	keyTitle          = "title"
	keyDate           = "date"
	keyLocation       = "location"
	keyLang           = "lang"
	keyTranslationKey = "translation_key"
	keySummary        = "summary"
	keyTags           = "tags"
	keyImage          = "image"
	keyImages         = "images"
	keyImageAlt       = "image_alt"
	keyChannels       = "channels"
	keyPublishAt      = "publish_at"
	keyDraft          = "draft"
	keyWithdrawn      = "withdrawn"
)

// canonicalKeys maps every accepted key, including Hugo's names, to the
// canonical key it sets. "images" (Hugo's list) is handled apart: its first
// entry sets image.
var canonicalKeys = map[string]string{
	keyTitle:          keyTitle,
	keyDate:           keyDate,
	keyLocation:       keyLocation,
	keyLang:           keyLang,
	keyTranslationKey: keyTranslationKey,
	"translationKey":  keyTranslationKey,
	keySummary:        keySummary,
	"description":     keySummary,
	keyTags:           keyTags,
	keyImage:          keyImage,
	keyImages:         keyImages,
	keyImageAlt:       keyImageAlt,
	keyChannels:       keyChannels,
	keyPublishAt:      keyPublishAt,
	"publishDate":     keyPublishAt,
	keyDraft:          keyDraft,
	keyWithdrawn:      keyWithdrawn,
}

// hugoIgnored are Hugo front matter keys that mean nothing to pressbot and
// are accepted without a warning, so a Hugo site's content can be checked
// as is.
var hugoIgnored = map[string]bool{
	"aliases": true, "author": true, "authors": true, "build": true,
	"cascade": true, "categories": true, "headless": true,
	"isCJKLanguage": true, "keywords": true, "lastmod": true, "layout": true,
	"linkTitle": true, "markup": true, "menu": true, "menus": true,
	"outputs": true, "params": true, "resources": true, "series": true,
	"sitemap": true, "slug": true, "toc": true, "type": true, "url": true,
	"weight": true,
}

// hugoHints are Hugo keys that pressbot does not support, with what to do.
var hugoHints = map[string]string{
	"expiryDate": "pressbot has no expiry date: set 'withdrawn: true' when the release must come down",
}

// knownKeyNames lists the accepted keys for suggestions, sorted.
var knownKeyNames = func() []string {
	names := make([]string, 0, len(canonicalKeys))
	for k := range canonicalKeys {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}()

// suggestKey returns the accepted key closest to k by edit distance, or ""
// when none is close enough to be a likely typo.
func suggestKey(k string) string {
	best, bestD := "", 0
	limit := 2
	if len(k) >= 9 {
		limit = 3
	}
	for _, name := range knownKeyNames {
		d := editDistance(lower(k), lower(name))
		if d <= limit && (best == "" || d < bestD) {
			best, bestD = name, d
		}
	}
	return best
}

// lower folds ASCII letters to lower case, so that "Title" suggests "title".
func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
