package facebook

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	fakefb "github.com/pressbot/pressbot/internal/fake/facebook"
	"github.com/pressbot/pressbot/internal/release"
)

const version = "v23.0"

// syncBuffer is a log sink safe for the HTTP client's goroutines.
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

// newChannel returns a Channel on srv with its log.
func newChannel(t *testing.T, baseURL string, mod func(*Config)) (*Channel, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	cfg := Config{
		Name: "facebook", PageID: fakefb.PageID, PageToken: fakefb.PageToken, AppSecret: fakefb.AppSecret,
		GraphVersion: version, BaseURL: baseURL,
		HTTPClient: &http.Client{Timeout: 5 * time.Second},
		Logger:     slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
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

// noSecrets fails if a secret shows in s.
func noSecrets(t *testing.T, what, s string) {
	t.Helper()
	for _, secret := range []string{fakefb.PageToken, fakefb.AppSecret, AppSecretProof(fakefb.AppSecret, fakefb.PageToken)} {
		if strings.Contains(s, secret) {
			t.Errorf("%s shows a secret (%.8s…): %s", what, secret, s)
		}
	}
}

func textPost(text, link string) release.Post {
	return release.Post{Release: "2020/imts-success", Channel: "facebook", Kind: release.KindFacebook,
		Parts: []release.Part{{Format: release.FormatText, Text: text, Link: link}}}
}

func TestAppSecretProof(t *testing.T) {
	// Vectors from: echo -n TOKEN | openssl dgst -sha256 -hmac SECRET
	for _, tc := range []struct{ secret, token, want string }{
		{"secret", "token", "e941110e3d2bfe82621f0e3e1434730d7305d106c5f68c87165d0b27a4611a4a"},
		{fakefb.AppSecret, fakefb.PageToken, "48cf9f9c9c11df9a2d7124e97977d3effd7345755ec9142380bde2818ef4d2bd"},
	} {
		if got := AppSecretProof(tc.secret, tc.token); got != tc.want {
			t.Errorf("AppSecretProof(%q, %q) = %s, want %s", tc.secret, tc.token, got, tc.want)
		}
	}
}

func TestPublishFeed(t *testing.T) {
	srv := fakefb.New(t)
	c, logs := newChannel(t, srv.URL, nil)
	r, err := c.Publish(context.Background(), textPost("IMTS 2020 was a success.", "https://example.org/releases/2020/imts-success/"))
	if err != nil {
		t.Fatal(err)
	}
	posts := srv.Posts()
	if len(posts) != 1 {
		t.Fatalf("fake has %d posts, want 1", len(posts))
	}
	p := posts[0]
	if p.Message != "IMTS 2020 was a success." || p.Link != "https://example.org/releases/2020/imts-success/" {
		t.Errorf("posted message %q link %q", p.Message, p.Link)
	}
	if len(r.RemoteIDs) != 1 || r.RemoteIDs[0] != p.ID || r.URL != "https://www.facebook.com/"+p.ID || r.Chat != fakefb.PageID || r.Channel != "facebook" {
		t.Errorf("receipt %+v for post %s", r, p.ID)
	}
	calls := srv.Calls()
	if len(calls) != 1 {
		t.Fatalf("%d calls, want 1", len(calls))
	}
	call := calls[0]
	if call.Method != "POST" || call.Version != version || call.Path != "/"+fakefb.PageID+"/feed" {
		t.Errorf("call %s %s %s", call.Method, call.Version, call.Path)
	}
	if call.Query.Get("access_token") != "" || call.Form.Get("access_token") != fakefb.PageToken {
		t.Error("the token must travel in the POST body, not the URL")
	}
	noSecrets(t, "log", logs.String())
}

func TestPublishPhoto(t *testing.T) {
	srv := fakefb.New(t)
	c, _ := newChannel(t, srv.URL, nil)
	post := textPost("Delegates met in Tashkent.", "https://example.org/r/1/")
	post.Parts[0].Media = []release.Media{{URL: "https://example.org/media/photo.jpg", Alt: "Delegates at the table"}}
	r, err := c.Publish(context.Background(), post)
	if err != nil {
		t.Fatal(err)
	}
	p := srv.Posts()[0]
	if p.PhotoID == "" || p.URL != "https://example.org/media/photo.jpg" || p.Alt != "Delegates at the table" {
		t.Errorf("photo post %+v", p)
	}
	if want := "Delegates met in Tashkent.\n\nhttps://example.org/r/1/"; p.Message != want {
		t.Errorf("caption %q, want %q", p.Message, want)
	}
	if r.RemoteIDs[0] != p.ID {
		t.Errorf("receipt id %s, want the post id %s (not the photo id %s)", r.RemoteIDs[0], p.ID, p.PhotoID)
	}
}

func TestPublishRejectsBadPosts(t *testing.T) {
	srv := fakefb.New(t)
	c, _ := newChannel(t, srv.URL, nil)
	for name, post := range map[string]release.Post{
		"no parts":  {Channel: "facebook"},
		"two parts": {Parts: []release.Part{{Text: "a"}, {Text: "b"}}},
		"empty":     {Parts: []release.Part{{Text: "  "}}},
	} {
		_, err := c.Publish(context.Background(), post)
		if release.Classify(err) != release.ClassPermanent {
			t.Errorf("%s: %v, want a permanent error", name, err)
		}
	}
	if n := len(srv.Calls()); n != 0 {
		t.Errorf("%d calls for bad posts, want 0", n)
	}
}

func TestPublishErrors(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	refused := closed.URL
	closed.Close()
	usage := func(k, v string) http.Header { return http.Header{k: {v}} }
	tests := []struct {
		name  string
		setup func(*fakefb.Server)
		mod   func(*Config)
		class release.ErrorClass
		retry time.Duration
		text  string // in the error
		made  int    // posts on the fake afterwards
	}{
		{name: "code 1 unknown", setup: fault(fakefb.Fault{Code: 1, Message: "An unknown error occurred"}), class: release.ClassTransient},
		{name: "code 2 service", setup: fault(fakefb.Fault{Code: 2, Message: "Service temporarily unavailable"}), class: release.ClassTransient},
		{name: "code 341 app limit", setup: fault(fakefb.Fault{Code: 341, Message: "(#341) Application limit reached"}), class: release.ClassTransient},
		{name: "code 4 with app usage", setup: fault(fakefb.Fault{Code: 4, Message: "(#4) Application request limit reached",
			Header: usage("X-App-Usage", `{"call_count":120,"total_cputime":30,"total_time":40}`)}),
			class: release.ClassRateLimited, retry: 10 * time.Minute},
		{name: "code 17 with business use case usage", setup: fault(fakefb.Fault{Code: 17, Message: "(#17) User request limit reached",
			Header: usage("X-Business-Use-Case-Usage", `{"104000000000001":[{"type":"pages","call_count":100,"total_cputime":10,"total_time":10,"estimated_time_to_regain_access":7}]}`)}),
			class: release.ClassRateLimited, retry: 7 * time.Minute},
		{name: "code 32 with page usage", setup: fault(fakefb.Fault{Code: 32, Message: "(#32) Page request limit reached",
			Header: usage("X-Page-Usage", `{"call_count":100,"total_cputime":1,"total_time":1}`)}),
			class: release.ClassRateLimited, retry: time.Minute},
		{name: "code 4 without usage", setup: fault(fakefb.Fault{Code: 4, Message: "(#4) Application request limit reached"}), class: release.ClassTransient},
		{name: "code 190 expired token", setup: func(s *fakefb.Server) { s.ExpireToken(fakefb.PageToken) },
			class: release.ClassAuth, text: "Facebook token expired (code 190): create a new Page token"},
		{name: "code 10 permission", setup: fault(fakefb.Fault{Code: 10, Message: "(#10) Application does not have permission for this action"}),
			class: release.ClassAuth, text: "pages_manage_posts"},
		{name: "code 200 missing scope", setup: func(s *fakefb.Server) { s.SetScopes(fakefb.PageToken, "pages_read_engagement") },
			class: release.ClassAuth, text: "code 200"},
		{name: "wrong app secret", mod: func(c *Config) { c.AppSecret = "0ther-app-secret-0123456789abcdef" },
			class: release.ClassAuth, text: "appsecret_proof"},
		{name: "unknown token", mod: func(c *Config) { c.PageToken = "EAAGnotAValidTokenButLongEnough0123456789" },
			class: release.ClassAuth, text: "code 190"},
		{name: "code 100 bad parameter", setup: fault(fakefb.Fault{Code: 100, Message: "(#100) Invalid parameter"}), class: release.ClassPermanent},
		{name: "code 368 policy block", setup: fault(fakefb.Fault{Code: 368, Message: "It looks like you were misusing this feature"}),
			class: release.ClassPermanent, text: "Support Inbox"},
		{name: "bare 503", setup: fault(fakefb.Fault{Status: 503}), class: release.ClassTransient},
		{name: "bare 404", setup: fault(fakefb.Fault{Status: 404}), class: release.ClassPermanent},
		{name: "answer held past the timeout", setup: fault(fakefb.Fault{Hang: true}),
			mod: func(c *Config) { c.HTTPClient = &http.Client{Timeout: 300 * time.Millisecond} }, class: release.ClassUncertain},
		{name: "connection dropped", setup: fault(fakefb.Fault{Drop: true}), class: release.ClassUncertain, text: "may be on the Page"},
		{name: "posted then dropped", setup: fault(fakefb.Fault{Drop: true, Apply: true}), class: release.ClassUncertain, made: 1},
		{name: "connection refused", mod: func(c *Config) { c.BaseURL = refused }, class: release.ClassTransient},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := fakefb.New(t)
			if tc.setup != nil {
				tc.setup(srv)
			}
			c, logs := newChannel(t, srv.URL, tc.mod)
			_, err := c.Publish(context.Background(), textPost("Press release text.", "https://example.org/r/"))
			var se *release.SendError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *release.SendError", err)
			}
			if se.Class != tc.class || se.RetryAfter != tc.retry {
				t.Errorf("class %s retry %s, want %s %s: %v", se.Class, se.RetryAfter, tc.class, tc.retry, err)
			}
			if !strings.Contains(err.Error(), tc.text) || !strings.Contains(err.Error(), `facebook "facebook": publish 2020/imts-success`) {
				t.Errorf("error %q lacks %q or the prefix", err, tc.text)
			}
			if n := len(srv.Posts()); n != tc.made {
				t.Errorf("%d posts on the fake, want %d", n, tc.made)
			}
			noSecrets(t, "error", err.Error())
			noSecrets(t, "log", logs.String())
		})
	}
}

