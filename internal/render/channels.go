package render

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/render/textlen"
	"github.com/pressbot/pressbot/internal/utf8fast"
)

// telegram renders the Telegram message series. Without an image the
// wrapper head, body and foot are split into text messages of at most 4096.
// With an image the first part is the photo's caption (at most 1024):
// title, dateline and the lead (the body up to its first paragraph); the
// rest of the body and the foot follow as text messages. If everything
// fits in one caption there is only the photo.
func (r *Renderer) telegram(d *doc) ([]release.Part, error) {
	if !d.rel.Date.IsZero() {
		// The wrapper looks for the date in the plain-text body: render
		// both bodies in one walk.
		d.renderBodies()
	}
	data := d.telegramWrap()
	head, err := r.execWrap(release.KindTelegram, "head", data)
	if err != nil {
		return nil, fmt.Errorf("template head: %w", err)
	}
	foot, err := r.execWrap(release.KindTelegram, "foot", data)
	if err != nil {
		return nil, fmt.Errorf("template foot: %w", err)
	}
	body := d.telegramBody()
	// The body is valid UTF-8 (see joinCount); so are the parts when
	// head and foot are.
	valid := utf8.ValidString(head) && utf8.ValidString(foot)
	img := d.imageURL()
	if img == "" {
		texts, units := splitMeasured(joinBody(head, body.buf, foot), TelegramTextLimit, TelegramTextLimit, true, valid)
		return telegramParts(texts, units, 0, nil, valid), nil
	}
	media := []release.Media{{URL: img, Alt: d.rel.ImageAlt}}
	caption, n, over := leadCaption(head, body.buf, body.leadEnd, valid)
	if !over {
		if full, n, ok := captionFits(head, body.buf, foot); ok {
			return telegramParts([]string{full}, []int{n}, 1, media, valid), nil
		}
	}
	tail := ""
	if n < 0 {
		caption, tail, _, n = cutText(caption, TelegramCaptionLimit, true, valid)
	}
	// join(tail, joinBody("", rest of body, foot)) in one copy (tail is
	// "" when the caption was not cut).
	rest := joinBody(tail, body.buf[body.leadEnd:], foot)
	texts, units := []string{caption}, []int{n}
	if rest != "" {
		more, moreUnits := splitMeasured(rest, TelegramTextLimit, TelegramTextLimit, true, valid)
		texts, units = append(texts, more...), append(units, moreUnits...)
	}
	return telegramParts(texts, units, 1, media, valid), nil
}

// leadCaption returns the caption of a photo whose text does not fit
// in it, join(head, lead), with its length (-1 when it is not measured or
// over the caption's limit). over reports that join(head, body, foot) is
// known to be longer than a caption: the caption is measured first and
// then the body after the lead only as far as the caption leaves room,
// so the lead is measured once. After a head that ends inside a tag,
// which would swallow what follows, over is false and nothing is
// measured.
func leadCaption(head string, body []byte, leadEnd int, valid bool) (caption string, n int, over bool) {
	caption = joinBody(head, body[:leadEnd], "")
	if textlen.EndsInTag(strings.TrimSpace(head)) {
		return caption, -1, false
	}
	// The caption is a prefix of the whole text that ends outside tags
	// and entities (where the head or a paragraph of the body ends, and
	// an entity never spans a line break): the whole is at least as long
	// as the caption and the rest of the body.
	n, ok := measureWithin(caption, TelegramCaptionLimit, true, valid)
	if !ok {
		return caption, -1, true
	}
	if _, ok := textlen.TelegramLenWithin(bytes.TrimSpace(body[leadEnd:]), TelegramCaptionLimit-n); !ok {
		return caption, n, true
	}
	return caption, n, false
}

