package htmlexec

import (
	"bytes"
	"fmt"
	"html/template"
	"math/rand/v2"
	"strings"
	"testing"
)

// The data types of the test templates: a page with links, as in the
// newsroom's templates.
type (
	testPage struct {
		Title, Desc, Href, Lang string
		Body                    template.HTML
		Safe                    template.URL
		N, Pages                int
		U                       uint8
		Flag                    bool
		Links                   []testLink
		Ptrs                    []*testLink
		Img                     *testImage
		W                       testWords
	}
	testLink struct {
		Href, Text string
		Current    bool
	}
	testImage struct{ Src, Alt string }
	testWords struct{ Older, Newer string }
)

// compiledSrc uses every construct the compiler knows, in every context
// html/template escapes for.
const compiledSrc = `{{define "page" -}}
<!DOCTYPE html><html lang="{{.Lang}}"><head><title>{{.Title}}</title>
{{with .Desc}}<meta name="description" content="{{.}}">{{end}}
<link rel="canonical" href="{{.Href}}"><link rel="x" href="{{.Safe}}"></head>
<body><h1 title="{{.Title}}">{{.Title}}</h1>
<a href="/search?q={{.Title}}&amp;n={{.N}}">q</a>
<textarea>{{.Title}}{{.Body}}</textarea>
{{.Body}}
<p>{{.N}} {{.U}} {{.Flag}} {{len .Links}} {{len .Title}}</p>
{{if gt .Pages 1}}<nav aria-label="{{.W.Older}}">{{.N}} / {{.Pages}}</nav>{{else}}<p>one</p>{{end}}
{{if not .Flag}}off{{end}}{{if eq .N 3}}three{{end}}{{if ne .N 3}}not three{{end}}{{if lt .N 0}}neg{{end}}{{if le .N 0}}nonpos{{end}}{{if ge .N 10}}big{{end}}
<ul>{{range $i, $l := .Links}}{{if $i}}, {{end}}<li><a href="{{$l.Href}}"{{if .Current}} aria-current="page"{{end}}>{{.Text}} {{$.W.Newer}} {{$i}}</a></li>{{else}}<li>none</li>{{end}}</ul>
{{range .Ptrs}}<a href="{{.Href}}">{{.Text}}</a>{{end}}{{range $p := .Ptrs}}{{$p.Text}}{{end}}
{{with .Img}}<img src="{{.Src}}" alt="{{.Alt}}">{{else}}no image{{end}}
{{template "links" .Links}}{{template "word" .W}}
</body></html>
{{- end}}
{{define "links"}}{{range .}}<a href="{{.Href}}">{{.Text}}</a>{{end}}{{end}}
{{define "word"}}<b>{{.Older}}</b>{{end}}`

// testSet parses src as one html/template set.
func testSet(t testing.TB, src string) (*template.Template, *Set) {
	t.Helper()
	tmpl := template.Must(template.New("t").Option("missingkey=error").Parse(src))
	return tmpl, New(tmpl)
}

// same executes name with data through html/template and through s (twice,
// the second time compiled) and fails unless all three agree.
func same(t *testing.T, tmpl *template.Template, s *Set, name string, data any) {
	t.Helper()
	var want, first, second bytes.Buffer
	werr := tmpl.ExecuteTemplate(&want, name, data)
	ferr := s.Execute(&first, name, data)
	serr := s.Execute(&second, name, data)
	if fmt.Sprint(werr) != fmt.Sprint(ferr) || fmt.Sprint(werr) != fmt.Sprint(serr) {
		t.Fatalf("errors differ: html/template %v, first %v, second %v", werr, ferr, serr)
	}
	if first.String() != want.String() {
		t.Fatalf("first run differs:\n got %q\nwant %q", first.String(), want.String())
	}
	if second.String() != want.String() {
		t.Fatalf("compiled run differs for %#v:\n got %q\nwant %q", data, second.String(), want.String())
	}
}

