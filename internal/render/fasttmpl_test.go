package render

import (
	"testing"
	"text/template"

	"github.com/pressbot/pressbot/internal/release"
)

// TestShippedTemplatesCompile makes sure the shipped channel templates take
// the compiled path (else every part pays for text/template's reflection).
func TestShippedTemplatesCompile(t *testing.T) {
	r := newTestRenderer(t)
	for kind, names := range templateNames {
		for _, name := range names {
			if name == "reply" {
				if r.fastReply == nil {
					t.Errorf("%s %q is not compiled", kind, name)
				}
			} else if _, ok := r.fast[kind][name]; !ok {
				t.Errorf("%s %q is not compiled", kind, name)
			}
		}
	}
}

// TestFastTemplateMatchesTextTemplate runs templates both ways on varied
// data: a compiled template writes exactly what text/template writes, and
// templates with constructs it does not compile are left to text/template.
func TestFastTemplateMatchesTextTemplate(t *testing.T) {
	wraps := []string{
		`{{.Title}}{{if .Dateline}}

{{.Dateline}}{{end}}`,
		`{{if .Tags}}{{.Tags}}

{{end}}{{.ReadMore}}: {{.URL}}`,
		`<b>{{.Title}}</b>{{if .Dateline}}
<i>{{.Dateline}}</i>{{else if .Location}} ({{.Location}}){{else}}—{{end}}`,
		`  {{- .Title -}}  {{/* a comment */}} {{.Lang}} {{.Date}} `,
		`{{if .Hashtags}}#{{else}}no tags{{end}}`,
		``,
	}
	fallbacks := []string{
		`{{.Hashtags}}`,
		`{{range .Hashtags}}{{.}} {{end}}`,
		`{{printf "%s!" .Title}}`,
		`{{.Title | len}}`,
		`{{with .Title}}{{.}}{{end}}`,
		`{{$t := .Title}}{{$t}}`,
		`{{if and .Title .URL}}x{{end}}`,
		`{{if eq .Lang "ru"}}ru{{end}}`,
		`{{.}}`,
		`{{.Missing}}`,
	}
	replies := []string{
		`{{.Text}}{{if gt .Total 1}} {{.N}}/{{.Total}}{{end}}`,
		`{{if eq .N .Total}}last{{else if lt .N 2}}first{{else}}{{.N}}{{end}} {{.Text}}`,
		`{{if ne .N -1}}{{.N}}{{end}}{{if le .Total 3}}s{{end}}{{if ge .N 0}}g{{end}}{{if .N}}n{{end}}`,
	}
	wrapData := []wrapData{
		{},
		{Title: " A <b>&\"title\" ", Dateline: "6 February 2020, Tashkent", Date: "6 February 2020",
			Location: "Tashkent", Lang: "en", URL: "https://example.org/a?b=1&c=2", ReadMore: "Read more",
			Hashtags: []string{"#A", "#B"}, Tags: "#A #B"},
		{Title: "Заголовок", Location: "Ташкент", Lang: "ru", Hashtags: []string{}},
	}
	check := func(src string, wantCompiled bool, run func(*template.Template) (string, string, bool)) {
		t.Helper()
		tmpl, err := template.New("t").Option("missingkey=error").Parse(src)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		want, got, compiled := run(tmpl)
		if compiled != wantCompiled {
			t.Errorf("%q: compiled %v, want %v", src, compiled, wantCompiled)
		}
		if compiled && got != want {
			t.Errorf("%q: compiled template wrote %q, text/template %q", src, got, want)
		}
	}
	for _, src := range append(wraps, fallbacks...) {
		for _, d := range wrapData {
			check(src, !contains(fallbacks, src), func(tmpl *template.Template) (string, string, bool) {
				want, _ := execute(tmpl, "t", d)
				ft, ok := compileTemplate(tmpl, "t", wrapFields)
				return want, ft.execute(&d), ok
			})
		}
	}
	for _, src := range replies {
		for _, d := range []replyData{{}, {Text: " x ", N: 1, Total: 1}, {Text: "y…", N: 2, Total: 3}, {N: -1, Total: 5}} {
			check(src, true, func(tmpl *template.Template) (string, string, bool) {
				want, err := execute(tmpl, "t", d)
				if err != nil {
					t.Fatal(err)
				}
				ft, ok := compileTemplate(tmpl, "t", replyFields)
				return want, ft.execute(&d), ok
			})
		}
	}
	// The shipped X reply template, as the renderer runs it.
	r := newTestRenderer(t)
	for _, d := range []replyData{{Text: "a", N: 1, Total: 1}, {Text: "b", N: 2, Total: 5}} {
		want, _ := execute(r.tmpl[release.KindX], "reply", d)
		if got, _ := r.execReply(d); got != want {
			t.Errorf("reply %+v: %q, want %q", d, got, want)
		}
	}
}
