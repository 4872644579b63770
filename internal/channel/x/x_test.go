package x

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	fakex "github.com/pressbot/pressbot/internal/fake/x"
	"github.com/pressbot/pressbot/internal/release"
)

// now is the fixed clock of tests that read rate-limit resets.
var now = time.Unix(1_800_000_000, 0)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newChannel(t *testing.T, srv *fakex.Server, mod func(*Config)) (*Channel, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	cfg := Config{
		Name: "x", ConsumerKey: fakex.ConsumerKey, ConsumerSecret: fakex.ConsumerSecret,
		AccessToken: fakex.AccessToken, AccessSecret: fakex.AccessSecret,
		BaseURL: srv.URL, UploadURL: srv.URL,
		HTTPClient: &http.Client{Timeout: 5 * time.Second},
		Logger:     slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:        func() time.Time { return now },
		Sleep:      func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, logs
}

func noSecrets(t *testing.T, what, s string) {
	t.Helper()
	for _, secret := range []string{fakex.ConsumerSecret, fakex.AccessSecret, fakex.AccessToken, fakex.ConsumerKey} {
		if strings.Contains(s, secret) {
			t.Errorf("%s shows a credential (%.8s…): %s", what, secret, s)
		}
	}
}

// pictures serves a PNG at /pic.png, text at /text.txt, 404 elsewhere and
// 503 at /busy.png; it counts requests and remembers whether any was
// signed.
type pictures struct {
	*httptest.Server
	png    []byte
	hits   atomic.Int32
	signed atomic.Bool
}

func newPictures(t *testing.T) *pictures {
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	p := &pictures{png: buf.Bytes()}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.hits.Add(1)
		if r.Header.Get("Authorization") != "" {
			p.signed.Store(true)
		}
		switch r.URL.Path {
		case "/pic.png":
			_, _ = w.Write(p.png)
		case "/text.txt":
			_, _ = w.Write([]byte("not a picture"))
		case "/busy.png":
			http.Error(w, "busy", http.StatusServiceUnavailable)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(p.Close)
	return p
}

func thread(texts ...string) release.Post {
	p := release.Post{Release: "2020/imts-success", Channel: "x", Kind: release.KindX}
	for _, s := range texts {
		p.Parts = append(p.Parts, release.Part{Format: release.FormatText, Text: s})
	}
	return p
}

func TestPublishOne(t *testing.T) {
	srv := fakex.New(t)
	c, logs := newChannel(t, srv, nil)
	r, err := c.Publish(context.Background(), thread("IMTS 2020 was a success. https://example.org/r/1/"))
	if err != nil {
		t.Fatal(err)
	}
	tw := srv.Tweets()
	if len(tw) != 1 || tw[0].Text != "IMTS 2020 was a success. https://example.org/r/1/" || tw[0].InReplyTo != "" {
		t.Fatalf("tweets %+v", tw)
	}
	if len(r.RemoteIDs) != 1 || r.RemoteIDs[0] != tw[0].ID || r.URL != "https://x.com/i/web/status/"+tw[0].ID || !r.PublishedAt.Equal(now) {
		t.Errorf("receipt %+v", r)
	}
	call := srv.Calls()[0]
	if call.OAuth["oauth_consumer_key"] != fakex.ConsumerKey || call.OAuth["oauth_token"] != fakex.AccessToken || call.OAuth["oauth_signature_method"] != "HMAC-SHA1" {
		t.Errorf("OAuth parameters %v", call.OAuth)
	}
	var body map[string]any
	if err := json.Unmarshal(call.Body, &body); err != nil || len(body) != 1 || body["text"] == nil {
		t.Errorf("body %s: want only text (%v)", call.Body, err)
	}
	noSecrets(t, "log", logs.String())
}

func TestPublishThread(t *testing.T) {
	srv := fakex.New(t)
	c, _ := newChannel(t, srv, nil)
	r, err := c.Publish(context.Background(), thread("1/3 First.", "2/3 Second.", "3/3 Third."))
	if err != nil {
		t.Fatal(err)
	}
	tw := srv.Tweets()
	if len(tw) != 3 {
		t.Fatalf("%d tweets, want 3", len(tw))
	}
	for i, want := range []string{"", tw[0].ID, tw[1].ID} {
		if tw[i].InReplyTo != want {
			t.Errorf("tweet %d replies to %q, want %q", i+1, tw[i].InReplyTo, want)
		}
		if r.RemoteIDs[i] != tw[i].ID {
			t.Errorf("receipt id %d = %s, want %s", i, r.RemoteIDs[i], tw[i].ID)
		}
	}
}

// TestUploadURLDefaultsToBaseURL checks that with only BaseURL set (a
// proxy, or a fake) pictures are uploaded there too, not to api.x.com.
func TestUploadURLDefaultsToBaseURL(t *testing.T) {
	srv := fakex.New(t)
	pics := newPictures(t)
	loopback := &net.Dialer{Timeout: time.Second}
	c, _ := newChannel(t, srv, func(cfg *Config) {
		cfg.UploadURL = ""
		// Were the default api.x.com, the test would fail without a packet
		// leaving the machine: only loopback is dialled.
		cfg.HTTPClient = &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				if host, _, _ := net.SplitHostPort(addr); host != "127.0.0.1" {
					return nil, fmt.Errorf("test: refusing to dial %s", addr)
				}
				return loopback.DialContext(ctx, network, addr)
			}}}
	})
	post := thread("With a picture.")
	post.Parts[0].Media = []release.Media{{URL: pics.URL + "/pic.png"}}
	if _, err := c.Publish(context.Background(), post); err != nil {
		t.Fatal(err)
	}
	if tw := srv.Tweets(); len(tw) != 1 || len(tw[0].MediaIDs) != 1 || srv.Media(tw[0].MediaIDs[0]) == nil {
		t.Fatalf("tweets %+v: want one with the picture uploaded to the fake", tw)
	}
}

