package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestHealthOutput checks what health prints: a probe's answer as it is,
// and for a page that is no probe (a wrong URL) only its status and type.
func TestHealthOutput(t *testing.T) {
	tests := []struct {
		name, ctype, body string
		code, exit        int
		want, not         string
	}{
		{"alive", "text/plain; charset=utf-8", "ok\n", 200, exitOK, "200 OK ok", ""},
		{"not ready", "application/json", `{"queue":"not running"}`, 503, exitProblems, `{"queue":"not running"}`, ""},
		{"a newsroom page", "text/html; charset=utf-8", "<!doctype html><title>Not found</title>", 404, exitProblems, "404 Not Found (text/html", "<title>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", tt.ctype)
				w.WriteHeader(tt.code)
				w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			var out, errb bytes.Buffer
			if code := runHealth([]string{"-url", srv.URL + "/healthz"}, &out, &errb); code != tt.exit {
				t.Errorf("exit %d, want %d", code, tt.exit)
			}
			if !strings.Contains(out.String(), tt.want) || tt.not != "" && strings.Contains(out.String(), tt.not) {
				t.Errorf("printed %q; want %q and not %q", out.String(), tt.want, tt.not)
			}
		})
	}
}
