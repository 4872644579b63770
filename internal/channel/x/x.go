// Package x publishes posts to an X account through the X API v2 with
// OAuth 1.0a user context (github.com/dghubble/oauth1 signs each request):
// the first part with POST /2/tweets, each following part as a reply to
// the one before, pictures uploaded first with POST /2/media/upload (alt
// text with POST /2/media/metadata), deletion with DELETE /2/tweets/{id}.
// X cannot edit posts. Every failure is classified as a *release.SendError.
//
// github.com/dghubble/go-twitter is not used: it is deprecated (2022) and
// speaks only API v1.1, whose statuses/update X no longer serves to normal
// apps.
package x

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/dghubble/oauth1"

	"github.com/pressbot/pressbot/internal/release"
)

// Defaults of Config.
const (
	DefaultBaseURL   = "https://api.x.com"
	DefaultUploadURL = "https://api.x.com"
	// DefaultMaxWait is the longest 429 wait taken inside Publish once part
	// of a thread went out.
	DefaultMaxWait = 5 * time.Minute
	// DefaultBusyRetries is how many times a reply X refused with 503
	// (over capacity) is sent again inside Publish.
	DefaultBusyRetries = 3
	defaultTimeout     = 30 * time.Second
	// busyWait is the first wait after a 503, doubled each time.
	busyWait = time.Second
)

// StatusURL is the public link of a post id that works without the
// account's username.
const StatusURL = "https://x.com/i/web/status/"

// maxPictures is the most pictures one post may carry.
const maxPictures = 4

// Config configures one X account.
type Config struct {
	// Name is the configured channel name (e.g. "x").
	Name string
	// ConsumerKey and ConsumerSecret identify the app (the "API key and
	// secret"); AccessToken and AccessSecret are the account's user
	// context tokens, generated with Read and Write permission. None of
	// them appears in errors or logs.
	ConsumerKey    string
	ConsumerSecret string
	AccessToken    string
	AccessSecret   string
	// BaseURL is the API host (default DefaultBaseURL); UploadURL the host
	// of /2/media/* (default BaseURL, which DefaultUploadURL equals).
	BaseURL   string
	UploadURL string
	// HTTPClient sends the requests (default: 30 s timeout). Its transport
	// carries the signed API calls and fetches the pictures (unsigned).
	HTTPClient *http.Client
	Logger     *slog.Logger
	// Now is the clock for rate-limit resets and receipts (default
	// time.Now).
	Now func() time.Time
	// Sleep waits d or until ctx ends (default: a timer). Tests pass one
	// that returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// MaxWait caps the 429 wait inside Publish once part of a thread went
	// out (default DefaultMaxWait); BusyRetries the 503 retries of such a
	// reply (default DefaultBusyRetries; negative: none).
	MaxWait     time.Duration
	BusyRetries int
}

// Channel is an X publisher. It is safe for concurrent use.
type Channel struct {
	cfg   Config
	api   *http.Client // OAuth 1.0a signed, no redirects
	plain *http.Client // unsigned, for pictures
	log   *slog.Logger

	mu       sync.Mutex
	username string // learned by Check
}

