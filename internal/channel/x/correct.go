package x

import (
	"context"
	"strings"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/render/textlen"
)

// correctionPrefix starts a correction reply.
const correctionPrefix = "Correction: "

// Correct posts the changed text as a reply to the last post of the
// published thread r, since X cannot edit: "Correction: " and the new lead
// (the first reply of a thread, else the single post), cut at a word to
// stay within 280 weighted characters. It returns the receipt of the reply.
// https://docs.x.com/x-api/posts/create-post
func (c *Channel) Correct(ctx context.Context, r release.Receipt, post release.Post) (release.Receipt, error) {
	if len(r.RemoteIDs) == 0 {
		return release.Receipt{}, c.permanent("correct: the receipt has no post ids: post the correction by hand")
	}
	text, ok := CorrectionText(post)
	if !ok {
		return release.Receipt{}, c.permanent("correct: the changed post has no text")
	}
	tw, err := c.createTweet(ctx, tweetRequest{Text: text, Reply: &tweetReply{InReplyToTweetID: r.RemoteIDs[len(r.RemoteIDs)-1]}})
	if err != nil {
		return release.Receipt{}, c.wrap(err, "correct")
	}
	return c.receipt([]string{tw.ID}), nil
}

// CorrectionText is the text of the correction reply Correct posts for
// the changed post: "Correction: " and its lead (the first reply of a
// thread, else the single post), cut at a word to stay within 280 weighted
// characters. It is false when that part has no text. The dry-run outbox
// writes the same text.
func CorrectionText(post release.Post) (string, bool) {
	part := 0
	if len(post.Parts) > 1 {
		part = 1 // the lead: a change in the body shows there, not in the headline
	}
	if len(post.Parts) == 0 || strings.TrimSpace(post.Parts[part].Text) == "" {
		return "", false
	}
	return correctionText(post.Parts[part].Text), true
}

// correctionText prefixes text and cuts it to the weighted limit.
func correctionText(text string) string {
	full := correctionPrefix + text
	if textlen.XWeight(full) <= textlen.XMaxWeight {
		return full
	}
	head, _ := textlen.CutX(full, textlen.XMaxWeight)
	return head + textlen.Ellipsis
}