func TestPublishMedia(t *testing.T) {
	srv := fakex.New(t)
	pics := newPictures(t)
	c, _ := newChannel(t, srv, nil)
	post := thread("With pictures.", "Reply with one.")
	post.Parts[0].Media = []release.Media{{URL: pics.URL + "/pic.png", Alt: "Delegates at the table"}, {URL: pics.URL + "/pic.png?2"}}
	post.Parts[1].Media = []release.Media{{URL: pics.URL + "/pic.png?3", Alt: strings.Repeat("é", 1200)}}
	if _, err := c.Publish(context.Background(), post); err != nil {
		t.Fatal(err)
	}
	tw := srv.Tweets()
	if len(tw) != 2 || len(tw[0].MediaIDs) != 2 || len(tw[1].MediaIDs) != 1 {
		t.Fatalf("tweets %+v", tw)
	}
	m := srv.Media(tw[0].MediaIDs[0])
	if m == nil || !bytes.Equal(m.Data, pics.png) || m.Category != "tweet_image" || m.Type != "image/png" || m.Alt != "Delegates at the table" {
		t.Errorf("first media %+v", m)
	}
	if m := srv.Media(tw[0].MediaIDs[1]); m == nil || m.Alt != "" {
		t.Errorf("second media %+v: want no alt text", m)
	}
	if m := srv.Media(tw[1].MediaIDs[0]); m == nil || len([]rune(m.Alt)) != maxAltText {
		t.Errorf("long alt text not cut to %d characters", maxAltText)
	}
	if pics.hits.Load() != 3 {
		t.Errorf("%d picture fetches, want 3", pics.hits.Load())
	}
	if pics.signed.Load() {
		t.Error("the picture fetch carried the OAuth header")
	}
}