func fault(f fakefb.Fault) func(*fakefb.Server) {
	return func(s *fakefb.Server) { s.Fail(f) }
}

func TestDuplicateCountsAsPosted(t *testing.T) {
	srv := fakefb.New(t)
	old := srv.AddPost(fakefb.PageID, "Press release text.")
	srv.AddPost(fakefb.PageID, "A later post.")
	c, logs := newChannel(t, srv.URL, nil)
	r, err := c.Publish(context.Background(), textPost("Press release text.", ""))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.RemoteIDs) != 1 || r.RemoteIDs[0] != old || r.URL != "https://www.facebook.com/"+old {
		t.Errorf("receipt %+v, want the earlier post %s", r, old)
	}
	if !strings.Contains(logs.String(), "duplicate") {
		t.Errorf("the duplicate is not logged: %s", logs)
	}
	if n := len(srv.Posts()); n != 2 {
		t.Errorf("%d posts, want 2 (nothing new)", n)
	}
}

func TestDuplicateNotFound(t *testing.T) {
	srv := fakefb.New(t)
	srv.Fail(fakefb.Fault{Path: "/feed", Code: 506, Message: "(#506) Duplicate status message"})
	srv.Fail(fakefb.Fault{Path: "/posts", Code: 2, Message: "Service temporarily unavailable"})
	c, logs := newChannel(t, srv.URL, nil)
	r, err := c.Publish(context.Background(), textPost("Press release text.", ""))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.RemoteIDs) != 0 || r.URL != "https://www.facebook.com/"+fakefb.PageID {
		t.Errorf("receipt %+v, want no id and the Page's URL", r)
	}
	if !strings.Contains(logs.String(), "id is unknown") {
		t.Errorf("log does not say the id is unknown: %s", logs)
	}
	if err := c.Edit(context.Background(), r, textPost("x", "")); release.Classify(err) != release.ClassPermanent {
		t.Errorf("Edit of a receipt without id: %v, want permanent", err)
	}
}

