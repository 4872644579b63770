// Package httpd serves pressbot's HTTP surface: the newsroom and feeds, the
// officers' preview of every channel's rendering, the Telegram webhook,
// health and readiness, and Prometheus metrics.
package httpd

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/pressbot/pressbot/internal/release"
)

// PreviewFunc returns a release and every channel's posts for /preview/{id}.
// It returns an error wrapping ErrNotFound for an unknown id.
type PreviewFunc func(ctx context.Context, id string) (release.Release, []release.Post, error)

// ErrNotFound is wrapped by a PreviewFunc for an unknown release.
var ErrNotFound = errors.New("not found")

// Check is one readiness check: nil when ready.
type Check struct {
	Name string
	Run  func(ctx context.Context) error
}

// Config assembles the handlers; nil parts are not served.
type Config struct {
	Site    http.Handler // newsroom and feeds, at /
	Preview PreviewFunc  // /preview/{id...}
	// PreviewKey, when set, must accept a preview request's ?key= for
	// its release ID; otherwise the answer is the 404 of an unknown
	// release. Nil leaves previews open (a newsroom on loopback only).
	PreviewKey func(id, key string) bool
	Metrics    http.Handler // /metrics
	// Webhook receives Telegram updates at WebhookPath; requests without
	// the right X-Telegram-Bot-Api-Secret-Token get 401 before reaching it.
	Webhook       http.Handler
	WebhookPath   string
	WebhookSecret string
	Ready         []Check
	Log           *slog.Logger
	// Prefix is the path of the newsroom's base URL, decoded ("/news",
	// "/press room"; "" when it is at the host's root): a request matches
	// it however it escapes it. The newsroom, previews and webhook answer
	// under it, and at the root as well, for a proxy that strips it. The
	// operators' endpoints (/healthz, /readyz, /metrics) answer at the
	// root only, so that proxying the prefix does not make them public.
	Prefix string
}

// Handler returns the HTTP handler for cfg.
func Handler(cfg Config) http.Handler {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", readyz(cfg.Ready))
	if cfg.Metrics != nil {
		mux.Handle("GET /metrics", cfg.Metrics)
	}
	public := http.NewServeMux()
	for _, m := range []*http.ServeMux{mux, public} {
		if cfg.Preview != nil {
			m.HandleFunc("GET /preview/{id...}", preview(cfg.Preview, cfg.PreviewKey, cfg.Log))
			if cfg.Site != nil {
				// Not the mux's redirect to /preview/, which would leave
				// a path prefix out: the newsroom's 404.
				m.Handle("GET /preview", cfg.Site)
			}
		}
		if cfg.Webhook != nil && cfg.WebhookPath != "" {
			m.Handle("POST "+cfg.WebhookPath, webhookGuard(cfg.WebhookSecret, cfg.Webhook, cfg.Log))
		}
		if cfg.Site != nil {
			m.Handle("/", cfg.Site)
		}
	}
	return underPrefix(strings.TrimRight(cfg.Prefix, "/"), mux, public)
}

// underPrefix serves requests under prefix with public, the prefix taken
// off, and every other request with root. The prefix itself is
// redirected to its folder, and an unclean path (//, /./, /../) to its
// clean form under the prefix, which every way of proxying the newsroom
// reaches: http.ServeMux's own redirect would leave the prefix out.
func underPrefix(prefix string, root, public http.Handler) http.Handler {
	if prefix == "" {
		return root
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, under := strings.CutPrefix(r.URL.Path, prefix)
		under = under && (rest == "" || rest[0] == '/') // not "/newsroom"
		if !under {
			rest = r.URL.Path
		}
		if clean := cleanPath(rest); clean != rest {
			u := *r.URL
			u.Path, u.RawPath = prefix+clean, ""
			http.Redirect(w, r, u.String(), http.StatusMovedPermanently)
			return
		}
		if under {
			public.ServeHTTP(w, withoutPrefix(r, prefix, rest))
		} else {
			root.ServeHTTP(w, r)
		}
	})
}

