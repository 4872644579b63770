package site

import (
	"bytes"
	"strings"
	"testing"
)

// TestExecuteListSameAsPlain compares every list page that executeList
// writes, its rows spliced in where the template left rowsMark, with the
// page the plain way makes, rows joined before the template runs: also
// with NUL bytes, the mark itself, Cyrillic and invalid UTF-8 in every
// text a list page shows.
func TestExecuteListSameAsPlain(t *testing.T) {
	for _, tc := range []struct {
		name, title string
		n           int
		edit        func(i int, e *Entry)
	}{
		{"plain", "Newsroom", 40, nil},
		{"no releases", "Newsroom", 0, nil},
		{"one release", "Newsroom", 1, nil},
		{"nul in texts", "News\x00room", 30, func(i int, e *Entry) {
			e.Release.Title += "\x00"
			e.Summary = rowsMark + e.Summary
			e.Release.Location = "\x00Tashkent" + rowsMark
		}},
		{"mark in tags and title", rowsMark, 30, func(i int, e *Entry) {
			e.Release.Tags = append(e.Release.Tags, rowsMark, "климат\x00"+strings.Repeat("x", i))
		}},
		{"cyrillic and invalid utf-8", "Пресс-центр \xff", 30, func(i int, e *Entry) {
			e.Release.Title = "Правительство \xff\xfe " + strings.Repeat("ё", i)
			e.Summary = "Oʻzbekiston ‘…’ \xc3"
			e.Release.Tags = []string{"Аральское море", "\xe2\x80"}
		}},
		{"long rows", "Newsroom", 12, func(i int, e *Entry) {
			e.Summary = strings.Repeat("<&\"'+> ", 300)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			es := benchEntries(tc.n)
			for i := range es {
				if tc.edit != nil {
					tc.edit(i, &es[i])
				}
			}
			s := newSite(t, Config{BaseURL: testBase, Title: tc.title, Langs: []string{"en", "ru", "uz"}, PerPage: 7})
			m, err := s.model(es)
			if err != nil {
				t.Fatal(err)
			}
			m.tags, m.folders = groupTags(m.items), folders(m.items)
			lists := [][]*item{m.items, m.byLang["ru"], nil}
			for _, tg := range m.tags {
				lists = append(lists, tg.Items)
			}
			for _, f := range m.folders {
				lists = append(lists, f.Items)
			}
			for i, items := range lists {
				compareList(t, s, m, i, items)
			}
		})
	}
}

// compareList fails unless executeList and executeListPlain write the
// same page for the first, the second and the last PerPage items.
func compareList(t *testing.T, s *Site, m *model, i int, items []*item) {
	t.Helper()
	l := listing{dir: "tags/x/", lang: "en", heading: "Heading " + s.cfg.Title, title: s.cfg.Title}
	per := s.cfg.PerPage
	pages := max(1, (len(items)+per-1)/per)
	for _, n := range []int{1, min(2, pages), pages} {
		rows := items[(n-1)*per : min(n*per, len(items))]
		var got, want bytes.Buffer
		got.WriteString("before")
		want.WriteString("before")
		for _, out := range []struct {
			buf *bytes.Buffer
			run func(*bytes.Buffer, *page, []*item) error
		}{{&got, s.executeList}, {&want, s.executeListPlain}} {
			p, err := s.listPage(m, l, len(rows) == 0, n, pages)
			if err != nil {
				t.Fatal(err)
			}
			if err := out.run(out.buf, p, rows); err != nil {
				t.Fatal(err)
			}
		}
		if got.String() != want.String() {
			t.Fatalf("list %d page %d:\n got %q\nwant %q", i, n, got.String(), want.String())
		}
		if len(rows) > 0 && !strings.Contains(want.String(), `<ol class="releases">`) {
			t.Fatalf("list %d page %d has no rows: %q", i, n, want.String())
		}
	}
}
