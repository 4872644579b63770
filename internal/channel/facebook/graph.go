package facebook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/pressbot/pressbot/internal/release"
)

// maxBody caps the Graph answer read into memory.
const maxBody = 1 << 20

// request is one Graph API call.
type request struct {
	method string // GET, POST or DELETE
	path   string // after the version, e.g. "/{page-id}/feed"
	form   url.Values
	// creates marks a call that publishes something: when its answer is
	// lost after the request was written, the outcome is uncertain. Other
	// calls (reads, edits, deletions) may safely be repeated.
	creates bool
}

// APIError is a Graph API error answer
// (https://developers.facebook.com/docs/graph-api/guides/error-handling).
type APIError struct {
	Status    int    `json:"-"`
	Message   string `json:"message"`
	Type      string `json:"type"`
	Code      int    `json:"code"`
	Subcode   int    `json:"error_subcode"`
	UserTitle string `json:"error_user_title"`
	UserMsg   string `json:"error_user_msg"`
	FBTraceID string `json:"fbtrace_id"`
	header    http.Header
}

// Error implements error.
func (e *APIError) Error() string {
	s := fmt.Sprintf("Graph API error code %d", e.Code)
	if e.Subcode != 0 {
		s += fmt.Sprintf(" subcode %d", e.Subcode)
	}
	s += fmt.Sprintf(" (HTTP %d", e.Status)
	if e.Type != "" {
		s += ", " + e.Type
	}
	s += "): " + e.Message
	if e.FBTraceID != "" {
		s += " [fbtrace_id " + e.FBTraceID + "]"
	}
	return s
}

// netError is a failed exchange: no answer, or an answer that could not be
// read.
type netError struct {
	wrote   bool // the request was fully written
	creates bool
	err     error
}

func (e *netError) Error() string { return e.err.Error() }
func (e *netError) Unwrap() error { return e.err }

// do sends r with the token and appsecret_proof (as form values on POST, as
// query parameters otherwise) and decodes a success answer into out. Its
// errors are *APIError or *netError with every secret removed.
func (c *Channel) do(ctx context.Context, op string, r request, out any) error {
	vals := url.Values{}
	for k, v := range r.form {
		vals[k] = v
	}
	vals.Set("access_token", c.cfg.PageToken)
	vals.Set("appsecret_proof", c.proof)
	u := c.base + r.path
	var body io.Reader
	if r.method == http.MethodPost {
		body = strings.NewReader(vals.Encode())
	} else {
		u += "?" + vals.Encode()
	}
	var wrote atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				wrote.Store(true)
			}
		},
	})
	req, err := http.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		return fmt.Errorf("%s: %w", op, c.scrub(err))
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", op, &netError{wrote: wrote.Load(), creates: r.creates, err: c.scrub(err)})
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return fmt.Errorf("%s: reading the answer: %w", op, &netError{wrote: true, creates: r.creates, err: c.scrub(err)})
	}
	var env struct {
		Error *APIError `json:"error"`
	}
	_ = json.Unmarshal(data, &env)
	if env.Error != nil {
		env.Error.Status, env.Error.header = resp.StatusCode, resp.Header
		env.Error.Message = c.scrubString(env.Error.Message)
		return fmt.Errorf("%s: %w", op, env.Error)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s: %w", op, &APIError{Status: resp.StatusCode, Message: snippet(data), header: resp.Header})
	}
	if err := json.Unmarshal(data, out); err != nil {
		// The call succeeded but its answer is unreadable: for a post,
		// whether and where it went out is unknown.
		return fmt.Errorf("%s: undecodable answer %q: %w", op, snippet(data), &netError{wrote: true, creates: r.creates, err: err})
	}
	return nil
}

// snippet returns the start of an answer body for an error message.
func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// scrub returns err with the token, the app secret and the proof removed
// from its text and, for a *url.Error, from its URL (GET and DELETE carry
// them in the query). The result still matches the original's sentinels
// (errors.Is) but does not unwrap to it.
func (c *Channel) scrub(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		cp := *ue
		cp.URL = redactURL(cp.URL)
		err = &cp
	}
	return &scrubbed{msg: c.scrubString(err.Error()), err: err}
}

// scrubString replaces every secret in s with "***".
func (c *Channel) scrubString(s string) string {
	for _, secret := range []string{c.cfg.PageToken, c.cfg.AppSecret, c.proof} {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "***")
			s = strings.ReplaceAll(s, url.QueryEscape(secret), "***")
		}
	}
	return s
}

// redactURL drops the query of a URL.
func redactURL(s string) string {
	if i := strings.IndexByte(s, '?'); i >= 0 {
		return s[:i] + "?…"
	}
	return s
}

type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }

// Is reports whether the original error matches target, without exposing
// its text through Unwrap.
func (e *scrubbed) Is(target error) bool { return errors.Is(e.err, target) }

// wrap classifies err and prefixes it with the package, channel name and
// what was being done.
func (c *Channel) wrap(err error, format string, args ...any) *release.SendError {
	se := classify(err)
	se.Err = fmt.Errorf("facebook %q: %s: %w", c.cfg.Name, fmt.Sprintf(format, args...), se.Err)
	return se
}

// permanent returns a ClassPermanent error for a problem found without a
// call.
func (c *Channel) permanent(format string, args ...any) *release.SendError {
	return &release.SendError{Class: release.ClassPermanent,
		Err: fmt.Errorf("facebook %q: %s", c.cfg.Name, fmt.Sprintf(format, args...))}
}

// isDuplicate reports whether err is Graph's "duplicate status message"
// (code 506).
func isDuplicate(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Code == 506
}

// isGone reports whether err says the object does not exist (code 100,
// subcode 33).
func isGone(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Code == 100 && ae.Subcode == 33
}