// withoutPrefix returns a shallow copy of r whose path is rest, r's path
// (decoded) without prefix. Unlike http.StripPrefix, it finds the prefix
// in the raw path however the request escaped it: lower-case hex
// ("/%d0%bf…"), unescaped bytes, or escapes the base URL does not use,
// which http.StripPrefix answers with a bare 404 as it looks for the
// decoded prefix in the raw path.
func withoutPrefix(r *http.Request, prefix, rest string) *http.Request {
	r2 := new(http.Request)
	*r2 = *r
	r2.URL = new(url.URL)
	*r2.URL = *r.URL
	r2.URL.Path, r2.URL.RawPath = rest, ""
	if raw := r.URL.RawPath; raw != "" {
		for i := len(prefix); i <= len(raw); i++ { // an escape is longer than its byte
			if i < len(raw) && raw[i] != '/' {
				continue
			}
			if p, err := url.PathUnescape(raw[:i]); err == nil && p == prefix {
				r2.URL.RawPath = raw[i:]
				break
			}
		}
	}
	return r2
}

// cleanPath returns p without empty, . and .. elements, rooted at "/" and
// keeping a trailing slash, as http.ServeMux cleans a request's path.
func cleanPath(p string) string {
	clean := path.Clean("/" + p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	return clean
}

// webhookGuard answers 401 unless the request carries the webhook secret.
// go-telegram/bot answers 200 on a wrong secret, so we check it ourselves.
func webhookGuard(secret string, next http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
		if secret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
			log.Warn("webhook request refused: wrong or missing secret token", "remote", r.RemoteAddr, "present", got != "")
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// readyz runs every check with a deadline and answers 503 listing failures.
func readyz(checks []Check) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		status := map[string]string{}
		code := http.StatusOK
		for _, c := range checks {
			if err := c.Run(ctx); err != nil {
				status[c.Name] = err.Error()
				code = http.StatusServiceUnavailable
			} else {
				status[c.Name] = "ok"
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(status)
	}
}

// preview renders the officers' view of a release. It is never cached
// or indexed; with keyOK, a request without the release's key is told
// what an unknown release is told.
func preview(get PreviewFunc, keyOK func(id, key string) bool, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := strings.Trim(r.PathValue("id"), "/")
		w.Header().Set("Cache-Control", "private, no-store")
		w.Header().Set("X-Robots-Tag", "noindex")
		if keyOK != nil && !keyOK(id, r.URL.Query().Get("key")) {
			http.Error(w, "no release "+id, http.StatusNotFound)
			return
		}
		rel, posts, err := get(r.Context(), id)
		switch {
		case errors.Is(err, ErrNotFound):
			http.Error(w, "no release "+id, http.StatusNotFound)
			return
		case err != nil:
			log.Error("preview failed", "release", id, "err", err)
			http.Error(w, "preview failed: see the server log", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := previewTmpl.Execute(w, previewData{Release: rel, Posts: posts}); err != nil {
			log.Warn("preview write failed", "release", id, "err", err)
		}
	}
}

type previewData struct {
	Release release.Release
	Posts   []release.Post
}

var previewTmpl = template.Must(template.New("preview").Funcs(template.FuncMap{
	"over": func(p release.Part) bool { return p.Limit > 0 && p.Length > p.Limit },
	"inc":  func(i int) int { return i + 1 },
}).Parse(`<!doctype html>
<html lang="{{.Release.Lang}}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Preview: {{.Release.Title}}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:auto;padding:1rem;color:#1a1a1a}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f4f4f4;padding:.75rem;border-radius:4px}
.meta{color:#555}.over{color:#b00020;font-weight:bold}</style></head>
<body><main>
<h1>{{.Release.Title}}</h1>
<p class="meta">{{.Release.ID}} · {{.Release.Lang}} · hash {{.Release.ShortHash}}{{if .Release.Commit}} · commit {{.Release.Commit}}{{end}}</p>
{{range .Posts}}{{$parts := .Parts}}<section><h2>{{.Channel}} ({{.Kind}})</h2>
{{range $i, $p := .Parts}}<h3>Part {{inc $i}} of {{len $parts}}: <span{{if over $p}} class="over"{{end}}>{{$p.Length}}/{{$p.Limit}}</span> ({{$p.Format}})</h3>
{{range $p.Media}}<p>Image: <a href="{{.URL}}">{{.URL}}</a> — alt: {{.Alt}}</p>{{end}}
{{if $p.Link}}<p>Link: <a href="{{$p.Link}}">{{$p.Link}}</a></p>{{end}}
<pre>{{$p.Text}}</pre>{{end}}</section>
{{end}}</main></body></html>
`))

// Listen opens the TCP listener of addr, so that a taken or bad address
// is known before anything else starts.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("httpd: listen: %w (set -http or http.addr to a free address)", err)
	}
	return ln, nil
}

// Serve serves h on ln until ctx ends, then shuts down gracefully within
// 10 s.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("httpd: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("httpd: shutdown: %w", err)
	}
	return nil
}