func TestPublishErrors(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	refused := closed.URL
	closed.Close()
	pics := newPictures(t)
	tests := []struct {
		name  string
		setup func(*fakex.Server)
		mod   func(*Config)
		media string // picture URL path on pics
		text  string // post text (default "Press release text.")
		class release.ErrorClass
		retry time.Duration
		hint  string // in the error
		made  int    // tweets on the fake afterwards
	}{
		{name: "429 waits for x-rate-limit-reset", setup: fail(fakex.Fault{Path: "/2/tweets", Status: 429, Reset: now.Add(90 * time.Second)}),
			class: release.ClassRateLimited, retry: 90 * time.Second},
		{name: "429 on the daily post cap", setup: fail(fakex.Fault{Path: "/2/tweets", Status: 429, Reset: now.Add(time.Minute),
			Header: http.Header{"X-User-Limit-24hour-Remaining": {"0"}, "X-User-Limit-24hour-Reset": {strconv.FormatInt(now.Add(5*time.Hour).Unix(), 10)}}}),
			class: release.ClassRateLimited, retry: 5 * time.Hour},
		{name: "401 revoked token", setup: func(s *fakex.Server) { s.Revoke(fakex.AccessToken) },
			class: release.ClassAuth, hint: "regenerate the access token"},
		{name: "401 wrong consumer secret", mod: func(c *Config) { c.ConsumerSecret = "wrongConsumerSecret0123456789" },
			class: release.ClassAuth, hint: "(401)"},
		{name: "401 wrong access secret", mod: func(c *Config) { c.AccessSecret = "wrongAccessSecret0123456789" },
			class: release.ClassAuth, hint: "(401)"},
		{name: "403 read-only app", setup: func(s *fakex.Server) { s.SetAccessLevel(fakex.AccessToken, "read") },
			class: release.ClassAuth, hint: "Read and Write"},
		{name: "403 other", setup: fail(fakex.Fault{Path: "/2/tweets", Status: 403, Detail: "You are not allowed to reply to this post."}),
			class: release.ClassPermanent, hint: "not allowed to reply"},
		{name: "403 too long", text: strings.Repeat("字", 141), class: release.ClassPermanent, hint: "too long"},
		{name: "400 invalid", setup: fail(fakex.Fault{Path: "/2/tweets", Status: 400, Title: "Invalid Request", Detail: "One or more parameters to your request was invalid."}),
			class: release.ClassPermanent},
		{name: "500", setup: fail(fakex.Fault{Path: "/2/tweets", Status: 500}), class: release.ClassTransient},
		{name: "503", setup: fail(fakex.Fault{Path: "/2/tweets", Status: 503, Title: "Service Unavailable"}), class: release.ClassTransient},
		{name: "answer held past the timeout", setup: fail(fakex.Fault{Path: "/2/tweets", Hang: true}),
			mod: func(c *Config) { c.HTTPClient = &http.Client{Timeout: 300 * time.Millisecond} }, class: release.ClassUncertain, hint: "may be on the account"},
		{name: "connection dropped", setup: fail(fakex.Fault{Path: "/2/tweets", Drop: true}), class: release.ClassUncertain},
		{name: "posted then dropped", setup: fail(fakex.Fault{Path: "/2/tweets", Drop: true, Apply: true}), class: release.ClassUncertain, made: 1},
		{name: "connection refused", mod: func(c *Config) { c.BaseURL = refused }, class: release.ClassTransient},
		{name: "upload 503", media: "/pic.png", setup: fail(fakex.Fault{Path: "/2/media/upload", Status: 503}), class: release.ClassTransient},
		{name: "upload dropped", media: "/pic.png", setup: fail(fakex.Fault{Path: "/2/media/upload", Drop: true}), class: release.ClassTransient},
		{name: "alt text 429", media: "/pic.png", setup: fail(fakex.Fault{Path: "/2/media/metadata", Status: 429, Reset: now.Add(time.Minute)}),
			class: release.ClassRateLimited, retry: time.Minute},
		{name: "picture missing", media: "/gone.png", class: release.ClassPermanent, hint: "404"},
		{name: "picture server busy", media: "/busy.png", class: release.ClassTransient},
		{name: "not a picture", media: "/text.txt", class: release.ClassPermanent, hint: "not a JPEG"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := fakex.New(t, fakex.WithClock(func() time.Time { return now }))
			if tc.setup != nil {
				tc.setup(srv)
			}
			c, logs := newChannel(t, srv, tc.mod)
			text := tc.text
			if text == "" {
				text = "Press release text."
			}
			post := thread(text)
			if tc.media != "" {
				post.Parts[0].Media = []release.Media{{URL: pics.URL + tc.media, Alt: "alt"}}
			}
			_, err := c.Publish(context.Background(), post)
			var se *release.SendError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *release.SendError", err)
			}
			if se.Class != tc.class || se.RetryAfter != tc.retry {
				t.Errorf("class %s retry %s, want %s %s: %v", se.Class, se.RetryAfter, tc.class, tc.retry, err)
			}
			if !strings.Contains(err.Error(), tc.hint) || !strings.Contains(err.Error(), `x "x": publish 2020/imts-success`) {
				t.Errorf("error %q lacks %q or the prefix", err, tc.hint)
			}
			if se.Done != nil {
				t.Errorf("Done %+v for a one-part post", se.Done)
			}
			if n := len(srv.Tweets()); n != tc.made {
				t.Errorf("%d tweets on the fake, want %d", n, tc.made)
			}
			noSecrets(t, "error", err.Error())
			noSecrets(t, "log", logs.String())
		})
	}
}

