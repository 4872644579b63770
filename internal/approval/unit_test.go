package approval

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	faketg "github.com/pressbot/pressbot/internal/fake/telegram"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
)

// TestDataRoundTrip checks that every button's data parses back and fits
// Telegram's 64 bytes at the longest arguments we write.
func TestDataRoundTrip(t *testing.T) {
	at := time.Date(2099, 12, 31, 23, 59, 0, 0, time.UTC)
	tests := []data{
		{Act: actApprove, ID: shortID("k:office-2024"), Hash: shortHash([]member{{"a", "h"}}), Args: []string{allLanguages, encodeMask(1<<20 - 1)}},
		{Act: actAt, ID: shortID("r:2024/x"), Hash: shortHash(nil), Args: []string{"12", encodeMask(1<<40 - 1), encodeTime(at)}},
		{Act: actReject, ID: shortID("r:y"), Hash: "abcdefgh", Args: []string{"*", "2147483647"}},
		{Act: actRetry, ID: shortID("r:y"), Hash: postHash("y", "telegram", "h"), Args: []string{strings.Repeat("c", 30)}},
	}
	for _, d := range tests {
		s := d.String()
		if len(s) > MaxCallbackData {
			t.Errorf("%q is %d bytes", s, len(s))
		}
		got, err := parseData(s)
		if err != nil || got.String() != s {
			t.Errorf("parseData(%q) = %+v, %v", s, got, err)
		}
	}
	if got, ok := decodeTime(encodeTime(at)); !ok || !got.Equal(at) {
		t.Errorf("time round trip = %s", got)
	}
	for _, bad := range []string{"", "ap", "ap::h", "approve:x:y", strings.Repeat("a", 65)} {
		if _, err := parseData(bad); err == nil {
			t.Errorf("parseData(%q) accepted", bad)
		}
	}
	if decodeMask("zzzzzzzzzzzzzzzzzz", 7) != 7 || decodeMask("5", 3) != 1 {
		t.Error("decodeMask does not clamp to the channels")
	}
}

// TestShortHash checks that the card hash covers every member and ignores
// their order.
func TestShortHash(t *testing.T) {
	a := shortHash([]member{{"en", "1"}, {"ru", "2"}})
	if a != shortHash([]member{{"ru", "2"}, {"en", "1"}}) {
		t.Error("order matters")
	}
	for _, ms := range [][]member{{{"en", "1"}}, {{"en", "1"}, {"ru", "3"}}, {{"en", "1"}, {"ru", "2"}, {"uz", "4"}}} {
		if shortHash(ms) == a {
			t.Errorf("%v hashes like the original", ms)
		}
	}
}

// TestRequired checks the approvers a release needs.
func TestRequired(t *testing.T) {
	b := &Bot{cfg: Config{Required: 1, Rules: []Rule{{Tag: "sensitive", Required: 2}, {Tag: "#Crisis", Required: 3}}}}
	tests := []struct {
		tags []string
		want int
	}{{nil, 1}, {[]string{"water"}, 1}, {[]string{"Sensitive"}, 2}, {[]string{"sensitive", "crisis"}, 3}, {[]string{"#crisis"}, 3}}
	for _, tt := range tests {
		if got := b.required(release.Release{Tags: tt.tags}); got != tt.want {
			t.Errorf("required(%v) = %d, want %d", tt.tags, got, tt.want)
		}
	}
}