func TestEditDelete(t *testing.T) {
	srv := fakefb.New(t)
	c, logs := newChannel(t, srv.URL, nil)
	ctx := context.Background()
	r, err := c.Publish(ctx, textPost("First version.", ""))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Edit(ctx, r, textPost("Corrected version.", "")); err != nil {
		t.Fatal(err)
	}
	p := srv.Posts()[0]
	if p.Message != "Corrected version." || p.Edits != 1 {
		t.Errorf("after edit: %+v", p)
	}
	if err := c.Delete(ctx, r); err != nil {
		t.Fatal(err)
	}
	if !srv.Posts()[0].Deleted {
		t.Error("post not deleted")
	}
	if err := c.Delete(ctx, r); err != nil {
		t.Errorf("deleting a deleted post: %v, want nil", err)
	}
	if err := c.Edit(ctx, r, textPost("Again.", "")); release.Classify(err) != release.ClassPermanent {
		t.Errorf("editing a deleted post: %v, want permanent", err)
	}
	srv.Fail(fakefb.Fault{Method: "DELETE", Hang: true})
	c2, logs2 := newChannel(t, srv.URL, func(c *Config) { c.HTTPClient = &http.Client{Timeout: 300 * time.Millisecond} })
	r2, err := c2.Publish(ctx, textPost("Another.", ""))
	if err != nil {
		t.Fatal(err)
	}
	err = c2.Delete(ctx, r2)
	if release.Classify(err) != release.ClassTransient {
		t.Errorf("delete without answer: %v, want transient (a delete may be repeated)", err)
	}
	for _, s := range []string{logs.String(), logs2.String(), err.Error()} {
		noSecrets(t, "log or error", s)
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*fakefb.Server)
		mod   func(*Config)
		class release.ErrorClass // 0: ok
		text  string
	}{
		{name: "ok"},
		{name: "debug_token refused", setup: func(s *fakefb.Server) { s.DisableDebugToken() }},
		{name: "expired", setup: func(s *fakefb.Server) { s.ExpireToken(fakefb.PageToken) },
			class: release.ClassAuth, text: "Facebook token expired (code 190): create a new Page token"},
		{name: "missing scope", setup: func(s *fakefb.Server) { s.SetScopes(fakefb.PageToken, "pages_show_list") },
			class: release.ClassAuth, text: "lacks [pages_manage_posts pages_read_engagement]"},
		{name: "token of another page", setup: func(s *fakefb.Server) {
			s.AddPage("104000000000002", "Other Page", "EAAGotherPageToken0123456789abcdef", fakefb.AppSecret)
		}, mod: func(c *Config) { c.PageToken = "EAAGotherPageToken0123456789abcdef" },
			class: release.ClassAuth, text: `belongs to "Other Page"`},
		{name: "server down", setup: fault(fakefb.Fault{Code: 2, Message: "Service temporarily unavailable"}), class: release.ClassTransient},
		{name: "held answer", setup: fault(fakefb.Fault{Hang: true}),
			mod: func(c *Config) { c.HTTPClient = &http.Client{Timeout: 300 * time.Millisecond} }, class: release.ClassTransient},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := fakefb.New(t)
			if tc.setup != nil {
				tc.setup(srv)
			}
			c, logs := newChannel(t, srv.URL, tc.mod)
			err := c.Check(context.Background())
			if tc.class == 0 {
				if err != nil {
					t.Fatal(err)
				}
			} else {
				if release.Classify(err) != tc.class || err == nil || !strings.Contains(err.Error(), tc.text) {
					t.Fatalf("Check: %v, want %s with %q", err, tc.class, tc.text)
				}
				noSecrets(t, "error", err.Error())
			}
			noSecrets(t, "log", logs.String())
			for _, call := range srv.Calls() {
				if call.Method != "GET" {
					t.Errorf("Check made a %s call: %s", call.Method, call.Path)
				}
			}
		})
	}
}