func fail(f fakex.Fault) func(*fakex.Server) { return func(s *fakex.Server) { s.Fail(f) } }

func TestPartialThread(t *testing.T) {
	tests := []struct {
		name   string
		faults []fakex.Fault
		class  release.ErrorClass
		done   int
	}{
		{"part 3 dropped", []fakex.Fault{{Path: "/2/tweets", After: 2, Drop: true}}, release.ClassUncertain, 2},
		{"part 2 answers 500", []fakex.Fault{{Path: "/2/tweets", After: 1, Status: 500}}, release.ClassTransient, 1},
		{"part 2 answers 502", []fakex.Fault{{Path: "/2/tweets", After: 1, Status: 502}}, release.ClassTransient, 1},
		{"part 2 posted then dropped", []fakex.Fault{{Path: "/2/tweets", After: 1, Drop: true, Apply: true}}, release.ClassUncertain, 1},
		{"part 2 answer held", []fakex.Fault{{Path: "/2/tweets", After: 1, Hang: true}}, release.ClassUncertain, 1},
		{"part 2 rate limited past MaxWait", []fakex.Fault{{Path: "/2/tweets", After: 1, Status: 429, Reset: now.Add(time.Hour)}}, release.ClassRateLimited, 1},
		{"part 2 rate limited without a reset", []fakex.Fault{{Path: "/2/tweets", After: 1, Status: 429,
			Header: http.Header{"X-Rate-Limit-Reset": {"soon"}}}}, release.ClassRateLimited, 1},
		{"part 2 answers 503 past BusyRetries", []fakex.Fault{{Path: "/2/tweets", After: 1, Status: 503}, {Path: "/2/tweets", After: 1, Status: 503},
			{Path: "/2/tweets", After: 1, Status: 503}, {Path: "/2/tweets", After: 1, Status: 503}}, release.ClassTransient, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := fakex.New(t, fakex.WithClock(func() time.Time { return now }))
			for _, f := range tc.faults {
				srv.Fail(f)
			}
			c, logs := newChannel(t, srv, func(c *Config) { c.HTTPClient.Timeout = time.Second })
			_, err := c.Publish(context.Background(), thread("1/3 a", "2/3 b", "3/3 c"))
			var se *release.SendError
			if !errors.As(err, &se) || se.Class != tc.class {
				t.Fatalf("error %v, want %s", err, tc.class)
			}
			tw := srv.Tweets()
			if se.Done == nil || len(se.Done.RemoteIDs) != tc.done {
				t.Fatalf("Done %+v, want %d ids", se.Done, tc.done)
			}
			for i, id := range se.Done.RemoteIDs {
				if tw[i].ID != id {
					t.Errorf("Done id %d = %s, want %s", i, id, tw[i].ID)
				}
			}
			if se.Done.URL != "https://x.com/i/web/status/"+tw[0].ID {
				t.Errorf("Done URL %s", se.Done.URL)
			}
			noSecrets(t, "error", err.Error())
			noSecrets(t, "log", logs.String())
		})
	}
}

