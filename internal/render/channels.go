package render

import (
	"fmt"
	"strings"
	"text/template"
	"unicode/utf8"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/render/textlen"
)

// telegram renders the Telegram message series. Without an image the
// wrapper head, body and foot are split into text messages of at most 4096.
// With an image the first part is the photo's caption (at most 1024):
// title, dateline and the lead (the body up to its first paragraph); the
// rest of the body and the foot follow as text messages. If everything
// fits in one caption there is only the photo.
func (r *Renderer) telegram(d *doc) ([]release.Part, error) {
	data := escapeWrap(r.wrap(d))
	t := r.tmpl[release.KindTelegram]
	head, err := execute(t, "head", data)
	if err != nil {
		return nil, fmt.Errorf("template head: %w", err)
	}
	foot, err := execute(t, "foot", data)
	if err != nil {
		return nil, fmt.Errorf("template foot: %w", err)
	}
	body := d.telegramBody()
	full := join(head, body.String(), foot)
	img := d.rel.ImageURL(r.cfg.BaseURL)
	if img == "" {
		return telegramParts(splitText(full, TelegramTextLimit, TelegramTextLimit, true), 0, nil), nil
	}
	media := []release.Media{{URL: img, Alt: d.rel.ImageAlt}}
	if len(full) <= TelegramCaptionLimit || textlen.TelegramLen(full) <= TelegramCaptionLimit {
		return telegramParts([]string{full}, 1, media), nil
	}
	lead := string(body.buf[:body.leadEnd])
	rest := join(string(body.buf[body.leadEnd:]), foot)
	caption, tail, cut := cutText(join(head, lead), TelegramCaptionLimit, true)
	if cut {
		rest = join(tail, rest)
	}
	parts := []string{caption}
	if rest != "" {
		parts = append(parts, splitText(rest, TelegramTextLimit, TelegramTextLimit, true)...)
	}
	return telegramParts(parts, 1, media), nil
}

// telegramParts makes parts of HTML texts; the first captions of them are
// photo captions carrying media.
func telegramParts(texts []string, captions int, media []release.Media) []release.Part {
	parts := make([]release.Part, len(texts))
	for i, s := range texts {
		parts[i] = release.Part{Format: release.FormatHTML, Text: s, Length: textlen.TelegramLen(s), Limit: TelegramTextLimit}
		if i < captions {
			parts[i].Limit = TelegramCaptionLimit
			parts[i].Media = media
		}
	}
	return parts
}

// facebook renders the Facebook post: plain text with the newsroom page as
// its link (and the picture as media, for a photo post). A body longer
// than Facebook's limit is cut at a paragraph, sentence or word and ends
// with "…"; the link carries the reader to the whole release.
func (r *Renderer) facebook(d *doc) ([]release.Part, error) {
	data := r.wrap(d)
	t := r.tmpl[release.KindFacebook]
	head, err := execute(t, "head", data)
	if err != nil {
		return nil, fmt.Errorf("template head: %w", err)
	}
	foot, err := execute(t, "foot", data)
	if err != nil {
		return nil, fmt.Errorf("template foot: %w", err)
	}
	body := d.plainBody().String()
	text := join(head, body, foot)
	if n := utf8.RuneCountInString(text); n > FacebookLimit {
		budget := FacebookLimit - utf8.RuneCountInString(join(head, "…", foot)) - 1
		cut, _, _ := cutText(body, budget, false)
		text = join(head, strings.TrimSpace(cut)+" …", foot)
	}
	p := release.Part{
		Format: release.FormatText, Text: text, Length: utf8.RuneCountInString(text),
		Limit: FacebookLimit, Link: data.URL,
	}
	if img := d.rel.ImageURL(r.cfg.BaseURL); img != "" {
		p.Media = []release.Media{{URL: img, Alt: d.rel.ImageAlt}}
	}
	return []release.Part{p}, nil
}

// XMaxReplies caps a thread: a lead longer than this many replies ends
// with "…" in the last one.
const XMaxReplies = 5

// x renders the X post: the headline and the newsroom link, with the
// hashtags that fit; with thread, the lead follows as numbered replies.
func (r *Renderer) x(d *doc, thread bool) ([]release.Part, error) {
	first, weight, err := r.xPost(d)
	if err != nil {
		return nil, err
	}
	parts := []release.Part{xPart(first, weight)}
	if img := d.rel.ImageURL(r.cfg.BaseURL); img != "" {
		parts[0].Media = []release.Media{{URL: img, Alt: d.rel.ImageAlt}}
	}
	if !thread {
		return parts, nil
	}
	replies, err := r.xReplies(d.summary())
	if err != nil {
		return nil, err
	}
	return append(parts, replies...), nil
}

