package content

import "testing"

// TestLinkWarnings checks the warning at each link whose target every
// rendering drops, at the link's text, with what to write instead; and
// that kept links pass.
func TestLinkWarnings(t *testing.T) {
	tests := []struct {
		name, body string
		want       string // a part of the warning; "" for none
		line, col  int
	}{
		{"https and mailto", "[UNDP](https://undp.org), [us](mailto:a@b.org), [page](/releases/2024/a/)", "", 0, 0},
		{"release file", "Text.\n\nSee [the English one](../2024/aral-en.md).", `link "../2024/aral-en.md" (on "the English one") is dropped from the newsroom page and every post, which show only its text: relative links are not kept; link that release's newsroom page, /releases/2024/aral-en/, or write a full address starting with https://`, 8, 6},
		{"other file", "A [pdf](files/report.pdf).", "relative links are not kept; write a full address starting with https://", 6, 4},
		{"fragment", "[a](#x)", "links within the release are not kept", 6, 2},
		{"tel", "[call](tel:+998711234567)", "only http, https and mailto links are kept", 6, 2},
		{"tg", "[channel](tg://resolve?domain=x)", "only Telegram posts keep a tg: link", 6, 2},
		{"out of the folder", "[x](../../../x.md)", "relative links are not kept; write a full address", 6, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "---\ntitle: t\ndate: 2020-02-06\n---\n\n" + tt.body + "\n"
			_, probs := Parse("2024/aral-ru.md", "2024/aral-ru", []byte(src), Options{})
			wantWarning(t, probs, tt.want, tt.line, tt.col)
		})
	}
}
