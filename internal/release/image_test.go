package release

import "testing"

// TestImageURL checks how an image reference becomes a URL: http(s) kept,
// a path under content/ served from the newsroom's media/.
func TestImageURL(t *testing.T) {
	tests := []struct {
		img, want string
		url       bool
	}{
		{"", "", false},
		{"https://cdn.example.org/a.jpg", "https://cdn.example.org/a.jpg", true},
		{"http://example.org/a.jpg", "http://example.org/a.jpg", true},
		{"images/2020/a.jpg", "https://news.example.org/media/images/2020/a.jpg", false},
		{"/images/2020/a.jpg", "https://news.example.org/media/images/2020/a.jpg", false},
		{"httpx/a.jpg", "https://news.example.org/media/httpx/a.jpg", false},
	}
	for _, tt := range tests {
		if got := (Release{Image: tt.img}).ImageURL("https://news.example.org/"); got != tt.want {
			t.Errorf("ImageURL(%q) = %q, want %q", tt.img, got, tt.want)
		}
		if got := IsImageURL(tt.img); got != tt.url {
			t.Errorf("IsImageURL(%q) = %v, want %v", tt.img, got, tt.url)
		}
	}
}
