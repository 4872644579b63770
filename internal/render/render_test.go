package render

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/render/textlen"
	"github.com/pressbot/pressbot/templates"
)

func TestNewRejects(t *testing.T) {
	good, _ := templates.FS.ReadFile("channel/facebook.tmpl")
	xt, _ := templates.FS.ReadFile("channel/x.tmpl")
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no base", Config{}, "base URL"},
		{"relative base", Config{BaseURL: "/news"}, "base URL"},
		{"unknown kind", Config{BaseURL: testBase, Channels: []Channel{{Name: "mastodon", Kind: "mastodon"}}}, "unknown kind"},
		{"duplicate", Config{BaseURL: testBase, Channels: []Channel{{Name: "a", Kind: "x"}, {Name: "a", Kind: "x"}}}, "twice"},
		{"unnamed", Config{BaseURL: testBase, Channels: []Channel{{Kind: "x"}}}, "no name"},
		{"bad telegram tag", Config{BaseURL: testBase, Templates: fstest.MapFS{
			"channel/telegram.tmpl": {Data: []byte(`{{define "head"}}<h1>{{.Title}}</h1>{{end}}{{define "foot"}}{{end}}`)},
			"channel/facebook.tmpl": {Data: good}, "channel/x.tmpl": {Data: xt},
		}}, "<h1> is not allowed"},
		{"missing define", Config{BaseURL: testBase, Templates: fstest.MapFS{
			"channel/telegram.tmpl": {Data: []byte(`{{define "head"}}{{.Title}}{{end}}`)},
			"channel/facebook.tmpl": {Data: good}, "channel/x.tmpl": {Data: xt},
		}}, `define "foot"`},
	}
	for _, tt := range tests {
		_, err := New(tt.cfg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: New = %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
}

func TestRenderChannels(t *testing.T) {
	r, err := New(Config{BaseURL: testBase + "/", Channels: append(testChannels, Channel{Name: "telegram-ru", Kind: release.KindTelegram})})
	if err != nil {
		t.Fatal(err)
	}
	rel := parseRelease(t, "2024/a", []byte(frontMatter("Title")+"Body text.\n"))
	posts, err := r.Render(rel)
	if err != nil {
		t.Fatal(err)
	}
	if len(posts) != 4 {
		t.Fatalf("%d posts, want 4", len(posts))
	}
	for _, p := range posts {
		if p.Release != "2024/a" || p.Hash != rel.Hash || p.Hash == "" {
			t.Errorf("%s: release %q hash %q", p.Channel, p.Release, p.Hash)
		}
	}
	if fb := posts[1]; fb.Parts[0].Link != testBase+"/releases/2024/a/" {
		t.Errorf("facebook link %q", fb.Parts[0].Link)
	}
	rel.Channels = []string{"x", "telegram-ru"}
	posts, _ = r.Render(rel)
	if len(posts) != 2 || posts[0].Channel != "x" || posts[1].Channel != "telegram-ru" {
		t.Errorf("filtered posts: %+v", posts)
	}
	one, err := r.Post(rel, Channel{Name: "other", Kind: release.KindFacebook})
	if err != nil || one.Channel != "other" || len(one.Parts) != 1 {
		t.Errorf("Post = %+v, %v", one, err)
	}
	if _, err := r.Post(rel, Channel{Name: "m", Kind: "mastodon"}); err == nil {
		t.Error("Post with an unknown kind: no error")
	}
}

func TestTelegramCaption(t *testing.T) {
	r := newTestRenderer(t)
	img := []string{"image: /images/a.jpg", `image_alt: "A picture"`}
	short := parseRelease(t, "2024/short", []byte(frontMatter("Short", img...)+"Lead paragraph.\n\nSecond paragraph.\n"))
	p, _ := r.Post(short, testChannels[0])
	if len(p.Parts) != 1 || p.Parts[0].Limit != TelegramCaptionLimit || len(p.Parts[0].Media) != 1 {
		t.Fatalf("short release with image: %+v", p.Parts)
	}
	if m := p.Parts[0].Media[0]; m.URL != testBase+"/media/images/a.jpg" || m.Alt != "A picture" {
		t.Errorf("media %+v", m)
	}
	lead := "The lead paragraph of the release."
	long := parseRelease(t, "2024/long", []byte(frontMatter("Long", img...)+lead+"\n\n"+sentences(3000)))
	p, _ = r.Post(long, testChannels[0])
	if len(p.Parts) < 2 {
		t.Fatalf("long release with image: %d parts", len(p.Parts))
	}
	caption := p.Parts[0].Text
	for _, want := range []string{"<b>Long</b>", "1 June 2024, Tashkent, Uzbekistan", lead} {
		if !strings.Contains(caption, want) {
			t.Errorf("caption lacks %q:\n%s", want, caption)
		}
	}
	if strings.Contains(caption, "The project") {
		t.Errorf("caption holds more than the lead:\n%s", caption)
	}
	for i, part := range p.Parts[1:] {
		if part.Limit != TelegramTextLimit || part.Media != nil {
			t.Errorf("part %d: limit %d media %v", i+2, part.Limit, part.Media)
		}
	}
	checkPosts(t, "long", []release.Post{p})
}

func TestXPost(t *testing.T) {
	r := newTestRenderer(t)
	tags := `tags: ["` + strings.Repeat("verylongtagword", 10) + `", "second", "third"]`
	rel := parseRelease(t, "2024/x", []byte(strings.Replace(frontMatter(strings.Repeat("Headline ", 30)), `tags: ["water", "climate"]`, tags, 1)+"Lead.\n"))
	p, err := r.Post(rel, Channel{Name: "x", Kind: release.KindX})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Parts) != 1 {
		t.Fatalf("no thread: %d parts", len(p.Parts))
	}
	post := p.Parts[0].Text
	if textlen.XWeight(post) > XLimit || !strings.Contains(post, testBase+"/releases/2024/x/") {
		t.Errorf("post %d: %q", textlen.XWeight(post), post)
	}
	if !strings.Contains(post, "Headline") || !strings.Contains(post, "…") || strings.Contains(post, "#Verylong") {
		t.Errorf("want a shortened headline and no too-long hashtag: %q", post)
	}
	rel.Summary = strings.Repeat("Sentence of the lead. ", 40)
	p, _ = r.Post(rel, Channel{Name: "x", Kind: release.KindX, Thread: true})
	n := len(p.Parts) - 1
	if n < 2 || n > XMaxReplies {
		t.Fatalf("%d replies", n)
	}
	for i, part := range p.Parts[1:] {
		if !strings.HasSuffix(part.Text, " "+itoa(i+1)+"/"+itoa(n)) {
			t.Errorf("reply %d not numbered: %q", i+1, part.Text)
		}
	}
	checkPosts(t, "x", []release.Post{p})
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestSummary(t *testing.T) {
	r := newTestRenderer(t)
	rel := release.Release{ID: "a", Body: "## Heading\n\nFirst *paragraph*\nwith [a link](https://x.org).\n\nSecond."}
	if got := r.Summary(rel); got != "First paragraph with a link (https://x.org)." {
		t.Errorf("Summary = %q", got)
	}
	rel.Summary = "Given."
	if got := r.Summary(rel); got != "Given." {
		t.Errorf("Summary = %q", got)
	}
}

// TestConcurrent renders from many goroutines: the renderers keep their
// state in the per-render writer (run with -race).
func TestConcurrent(t *testing.T) {
	r := newTestRenderer(t)
	rels := testReleases(t)[:5]
	want := make([]string, len(rels))
	for i, tr := range rels {
		all, _ := r.All(parseRelease(t, tr.name, tr.data))
		want[i] = goldenText(all)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, tr := range rels {
				all, err := r.All(parseRelease(t, tr.name, tr.data))
				if err != nil || goldenText(all) != want[i] {
					t.Errorf("goroutine %d: %s differs", g, tr.name)
				}
			}
		}()
	}
	wg.Wait()
}

