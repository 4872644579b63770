package textlen

import (
	"strings"
	"testing"
)

// telegramValidCases are valid UTF-8 Telegram HTML with tags, entities
// and characters of every length, specials at every offset in a word.
var telegramValidCases = []string{
	"", "a", "<b>x</b>", "&amp;", "&#128512;", "&#x1F600; &bogus; &", "😀é€a",
	`<a href="https://e.org/?a=1&amp;b=2">link</a> text`, `<a title="a>b">x</a>y`,
	"Qo‘shma guruh — “Toza suv” <i>milliy</i> &quot;x&quot; 😀😀",
	strings.Repeat("abcdefg<", 5), strings.Repeat("ab&lt;cdefgh", 5), "<b unclosed",
	strings.Repeat("Привет, мир! 中文 标签 ", 9), "&#0; &#xD800; &#99999999;",
}

func TestTelegramLenValid(t *testing.T) {
	for _, s := range telegramValidCases {
		if got, want := TelegramLenValid(s), TelegramLen(s); got != want {
			t.Errorf("TelegramLenValid(%q) = %d, want %d", s, got, want)
		}
		for limit := range 40 {
			n, ok := TelegramLenValidWithin(s, limit)
			wn, wok := TelegramLenWithin(s, limit)
			if ok != wok || ok && n != wn || !ok && n <= limit {
				t.Errorf("TelegramLenValidWithin(%q, %d) = %d, %v; TelegramLenWithin %d, %v", s, limit, n, ok, wn, wok)
			}
		}
	}
}

// FuzzTelegramLenValid counts valid UTF-8 as TelegramLen does.
func FuzzTelegramLenValid(f *testing.F) {
	for _, s := range telegramValidCases {
		f.Add(s, 100)
	}
	f.Fuzz(func(t *testing.T, s string, limit int) {
		s = strings.ToValidUTF8(s, "\uFFFD")
		if got, want := TelegramLenValid(s), TelegramLen(s); got != want {
			t.Fatalf("TelegramLenValid(%q) = %d, want %d", s, got, want)
		}
		n, ok := TelegramLenValidWithin(s, limit)
		wn, wok := TelegramLenWithin(s, limit)
		if ok != wok || ok && n != wn || !ok && n <= limit {
			t.Fatalf("TelegramLenValidWithin(%q, %d) = %d, %v; TelegramLenWithin %d, %v", s, limit, n, ok, wn, wok)
		}
	})
}
