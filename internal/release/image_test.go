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
		{"images/my photo.jpg", "https://news.example.org/media/images/my%20photo.jpg", false},
		{"images/фото #1?.jpg", "https://news.example.org/media/images/%D1%84%D0%BE%D1%82%D0%BE%20%231%3F.jpg", false},
		{"images/100%.jpg", "https://news.example.org/media/images/100%25.jpg", false},
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

// TestPageURL checks that a release's page URL escapes each segment of its
// ID and keeps the slashes, and that PagePath, the file's place, does not.
func TestPageURL(t *testing.T) {
	tests := []struct{ id, want string }{
		{"2020/imts-success", "https://news.example.org/releases/2020/imts-success/"},
		{"2020/a_b.c~d", "https://news.example.org/releases/2020/a_b.c~d/"},
		{"2020/пресс релиз 1", "https://news.example.org/releases/2020/%D0%BF%D1%80%D0%B5%D1%81%D1%81%20%D1%80%D0%B5%D0%BB%D0%B8%D0%B7%201/"},
		{`2021 x/"quoted" <b>`, "https://news.example.org/releases/2021%20x/%22quoted%22%20%3Cb%3E/"},
	}
	for _, tt := range tests {
		r := Release{ID: tt.id}
		if got := r.PageURL("https://news.example.org/"); got != tt.want {
			t.Errorf("PageURL(%q) = %q, want %q", tt.id, got, tt.want)
		}
		if got := r.PagePath(); got != "/releases/"+tt.id+"/" {
			t.Errorf("PagePath(%q) = %q", tt.id, got)
		}
	}
}
