package x

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"net/url"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/pressbot/pressbot/internal/release"
)

const (
	maxAnswer = 1 << 20
	// maxPictureBytes is X's limit for an image upload.
	maxPictureBytes = 5 << 20
	// maxAltText is X's limit for a picture's alt text, in characters.
	maxAltText = 1000
)

// tweetRequest is the body of POST /2/tweets.
type tweetRequest struct {
	Text  string      `json:"text,omitempty"`
	Reply *tweetReply `json:"reply,omitempty"`
	Media *tweetMedia `json:"media,omitempty"`
}

type tweetReply struct {
	InReplyToTweetID string `json:"in_reply_to_tweet_id"`
}

type tweetMedia struct {
	MediaIDs []string `json:"media_ids"`
}

// tweet is the data of a created post.
type tweet struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// user is the data of GET /2/users/me.
type user struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Username string `json:"username"`
}

// APIError is an X API error answer: the problem shape
// {"title","detail","type","status"} and/or {"errors":[…]}
// (https://docs.x.com/x-api/fundamentals/response-codes-and-errors).
type APIError struct {
	Status int            `json:"-"`
	Title  string         `json:"title"`
	Detail string         `json:"detail"`
	Type   string         `json:"type"`
	Errors []problemError `json:"errors"`
	header http.Header
}

type problemError struct {
	Message string `json:"message"`
	Title   string `json:"title"`
	Detail  string `json:"detail"`
	Type    string `json:"type"`
}

// Error implements error.
func (e *APIError) Error() string {
	var parts []string
	for _, s := range []string{e.Title, e.Detail} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	for _, pe := range e.Errors {
		for _, s := range []string{pe.Message, pe.Detail} {
			if s != "" && s != e.Detail {
				parts = append(parts, s)
			}
		}
	}
	msg := strings.Join(parts, ": ")
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return fmt.Sprintf("X API HTTP %d: %s", e.Status, msg)
}

// text returns every message of the error, for matching.
func (e *APIError) text() string { return strings.ToLower(e.Error() + " " + e.Type) }

// netError is a failed exchange: no answer, or an answer that could not be
// read.
type netError struct {
	wrote   bool // the request was fully written
	creates bool
	err     error
}

func (e *netError) Error() string { return e.err.Error() }

// call is one API request.
type call struct {
	op          string
	method      string
	url         string
	contentType string
	body        []byte
	// creates marks a call that publishes: a lost answer after the
	// request was written makes the outcome uncertain.
	creates bool
	// header, when set, receives the answer's headers.
	header *http.Header
}

// do sends a signed call and decodes the success answer's JSON into out.
// Its errors are *APIError or *netError, with every credential removed.
func (c *Channel) do(ctx context.Context, cl call, out any) error {
	var wrote atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				wrote.Store(true)
			}
		},
	})
	var body io.Reader
	if cl.body != nil {
		body = bytes.NewReader(cl.body)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, cl.url, body)
	if err != nil {
		return fmt.Errorf("%s: %w", cl.op, c.scrub(err))
	}
	if cl.contentType != "" {
		req.Header.Set("Content-Type", cl.contentType)
	}
	resp, err := c.api.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", cl.op, &netError{wrote: wrote.Load(), creates: cl.creates, err: c.scrub(err)})
	}
	defer resp.Body.Close()
	if cl.header != nil {
		*cl.header = resp.Header
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("%s: reading the answer: %w", cl.op, &netError{wrote: true, creates: cl.creates, err: c.scrub(err)})
	}
	if resp.StatusCode/100 != 2 {
		ae := &APIError{}
		if json.Unmarshal(data, ae) != nil {
			ae = &APIError{Detail: snippet(data)}
		}
		ae.Status, ae.header = resp.StatusCode, resp.Header
		return fmt.Errorf("%s: %w", cl.op, ae)
	}
	var env struct {
		Data   json.RawMessage `json:"data"`
		Errors []problemError  `json:"errors"`
	}
	if err := json.Unmarshal(data, &env); err != nil || len(env.Data) == 0 || string(env.Data) == "null" {
		if len(env.Errors) > 0 {
			return fmt.Errorf("%s: %w", cl.op, &APIError{Status: resp.StatusCode, Errors: env.Errors, header: resp.Header})
		}
		// Success without a readable answer: for a post, where it went is
		// unknown.
		return fmt.Errorf("%s: undecodable answer %q: %w", cl.op, snippet(data),
			&netError{wrote: true, creates: cl.creates, err: errors.New("no data in the answer")})
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return fmt.Errorf("%s: undecodable data %q: %w", cl.op, snippet(env.Data), &netError{wrote: true, creates: cl.creates, err: err})
	}
	return nil
}

