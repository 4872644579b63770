package main

import (
	"strings"
	"testing"

	"github.com/pressbot/pressbot/internal/config"
	"github.com/pressbot/pressbot/internal/httpd"
)

// TestPreviewKeyCheck checks that previews need their key once the
// newsroom's base URL is public, and stay open on loopback.
func TestPreviewKeyCheck(t *testing.T) {
	keys := httpd.NewPreviewKeys([]byte(strings.Repeat("s", 32)))
	tests := []struct {
		base string
		open bool
	}{
		{"http://127.0.0.1:8080", true},
		{"http://localhost:8080/news", true},
		{"http://[::1]:8080", true},
		{"https://newsroom.example.org", false},
		{"http://10.0.0.5:8080", false},
		{"http://127.0.0.1.example.org", false},
	}
	for _, tt := range tests {
		s := &server{cfg: &config.Config{Site: config.Site{BaseURL: tt.base}}, keys: keys}
		check := s.previewKeyCheck()
		if (check == nil) != tt.open {
			t.Errorf("%s: previews open %v, want %v", tt.base, check == nil, tt.open)
			continue
		}
		if check != nil && (!check("2020/a", keys.Key("2020/a")) || check("2020/a", "")) {
			t.Errorf("%s: the check does not take exactly the release's key", tt.base)
		}
		if u := s.previewURL("2020/a"); u != strings.TrimRight(tt.base, "/")+"/preview/2020/a?key="+keys.Key("2020/a") {
			t.Errorf("previewURL = %q", u)
		}
	}
}