// TestThreadRetries checks that answers proving a reply was not made are
// retried inside Publish and the thread completes with each part once.
func TestThreadRetries(t *testing.T) {
	tests := []struct {
		name   string
		faults []fakex.Fault
		waits  []time.Duration
	}{
		{"part 2 rate limited", []fakex.Fault{{Path: "/2/tweets", After: 1, Status: 429, Reset: now.Add(90 * time.Second)}},
			[]time.Duration{90 * time.Second}},
		{"part 3 rate limited twice", []fakex.Fault{{Path: "/2/tweets", After: 2, Status: 429, Reset: now.Add(2 * time.Second)},
			{Path: "/2/tweets", After: 2, Status: 429, Reset: now.Add(3 * time.Second)}}, []time.Duration{2 * time.Second, 3 * time.Second}},
		{"part 2 over capacity", []fakex.Fault{{Path: "/2/tweets", After: 1, Status: 503, Title: "Service Unavailable"},
			{Path: "/2/tweets", After: 1, Status: 503}}, []time.Duration{time.Second, 2 * time.Second}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := fakex.New(t, fakex.WithClock(func() time.Time { return now }))
			for _, f := range tc.faults {
				srv.Fail(f)
			}
			var waits []time.Duration
			c, _ := newChannel(t, srv, func(c *Config) {
				c.Sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
			})
			r, err := c.Publish(context.Background(), thread("1/3 a", "2/3 b", "3/3 c"))
			if err != nil {
				t.Fatal(err)
			}
			tw := srv.Tweets()
			if len(tw) != 3 || len(r.RemoteIDs) != 3 {
				t.Fatalf("%d posts on the account, receipt %v; want 3 each", len(tw), r.RemoteIDs)
			}
			for i, want := range []string{"1/3 a", "2/3 b", "3/3 c"} {
				if tw[i].Text != want || tw[i].ID != r.RemoteIDs[i] {
					t.Errorf("post %d = %q (%s), want %q (%s)", i, tw[i].Text, tw[i].ID, want, r.RemoteIDs[i])
				}
				if i > 0 && tw[i].InReplyTo != tw[i-1].ID {
					t.Errorf("post %d replies to %q, want %q", i, tw[i].InReplyTo, tw[i-1].ID)
				}
			}
			if fmt.Sprint(waits) != fmt.Sprint(tc.waits) {
				t.Errorf("waits %v, want %v", waits, tc.waits)
			}
		})
	}
	t.Run("no wait past the deadline", func(t *testing.T) {
		srv := fakex.New(t, fakex.WithClock(func() time.Time { return now }))
		srv.Fail(fakex.Fault{Path: "/2/tweets", After: 1, Status: 429, Reset: now.Add(time.Minute)})
		c, _ := newChannel(t, srv, nil)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err := c.Publish(ctx, thread("1/2 a", "2/2 b"))
		var se *release.SendError
		if !errors.As(err, &se) || se.Class != release.ClassRateLimited || se.Done == nil || len(se.Done.RemoteIDs) != 1 {
			t.Fatalf("error %v, want rate limited with part 1 done", err)
		}
		if n := len(srv.Tweets()); n != 1 {
			t.Errorf("%d posts, want 1", n)
		}
	})
}

func TestDuplicate(t *testing.T) {
	ctx := context.Background()
	t.Run("one part counts as posted", func(t *testing.T) {
		srv := fakex.New(t)
		srv.AddTweet("Press release text.")
		c, logs := newChannel(t, srv, nil)
		if err := c.Check(ctx); err != nil {
			t.Fatal(err)
		}
		r, err := c.Publish(ctx, thread("Press release text."))
		if err != nil {
			t.Fatal(err)
		}
		if len(r.RemoteIDs) != 0 || r.URL != "https://x.com/"+fakex.Username {
			t.Errorf("receipt %+v, want no ids and the profile URL", r)
		}
		if !strings.Contains(logs.String(), "duplicate") {
			t.Error("the duplicate is not logged")
		}
		if err := c.Delete(ctx, r); release.Classify(err) != release.ClassPermanent {
			t.Errorf("Delete without ids: %v, want permanent", err)
		}
	})
	t.Run("thread part is permanent", func(t *testing.T) {
		srv := fakex.New(t)
		srv.AddTweet("2/2 b")
		c, _ := newChannel(t, srv, nil)
		_, err := c.Publish(ctx, thread("1/2 a", "2/2 b"))
		var se *release.SendError
		if !errors.As(err, &se) || se.Class != release.ClassPermanent || !strings.Contains(err.Error(), "duplicate content") {
			t.Fatalf("error %v, want permanent duplicate", err)
		}
		if se.Done == nil || len(se.Done.RemoteIDs) != 1 {
			t.Errorf("Done %+v, want the first part", se.Done)
		}
	})
}

