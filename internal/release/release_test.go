package release

import "testing"

// TestSameParts checks what counts as the same published post.
func TestSameParts(t *testing.T) {
	base := Post{Channel: "x", Hash: "h1", Parts: []Part{{Format: FormatText, Text: "Title\n\nhttps://n.example/r/", Length: 40, Media: []Media{{URL: "https://n.example/a.jpg", Alt: "A"}}}}}
	edit := func(f func(p *Part)) Post {
		q := base
		q.Hash = "h2"
		q.Parts = []Part{base.Parts[0]}
		q.Parts[0].Media = append([]Media(nil), base.Parts[0].Media...)
		f(&q.Parts[0])
		return q
	}
	tests := []struct {
		name string
		q    Post
		want bool
	}{
		{"another version, same parts", edit(func(*Part) {}), true},
		{"text", edit(func(p *Part) { p.Text += "!" }), false},
		{"picture", edit(func(p *Part) { p.Media[0].URL = "https://n.example/b.jpg" }), false},
		{"alt text", edit(func(p *Part) { p.Media[0].Alt = "B" }), false},
		{"link", edit(func(p *Part) { p.Link = "https://n.example/" }), false},
		{"a part more", Post{Parts: append([]Part{base.Parts[0]}, Part{Text: "2/2"})}, false},
	}
	for _, tt := range tests {
		if got := base.SameParts(tt.q); got != tt.want {
			t.Errorf("%s: SameParts = %v, want %v", tt.name, got, tt.want)
		}
	}
}
