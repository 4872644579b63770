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

// fragments are the pieces fragmentText joins: ASCII, two- and
// three-byte runes, runes Run leaves to the slow path (four-byte runes,
// the leads E0 and ED, U+2028 and U+2029), and invalid sequences.
var fragments = []string{
	"a", "abc ", " ", "\n", "\"", "\\", "<", "&", "\x00", "\x1f", "\x7f", "д", "ёж", "Ш", "щ", "‘", "–", "€",
	"\u2028", "\u2029", "😀", "\u0800", "\ud7ff", "\ue000", "\uffff", "\xd0", "\x80", "\xbf", "\xc0\x80",
	"\xc1\xbf", "\xe0\x80\x80", "\xed\xa0\x80", "\xe2\x80", "\xe1", "\xf0\x90\x80", "\xf5\x80\x80\x80", "\xff",
}

// fragmentText returns n fragments drawn by rng, mostly plain text.
func fragmentText(rng *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		if k := rng.IntN(3 * len(fragments)); k < len(fragments) {
			b.WriteString(fragments[k])
		} else {
			b.WriteString([]string{"a", "b ", "д", "яз", "o‘z", ", "}[k%6])
		}
	}
	return b.String()
}

// checkRun checks Run and RunStops from s[i]: the run ends at a rune
// boundary, holds valid UTF-8 with the runes it says and none of the
// stops, and reaches close to the end of text that has nothing else.
func checkRun(t *testing.T, s string, i int) {
	t.Helper()
	st := NewStops(0x20, true, '"', '\\', '<')
	for _, stops := range []bool{false, true} {
		end, n := Run(s, i)
		if stops {
			end, n = RunStops(s, i, st)
		}
		run := s[i:end]
		if end < i || !utf8.ValidString(run) || n != utf8.RuneCountInString(run) {
			t.Fatalf("Run(%q, %d) (stops %v) = %d, %d: %q", s, i, stops, end, n, run)
		}
		if end < len(s) && s[end]&0xC0 == 0x80 && utf8.ValidString(s[i:]) {
			t.Fatalf("Run(%q, %d) (stops %v) ends inside a rune at %d", s, i, stops, end)
		}
		if stops && strings.ContainsFunc(run, func(r rune) bool {
			return r < 0x20 || r == '"' || r == '\\' || r == '<' || r == '\u2028' || r == '\u2029'
		}) {
			t.Fatalf("RunStops(%q, %d) = %d: %q holds a stop", s, i, end, run)
		}
		plain := !strings.ContainsFunc(s[i:], func(r rune) bool { return r >= 0x800 })
		// Some capitals (Ш, Щ, Ѩ, …) end in the bytes A8 and A9 of U+2028 and U+2029.
		quiet := !stops || !strings.ContainsFunc(s[i:], func(r rune) bool { return r < 0x20 || r == '"' || r == '\\' || r == '<' }) &&
			strings.IndexByte(s[i:], 0xA8) < 0 && strings.IndexByte(s[i:], 0xA9) < 0
		if utf8.ValidString(s[i:]) && plain && quiet && end < len(s)-9 {
			t.Fatalf("Run(%q, %d) (stops %v) = %d: stopped early in plain text", s, i, stops, end)
		}
	}
}

func TestRun(t *testing.T) {
	for _, s := range cases {
		for pre := range 17 {
			checkRun(t, strings.Repeat("x", pre)+s+strings.Repeat("я", 9), 0)
			checkRun(t, strings.Repeat("я", pre)+s+"zz", pre)
		}
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for range 20000 {
		s := fragmentText(rng, rng.IntN(40))
		for i := 0; i < len(s); {
			checkRun(t, s, i)
			_, w := utf8.DecodeRuneInString(s[i:])
			i += w
		}
		check(t, s)
	}
}

// FuzzRun checks Run and RunStops from every rune of s.
func FuzzRun(f *testing.F) {
	for _, s := range append(cases, fragments...) {
		f.Add(s + s + s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		s = s[:min(len(s), 1024)] // checkRun takes time in proportion to the rest of s
		for i := 0; i < len(s); {
			checkRun(t, s, i)
			_, w := utf8.DecodeRuneInString(s[i:])
			i += w
		}
		check(t, s)
	})
}