func TestEditNotSupported(t *testing.T) {
	srv := fakex.New(t)
	c, _ := newChannel(t, srv, nil)
	err := c.Edit(context.Background(), release.Receipt{RemoteIDs: []string{"1"}}, thread("x"))
	if !errors.Is(err, release.ErrNotSupported) || release.Classify(err) != release.ClassPermanent || !strings.Contains(err.Error(), "correction reply") {
		t.Errorf("Edit: %v", err)
	}
	if len(srv.Calls()) != 0 {
		t.Error("Edit called X")
	}
}

func TestDelete(t *testing.T) {
	srv := fakex.New(t)
	c, logs := newChannel(t, srv, nil)
	ctx := context.Background()
	r, err := c.Publish(ctx, thread("1/2 a", "2/2 b"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(ctx, r); err != nil {
		t.Fatal(err)
	}
	for _, tw := range srv.Tweets() {
		if !tw.Deleted {
			t.Errorf("tweet %s not deleted", tw.ID)
		}
	}
	var order []string
	for _, call := range srv.Calls() {
		if call.Method == "DELETE" {
			order = append(order, strings.TrimPrefix(call.Path, "/2/tweets/"))
		}
	}
	if len(order) != 2 || order[0] != r.RemoteIDs[1] {
		t.Errorf("deleted %v, want the reply first", order)
	}
	if err := c.Delete(ctx, r); err != nil {
		t.Errorf("deleting again: %v, want nil", err)
	}
	r2, err := c.Publish(ctx, thread("another"))
	if err != nil {
		t.Fatal(err)
	}
	srv.Fail(fakex.Fault{Method: "DELETE", Status: 503})
	if err := c.Delete(ctx, r2); release.Classify(err) != release.ClassTransient {
		t.Errorf("delete on 503: %v, want transient", err)
	}
	srv.Fail(fakex.Fault{Method: "DELETE", Drop: true})
	err = c.Delete(ctx, r2)
	if err != nil && release.Classify(err) != release.ClassTransient {
		t.Errorf("delete dropped: %v, want transient (or nil after the client's retry)", err)
	}
	noSecrets(t, "log", logs.String())
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*fakex.Server)
		mod   func(*Config)
		class release.ErrorClass
		hint  string
	}{
		{name: "ok"},
		{name: "revoked", setup: func(s *fakex.Server) { s.Revoke(fakex.AccessToken) }, class: release.ClassAuth, hint: "(401)"},
		{name: "read-only", setup: func(s *fakex.Server) { s.SetAccessLevel(fakex.AccessToken, "read") }, class: release.ClassAuth, hint: "Read and Write"},
		{name: "503", setup: fail(fakex.Fault{Status: 503}), class: release.ClassTransient},
		{name: "held", setup: fail(fakex.Fault{Hang: true}), mod: func(c *Config) { c.HTTPClient = &http.Client{Timeout: 300 * time.Millisecond} },
			class: release.ClassTransient},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := fakex.New(t)
			if tc.setup != nil {
				tc.setup(srv)
			}
			c, logs := newChannel(t, srv, tc.mod)
			err := c.Check(context.Background())
			switch {
			case tc.class == 0 && err != nil:
				t.Fatal(err)
			case tc.class != 0 && (release.Classify(err) != tc.class || err == nil || !strings.Contains(err.Error(), tc.hint)):
				t.Fatalf("Check: %v, want %s with %q", err, tc.class, tc.hint)
			}
			if err != nil {
				noSecrets(t, "error", err.Error())
			}
			noSecrets(t, "log", logs.String())
			for _, call := range srv.Calls() {
				if call.Method != "GET" {
					t.Errorf("Check made a %s call", call.Method)
				}
			}
		})
	}
}

