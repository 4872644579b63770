package textlen

import (
	"unicode"

	"github.com/rivo/uniseg"
)

// Ellipsis is what a caller appends to the head CutX returns.
const Ellipsis = "…"

// CutX cuts s for a post of at most max weighted characters on X.
//
// When all of s fits (XWeight(s) <= max) it returns s, "" and no ellipsis is
// needed; rest is "" only when no word of s is left out (trailing whitespace
// may be). Otherwise head is the longest prefix of s that ends at a word
// (before whitespace, without trailing whitespace) such that
// XWeight(head+"…") <= max; the caller appends the "…". A cut never falls
// inside a URL or an emoji sequence. If not even the first word fits, head
// ends at the last grapheme cluster boundary of that word that fits. rest is
// what follows, starting at the next word; head, the whitespace skipped at
// the cut and rest are s again. If nothing fits, head is "" and rest is s
// from its first word.
func CutX(s string, max int) (head, rest string) {
	if XWeight(s) <= max {
		return s, ""
	}
	words := wordSpans(s)
	budget := max - ellipsisWeight
	k, w := -1, 0 // last word that fits, weight of s[:words[k].end]
	for i, sp := range words {
		from := 0
		if i > 0 {
			from = words[i-1].end
		}
		w += XWeight(s[from:sp.end])
		if w > budget {
			break
		}
		k = i
	}
	// Weights of the pieces add up in practice; check the exact figure.
	for k >= 0 && XWeight(s[:words[k].end]+Ellipsis) > max {
		k--
	}
	if k >= 0 {
		return s[:words[k].end], s[nextWord(words, k, len(s)):]
	}
	if len(words) == 0 {
		return "", s
	}
	cut := graphemeCut(s, words[0], max)
	if cut == words[0].start {
		return "", s[cut:]
	}
	return s[:cut], s[cut:]
}

// nextWord returns where the word after words[k] starts (len(s) if none).
func nextWord(words []span, k, n int) int {
	if k+1 < len(words) {
		return words[k+1].start
	}
	return n
}

// wordSpans splits s into runs of non-space characters.
func wordSpans(s string) []span {
	var out []span
	start := -1
	for i, r := range s {
		if unicode.IsSpace(r) {
			if start >= 0 {
				out = append(out, span{start, i})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, span{start, len(s)})
	}
	return out
}

// graphemeCut returns the largest offset inside the word w of s, at a
// grapheme cluster boundary outside any URL, such that s[:offset]+"…" fits
// in max; w.start when none does.
func graphemeCut(s string, w span, max int) int {
	word := s[w.start:w.end]
	urls := findURLs(word)
	var cuts []int // candidate offsets in s, ascending
	for i := 0; i < len(word); {
		if len(urls) > 0 && urls[0].start == i {
			i = urls[0].end
			urls = urls[1:]
		} else {
			limit := len(word)
			if len(urls) > 0 {
				limit = urls[0].start
			}
			c, _, _, _ := uniseg.FirstGraphemeClusterInString(word[i:limit], -1)
			i += len(c)
		}
		cuts = append(cuts, w.start+i)
	}
	// The weight of a prefix grows with its length except where a URL only
	// forms in the shorter text; binary search, then step back until exact.
	lo, hi := 0, len(cuts)
	for lo < hi {
		mid := (lo + hi) / 2
		if XWeight(s[:cuts[mid]]+Ellipsis) <= max {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	for i := lo - 1; i >= 0; i-- {
		if XWeight(s[:cuts[i]]+Ellipsis) <= max {
			return cuts[i]
		}
	}
	return w.start
}
