package textlen

import (
	"math"
	"math/bits"

	"github.com/pressbot/pressbot/internal/utf8fast"
)

// TelegramLenValid is TelegramLen for html that is valid UTF-8: text is
// counted eight bytes at a time without validating it (a byte that is
// not a continuation byte starts a character, one of four bytes starts
// one of two units). On invalid UTF-8 its count may differ.
func TelegramLenValid(html string) int {
	n, _ := TelegramLenValidWithin(html, math.MaxInt)
	return n
}

// TelegramLenValidWithin is TelegramLenWithin for html that is valid
// UTF-8, counted as TelegramLenValid counts.
func TelegramLenValidWithin(html string, limit int) (n int, ok bool) {
	const ones, hi8 = 0x0101010101010101, 0x8080808080808080
	for i := 0; i < len(html); {
		if n > limit {
			return n, false
		}
		for ; i+8 <= len(html); i += 8 {
			v := utf8fast.Load8(html, i)
			lt, amp := v^(ones*'<'), v^(ones*'&')
			if stop := ((lt-ones)&^lt | (amp-ones)&^amp) & hi8; stop != 0 {
				// A tag or an entity starts in this word: count the
				// bytes before the first (the lowest marked byte is a
				// true one) and go on from it.
				k := bits.TrailingZeros64(stop) / 8
				n += units8(v&(1<<(8*k)-1), k)
				i += k
				break
			}
			if n += units8(v, 8); n > limit {
				return n, false
			}
		}
		if i >= len(html) {
			break
		}
		switch c := html[i]; {
		case c == '<':
			i = skipTag(html, i)
		case c == '&':
			r, w := decodeEntity(html[i:min(i+13, len(html))])
			n += utf16Units(r)
			i += w
		case c&0xC0 == 0x80: // a continuation byte
			i++
		case c >= 0xF0:
			n += 2
			i++
		default:
			n++
			i++
		}
	}
	return n, n <= limit
}

// units8 returns the UTF-16 units of the k bytes of valid UTF-8 in v
// (the bytes above them zero): one for each byte that does not continue
// a sequence, and one more for each that leads a four-byte one.
func units8(v uint64, k int) int {
	const hi8 = 0x8080808080808080
	if v&hi8 == 0 {
		return k
	}
	cont := v &^ (v << 1) & hi8                      // 10xxxxxx
	four := v & (v << 1) & (v << 2) & (v << 3) & hi8 // 1111xxxx
	return k - bits.OnesCount64(cont) + bits.OnesCount64(four)
}