func TestNewValidates(t *testing.T) {
	good := Config{Name: "x", ConsumerKey: fakex.ConsumerKey, ConsumerSecret: fakex.ConsumerSecret, AccessToken: fakex.AccessToken, AccessSecret: fakex.AccessSecret}
	for name, mod := range map[string]func(*Config){
		"consumer key":    func(c *Config) { c.ConsumerKey = "" },
		"consumer secret": func(c *Config) { c.ConsumerSecret = "\n" },
		"access token":    func(c *Config) { c.AccessToken = "" },
		"access secret":   func(c *Config) { c.AccessSecret = "" },
		"base URL":        func(c *Config) { c.BaseURL = "api.x.com" },
		"upload URL":      func(c *Config) { c.UploadURL = "ftp://upload" },
	} {
		cfg := good
		mod(&cfg)
		_, err := New(cfg)
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		noSecrets(t, name, err.Error())
	}
	if _, err := New(good); err != nil {
		t.Error(err)
	}
}

func TestPublishRejectsBadPosts(t *testing.T) {
	srv := fakex.New(t)
	c, _ := newChannel(t, srv, nil)
	five := thread("five pictures")
	for range 5 {
		five.Parts[0].Media = append(five.Parts[0].Media, release.Media{URL: "https://example.org/p.png"})
	}
	for name, post := range map[string]release.Post{
		"no parts":      {Channel: "x"},
		"empty part":    thread("a", " "),
		"five pictures": five,
	} {
		if _, err := c.Publish(context.Background(), post); release.Classify(err) != release.ClassPermanent {
			t.Errorf("%s: %v, want permanent", name, err)
		}
	}
	if n := len(srv.Calls()); n != 0 {
		t.Errorf("%d calls for bad posts", n)
	}
}

func TestRetryAfter(t *testing.T) {
	epoch := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	for _, tc := range []struct {
		name string
		h    http.Header
		now  time.Time
		want time.Duration
	}{
		{"reset", http.Header{"X-Rate-Limit-Reset": {epoch(42 * time.Second)}}, now, 42 * time.Second},
		{"rounded up", http.Header{"X-Rate-Limit-Reset": {epoch(42 * time.Second)}}, now.Add(300 * time.Millisecond), 42 * time.Second},
		{"past", http.Header{"X-Rate-Limit-Reset": {epoch(-time.Minute)}}, now, time.Second},
		{"none", http.Header{}, now, defaultRateWait},
		{"garbage", http.Header{"X-Rate-Limit-Reset": {"soon"}}, now, defaultRateWait},
		{"far future", http.Header{"X-Rate-Limit-Reset": {epoch(1000 * time.Hour)}}, now, defaultRateWait},
		{"app daily cap", http.Header{"X-Rate-Limit-Reset": {epoch(time.Minute)}, "X-App-Limit-24hour-Remaining": {"0"},
			"X-App-Limit-24hour-Reset": {epoch(3 * time.Hour)}}, now, 3 * time.Hour},
		{"daily cap not reached", http.Header{"X-Rate-Limit-Reset": {epoch(time.Minute)}, "X-User-Limit-24hour-Remaining": {"12"},
			"X-User-Limit-24hour-Reset": {epoch(3 * time.Hour)}}, now, time.Minute},
	} {
		if got := retryAfter(tc.h, tc.now); got != tc.want {
			t.Errorf("%s: retryAfter = %s, want %s", tc.name, got, tc.want)
		}
	}
}

func FuzzRetryAfter(f *testing.F) {
	f.Add("1800000090", "0", "1800003600")
	f.Add("-5", "", "x")
	f.Fuzz(func(t *testing.T, reset, remaining, dayReset string) {
		h := http.Header{"X-Rate-Limit-Reset": {reset}, "X-User-Limit-24hour-Remaining": {remaining}, "X-User-Limit-24hour-Reset": {dayReset}}
		if got := retryAfter(h, now); got < time.Second || got > 48*time.Hour {
			t.Errorf("retryAfter = %s for %q %q %q", got, reset, remaining, dayReset)
		}
	})
}