// New returns a Channel for cfg. It does not contact X; call Check for
// that.
func New(cfg Config) (*Channel, error) {
	for _, s := range []*string{&cfg.ConsumerKey, &cfg.ConsumerSecret, &cfg.AccessToken, &cfg.AccessSecret} {
		*s = strings.TrimSpace(*s) // secrets read from files often end in a newline
	}
	switch {
	case cfg.ConsumerKey == "" || cfg.ConsumerSecret == "":
		return nil, fmt.Errorf("x %q: no consumer_key/consumer_secret: copy the app's API key and secret from the X developer portal (Keys and tokens)", cfg.Name)
	case cfg.AccessToken == "" || cfg.AccessSecret == "":
		return nil, fmt.Errorf("x %q: no access_token/access_secret: generate the account's access token and secret (Read and Write) in the X developer portal", cfg.Name)
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if cfg.UploadURL == "" {
		cfg.UploadURL = cfg.BaseURL // the same host, or a proxy set for both
	}
	for _, u := range []string{cfg.BaseURL, cfg.UploadURL} {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return nil, fmt.Errorf("x %q: base URL %q: want http(s)://host", cfg.Name, u)
		}
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	cfg.UploadURL = strings.TrimRight(cfg.UploadURL, "/")
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: defaultTimeout}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = DefaultMaxWait
	}
	if cfg.BusyRetries == 0 {
		cfg.BusyRetries = DefaultBusyRetries
	}
	// oauth1 builds its transport on the context client's transport.
	octx := context.WithValue(context.Background(), oauth1.HTTPClient, cfg.HTTPClient)
	signed := oauth1.NewConfig(cfg.ConsumerKey, cfg.ConsumerSecret).
		Client(octx, oauth1.NewToken(cfg.AccessToken, cfg.AccessSecret))
	api := &http.Client{
		Transport: signed.Transport,
		Timeout:   cfg.HTTPClient.Timeout,
		// A redirected POST could post twice; X does not redirect API calls.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &Channel{cfg: cfg, api: api, plain: cfg.HTTPClient,
		log: cfg.Logger.With("channel", cfg.Name, "kind", release.KindX)}, nil
}

// Publish posts post's parts as a thread: the first part as a post, each
// following one as a reply to the part before. The pictures of every part
// are fetched and uploaded first, so a bad picture leaves nothing half
// posted. When a part fails after others went out, the *release.SendError
// carries their receipt in Done.
//
// X refuses a post whose text repeats a recent one (403 "duplicate
// content"). For a one-part post that means it is already on the account,
// most likely from a send whose answer was lost: it counts as posted, with a
// receipt that has no id (X does not say which post it repeats). In a
// thread the next parts could not be chained to an unknown id, so a
// duplicate part is a permanent error for a human to look at.
//
// Once part of a thread went out, an answer that proves a reply was not
// made is retried here rather than leaving the thread half posted: a 429 is
// waited out (up to MaxWait and the context's deadline) and a 503 (X over
// capacity) is sent again up to BusyRetries times. Any answer that leaves
// the reply's fate unknown (another 5xx, a lost answer) is returned at once.
func (c *Channel) Publish(ctx context.Context, post release.Post) (release.Receipt, error) {
	if len(post.Parts) == 0 {
		return release.Receipt{}, c.permanent("publish %s: the post has no parts", post.Release)
	}
	media := make([][]string, len(post.Parts))
	for i, part := range post.Parts {
		if len(part.Media) > maxPictures {
			return release.Receipt{}, c.permanent("publish %s part %d: %d pictures; X allows %d per post", post.Release, i+1, len(part.Media), maxPictures)
		}
		if strings.TrimSpace(part.Text) == "" && len(part.Media) == 0 {
			return release.Receipt{}, c.permanent("publish %s part %d: empty", post.Release, i+1)
		}
		for _, m := range part.Media {
			id, err := c.uploadPicture(ctx, m)
			if err != nil {
				return release.Receipt{}, c.wrap(err, "publish %s part %d: picture %s", post.Release, i+1, m.URL)
			}
			media[i] = append(media[i], id)
		}
	}
	var ids []string
	for i, part := range post.Parts {
		req := tweetRequest{Text: part.Text}
		if i > 0 {
			req.Reply = &tweetReply{InReplyToTweetID: ids[i-1]}
		}
		if len(media[i]) > 0 {
			req.Media = &tweetMedia{MediaIDs: media[i]}
		}
		tw, err := c.createReply(ctx, req, i > 0)
		if err == nil {
			ids = append(ids, tw.ID)
			continue
		}
		if isDuplicate(err) && len(post.Parts) == 1 {
			return c.duplicate(post), nil
		}
		se := c.wrap(err, "publish %s part %d/%d", post.Release, i+1, len(post.Parts))
		if isDuplicate(err) {
			se.Class = release.ClassPermanent
			se.Err = fmt.Errorf("%w (the thread may already be on the account: check it, then finish or delete it by hand)", se.Err)
		}
		if len(ids) > 0 {
			done := c.receipt(ids)
			se.Done = &done
		}
		return release.Receipt{}, se
	}
	r := c.receipt(ids)
	c.log.Info("x: published", "release", post.Release, "posts", ids, "url", r.URL)
	return r, nil
}