func TestNewValidates(t *testing.T) {
	good := Config{Name: "facebook", PageID: "123", PageToken: fakefb.PageToken, AppSecret: fakefb.AppSecret, GraphVersion: version}
	for name, mod := range map[string]func(*Config){
		"page id":      func(c *Config) { c.PageID = "un.office" },
		"token":        func(c *Config) { c.PageToken = " \n" },
		"app secret":   func(c *Config) { c.AppSecret = "" },
		"no version":   func(c *Config) { c.GraphVersion = "" },
		"version form": func(c *Config) { c.GraphVersion = "23.0" },
		"base URL":     func(c *Config) { c.BaseURL = "graph.facebook.com" },
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

func TestUsageWait(t *testing.T) {
	for _, tc := range []struct {
		name, header, value string
		want                time.Duration
		ok                  bool
	}{
		{"none", "", "", 0, false},
		{"garbage", "X-App-Usage", "{", 0, false},
		{"app under 100", "X-App-Usage", `{"call_count":80,"total_cputime":5,"total_time":5}`, time.Minute, true},
		{"app 200", "X-App-Usage", `{"call_count":200,"total_cputime":5,"total_time":5}`, 30 * time.Minute, true},
		{"cpu 400", "X-App-Usage", `{"call_count":1,"total_cputime":400,"total_time":5}`, 45 * time.Minute, true},
		{"huge capped", "X-Page-Usage", `{"call_count":100000}`, 3596 * time.Second, true},
		{"buc regain capped", "X-Business-Use-Case-Usage", `{"1":[{"estimated_time_to_regain_access":1e300}]}`, 24 * time.Hour, true},
		{"buc regain", "X-Business-Use-Case-Usage", `{"1":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":90}]}`, 90 * time.Minute, true},
		{"buc fraction", "X-Business-Use-Case-Usage", `{"1":[{"type":"pages","estimated_time_to_regain_access":0.5}]}`, time.Minute, true},
	} {
		h := http.Header{}
		if tc.header != "" {
			h.Set(tc.header, tc.value)
		}
		got, ok := usageWait(h)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: usageWait = %s %v, want %s %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func FuzzUsageWait(f *testing.F) {
	f.Add(`{"call_count":120,"total_cputime":30,"total_time":40}`, `{"1":[{"type":"pages","estimated_time_to_regain_access":7}]}`)
	f.Add(`{"call_count":-5}`, `{}`)
	f.Add(`{"call_count":1e308}`, `{"x":[{"estimated_time_to_regain_access":1e300}]}`)
	f.Fuzz(func(t *testing.T, app, buc string) {
		h := http.Header{"X-App-Usage": {app}, "X-Business-Use-Case-Usage": {buc}}
		wait, ok := usageWait(h)
		if ok && (wait < minThrottleWait || wait > maxRegainWait) {
			t.Errorf("wait %s under the minimum for %q %q", wait, app, buc)
		}
		if !ok && wait != 0 {
			t.Errorf("no usage but wait %s", wait)
		}
	})
}