// jsonCall returns a call with a JSON body.
func jsonCall(op, method, u string, v any, creates bool) call {
	b, _ := json.Marshal(v) // plain structs: cannot fail
	return call{op: op, method: method, url: u, contentType: "application/json", body: b, creates: creates}
}

// createTweet creates a post.
// https://docs.x.com/x-api/posts/create-post
func (c *Channel) createTweet(ctx context.Context, req tweetRequest) (tweet, error) {
	var tw tweet
	err := c.do(ctx, jsonCall("POST /2/tweets", http.MethodPost, c.cfg.BaseURL+"/2/tweets", req, true), &tw)
	if err == nil && tw.ID == "" {
		err = fmt.Errorf("POST /2/tweets: %w", &netError{wrote: true, creates: true, err: errors.New("the answer has no post id")})
	}
	return tw, err
}

// deleteTweet deletes a post.
// https://docs.x.com/x-api/posts/delete-post
func (c *Channel) deleteTweet(ctx context.Context, id string) error {
	var res struct {
		Deleted bool `json:"deleted"`
	}
	op := "DELETE /2/tweets/{id}"
	err := c.do(ctx, call{op: op, method: http.MethodDelete, url: c.cfg.BaseURL + "/2/tweets/" + url.PathEscape(id)}, &res)
	if err == nil && !res.Deleted {
		err = fmt.Errorf("%s: %w", op, &APIError{Status: http.StatusOK, Detail: "X did not delete the post"})
	}
	return err
}

// me returns the account of the access token and the answer's headers.
// https://docs.x.com/x-api/users/get-my-user
func (c *Channel) me(ctx context.Context) (user, http.Header, error) {
	var u user
	var h http.Header
	err := c.do(ctx, call{op: "GET /2/users/me", method: http.MethodGet, url: c.cfg.BaseURL + "/2/users/me", header: &h}, &u)
	return u, h, err
}

// uploadPicture fetches the picture at m.URL, uploads it and sets its alt
// text; it returns the media id.
func (c *Channel) uploadPicture(ctx context.Context, m release.Media) (string, error) {
	data, ctype, err := c.fetch(ctx, m.URL)
	if err != nil {
		return "", err
	}
	id, err := c.upload(ctx, data, ctype)
	if err != nil {
		return "", err
	}
	if alt := strings.TrimSpace(m.Alt); alt != "" {
		if err := c.setAltText(ctx, id, alt); err != nil {
			return "", err
		}
	}
	return id, nil
}

// upload sends one picture in a single multipart request (media and
// media_category=tweet_image).
// https://docs.x.com/x-api/media/upload-media
func (c *Channel) upload(ctx context.Context, data []byte, ctype string) (string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("media_category", "tweet_image")
	_ = w.WriteField("media_type", ctype)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="media"; filename="picture"`)
	h.Set("Content-Type", ctype)
	pw, _ := w.CreatePart(h)
	_, _ = pw.Write(data) // writes to memory
	_ = w.Close()
	var res struct {
		ID string `json:"id"`
	}
	err := c.do(ctx, call{op: "POST /2/media/upload", method: http.MethodPost, url: c.cfg.UploadURL + "/2/media/upload",
		contentType: w.FormDataContentType(), body: buf.Bytes()}, &res)
	if err == nil && res.ID == "" {
		err = fmt.Errorf("POST /2/media/upload: %w", &APIError{Status: http.StatusOK, Detail: "the answer has no media id"})
	}
	return res.ID, err
}

// setAltText attaches alt text to an uploaded picture.
// https://docs.x.com/x-api/media/create-media-metadata
func (c *Channel) setAltText(ctx context.Context, id, alt string) error {
	if utf8.RuneCountInString(alt) > maxAltText {
		alt = string([]rune(alt)[:maxAltText-1]) + "…"
	}
	body := map[string]any{"id": id, "metadata": map[string]any{"alt_text": map[string]string{"text": alt}}}
	var res json.RawMessage
	return c.do(ctx, jsonCall("POST /2/media/metadata", http.MethodPost, c.cfg.UploadURL+"/2/media/metadata", body, false), &res)
}

// snippet returns the start of an answer body for an error message.
func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