// createReply creates a post; when started (part of the thread went out)
// it retries the answers that prove the post was not made: 429 within
// MaxWait and the context's deadline, 503 up to BusyRetries times.
func (c *Channel) createReply(ctx context.Context, req tweetRequest, started bool) (tweet, error) {
	busy := 0
	for {
		tw, err := c.createTweet(ctx, req)
		if err == nil || !started {
			return tw, err
		}
		wait, ok := c.retryWait(ctx, err, busy)
		if !ok {
			return tw, err
		}
		if isBusy(err) {
			busy++
		}
		c.log.Warn("x: reply refused before it was made; sending it again", "wait", wait, "err", err)
		if serr := c.cfg.Sleep(ctx, wait); serr != nil {
			return tw, fmt.Errorf("waiting to send again after %w", err)
		}
	}
}

// retryWait returns how long to wait before sending a reply again after
// err, and false when it must not be sent again here: err leaves the
// reply's fate unknown, or the wait is too long.
func (c *Channel) retryWait(ctx context.Context, err error, busy int) (time.Duration, bool) {
	var ae *APIError
	if !errors.As(err, &ae) {
		return 0, false
	}
	var wait time.Duration
	switch {
	case ae.Status == http.StatusTooManyRequests:
		wait = retryAfter(ae.header, c.cfg.Now())
		if wait > c.cfg.MaxWait {
			return 0, false
		}
	case isBusy(err) && busy < c.cfg.BusyRetries:
		wait = busyWait << busy
	default:
		return 0, false
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= wait {
		return 0, false
	}
	return wait, true
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// duplicate is the receipt of a one-part post X refused as a duplicate.
func (c *Channel) duplicate(post release.Post) release.Receipt {
	r := release.Receipt{Channel: c.cfg.Name, PublishedAt: c.cfg.Now().UTC()}
	c.mu.Lock()
	if c.username != "" {
		r.URL = "https://x.com/" + c.username
	}
	c.mu.Unlock()
	c.log.Warn("x: duplicate content counted as posted; the post's id is unknown", "release", post.Release)
	return r
}

// Edit always fails: X cannot edit posts through the API. The error wraps
// release.ErrNotSupported.
func (c *Channel) Edit(context.Context, release.Receipt, release.Post) error {
	return &release.SendError{Class: release.ClassPermanent,
		Err: fmt.Errorf("x %q: edit: X cannot edit posts; post a correction reply instead: %w", c.cfg.Name, release.ErrNotSupported)}
}

// Delete deletes the posts of r, the last reply first. A post that is
// already gone counts as deleted.
func (c *Channel) Delete(ctx context.Context, r release.Receipt) error {
	if len(r.RemoteIDs) == 0 {
		return c.permanent("delete: the receipt has no post ids (a duplicate whose post is unknown?): delete it by hand on the account")
	}
	for i := len(r.RemoteIDs) - 1; i >= 0; i-- {
		id := r.RemoteIDs[i]
		if err := c.deleteTweet(ctx, id); err != nil {
			if isNotFound(err) {
				c.log.Info("x: post already gone", "post", id)
				continue
			}
			return c.wrap(err, "delete %s", id)
		}
		c.log.Info("x: deleted", "post", id)
	}
	return nil
}

func (c *Channel) receipt(ids []string) release.Receipt {
	return release.Receipt{
		Channel:     c.cfg.Name,
		RemoteIDs:   ids,
		URL:         StatusURL + ids[0],
		PublishedAt: c.cfg.Now().UTC(),
	}
}