// captionFits returns join(head, body, foot) and its Telegram length when
// it fits in one photo caption. A body that alone is longer than a
// caption does not fit, whatever the wrapper, unless the head ends inside
// a tag (which would swallow text that follows): then the whole text is
// measured.
func captionFits(head string, body []byte, foot string) (string, int, bool) {
	if b := bytes.TrimSpace(body); len(b) > 0 && !textlen.EndsInTag(strings.TrimSpace(head)) {
		if _, ok := textlen.TelegramLenWithin(b, TelegramCaptionLimit); !ok {
			return "", 0, false
		}
	}
	full := joinBody(head, body, foot)
	if n, ok := textlen.TelegramLenWithin(full, TelegramCaptionLimit); ok {
		return full, n, true
	}
	return "", 0, false
}

// telegramParts makes parts of HTML texts; the first captions of them are
// photo captions carrying media. units holds the length of each text
// where it is already known (-1, or a short slice, where not); valid says
// that the texts are valid UTF-8.
func telegramParts(texts []string, units []int, captions int, media []release.Media, valid bool) []release.Part {
	parts := make([]release.Part, len(texts))
	for i, s := range texts {
		n := -1
		if i < len(units) {
			n = units[i]
		}
		switch {
		case n >= 0:
		case valid:
			n = textlen.TelegramLenValid(s)
		default:
			n = textlen.TelegramLen(s)
		}
		parts[i] = release.Part{Format: release.FormatHTML, Text: s, Length: n, Limit: TelegramTextLimit}
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
	head, err := r.execWrap(release.KindFacebook, "head", &data)
	if err != nil {
		return nil, fmt.Errorf("template head: %w", err)
	}
	foot, err := r.execWrap(release.KindFacebook, "foot", &data)
	if err != nil {
		return nil, fmt.Errorf("template foot: %w", err)
	}
	body := d.plainBody().buf
	text, n := joinCount(head, body, foot)
	if n > FacebookLimit {
		budget := FacebookLimit - utf8fast.RuneCount(join(head, "…", foot)) - 1
		cut, _, _, _ := cutText(string(body), budget, false, false)
		text = join(head, strings.TrimSpace(cut)+" …", foot)
		n = utf8fast.RuneCount(text)
	}
	p := release.Part{
		Format: release.FormatText, Text: text, Length: n,
		Limit: FacebookLimit, Link: data.URL,
	}
	if img := d.imageURL(); img != "" {
		p.Media = []release.Media{{URL: img, Alt: d.rel.ImageAlt}}
	}
	return []release.Part{p}, nil
}

// joinCount is joinBody for a body that is valid UTF-8 (rendered from a
// source newDoc made valid, or that Config.ValidUTF8 vouches for), and
// the runes of the result: the body's are counted without validating.
func joinCount(head string, body []byte, foot string) (string, int) {
	text := joinBody(head, body, foot)
	b := bytes.TrimSpace(body)
	if len(b) == 0 {
		return text, utf8fast.RuneCount(text)
	}
	start := 0
	if h := strings.TrimSpace(head); h != "" {
		start = len(h) + len("\n\n")
	}
	end := start + len(b)
	return text, utf8fast.RuneCount(text[:start]) + validRunes(text[start:end]) + utf8fast.RuneCount(text[end:])
}

// validRunes counts the runes of valid UTF-8: the bytes that do not
// continue a sequence. The continuation bytes of 32 bytes at a time are
// added up in the eight byte lanes of one word, which is summed after at
// most 63 rounds (each lane then holds at most 4*63 = 252, no carry into
// the next): no branch or bit count per word, at about 2.5 times the
// speed of counting each word's bits on the Facebook posts of a newsroom.
func validRunes(s string) int {
	n, i := len(s), 0
	for i+32 <= len(s) {
		var lanes uint64
		for k := 0; k < 63 && i+32 <= len(s); k, i = k+1, i+32 {
			w := s[i : i+32]
			lanes += contOnes(utf8fast.Load8(w, 0)) + contOnes(utf8fast.Load8(w, 8)) +
				contOnes(utf8fast.Load8(w, 16)) + contOnes(utf8fast.Load8(w, 24))
		}
		lanes = lanes&0x00FF00FF00FF00FF + lanes>>8&0x00FF00FF00FF00FF // four lanes of 16 bits
		n -= int(lanes * 0x0001000100010001 >> 48)
	}
	for ; i < len(s); i++ {
		if s[i]&0xC0 == 0x80 {
			n--
		}
	}
	return n
}

// contOnes has a one in the lowest bit of each byte of v that continues
// a sequence (10xxxxxx), zero elsewhere.
func contOnes(v uint64) uint64 {
	return (v &^ (v << 1)) >> 7 & 0x0101010101010101
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
	if img := d.imageURL(); img != "" {
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
	data := r.wrap(d)
	for {
		s, err := r.execWrap(release.KindX, "post", &data)
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
	bare, err := r.execWrap(release.KindX, "post", &data)
	if err != nil {
		return "", 0, fmt.Errorf("template post: %w", err)
	}
	for budget := XLimit - textlen.XWeight(bare); budget > 0; budget-- {
		head, _ := textlen.CutX(title, budget)
		data.Title = strings.TrimSpace(head) + textlen.Ellipsis
		s, err := r.execWrap(release.KindX, "post", &data)
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
	// Start from the count the length suggests; it settles in a round or two.
	total := min(XMaxReplies, 1+utf8.RuneCountInString(lead)/(XLimit-12))
	for range 5 { // the count of replies settles within a few rounds
		pieces, err := r.xPieces(lead, total)
		if err != nil {
			return nil, err
		}
		if len(pieces) == total {
			return r.xNumber(pieces)
		}
		total = len(pieces)
	}
	pieces, err := r.xPieces(lead, total)
	if err != nil {
		return nil, err
	}
	return r.xNumber(pieces)
}

// xPiece is a piece of the lead for one reply and its weight (-1 when
// not weighed yet).
type xPiece struct {
	text   string
	weight int
}

// xPieces cuts lead into pieces that fit a reply numbered n/total.
func (r *Renderer) xPieces(lead string, total int) ([]xPiece, error) {
	number, err := r.execReply(replyData{N: total, Total: total})
	if err != nil {
		return nil, fmt.Errorf("template reply: %w", err)
	}
	budget := XLimit - textlen.XWeight(number) - 1
	var pieces []xPiece
	for rest := lead; rest != ""; {
		var head, tail string
		weight := textlen.XWeight(rest)
		if weight <= budget {
			head = rest // all of it fits: what CutX returns then
		} else {
			head, tail = textlen.CutX(rest, budget)
		}
		if head == "" {
			return nil, fmt.Errorf("template reply: no room for text")
		}
		if tail != "" {
			head, weight = strings.TrimSpace(head)+textlen.Ellipsis, -1
		}
		pieces = append(pieces, xPiece{head, weight})
		rest = strings.TrimSpace(tail)
		if len(pieces) == XMaxReplies && rest != "" {
			break // the newsroom link in the first post has the rest
		}
	}
	return pieces, nil
}

// xNumber executes the reply template for every piece.
func (r *Renderer) xNumber(pieces []xPiece) ([]release.Part, error) {
	out := make([]release.Part, len(pieces))
	for i, p := range pieces {
		s, err := r.execReply(replyData{Text: p.text, N: i + 1, Total: len(pieces)})
		if err != nil {
			return nil, fmt.Errorf("template reply: %w", err)
		}
		w := p.weight
		if s != p.text || w < 0 { // a reply with its number, or a piece not weighed
			w = textlen.XWeight(s)
		}
		if w > XLimit {
			return nil, fmt.Errorf("template reply: reply %d weighs %d, over X's %d", i+1, w, XLimit)
		}
		out[i] = xPart(s, w)
	}
	return out, nil
}