// hostile are strings that every escaper treats differently.
var hostile = []string{
	"", "plain", "a&b", "<script>alert(1)</script>", `"quoted" 'single'`, "1+1", "\x00nul",
	"javascript:alert(1)", "JavaScript:x", "mailto:a@b.org", "HTTPS://x.org/a b?c=d&e=%zz%41", "/rel/path?q=1#f",
	"data:text/html,x", "a/b:c", "%", "%4", "%41", "ünï©ødé ‘quotes’", "\xff\xfe bad utf8", "\uFFFD\ufdd0",
	"tab\tnew\nline", "`backtick` =eq", "onerror=alert(1)", "[]@!$*,;",
}

// pick returns a random hostile string.
func pick(r *rand.Rand) string { return hostile[r.IntN(len(hostile))] + hostile[r.IntN(len(hostile))] }

// randomPage fills a testPage from r, with nil and empty parts.
func randomPage(r *rand.Rand) *testPage {
	p := &testPage{
		Title: pick(r), Desc: pick(r), Href: pick(r), Lang: pick(r), Body: template.HTML(pick(r)),
		Safe: template.URL(pick(r)), N: r.IntN(14) - 2, Pages: r.IntN(3), U: uint8(r.IntN(256)), Flag: r.IntN(2) == 0,
		W: testWords{pick(r), pick(r)},
	}
	for range r.IntN(4) {
		l := testLink{Href: pick(r), Text: pick(r), Current: r.IntN(3) == 0}
		p.Links = append(p.Links, l)
		p.Ptrs = append(p.Ptrs, &l)
	}
	if r.IntN(3) > 0 {
		p.Img = &testImage{pick(r), pick(r)}
	}
	return p
}

func TestCompiledSameOutput(t *testing.T) {
	tmpl, s := testSet(t, compiledSrc)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		same(t, tmpl, s, "page", randomPage(r))
		if i == 0 && !s.Compiled("page", &testPage{}) {
			t.Fatal("page is not compiled: every construct in it should be")
		}
	}
}

func TestNotCompiledStillSame(t *testing.T) {
	for _, src := range []string{
		`{{printf "%s!" .Title}}`,                      // a function that is not a builtin
		`{{$x := .Title}}{{$x}}`,                       // a variable declared in an action
		`<a title="{{.Body}}">`,                        // HTML content in an attribute (tags stripped)
		`<a title={{.Title}}>`,                         // an unquoted attribute
		`<script>var x = {{.Title}};</script>`,         // JavaScript
		`{{range .Links}}{{break}}{{end}}`,             // break
		`{{if eq .Title "x"}}x{{end}}`,                 // a comparison of strings
		`{{if gt .N 1.0}}x{{end}}`,                     // a float constant
		`{{range .Title}}{{.}}{{end}}`,                 // range over a string
		`{{with $x := .Img}}{{$x.Src}}{{end}}`,         // a variable declared in with
		`{{template "nosuch" .}}`,                      // a template that does not exist
		`{{if gt .N 100}}{{template "page" .}}{{end}}`, // recursion
	} {
		t.Run(src, func(t *testing.T) {
			tmpl, s := testSet(t, `{{define "page"}}`+src+`{{end}}`)
			p := randomPage(rand.New(rand.NewPCG(3, 4)))
			p.Title = "x"
			same(t, tmpl, s, "page", p)
			if s.Compiled("page", p) {
				t.Error("compiled; want it left to html/template")
			}
		})
	}
}

type stringer string

func (s stringer) String() string { return "S:" + string(s) }

type withMethod struct{ Name string }

func (withMethod) Title() string { return "method" }

type withAny struct{ V any }

