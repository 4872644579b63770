package site

import (
	"html/template"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/release"
)

const testBase = "https://newsroom.example.org"

// Hostile strings that must reach pages and feeds only as text.
const (
	hostileTitle   = `<script>alert("title")</script> Aid & "quotes"`
	hostileSummary = `Summary <img src=x onerror=alert(1)> end`
	hostileAlt     = `"><script>alert('alt')</script>`
	hostileTag     = `<script>tag</script>`
	hostileJSTag   = `javascript:alert(1)`
	hostileLoc     = `<b onmouseover=alert(1)>Nukus</b>`
)

// at parses an RFC 3339 time or fails the test.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// fixture returns a small newsroom: one release in three languages linked
// by a translation key, releases with local, remote and no images, and one
// whose every text field is hostile. The order is deliberately not by date.
// The English, Russian, Uzbek and hostile bodies open with their dateline,
// as press releases do (the Uzbek one in another form than the display
// date's); the others do not, or name another place.
func fixture(t testing.TB) []Entry {
	t.Helper()
	e := func(id, lang, title, date string) Entry {
		return Entry{
			Release: release.Release{ID: id, Lang: lang, Title: title, Date: at(t, date), Location: "Tashkent, Uzbekistan"},
			BodyHTML: template.HTML("<p>Body of <strong>" + template.HTMLEscapeString(title) +
				"</strong> with <a href=\"https://www.unodc.org/\">a link</a>.</p>\n<blockquote><p>“A quote.”</p></blockquote>"),
			Summary:   "Summary of " + title,
			Published: at(t, date),
		}
	}
	en := e("2020/imts-success", "en", "IMTs' Success Impacts the Security and Health of Local Communities", "2020-02-06T10:00:00+05:00")
	en.Release.TranslationKey, en.Release.Tags = "imts-2020", []string{"Drugs", "Law enforcement"}
	en.Release.Image, en.Release.ImageAlt = "/images/2020/imts.jpg", "A forensic minivan handed over in Tashkent"
	en.ImageSize, en.ImageType = 34567, "image/jpeg"
	en.Updated = at(t, "2020-02-07T09:00:00+05:00")

	ru := e("2020/imts-success-ru", "ru", "Успех МВМГ влияет на безопасность и здоровье местных сообществ", "2020-02-06T10:30:00+05:00")
	ru.Release.TranslationKey, ru.Release.Tags = "imts-2020", []string{"наркотики", "Drugs"}
	ru.Release.Location = "Ташкент, Узбекистан"
	opensWith(&en, "6 February 2020, Tashkent, Uzbekistan")
	opensWith(&ru, "6 февраля 2020 г., Ташкент, Узбекистан")

	uz := e("2020/imts-success-uz", "uz", "MIMGlar muvaffaqiyati mahalliy jamoalar xavfsizligiga ta’sir qiladi", "2020-02-06T11:00:00+05:00")
	uz.Release.TranslationKey, uz.Release.Tags = "imts-2020", []string{"giyohvandlik", "sog‘liqni saqlash"}
	opensWith(&uz, "2020-yil 6-fevral, Tashkent, Uzbekistan") // year first, as Uzbek also writes it

	aral := e("2021/aral-sea-forum", "en", "Regional forum discusses the Aral Sea", "2021-06-21T09:30:00+05:00")
	aral.Release.Tags = []string{"Aral Sea", "climate", "aral-sea"}
	aral.Release.Image, aral.Release.ImageAlt = "https://cdn.example.net/aral.png", "The dried bed of the Aral Sea"

	// Published in UTC: the site shows it in the office zone.
	late := e("2023/water-ru", "ru", "Доступ к чистой воде", "2023-03-01T12:00:00+05:00")
	late.Published = at(t, "2023-03-02T04:15:00Z")
	late.Release.Tags = []string{"климат"}
	opensWith(&late, "1 марта 2023 г., Нукус") // the meta line keeps Tashkent

	bad := e("2022/hostile", "en", hostileTitle, "2022-11-05T16:45:00+05:00")
	bad.Summary = hostileSummary
	bad.Release.Location = hostileLoc
	bad.Release.Tags = []string{hostileTag, hostileJSTag}
	bad.Release.Image, bad.Release.ImageAlt = "javascript:alert(1)", hostileAlt
	opensWith(&bad, "5 November 2022, "+hostileLoc)

	return []Entry{uz, aral, bad, en, late, ru}
}

// opensWith puts dateline, escaped, in bold in front of e's body, and in
// front of its summary, as the summary taken from such a body has it.
func opensWith(e *Entry, dateline string) {
	e.BodyHTML = template.HTML("<p><strong>"+escapeText(dateline)+"</strong> – ") + e.BodyHTML[len("<p>"):]
	e.Summary = dateline + " – " + e.Summary
}

// testConfig is the configuration of the fixture newsroom.
func testConfig() Config {
	return Config{
		BaseURL: testBase + "/", Title: "UNODC Regional Office for Central Asia",
		PerPage: 2, FeedItems: 3, Langs: []string{"en", "ru", "uz"},
	}
}

// newSite builds a Site or fails the test.
func newSite(t testing.TB, cfg Config) *Site {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// files renders the fixture with cfg.
func files(t testing.TB, cfg Config, entries []Entry) map[string][]byte {
	t.Helper()
	fs, err := newSite(t, cfg).Files(entries)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}
