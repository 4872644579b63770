package x

import (
	"context"
	"strings"
	"testing"

	"github.com/pressbot/pressbot/internal/fake/x"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/render/textlen"
)

func TestCorrectionText(t *testing.T) {
	short := correctionText("Tashkent talks moved to Wednesday")
	if short != "Correction: Tashkent talks moved to Wednesday" {
		t.Errorf("short = %q", short)
	}
	long := correctionText(strings.Repeat("word ", 100))
	if w := textlen.XWeight(long); w > textlen.XMaxWeight || !strings.HasSuffix(long, "…") || !strings.HasPrefix(long, "Correction: ") {
		t.Errorf("long correction weighs %d: %q", w, long)
	}
}

func TestCorrectRepliesToThread(t *testing.T) {
	srv := fakex.New(t)
	c, logs := newChannel(t, srv, nil)
	ctx := context.Background()
	rcpt, err := c.Publish(ctx, thread("Headline https://example.org/r/1", "The talks open on Tuesday."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Correct(ctx, rcpt, thread("Headline https://example.org/r/1", "The talks open on Wednesday.")); err != nil {
		t.Fatal(err)
	}
	tweets := srv.Tweets()
	last := tweets[len(tweets)-1]
	if last.InReplyTo != rcpt.RemoteIDs[len(rcpt.RemoteIDs)-1] || last.Text != "Correction: The talks open on Wednesday." {
		t.Errorf("correction = %+v, want a reply to %s with the new lead", last, rcpt.RemoteIDs[1])
	}
	if _, err := c.Correct(ctx, release.Receipt{}, thread("x")); err == nil {
		t.Error("a correction without a receipt id succeeded")
	}
	noSecrets(t, "logs", logs.String())
}
