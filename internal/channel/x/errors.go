package x

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pressbot/pressbot/internal/release"
)

// defaultRateWait is the wait after a 429 without a usable reset header:
// X counts most limits in 15-minute windows.
const defaultRateWait = 15 * time.Minute

// classify turns an error of do or fetch into a *release.SendError with
// advice for a human where there is one.
func (c *Channel) classify(err error) *release.SendError {
	var (
		ae    *APIError
		ne    *netError
		pe    *pictureError
		class = release.ClassTransient
		wait  time.Duration
		hint  string
	)
	switch {
	case errors.As(err, &ae):
		class, hint = classOf(ae)
		if class == release.ClassRateLimited {
			wait = retryAfter(ae.header, c.cfg.Now())
		}
	case errors.As(err, &pe):
		if !pe.transient {
			class = release.ClassPermanent
		}
	case errors.As(err, &ne) && ne.wrote && ne.creates:
		class = release.ClassUncertain
		hint = "the request reached X but no answer came: the post may be on the account; look before retrying"
	}
	if hint != "" {
		err = fmt.Errorf("%s: %w", hint, err)
	}
	return &release.SendError{Class: class, RetryAfter: wait, Err: err}
}

// classOf decides the class of an X API error answer
// (https://docs.x.com/x-api/fundamentals/response-codes-and-errors).
func classOf(e *APIError) (release.ErrorClass, string) {
	switch {
	case e.Status == http.StatusTooManyRequests:
		return release.ClassRateLimited, ""
	case e.Status == http.StatusUnauthorized:
		return release.ClassAuth, "X rejected the credentials (401): check consumer_key/consumer_secret and regenerate the access token and secret in the developer portal"
	case e.Status == http.StatusForbidden && isPermission(e):
		return release.ClassAuth, "X refused the app (403): give it Read and Write permission (User authentication settings), attach it to a project, then regenerate the access token and secret"
	case e.Status >= 500:
		return release.ClassTransient, ""
	}
	return release.ClassPermanent, ""
}

// isPermission reports whether a 403 is about the app's or token's rights
// rather than the post.
func isPermission(e *APIError) bool {
	t := e.text()
	for _, s := range []string{"oauth1-permissions", "client-forbidden", "unsupported-authentication", "not configured with the appropriate", "client-not-enrolled", "permission"} {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}

// isDuplicate reports whether err is X's refusal of duplicate content.
func isDuplicate(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == http.StatusForbidden && strings.Contains(ae.text(), "duplicate content")
}

// isBusy reports whether err is X's 503 "Service Unavailable": X is over
// capacity and refused the request without carrying it out, so sending it
// again cannot repeat it. Other 5xx answers (500, 502, 504) may come after
// the post was made, and are not retried inside a thread.
func isBusy(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == http.StatusServiceUnavailable
}

// isNotFound reports whether err is a 404 answer.
func isNotFound(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == http.StatusNotFound
}

// retryAfter is the wait before the next call after a 429: X sends no
// Retry-After but the epoch second at which the window resets
// (x-rate-limit-reset), and for the daily caps on posting
// x-user-limit-24hour-reset and x-app-limit-24hour-reset, which count when
// their "remaining" is 0 (https://docs.x.com/x-api/fundamentals/rate-limits).
// The latest applicable reset minus now, rounded up to the second, at
// least a second; defaultRateWait when no header is usable.
func retryAfter(h http.Header, now time.Time) time.Duration {
	var reset int64
	consider := func(name string) {
		if v, err := strconv.ParseInt(strings.TrimSpace(h.Get(name)), 10, 64); err == nil && v > reset {
			reset = v
		}
	}
	consider("x-rate-limit-reset")
	for _, p := range []string{"x-user-limit-24hour", "x-app-limit-24hour"} {
		if strings.TrimSpace(h.Get(p+"-remaining")) == "0" {
			consider(p + "-reset")
		}
	}
	if reset <= 0 || reset > now.Add(48*time.Hour).Unix() {
		return defaultRateWait
	}
	wait := time.Unix(reset, 0).Sub(now)
	if r := wait % time.Second; r != 0 {
		wait += time.Second - r
	}
	return max(wait, time.Second)
}

// scrub returns err with the credentials removed from its text. The result
// matches the original's sentinels (errors.Is) but does not unwrap to it.
func (c *Channel) scrub(err error) error {
	msg := err.Error()
	for _, s := range []string{c.cfg.ConsumerSecret, c.cfg.AccessSecret, c.cfg.AccessToken, c.cfg.ConsumerKey} {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, "***")
			msg = strings.ReplaceAll(msg, url.QueryEscape(s), "***")
		}
	}
	return &scrubbed{msg: msg, err: err}
}

type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }

// Is reports whether the original error matches target.
func (e *scrubbed) Is(target error) bool { return errors.Is(e.err, target) }

// wrap classifies err and prefixes it with the package, channel name and
// what was being done.
func (c *Channel) wrap(err error, format string, args ...any) *release.SendError {
	se := c.classify(err)
	se.Err = fmt.Errorf("x %q: %s: %w", c.cfg.Name, fmt.Sprintf(format, args...), se.Err)
	return se
}

// permanent returns a ClassPermanent error for a problem found without a
// call.
func (c *Channel) permanent(format string, args ...any) *release.SendError {
	return &release.SendError{Class: release.ClassPermanent,
		Err: fmt.Errorf("x %q: %s", c.cfg.Name, fmt.Sprintf(format, args...))}
}

func (c *Channel) auth(format string, args ...any) *release.SendError {
	return &release.SendError{Class: release.ClassAuth,
		Err: fmt.Errorf("x %q: %s", c.cfg.Name, fmt.Sprintf(format, args...))}
}