func TestNotCompiledData(t *testing.T) {
	for _, data := range []any{
		struct{ Title stringer }{"x"},        // printed through its String method
		struct{ Title template.CSS }{"x"},    // CSS content
		withMethod{"x"},                      // a method named like the field
		withAny{"x"},                         // an interface: its dynamic type decides
		map[string]string{"Title": "x"},      // a map
		struct{ Title *string }{new(string)}, // a pointer to print
	} {
		tmpl, s := testSet(t, `{{define "page"}}<p>{{.Title}}</p>{{end}}`)
		if _, ok := data.(withAny); ok {
			tmpl, s = testSet(t, `{{define "page"}}<p>{{.V}}</p>{{end}}`)
		}
		same(t, tmpl, s, "page", data)
		if s.Compiled("page", data) {
			t.Errorf("%T compiled; want it left to html/template", data)
		}
	}
}

func TestNilPointerFallsBack(t *testing.T) {
	tmpl, s := testSet(t, `{{define "page"}}<p>{{.Title}}</p>{{.Img.Src}}{{end}}`)
	same(t, tmpl, s, "page", &testPage{Title: "a", Img: &testImage{Src: "b"}})
	if !s.Compiled("page", &testPage{}) {
		t.Fatal("not compiled")
	}
	var buf bytes.Buffer
	buf.WriteString("kept ")
	err := s.Execute(&buf, "page", &testPage{Title: "a"})
	werr := tmpl.ExecuteTemplate(&bytes.Buffer{}, "page", &testPage{Title: "a"})
	if err == nil || err.Error() != werr.Error() {
		t.Fatalf("error %v, want html/template's %v", err, werr)
	}
	if !strings.HasPrefix(buf.String(), "kept <p>a</p>") || strings.Count(buf.String(), "<p>") != 1 {
		t.Errorf("buffer %q: want what was there, then html/template's partial output once", buf.String())
	}
}

func TestConcurrentFirstUse(t *testing.T) {
	tmpl, s := testSet(t, compiledSrc)
	pages := make([]*testPage, 64)
	r := rand.New(rand.NewPCG(5, 6))
	for i := range pages {
		pages[i] = randomPage(r)
	}
	done := make(chan string, len(pages))
	for _, p := range pages {
		go func() {
			var got, want bytes.Buffer
			if err := s.Execute(&got, "page", p); err != nil {
				done <- err.Error()
				return
			}
			_ = tmpl.ExecuteTemplate(&want, "page", p)
			if got.String() != want.String() {
				done <- "differs"
				return
			}
			done <- ""
		}()
	}
	for range pages {
		if msg := <-done; msg != "" {
			t.Fatal(msg)
		}
	}
}

func FuzzEscapers(f *testing.F) {
	for _, s := range hostile {
		f.Add(s, s+"<b>x</b>", 3)
	}
	tmpl, s := testSet(f, compiledSrc)
	f.Fuzz(func(t *testing.T, text, html string, n int) {
		p := &testPage{
			Title: text, Desc: text, Href: text, Lang: text, Body: template.HTML(html), Safe: template.URL(html),
			N: n, Pages: n, Links: []testLink{{Href: text, Text: html}}, Img: &testImage{text, html}, W: testWords{html, text},
		}
		same(t, tmpl, s, "page", p)
	})
}

func BenchmarkExecute(b *testing.B) {
	tmpl, s := testSet(b, compiledSrc)
	p := randomPage(rand.New(rand.NewPCG(7, 8)))
	var buf bytes.Buffer
	b.Run("html/template", func(b *testing.B) {
		for b.Loop() {
			buf.Reset()
			_ = tmpl.ExecuteTemplate(&buf, "page", p)
		}
	})
	b.Run("htmlexec", func(b *testing.B) {
		for b.Loop() {
			buf.Reset()
			_ = s.Execute(&buf, "page", p)
		}
	})
}

func TestInterpreted(t *testing.T) {
	tmpl, s := testSet(t, compiledSrc)
	plain := s.Interpreted()
	p := randomPage(rand.New(rand.NewPCG(9, 10)))
	same(t, tmpl, plain, "page", p)
	if plain.Compiled("page", p) {
		t.Error("an interpreted set compiled page")
	}
	same(t, tmpl, s, "page", p)
	if !s.Compiled("page", p) {
		t.Error("the set it came from does not compile page")
	}
}
