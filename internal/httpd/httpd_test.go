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
