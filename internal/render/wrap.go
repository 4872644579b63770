package render

import (
	"bytes"
	"fmt"
	"io/fs"
	"strings"
	"text/template"
	"time"

	"github.com/pressbot/pressbot/internal/datefmt"
	"github.com/pressbot/pressbot/internal/release"
)

// wrapData is what a channel template sees. For Telegram every string is
// already escaped for its HTML.
type wrapData struct {
	Title    string
	Dateline string
	Date     string
	Location string
	Lang     string
	URL      string
	ReadMore string
	Hashtags []string
	Tags     string
}

// replyData is what the X "reply" template sees.
type replyData struct {
	Text     string
	N, Total int
}

// templateNames are the templates each kind's file must define.
var templateNames = map[string][]string{
	release.KindTelegram: {"head", "foot"},
	release.KindFacebook: {"head", "foot"},
	release.KindX:        {"post", "reply"},
}

// loadTemplates parses channel/<kind>.tmpl for every kind and checks it by
// executing it on sample data (and, for Telegram, validating the HTML).
func loadTemplates(fsys fs.FS) (map[string]*template.Template, error) {
	out := map[string]*template.Template{}
	for kind, names := range templateNames {
		file := "channel/" + kind + ".tmpl"
		t, err := template.New(kind).Option("missingkey=error").ParseFS(fsys, file)
		if err != nil {
			return nil, fmt.Errorf("render: templates: %w", err)
		}
		for _, name := range names {
			if t.Lookup(name) == nil {
				return nil, fmt.Errorf("render: templates: %s: define %q (see the shipped templates/%s)", file, name, file)
			}
		}
		if err := checkTemplate(t, kind, file); err != nil {
			return nil, err
		}
		out[kind] = t
	}
	return out, nil
}

// checkTemplate executes a kind's templates on sample data with
// characters that need escaping.
func checkTemplate(t *template.Template, kind, file string) error {
	d := wrapData{
		Title: `A <b>&"title"`, Dateline: "6 February 2020, Tashkent", Date: "6 February 2020",
		Location: "Tashkent", Lang: "en", URL: "https://example.org/releases/a?b=1&c=2",
		ReadMore: "Read more", Hashtags: []string{"#A", "#B"}, Tags: "#A #B",
	}
	if kind == release.KindTelegram {
		d = escapeWrap(d)
	}
	for _, name := range templateNames[kind] {
		var data any = d
		if name == "reply" {
			data = replyData{Text: "text", N: 1, Total: 2}
		}
		out, err := execute(t, name, data)
		if err != nil {
			return fmt.Errorf("render: templates: %s: %w", file, err)
		}
		if kind == release.KindTelegram {
			if err := ValidateTelegramHTML(out); err != nil {
				return fmt.Errorf("render: templates: %s: %q: %w", file, name, err)
			}
		}
	}
	return nil
}

// execute runs one named template and trims the result.
func execute(t *template.Template, name string, data any) (string, error) {
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		return "", err
	}
	return strings.TrimSpace(b.String()), nil
}

// telegramWrap returns the template data of the release escaped for
// Telegram HTML (computed once per doc).
func (d *doc) telegramWrap() *wrapData {
	if d.tgData == nil {
		data := escapeWrap(d.r.wrap(d))
		d.tgData = &data
	}
	return d.tgData
}

// escapeWrap escapes every value for Telegram HTML.
func escapeWrap(d wrapData) wrapData {
	d.Title = escapeHTML(d.Title)
	d.Dateline = escapeHTML(d.Dateline)
	d.Date = escapeHTML(d.Date)
	d.Location = escapeHTML(d.Location)
	d.URL = escapeHTML(d.URL)
	d.ReadMore = escapeHTML(d.ReadMore)
	tags := make([]string, len(d.Hashtags))
	for i, h := range d.Hashtags {
		tags[i] = escapeHTML(h)
	}
	d.Hashtags = tags
	d.Tags = escapeHTML(d.Tags)
	return d
}

// wrap returns the template data of a release; the dateline is left
// empty when the body already opens with the date (as press releases
// usually do: "**6 February 2020, Tashkent** – …").
func (r *Renderer) wrap(d *doc) wrapData {
	if d.data != nil {
		return *d.data
	}
	rel := d.rel
	date := rel.Date.In(r.zone)
	tags := r.tags.hashtags(r.cfg.PrivateTags.Public(rel.Tags))
	data := wrapData{
		Title:    strings.TrimSpace(rel.Title),
		Date:     dateOnly(date, rel.Lang),
		Location: rel.Location,
		Lang:     rel.Lang,
		URL:      r.pageURL(rel),
		ReadMore: wordsFor(rel.Lang).readMore,
		Hashtags: tags,
		Tags:     strings.Join(tags, " "),
	}
	if !rel.Date.IsZero() && !d.opensWithDate(date, rel.Lang) {
		data.Dateline = withPlace(data.Date, rel.Location) // dateline, the date formatted once
	}
	d.data = &data
	return data
}

// pageURL is the release's page in the newsroom.
func (r *Renderer) pageURL(rel release.Release) string {
	return rel.PageURL(r.cfg.BaseURL)
}

// join joins the non-empty pieces with a blank line.
func join(pieces ...string) string {
	size, count, only := 0, 0, ""
	for _, p := range pieces {
		if p = strings.TrimSpace(p); p != "" {
			size += len(p)
			count++
			only = p
		}
	}
	if count <= 1 {
		return only
	}
	var b strings.Builder
	b.Grow(size + 2*(count-1))
	for _, p := range pieces {
		if p = strings.TrimSpace(p); p != "" {
			if b.Len() > 0 {
				b.WriteString("\n\n")
			}
			b.WriteString(p)
		}
	}
	return b.String()
}

// joinBody is join(head, string(body), foot) without the intermediate
// string: the result is the one copy of the body that is kept.
func joinBody(head string, body []byte, foot string) string {
	head, body, foot = strings.TrimSpace(head), bytes.TrimSpace(body), strings.TrimSpace(foot)
	if len(body) == 0 {
		return join(head, foot)
	}
	var b strings.Builder
	b.Grow(len(head) + len(body) + len(foot) + 4)
	if head != "" {
		b.WriteString(head)
		b.WriteString("\n\n")
	}
	b.Write(body)
	if foot != "" {
		b.WriteString("\n\n")
		b.WriteString(foot)
	}
	return b.String()
}

// opensWithDate reports whether the body's text starts with date t in
// one of the ways lang writes it (ignoring the Markdown around it, as in
// "**6 February 2020, Tashkent** – …", or "6 февраля 2020 года").
func (d *doc) opensWithDate(t time.Time, lang string) bool {
	body := bytes.TrimLeft(d.plainBody().buf, " \n")
	_, ok := datefmt.Prefix(string(body[:min(len(body), maxDate)]), t, lang)
	return ok
}

// maxDate is more bytes than any written date and the rune after it take.
const maxDate = 64
