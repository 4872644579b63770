package utf8fast

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

// cases are strings at the edges of the eight-byte checks.
var cases = []string{
	"", "a", "abcdefgh", "abcdefghi", "привет, мир", "абвг", "абвгд", "aабвг", "aaaaaaaд", "aaaaaaaaд",
	"\xd0", "aaaaaaa\xd0", "aaaaaaa\xd0\xbf", "aaaaaaa\xd0a", "\xbfaaaaaaaa", "a\xbfaaaaaaa", "\xc0\x80aaaaaa",
	"\xc1\xbfaaaaaa", "\xc2\x80aaaaaa", "\xdf\xbfaaaaaa", "\xe0\xa0\x80aaaaa", "\xe0\x80\x80aaaaa", "中文。日本語！",
	"\xed\xa0\x80aaaaa", "\xf0\x90\x80\x80aaaa", "\xf4\x90\x80\x80aaaa", "\xff", "\xfeaaaaaaaa", "👩‍💻🇺🇿e\u0301",
	"д\xd0д\xd0д\xd0", "\xd0\xd0\xbf\xbfaaaa", "дд\xbfдд", "\uFFFDaaaaaaa", strings.Repeat("ё", 100),
	"Ташкент — o‘zbek “quoted” \u2028 text", "\xff\xc2a\xe0\x80\x80\xed\xa0\x80€😀\xc0\x80\xc1\xbf\xe1\x80\xf4\x90\x80\x80",
}

// check compares RuneCount on s with unicode/utf8.
func check(t *testing.T, s string) {
	t.Helper()
	if got, want := RuneCount(s), utf8.RuneCountInString(s); got != want {
		t.Fatalf("RuneCount(%q) = %d, want %d", s, got, want)
	}
}

func TestEdges(t *testing.T) {
	for _, s := range cases {
		for pre := range 9 { // every alignment against the eight-byte words
			check(t, strings.Repeat("x", pre)+s+"zz")
			check(t, strings.Repeat("я", pre)+s)
		}
	}
}

// TestRandom checks strings of bytes drawn mostly from the ranges that
// matter, and that both valid and invalid ones occur.
func TestRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	pool := []byte{'a', ' ', 0x7f, 0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xd0, 0xd1, 0xdf, 0xe0, 0xe1, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff}
	valid := 0
	for range 200000 {
		b := make([]byte, rng.IntN(24))
		for j := range b {
			if rng.IntN(4) == 0 {
				b[j] = byte(rng.IntN(256))
			} else {
				b[j] = pool[rng.IntN(len(pool))]
			}
		}
		if utf8.Valid(b) {
			valid++
		}
		check(t, string(b))
	}
	if valid == 0 || valid == 200000 {
		t.Fatalf("%d of 200000 random strings valid: the test checks only one side", valid)
	}
}

// FuzzUTF8 requires RuneCount to agree with unicode/utf8.
func FuzzUTF8(f *testing.F) {
	for _, s := range cases {
		f.Add(s)
	}
	f.Fuzz(check)
}

// benchTexts returns the texts to benchmark: the JSON array of strings
// in the file named by UTF8FAST_TEXTS (for example every post text of
// some releases), or else mixed English, Russian and Uzbek.
func benchTexts(b *testing.B) []string {
	name := os.Getenv("UTF8FAST_TEXTS")
	if name == "" {
		return []string{strings.Repeat("Tashkent, 6 February 2020 – Ташкент, 6 февраля 2020 года — «Кун» o‘zbek tilida. ", 60)}
	}
	data, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	var texts []string
	if err := json.Unmarshal(data, &texts); err != nil {
		b.Fatal(err)
	}
	return texts
}

func benchmark(b *testing.B, f func(string)) {
	texts := benchTexts(b)
	n := 0
	for _, s := range texts {
		n += len(s)
	}
	b.SetBytes(int64(n))
	for b.Loop() {
		for _, s := range texts {
			f(s)
		}
	}
}

var sinkInt = 0 // keeps benchmarked results alive

func BenchmarkRuneCount(b *testing.B) { benchmark(b, func(s string) { sinkInt = RuneCount(s) }) }
func BenchmarkRuneCountStd(b *testing.B) {
	benchmark(b, func(s string) { sinkInt = utf8.RuneCountInString(s) })
}
