package main

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/config"
)

// TestServeStopsWhenAPartCannotRun checks that serve exits at once, with
// the reason, when its address is taken or bad or its content folder is
// missing, instead of running half (it used to wait for a signal, with
// the newsroom or the content watcher dead).
func TestServeStopsWhenAPartCannotRun(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"address taken", []string{"-http", taken.Addr().String()}, "address already in use (set -http or http.addr to a free address)"},
		{"bad address", []string{"-http", "nonsense"}, "missing port in address"},
		{"no content folder", []string{"-content", "nope"}, "content: nope is not a folder: give the releases' folder with -content or content.dir"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			if err := os.Mkdir(filepath.Join(dir, "content"), 0o755); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"serve", "-db", "sqlite:" + filepath.Join(dir, "p.db"), "-http", "127.0.0.1:0"}, tt.args...)
			var stderr bytes.Buffer
			done := make(chan int, 1)
			go func() { done <- run(args, &bytes.Buffer{}, &stderr) }()
			select {
			case code := <-done:
				if code == exitOK || !strings.Contains(stderr.String(), tt.want) {
					t.Errorf("exit %d, stderr:\n%s\nwant a failure saying %q", code, stderr.String(), tt.want)
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("serve still runs after 20 s; stderr:\n%s", stderr.String())
			}
		})
	}
}

// TestPickPort checks that serve binds port 0 before anything is built
// and that the links derived from the address carry the chosen port.
func TestPickPort(t *testing.T) {
	tests := []struct {
		name, addr, base string // base "": derived from the address
		bound            bool
	}{
		{"any port, derived links", "127.0.0.1:0", "", true},
		{"any port, own base URL", "127.0.0.1:0", "https://news.example.org", true},
		{"fixed port", "127.0.0.1:1", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := &config.Config{HTTP: config.HTTP{Addr: tt.addr}}
			cfg.Site.BaseURL, cfg.Site.BaseURLDerived = tt.base, tt.base == ""
			if tt.base == "" {
				cfg.Site.BaseURL = "http://" + tt.addr
			}
			ln, err := pickPort(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if (ln != nil) != tt.bound {
				t.Fatalf("bound = %v, want %v", ln != nil, tt.bound)
			}
			if ln == nil {
				if cfg.HTTP.Addr != tt.addr || cfg.Site.BaseURL != "http://"+tt.addr {
					t.Errorf("a fixed port changed the config: %s, %s", cfg.HTTP.Addr, cfg.Site.BaseURL)
				}
				return
			}
			defer ln.Close()
			want := tt.base
			if want == "" {
				want = "http://" + ln.Addr().String()
			}
			if cfg.HTTP.Addr != ln.Addr().String() || cfg.Site.BaseURL != want || strings.HasSuffix(cfg.HTTP.Addr, ":0") {
				t.Errorf("addr %s, base URL %s; want %s and %s", cfg.HTTP.Addr, cfg.Site.BaseURL, ln.Addr(), want)
			}
		})
	}
}
