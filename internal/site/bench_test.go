package site

import (
	"fmt"
	"html/template"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/release"
)

// benchEntries makes n releases in three languages with tags, images and
// translation groups, with a body of realistic size (about 4 KB).
func benchEntries(n int) []Entry {
	langs := []string{"en", "ru", "uz"}
	tags := []string{"climate", "water", "health", "youth", "Aral Sea", "климат", "молодёжь", "iqlim", "yoshlar"}
	body := template.HTML(strings.Repeat("<p>The project provides technical assistance to <strong>climate-resilient infrastructure</strong> with funding from the European Union. <a href=\"https://www.undp.org/uzbekistan\">UNDP</a>.</p>\n", 20))
	start := time.Date(2015, 1, 1, 9, 0, 0, 0, time.FixedZone("", 5*3600))
	es := make([]Entry, n)
	for i := range es {
		d := start.Add(time.Duration(i) * 7 * time.Hour)
		r := release.Release{
			ID: fmt.Sprintf("%d/release-%d", d.Year(), i), Lang: langs[i%3], Title: fmt.Sprintf("Release number %d about water", i),
			Date: d, Location: "Tashkent, Uzbekistan", Tags: []string{tags[i%9], tags[(i/9)%9]},
			TranslationKey: fmt.Sprintf("k%d", i/3),
		}
		if i%2 == 0 {
			r.Image, r.ImageAlt = fmt.Sprintf("images/%d.jpg", i), "Participants"
		}
		es[i] = Entry{Release: r, BodyHTML: body, Summary: "The project provides technical assistance.", Published: d}
	}
	return es
}

// BenchmarkFiles renders a 1,000-release newsroom (all pages and feeds).
func BenchmarkFiles(b *testing.B) {
	es := benchEntries(1000)
	s := newSite(b, Config{BaseURL: testBase, Langs: []string{"en", "ru", "uz"}})
	b.ReportAllocs()
	for b.Loop() {
		fs, err := s.Files(es)
		if err != nil {
			b.Fatal(err)
		}
		if len(fs) < 1000 {
			b.Fatal("too few files")
		}
	}
}

// BenchmarkWrite writes a 10,000-release newsroom into a new folder each
// time (under TMPDIR: point it at a tmpfs to leave the disk out).
func BenchmarkWrite(b *testing.B) {
	es := benchEntries(10000)
	s := newSite(b, Config{BaseURL: testBase, Langs: []string{"en", "ru", "uz"}})
	dir := b.TempDir()
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		n++
		if err := s.Write(filepath.Join(dir, strconv.Itoa(n)), es); err != nil {
			b.Fatal(err)
		}
	}
}
