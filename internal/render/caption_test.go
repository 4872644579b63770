package render

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pressbot/pressbot/internal/render/textlen"
)

// checkLeadCaption holds leadCaption to what measuring the whole text
// says: its caption is join(head, lead), a length it gives is the
// caption's, and a text it calls over is longer than a caption.
func checkLeadCaption(t *testing.T, head string, body []byte, leadEnd int, foot string) {
	t.Helper()
	for _, valid := range []bool{false, utf8.ValidString(head) && utf8.Valid(body)} {
		caption, n, over := leadCaption(head, body, leadEnd, valid)
		if want := joinBody(head, body[:leadEnd], ""); caption != want {
			t.Fatalf("caption %q, want %q", caption, want)
		}
		if n >= 0 {
			if m := textlen.TelegramLen(caption); n != m || n > TelegramCaptionLimit {
				t.Fatalf("valid %v: length %d, TelegramLen %d: %q", valid, n, m, caption)
			}
		}
		if full := joinBody(head, body, foot); over && textlen.TelegramLen(full) <= TelegramCaptionLimit {
			t.Fatalf("valid %v: over, but the whole text is %d long: %q", valid, textlen.TelegramLen(full), full)
		}
	}
}

func TestLeadCaption(t *testing.T) {
	long := strings.Repeat("word ", 210) // 1050 units
	for _, c := range []struct {
		name, head, lead, rest string
	}{
		{"fits", "<b>Title</b>", "Lead.", "\n\nMore."},
		{"long rest", "<b>Title</b>", "Lead.", "\n\n" + long},
		{"long lead", "<b>Title</b>", long, "\n\nMore."},
		{"rest just over", "T", "L", "\n\n" + strings.Repeat("x", TelegramCaptionLimit-4)},
		{"rest just within", "T", "L", "\n\n" + strings.Repeat("x", TelegramCaptionLimit-5)},
		{"no lead", "<b>Title</b>", "", long},
		{"blank lead", "<b>Title</b>", " \n", long},
		{"head ends in a tag", `<a href="x`, "Lead.", "\n\n" + long},
		{"head ends in a quoted >", `<a title="a>b`, "Lead.", "\n\n" + long},
		{"no head", "", "Lead.", "\n\n" + long},
		{"lead with nbsp", "T", "Lead.\u00a0\u2028", "\n\n" + strings.Repeat("é", TelegramCaptionLimit-8)},
		{"entities", "&#128512; &amp", "&lt;Lead&gt;", "\n\n" + strings.Repeat("&quot;", TelegramCaptionLimit-9)},
		{"emoji", "T", "😀😀", "\n\n" + strings.Repeat("😀", TelegramCaptionLimit/2-4)},
		{"rest of tags", "T", "L", "\n\n" + strings.Repeat("<b></b>", 2000)},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := []byte(c.lead + c.rest)
			for _, foot := range []string{"", "<a href=\"u\">Read more</a>"} {
				checkLeadCaption(t, c.head, body, len(c.lead), foot)
			}
		})
	}
}

// FuzzLeadCaption checks leadCaption on the Telegram rendering of
// arbitrary Markdown under an arbitrary head.
func FuzzLeadCaption(f *testing.F) {
	addFuzzSeeds(f)
	r := newTestRenderer(f)
	f.Fuzz(func(t *testing.T, body string) {
		head, body, _ := strings.Cut(body, "\x00")
		d := r.newDoc(fuzzRelease(body, true))
		defer d.free()
		w := d.telegramBody()
		checkLeadCaption(t, head, w.buf, w.leadEnd, "<b>foot</b>")
		checkLeadCaption(t, escapeHTML(head), w.buf, w.leadEnd, "")
	})
}
