package httpd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pressbot/pressbot/internal/release"
)

// get performs a request against h and returns the status and body.
func do(t *testing.T, h http.Handler, method, path string, hdr map[string]string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader("{}"))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Body)
	return rec.Code, string(b)
}

func TestRoutes(t *testing.T) {
	hooked := 0
	h := Handler(Config{
		Site: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "site:"+r.URL.Path) }),
		Preview: func(_ context.Context, id string) (release.Release, []release.Post, error) {
			if id != "2020/a" {
				return release.Release{}, nil, fmt.Errorf("x: %w", ErrNotFound)
			}
			return release.Release{ID: id, Title: "T <b>", Lang: "en", Hash: "abcdef0123456789"},
				[]release.Post{{Channel: "x", Kind: "x", Parts: []release.Part{{Format: "text", Text: "<script>", Length: 300, Limit: 280}}}}, nil
		},
		Webhook:       http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hooked++ }),
		WebhookPath:   "/telegram/webhook",
		WebhookSecret: "right",
		Ready: []Check{{Name: "db", Run: func(context.Context) error { return nil }},
			{Name: "queue", Run: func(context.Context) error { return errors.New("not running") }}},
	})
	tests := []struct {
		name, method, path string
		hdr                map[string]string
		code               int
		body               string
	}{
		{"healthz", "GET", "/healthz", nil, 200, "ok"},
		{"readyz lists the failing check", "GET", "/readyz", nil, 503, `"queue":"not running"`},
		{"site", "GET", "/feed.xml", nil, 200, "site:/feed.xml"},
		{"preview escapes and flags over-limit parts", "GET", "/preview/2020/a", nil, 200, `<span class="over">300/280</span>`},
		{"preview escapes text", "GET", "/preview/2020/a", nil, 200, "&lt;script&gt;"},
		{"preview counts parts from 1", "GET", "/preview/2020/a", nil, 200, "<h3>Part 1 of 1: "},
		{"preview unknown", "GET", "/preview/2020/b", nil, 404, "no release 2020/b"},
		{"webhook right secret", "POST", "/telegram/webhook", map[string]string{"X-Telegram-Bot-Api-Secret-Token": "right"}, 200, ""},
		{"webhook wrong secret", "POST", "/telegram/webhook", map[string]string{"X-Telegram-Bot-Api-Secret-Token": "wrong"}, 401, "unauthorized"},
		{"webhook missing secret", "POST", "/telegram/webhook", nil, 401, "unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := do(t, h, tt.method, tt.path, tt.hdr)
			if code != tt.code || !strings.Contains(body, tt.body) {
				t.Errorf("%s %s = %d %q; want %d containing %q", tt.method, tt.path, code, body, tt.code, tt.body)
			}
		})
	}
	if hooked != 1 {
		t.Errorf("webhook handler reached %d times, want 1 (only with the right secret)", hooked)
	}
}

func TestWebhookEmptySecretRefusesAll(t *testing.T) {
	h := Handler(Config{Webhook: http.NotFoundHandler(), WebhookPath: "/hook"})
	if code, _ := do(t, h, "POST", "/hook", map[string]string{"X-Telegram-Bot-Api-Secret-Token": ""}); code != 401 {
		t.Errorf("code = %d, want 401", code)
	}
}

// TestPreviewKeys checks that with PreviewKey a preview opens only with
// its own release's key, that a refusal looks like an unknown release,
// and that previews are never cached or indexed.
func TestPreviewKeys(t *testing.T) {
	keys := NewPreviewKeys([]byte("0123456789abcdef0123456789abcdef"))
	other := NewPreviewKeys([]byte("another secret of thirty-two byt"))
	h := Handler(Config{
		Preview: func(_ context.Context, id string) (release.Release, []release.Post, error) {
			return release.Release{ID: id, Title: "Embargoed", Lang: "en", Hash: "abcdef0123456789"}, nil, nil
		},
		PreviewKey: keys.Valid,
	})
	tests := []struct {
		name, path string
		code       int
	}{
		{"its key", "/preview/2020/a?key=" + keys.Key("2020/a"), 200},
		{"no key", "/preview/2020/a", 404},
		{"another release's key", "/preview/2020/a?key=" + keys.Key("2020/b"), 404},
		{"another secret's key", "/preview/2020/a?key=" + other.Key("2020/a"), 404},
		{"cut key", "/preview/2020/a?key=" + keys.Key("2020/a")[:10], 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", tt.path, nil)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			body := rec.Body.String()
			if rec.Code != tt.code {
				t.Fatalf("%s = %d, want %d", tt.path, rec.Code, tt.code)
			}
			if tt.code == 404 && (strings.Contains(body, "Embargoed") || !strings.Contains(body, "no release 2020/a")) {
				t.Errorf("refusal body %q: want the unknown-release answer", body)
			}
			if cc := rec.Header().Get("Cache-Control"); cc != "private, no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
			if rec.Header().Get("X-Robots-Tag") != "noindex" {
				t.Error("no X-Robots-Tag: noindex")
			}
		})
	}
	if k := keys.Key("2020/a"); len(k) != 22 || k == keys.Key("2020/a ") {
		t.Errorf("key %q: want 22 characters, different per ID", k)
	}
}

