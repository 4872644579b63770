package telegram

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot"

	"github.com/pressbot/pressbot/internal/release"
)

// attempt follows one Bot API call: whether the request was fully written
// (after which a lost answer makes the outcome uncertain) and the HTTP
// status of the answer, if one came.
type attempt struct {
	wrote  atomic.Bool
	status atomic.Int32
}

type attemptKey struct{}

// track returns ctx carrying a new attempt and an httptrace that marks it
// written.
func track(ctx context.Context) (context.Context, *attempt) {
	a := &attempt{}
	ctx = context.WithValue(ctx, attemptKey{}, a)
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				a.wrote.Store(true)
			}
		},
	}), a
}

// statusClient records the answer's HTTP status in the request's attempt.
type statusClient struct{ inner bot.HttpClient }

func (c statusClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.inner.Do(req)
	if a, ok := req.Context().Value(attemptKey{}).(*attempt); ok && resp != nil {
		a.status.Store(int32(resp.StatusCode))
	}
	return resp, err
}

// scrubbed is an error whose text has the token removed. It matches the
// sentinels of the original (errors.Is) without exposing its text.
type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }

// Is reports whether the original error matches target.
func (e *scrubbed) Is(target error) bool { return errors.Is(e.err, target) }

// scrub returns err with every occurrence of token replaced by "***".
func scrub(err error, token string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if token != "" {
		msg = strings.ReplaceAll(msg, token, "***")
	}
	return &scrubbed{msg: msg, err: err}
}

// classify turns an error of the Bot API client into a *release.SendError
// naming the operation, with the token scrubbed. Callers add the context
// with wrap.
func (c *Channel) classify(op string, err error, a *attempt) *release.SendError {
	class, retry, hint := classOf(err, a)
	inner := scrub(err, c.cfg.Token)
	if hint != "" {
		inner = fmt.Errorf("%s: %w", hint, inner)
	}
	return &release.SendError{
		Class:      class,
		RetryAfter: retry,
		Err:        fmt.Errorf("%s: %w", op, inner),
	}
}

// wrap prefixes se's error with the package, channel name and what was
// being done, and returns se.
func (c *Channel) wrap(se *release.SendError, format string, args ...any) *release.SendError {
	se.Err = fmt.Errorf("telegram %q: %s: %w", c.cfg.Name, fmt.Sprintf(format, args...), se.Err)
	return se
}

// permanent returns a ClassPermanent error for a problem found before any
// call.
func (c *Channel) permanent(format string, args ...any) *release.SendError {
	return &release.SendError{Class: release.ClassPermanent,
		Err: fmt.Errorf("telegram %q: %s", c.cfg.Name, fmt.Sprintf(format, args...))}
}

// classOf decides the class of a failed call and an advice for a human.
func classOf(err error, a *attempt) (release.ErrorClass, time.Duration, string) {
	var tooMany *bot.TooManyRequestsError
	var migrate *bot.MigrateError
	msg := err.Error()
	switch {
	case errors.As(err, &tooMany):
		return release.ClassRateLimited, time.Duration(tooMany.RetryAfter) * time.Second, ""
	case errors.Is(err, bot.ErrorUnauthorized):
		return release.ClassAuth, 0, "Telegram token rejected (401): create a new token with @BotFather"
	case errors.Is(err, bot.ErrorForbidden):
		return release.ClassAuth, 0, "Telegram refused the bot (403): add the bot to the channel as an administrator allowed to post messages"
	case errors.As(err, &migrate):
		return release.ClassPermanent, 0, fmt.Sprintf("the group became a supergroup: set chat_id to %d", migrate.MigrateToChatID)
	case errors.Is(err, bot.ErrorBadRequest) && strings.Contains(msg, "can't parse entities"):
		return release.ClassPermanent, 0, "Telegram cannot parse the post's HTML (a renderer bug): fix the release or the renderer; not retried"
	case errors.Is(err, bot.ErrorBadRequest) && (strings.Contains(msg, "need administrator rights") || strings.Contains(msg, "not enough rights")):
		return release.ClassAuth, 0, "the bot lacks rights in the chat: make it an administrator allowed to post messages"
	case errors.Is(err, bot.ErrorBadRequest), errors.Is(err, bot.ErrorNotFound), errors.Is(err, bot.ErrorConflict):
		return release.ClassPermanent, 0, ""
	}
	switch st := a.status.Load(); {
	case st >= 500:
		return release.ClassTransient, 0, ""
	case st >= 400:
		return release.ClassPermanent, 0, ""
	}
	if a.wrote.Load() {
		return release.ClassUncertain, 0, "the request reached Telegram but no answer came: the message may have been posted"
	}
	return release.ClassTransient, 0, ""
}
