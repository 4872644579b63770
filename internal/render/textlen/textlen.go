// Package textlen measures text the way each platform counts it: UTF-16 code
// units for Telegram (after its HTML entity parsing) and the weighted length of
// twitter-text v3 for X, with a cutter that shortens text for X at a word
// boundary without splitting a URL or an emoji sequence.
//
// The standard library has no grapheme segmentation, so clusters come from
// github.com/rivo/uniseg.
package textlen

import (
	"unicode/utf8"

	"github.com/rivo/uniseg"
	"golang.org/x/text/unicode/norm"
)

// twitter-text v3 (config-v3.json): weights in units of 1/scale.
const (
	// XMaxWeight is the longest post X accepts, in weighted characters.
	XMaxWeight = 280
	// XURLWeight is what every URL weighs, whatever its length (transformedURLLength).
	XURLWeight = 23
	// ellipsisWeight is the weight of "…" (U+2026 lies outside the light ranges).
	ellipsisWeight = 2
)

// UTF16Len returns the number of UTF-16 code units of s: code points above
// U+FFFF count 2, every other code point (and every invalid byte) counts 1.
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		if r > 0xFFFF {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// XWeight returns the weighted length of s as X counts it (twitter-text v3,
// see DESIGN.md): after NFC normalisation, code points in 0–4351,
// 8192–8205, 8208–8223 and 8242–8247 weigh 1 and all others 2; every URL
// twitter-text recognises (with or without http:// or https://) weighs 23;
// every emoji sequence (ZWJ sequence, flag, keycap, skin tone, tag
// sequence, variation selector) weighs 2 in total.
func XWeight(s string) int {
	return weigh(s, true)
}

// weigh is XWeight with emoji parsing switchable: twitter-text v2 counted
// every code point of an emoji sequence on its own.
func weigh(s string, emoji bool) int {
	if !isNFC(s) {
		s = norm.NFC.String(s)
	}
	urls := findURLs(s)
	total := 0
	for i := 0; i < len(s); {
		if len(urls) > 0 && urls[0].start == i {
			total += XURLWeight
			i = urls[0].end
			urls = urls[1:]
			continue
		}
		limit := len(s)
		if len(urls) > 0 {
			limit = urls[0].start
		}
		if s[i] < utf8.RuneSelf && (i+1 == limit || s[i+1] < utf8.RuneSelf) {
			total++ // an ASCII character that starts no longer cluster
			i++
			continue
		}
		if !emoji {
			r, w := utf8.DecodeRuneInString(s[i:])
			total += runeWeight(r)
			i += w
			continue
		}
		if r, w := decodeRune(s, i); alone(r) {
			// A letter of Latin, Greek, Cyrillic or CJK text, or common
			// punctuation, with nothing after it that could join it, is a
			// cluster of its own and weighs as a code point (for a
			// single code point an emoji weighs what its code point does).
			if i+w == limit {
				total += runeWeight(r)
				i += w
				continue
			}
			if r2, _ := decodeRune(s[:limit], i+w); r2 < utf8.RuneSelf || alone(r2) {
				total += runeWeight(r)
				i += w
				continue
			}
		}
		cluster, _, _, _ := uniseg.FirstGraphemeClusterInString(s[i:limit], -1)
		total += clusterWeight(cluster)
		i += len(cluster)
	}
	return total
}

// alone reports whether r is a code point that neither joins the
// grapheme cluster before it nor (CR aside, which weighs the same either
// way) the one after it: no mark, joiner, prepended concatenation mark,
// Hangul jamo or regional indicator. It covers the blocks press releases
// are written in and is false for everything else (uniseg decides there).
func alone(r rune) bool {
	switch {
	case r < 0x300,
		r >= 0x370 && r < 0x483, r >= 0x48A && r < 0x530, // Greek, Cyrillic
		r >= 0x2010 && r < 0x2028, r >= 0x2030 && r < 0x205F, // punctuation
		r >= 0x4E00 && r <= 0x9FFF: // CJK ideographs
		return true
	}
	return false
}

// isNFC reports whether s is in Unicode Normalization Form C. Text made
// only of code points that are NFC on their own and never combine with
// what precedes them (see nfcInert) is; anything else is checked fully.
func isNFC(s string) bool {
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, w := decodeRune(s, i)
		if !nfcInert(r) {
			return norm.NFC.IsNormalString(s)
		}
		i += w
	}
	return true
}

// nfcInert reports whether r is one of the code points of Latin, Cyrillic
// and CJK text and common punctuation that NFC leaves as they are and that
// never compose with the code point before them.
func nfcInert(r rune) bool {
	switch {
	case r < 0x300,
		r >= 0x400 && r < 0x483, r >= 0x48A && r < 0x530, // Cyrillic
		r >= 0x2010 && r < 0x2028, r >= 0x2030 && r < 0x205F, // punctuation
		r >= 0x4E00 && r <= 0x9FFF: // CJK ideographs
		return true
	}
	return false
}

// runeWeight is the twitter-text v3 weight of one code point outside a URL
// or an emoji sequence.
func runeWeight(r rune) int {
	switch {
	case r <= 4351,
		r >= 8192 && r <= 8205,
		r >= 8208 && r <= 8223,
		r >= 8242 && r <= 8247:
		return 1
	}
	return 2
}

// clusterWeight weighs one grapheme cluster: an emoji sequence at its start
// weighs 2 in total; every other code point weighs on its own.
func clusterWeight(c string) int {
	total := 0
	if n := emojiLen(c); n > 0 {
		total = 2
		c = c[n:]
	}
	for _, r := range c {
		total += runeWeight(r)
	}
	return total
}