// TestSummarize checks the "what changed" summary.
func TestSummarize(t *testing.T) {
	base := release.Release{Title: "A", Body: "one\ntwo\nthree\n", Tags: []string{"x"}, Image: "i.png", ImageDigest: "d1"}
	tests := []struct {
		name string
		edit func(*release.Release)
		want string
	}{
		{"nothing visible", func(*release.Release) {}, "formatting only"},
		{"title", func(r *release.Release) { r.Title = "B" }, "title"},
		{"body", func(r *release.Release) { r.Body = "one\n2\nthree\nfour\n" }, "body (+2 −1 lines)"},
		{"several", func(r *release.Release) { r.Tags = nil; r.Image = "i.jpg"; r.PublishAt = time.Unix(1, 0) }, "tags, image, embargo"},
		{"picture replaced", func(r *release.Release) { r.ImageDigest = "d2" }, "picture file (replaced)"},
		{"picture gone", func(r *release.Release) { r.ImageDigest = "" }, "picture file (now missing)"},
		{"another picture", func(r *release.Release) { r.Image, r.ImageDigest = "j.jpg", "d2" }, "image"},
	}
	for _, tt := range tests {
		r := base
		r.Tags = append([]string(nil), base.Tags...)
		tt.edit(&r)
		if got := summarize(base, r); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := summarize(release.Release{Image: "i.png"}, release.Release{Image: "i.png", ImageDigest: "d"}); got != "picture file (now there)" {
		t.Errorf("picture added under its name: %q", got)
	}
}

// TestMsgFits checks that long quotes are shortened to fit 4096 units and
// that the result is HTML Telegram accepts, with short quotes kept whole.
func TestMsgFits(t *testing.T) {
	long := strings.Repeat("Water & climate <policy> in Central Asia — 🌊 ", 400)
	m := &msg{}
	m.tag("📰 ").bold("Title <b>").tag("\n").quote("short one").quote(long).quote(long[:3000]).link("https://e.org/?a=1&b=2", "preview")
	out := m.String(MaxText)
	plain, err := faketg.ParseHTML(out)
	if err != nil {
		t.Fatalf("invalid HTML: %v\n%s", err, out)
	}
	if n := faketg.UTF16Len(plain); n > MaxText || n < MaxText-200 {
		t.Errorf("visible length %d, want just under %d", n, MaxText)
	}
	if !strings.Contains(plain, "short one") || !strings.Contains(plain, "Title <b>") || strings.Count(plain, "…") != 2 {
		t.Errorf("quotes not shared as expected: %q", plain[:200])
	}
}

// FuzzMsg checks that any texts make valid Telegram HTML within the limit.
func FuzzMsg(f *testing.F) {
	f.Add("Title & <co>", "quote text\nwith lines", 2000, 100)
	f.Add("😀😀", "", 0, 4096)
	f.Add(strings.Repeat("x", 5000), "q", 1, 1)
	f.Fuzz(func(t *testing.T, head, quote string, reps, limit int) {
		if reps < 0 || reps > 3000 || limit < 1 || limit > MaxText {
			return
		}
		m := &msg{}
		m.bold(head).tag("\n").quote(strings.Repeat(quote, reps)).code(head).quote(quote)
		out := m.String(limit)
		plain, err := faketg.ParseHTML(out)
		if err != nil {
			t.Fatalf("invalid HTML %q: %v", out, err)
		}
		if n := faketg.UTF16Len(plain); n > limit+4 { // +4: the two quotes' minimum "…"
			t.Fatalf("visible length %d over %d", n, limit)
		}
	})
}

// FuzzParseData checks that parsing never panics and round-trips.
func FuzzParseData(f *testing.F) {
	f.Add("ap:abcdefghij:abcdefgh:*:7")
	f.Add("rt:x:y:telegram")
	f.Add(":::")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseData(s)
		if err == nil && d.String() != s {
			t.Fatalf("%q → %q", s, d.String())
		}
	})
}

// TestShortKeepsLetters checks that short never cuts a letter in two:
// Telegram refuses a message that is not UTF-8.
func TestShortKeepsLetters(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"abc", 5, "abc"},
		{"abcdef", 3, "abc"},
		{"ошибка", 3, "о"}, // 2 bytes a letter: the 3rd byte starts none
		{"ошибка", 4, "ош"},
		{"✅ ok", 2, ""},
	}
	for _, tt := range tests {
		if got := short(tt.s, tt.n); got != tt.want || !utf8.ValidString(got) {
			t.Errorf("short(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
}

// TestMatchRenames: a card's short hash from before its releases' files
// were renamed is found under their old IDs, each release renamed or not,
// for a translation group moved as a whole too; a changed content is not.
func TestMatchRenames(t *testing.T) {
	en := store.Record{ID: "news/en", Hash: "h-en"}
	ru := store.Record{ID: "news/ru", Hash: "h-ru"}
	rnEN, rnRU := store.Rename{From: "2024/en", To: "news/en"}, store.Rename{From: "2024/ru", To: "news/ru"}
	choices := [][]store.Rename{{{}, {From: "old/en", To: "news/en"}, rnEN}, {{}, rnRU}}
	tests := []struct {
		name string
		card []member // what the card was shown for
		want []store.Rename
	}{
		{"both renamed", []member{{"2024/en", "h-en"}, {"2024/ru", "h-ru"}}, []store.Rename{rnEN, rnRU}},
		{"one renamed", []member{{"news/en", "h-en"}, {"2024/ru", "h-ru"}}, []store.Rename{rnRU}},
		{"renamed and changed", []member{{"2024/en", "h-en"}, {"2024/ru", "h-ru-old"}}, nil},
		{"not renamed", []member{{"news/en", "h-en"}, {"news/ru", "h-ru"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := matchRenames([]store.Record{en, ru}, choices, shortHash(tc.card))
			if ok != (tc.want != nil) || fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("matchRenames = %v, %v; want %v", got, ok, tc.want)
			}
		})
	}
}