// TestEscapedLinks checks that a release whose ID and picture name hold
// spaces, Cyrillic letters and a quote links to its page and picture by
// escaped URLs on every channel: a raw space would cut the link short in
// the text of Facebook and X, and a quote would end Telegram's href.
func TestEscapedLinks(t *testing.T) {
	r, err := New(Config{BaseURL: testBase + "/", Channels: testChannels})
	if err != nil {
		t.Fatal(err)
	}
	fm := strings.Replace(frontMatter("Title"), "---\n", "---\nimage: \"images/my фото.jpg\"\nimage_alt: A photo\n", 1)
	rel := parseRelease(t, `2024/пресс "релиз" 1`, []byte(fm+"Body text.\n"))
	posts, err := r.Render(rel)
	if err != nil {
		t.Fatal(err)
	}
	page := testBase + "/releases/2024/%D0%BF%D1%80%D0%B5%D1%81%D1%81%20%22%D1%80%D0%B5%D0%BB%D0%B8%D0%B7%22%201/"
	img := testBase + "/media/images/my%20%D1%84%D0%BE%D1%82%D0%BE.jpg"
	for _, p := range posts {
		var text strings.Builder
		var media []string
		for _, part := range p.Parts {
			text.WriteString(part.Text)
			for _, m := range part.Media {
				media = append(media, m.URL)
			}
		}
		if !strings.Contains(text.String(), page) {
			t.Errorf("%s: no link %s in %q", p.Channel, page, text.String())
		}
		if len(media) != 1 || media[0] != img {
			t.Errorf("%s: media %q, want %s", p.Channel, media, img)
		}
	}
}

// TestTelegramCaptionCutLead: a lead longer than a caption goes on in
// the next message, ahead of the rest of the body, with nothing lost.
func TestTelegramCaptionCutLead(t *testing.T) {
	r := newTestRenderer(t)
	img := []string{"image: /images/a.jpg", `image_alt: "A picture"`}
	var lead strings.Builder
	for i := range 400 {
		lead.WriteString(" w" + itoa(i))
	}
	rel := parseRelease(t, "2024/cut", []byte(frontMatter("Cut", img...)+lead.String()[1:]+"\n\nSecond paragraph.\n"))
	p, err := r.Post(rel, testChannels[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Parts) != 2 || len(p.Parts[0].Media) != 1 {
		t.Fatalf("%d parts: %+v", len(p.Parts), p.Parts)
	}
	want := strings.Fields(lead.String() + " Second paragraph.")
	var got []string
	for _, part := range p.Parts {
		got = append(got, strings.Fields(part.Text)...)
	}
	if rest := strings.Join(got, " "); !strings.Contains(rest, strings.Join(want, " ")) {
		t.Errorf("the parts hold %q, want the lead and second paragraph %q", rest, strings.Join(want, " "))
	}
	if n := p.Parts[1].Text; !strings.HasPrefix(n, "w") || !strings.Contains(n, " w399\n\nSecond paragraph.") {
		t.Errorf("second part %q", n)
	}
	checkPosts(t, "cut", []release.Post{p})
}