// TestEscapedPrefix checks a base URL whose path must be escaped
// ("/press%20room", "/%D0%BF%D1%80%D0%B5%D1%81%D1%81"): a request under it
// reaches the newsroom however it escapes the path (upper- or lower-case
// hex, or not at all), and the newsroom sees the rest of the path both
// decoded and as the request escaped it.
func TestEscapedPrefix(t *testing.T) {
	site := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "site:"+r.URL.Path+" raw:"+r.URL.EscapedPath())
	})
	tests := []struct {
		prefix, path string
		code         int
		body         string
	}{
		{"/press room", "/press%20room/", 200, "site:/ raw:/"},
		{"/press room", "/press%20room/en/feed.xml", 200, "site:/en/feed.xml raw:/en/feed.xml"},
		{"/press room", "/press%20room/tags/%d0%b0/", 200, "site:/tags/а/ raw:/tags/%d0%b0/"},
		{"/press room", "/press%20room", 301, ""},
		{"/пресс", "/%D0%BF%D1%80%D0%B5%D1%81%D1%81/", 200, "site:/ raw:/"},
		{"/пресс", "/%d0%bf%d1%80%d0%b5%d1%81%d1%81/", 200, "site:/ raw:/"},
		{"/пресс", "/%d0%bf%d1%80%d0%b5%d1%81%d1%81/en/", 200, "site:/en/ raw:/en/"},
		{"/пресс", "/%D0%BF%D1%80%D0%B5%D1%81%D1%81/tags/%d0%b0/", 200, "site:/tags/а/ raw:/tags/%d0%b0/"},
		{"/пресс", "/%d0%bf%D1%80%d0%b5%d1%81%d1%81/releases/2020/a%2Fb/", 200, "site:/releases/2020/a/b/ raw:/releases/2020/a%2Fb/"},
		{"/пресс", "/пресс/en/", 200, "site:/en/ raw:/en/"}, // raw UTF-8, as some clients send it
		{"/пресс", "/%d0%bf%d1%80%d0%b5%d1%81%d1%81", 301, ""},
		{"/пресс", "/%d0%bf%d1%80%d0%b5%d1%81%d1%81x/", 200, "site:/пресс"}, // not under the prefix: the root's
	}
	for _, tt := range tests {
		t.Run(tt.prefix+tt.path, func(t *testing.T) {
			h := Handler(Config{Prefix: tt.prefix, Site: site})
			code, body := do(t, h, "GET", tt.path, nil)
			if code != tt.code || !strings.HasPrefix(body, tt.body) || tt.code == 200 && strings.Contains(tt.body, "raw:") && body != tt.body {
				t.Errorf("GET %s = %d %q; want %d %q", tt.path, code, body, tt.code, tt.body)
			}
		})
	}
}

// TestPrefix checks a newsroom whose base URL has a path: it answers
// under the path and at the root (behind a proxy that strips it), while
// the operators' endpoints answer at the root only.
func TestPrefix(t *testing.T) {
	h := Handler(Config{
		Prefix: "/news",
		Site:   http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "site:"+r.URL.Path) }),
		Preview: func(_ context.Context, id string) (release.Release, []release.Post, error) {
			return release.Release{ID: id, Title: "T", Lang: "en"}, nil, nil
		},
		Metrics: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "metrics") }),
	})
	tests := []struct {
		path string
		code int
		body string
	}{
		{"/news/", 200, "site:/"},
		{"/news/releases/2020/a/", 200, "site:/releases/2020/a/"},
		{"/news/feed.xml?x=1", 200, "site:/feed.xml"},
		{"/news/preview/2020/a", 200, "<h1>T</h1>"},
		{"/news", 301, ""},
		{"/newsroom/", 200, "site:/newsroom/"}, // not under the prefix
		{"/releases/2020/a/", 200, "site:/releases/2020/a/"},
		{"/healthz", 200, "ok"},
		{"/metrics", 200, "metrics"},
		{"/news/healthz", 200, "site:/healthz"}, // the newsroom's, not the probe
		{"/news/metrics", 200, "site:/metrics"},
		{"/news/readyz", 200, "site:/readyz"},
		{"/news/preview", 200, "site:/preview"}, // the newsroom's 404, not a redirect out of /news
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			code, body := do(t, h, "GET", tt.path, nil)
			site := strings.HasPrefix(tt.body, "site:") // the path the site saw, exactly
			if code != tt.code || !strings.Contains(body, tt.body) || site && body != tt.body {
				t.Errorf("GET %s = %d %q; want %d containing %q", tt.path, code, body, tt.code, tt.body)
			}
		})
	}
	// Redirects stay under the prefix, also for a request a stripping
	// proxy passed on at the root.
	for _, tt := range []struct{ path, want string }{
		{"/news?page=2", "/news/?page=2"},
		{"/news//en/", "/news/en/"},
		{"/news/./en/", "/news/en/"},
		{"/news/en/../ru/", "/news/ru/"},
		{"//en/", "/news/en/"},
		{"/en/../ru", "/news/ru"},
	} {
		req := httptest.NewRequest("GET", tt.path, nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if loc := rec.Header().Get("Location"); rec.Code != http.StatusMovedPermanently || loc != tt.want {
			t.Errorf("GET %s = %d to %q, want 301 to %q", tt.path, rec.Code, loc, tt.want)
		}
	}
}
