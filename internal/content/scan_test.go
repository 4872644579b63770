package content

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// firstBadControl is the reference for scanText's control character: the
// index of the first bad control character in valid UTF-8 data, by runes,
// or -1.
func firstBadControl(data []byte) int {
	return bytes.IndexFunc(data, isBadControl)
}

// checkScanText fails when scanText's verdict or control character differs
// from utf8.Valid's and firstBadControl's.
func checkScanText(t *testing.T, data []byte) {
	t.Helper()
	valid, ctrl := scanText(data)
	if want := utf8.Valid(data); valid != want {
		t.Fatalf("%q: valid %v, want %v", data, valid, want)
	}
	if !valid {
		return
	}
	if want := firstBadControl(data); ctrl != want {
		t.Fatalf("%q: control at %d, want %d", data, ctrl, want)
	}
}

// scanBases are texts the scan tests change a byte or a few of, at every
// offset, so that the changes fall at every place in a word.
var scanBases = []string{
	"ab\tcé\n🇺🇿 d e f g\nhij klm nop qrs",
	"Привет, мир! Oʻzbekiston — “bosh” sahifa\n",
	"abcdefghijklmnopqrstuvwxyz0123456789",
	"жжжжжжжжжжжжжжжжжжжж",
	"€€€€€€€€ж€ж€жж€жжж€",
}

// TestScanTextBytes sets each byte value at each offset of each base.
func TestScanTextBytes(t *testing.T) {
	for _, base := range scanBases {
		for c := 0; c < 0x100; c++ {
			for at := range len(base) {
				data := []byte(base)
				data[at] = byte(c)
				checkScanText(t, data)
				checkScanText(t, data[:at+1])
			}
		}
	}
}

// TestScanTextPairs inserts each pair of bytes at each offset of a base,
// and each three-byte and four-byte start with each continuation.
func TestScanTextPairs(t *testing.T) {
	base := []byte(scanBases[1])
	for at := range 17 {
		for c := range 0x10000 {
			data := append(append(append([]byte(nil), base[:at]...), byte(c>>8), byte(c)), base[at:]...)
			checkScanText(t, data)
		}
	}
	for at := range 9 {
		for c := range 0x10000 {
			data := append(append(append([]byte(nil), base[:at]...), 0xe0|byte(c>>12), byte(c>>4), 0x80|byte(c&0xf)<<2), base[at:]...)
			checkScanText(t, data)
			data = append(append(append([]byte(nil), base[:at]...), 0xf0|byte(c>>13), byte(c>>5), 0x80|byte(c&0x1f)<<1, 0xbf), base[at:]...)
			checkScanText(t, data)
		}
	}
}

// TestScanTextCases checks texts that each fail a different test of the
// word-at-a-time path.
func TestScanTextCases(t *testing.T) {
	for _, s := range []string{
		"", "a", "ж", "\xd0", "\xbf", "abcdefg\xd0", "abcdefg\xd0\xb6", "abcdefg\xd0a", "abcdefgh\xb6",
		"abcdefgh\xc0\x80abcdef", "abcdefgh\xc1\xbfabcdef", "abcdefgh\xc2\x80abcdef", "abcdefgh\xdf\xbfabcdef",
		"abcdefgh\xed\xa0\x80abcdef", "abcdefgh\xef\xbf\xbdabcdef", "abcdefgh\xf4\x90\x80\x80abcdef",
		"abcdefgh\xf4\x8f\xbf\xbfabcdef", "abcdefgh\xe0\x9f\xbfabcdef", "abcdefgh\xf0\x8f\xbf\xbfabcdef",
		"жжжж\x01жжжж", "жжж\x00ж\x7fжжжж", "abc\r\n\tdefghij\x1bk", "abcdefgh€\x02", "abcdefg€\x02abcdefg",
		"ж\xd0жжжжжжж", "жжжжжжжж\xd0\xd0", "abcdefgжжжжжжжж\xe2\x80", "жжж\xe2\x80\xd0\xb6жжжж",
	} {
		checkScanText(t, []byte(s))
	}
}

// FuzzScanText compares scanText with utf8.Valid and firstBadControl.
func FuzzScanText(f *testing.F) {
	for _, s := range scanBases {
		f.Add([]byte(s))
	}
	f.Add([]byte("abcdefgh\xed\xa0\x80abcdef\x01"))
	f.Fuzz(func(t *testing.T, data []byte) { checkScanText(t, data) })
}

// BenchmarkScanText checks a Russian text of the size of a long release
// for invalid UTF-8 and control characters with scanText, and for invalid
// UTF-8 only with utf8.Valid, which it replaces.
func BenchmarkScanText(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "files", "2020", "imts-success.ru.md"))
	if err != nil {
		b.Fatal(err)
	}
	data = bytes.Repeat(data, 10)
	b.Run("scanText", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if valid, ctrl := scanText(data); !valid || ctrl >= 0 {
				b.Fatal("bad text")
			}
		}
	})
	b.Run("utf8.Valid", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if !utf8.Valid(data) {
				b.Fatal("bad text")
			}
		}
	})
}