func xPart(s string, weight int) release.Part {
	return release.Part{Format: release.FormatText, Text: s, Length: weight, Limit: XLimit}
}

// xPost executes the "post" template, dropping hashtags from the end and
// then shortening the title until the post weighs at most 280.
func (r *Renderer) xPost(d *doc) (string, int, error) {
	t := r.tmpl[release.KindX]
	data := r.wrap(d)
	for {
		s, err := execute(t, "post", data)
		if err != nil {
			return "", 0, fmt.Errorf("template post: %w", err)
		}
		if w := textlen.XWeight(s); w <= XLimit {
			return s, w, nil
		}
		if len(data.Hashtags) == 0 {
			break
		}
		data.Hashtags = data.Hashtags[:len(data.Hashtags)-1]
		data.Tags = strings.Join(data.Hashtags, " ")
	}
	title := data.Title
	data.Title = ""
	bare, err := execute(t, "post", data)
	if err != nil {
		return "", 0, fmt.Errorf("template post: %w", err)
	}
	for budget := XLimit - textlen.XWeight(bare); budget > 0; budget-- {
		head, _ := textlen.CutX(title, budget)
		data.Title = strings.TrimSpace(head) + textlen.Ellipsis
		s, err := execute(t, "post", data)
		if err != nil {
			return "", 0, fmt.Errorf("template post: %w", err)
		}
		if w := textlen.XWeight(s); w <= XLimit {
			return s, w, nil
		}
	}
	return "", 0, fmt.Errorf("template post: the post weighs %d without a title, over X's %d", textlen.XWeight(bare), XLimit)
}

// xReplies cuts the lead into replies of at most 280 with their numbers;
// every reply that goes on ends in "…".
func (r *Renderer) xReplies(lead string) ([]release.Part, error) {
	lead = strings.TrimSpace(lead)
	if lead == "" {
		return nil, nil
	}
	t := r.tmpl[release.KindX]
	// Start from the count the length suggests; it settles in a round or two.
	total := min(XMaxReplies, 1+utf8.RuneCountInString(lead)/(XLimit-12))
	for range 5 { // the count of replies settles within a few rounds
		pieces, err := r.xPieces(t, lead, total)
		if err != nil {
			return nil, err
		}
		if len(pieces) == total {
			return r.xNumber(t, pieces)
		}
		total = len(pieces)
	}
	pieces, err := r.xPieces(t, lead, total)
	if err != nil {
		return nil, err
	}
	return r.xNumber(t, pieces)
}

// xPieces cuts lead into pieces that fit a reply numbered n/total.
func (r *Renderer) xPieces(t *template.Template, lead string, total int) ([]string, error) {
	number, err := execute(t, "reply", replyData{N: total, Total: total})
	if err != nil {
		return nil, fmt.Errorf("template reply: %w", err)
	}
	budget := XLimit - textlen.XWeight(number) - 1
	var pieces []string
	for rest := lead; rest != ""; {
		head, tail := textlen.CutX(rest, budget)
		if head == "" {
			return nil, fmt.Errorf("template reply: no room for text")
		}
		if tail != "" {
			head = strings.TrimSpace(head) + textlen.Ellipsis
		}
		pieces = append(pieces, head)
		rest = strings.TrimSpace(tail)
		if len(pieces) == XMaxReplies && rest != "" {
			break // the newsroom link in the first post has the rest
		}
	}
	return pieces, nil
}

// xNumber executes the reply template for every piece.
func (r *Renderer) xNumber(t *template.Template, pieces []string) ([]release.Part, error) {
	out := make([]release.Part, len(pieces))
	for i, p := range pieces {
		s, err := execute(t, "reply", replyData{Text: p, N: i + 1, Total: len(pieces)})
		if err != nil {
			return nil, fmt.Errorf("template reply: %w", err)
		}
		w := textlen.XWeight(s)
		if w > XLimit {
			return nil, fmt.Errorf("template reply: reply %d weighs %d, over X's %d", i+1, w, XLimit)
		}
		out[i] = xPart(s, w)
	}
	return out, nil
}
