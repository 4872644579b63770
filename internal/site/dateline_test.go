package site

import (
	"html/template"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// feb6 and nov5 are the dates of the dateline tests' releases.
var (
	feb6 = time.Date(2020, 2, 6, 10, 0, 0, 0, time.UTC)
	nov5 = time.Date(2022, 11, 5, 16, 45, 0, 0, time.UTC)
)

func TestSplitDateline(t *testing.T) {
	const loc = "Tashkent, Uzbekistan"
	tests := []struct {
		name, body string
		day        time.Time
		lang, loc  string
		lead, rest string // want; lead "" means no split
	}{
		{"bold dateline", "<p><strong>6 February 2020, Tashkent, Uzbekistan</strong> – Text.</p>", feb6, "en", loc,
			"<p><strong>", ", Tashkent, Uzbekistan</strong> – Text.</p>"},
		{"plain paragraph", "<p>6 February 2020, Tashkent, Uzbekistan – Text.</p>", feb6, "en", loc,
			"<p>", ", Tashkent, Uzbekistan – Text.</p>"},
		{"bold italic", "<p><strong><em>6 February 2020</em>, Tashkent, Uzbekistan</strong> – Text.</p>", feb6, "en", loc,
			"<p><strong><em>", "</em>, Tashkent, Uzbekistan</strong> – Text.</p>"},
		{"place outside the bold", "<p><strong>6 February 2020</strong>, Tashkent, Uzbekistan – Text.</p>", feb6, "en", loc,
			"<p><strong>", "</strong>, Tashkent, Uzbekistan – Text.</p>"},
		{"paragraph ends after the date", "<p>6 February 2020</p><p>, Tashkent, Uzbekistan</p>", feb6, "en", loc, "", ""},
		{"no location", "<p><b>6 February 2020</b> – Text.</p>", feb6, "en", "",
			"<p><b>", "</b> – Text.</p>"},
		{"month first", "<p><b>February 6, 2020</b> – Text.</p>", feb6, "en", "",
			"<p><b>", "</b> – Text.</p>"},
		{"another place", "<p><strong>6 February 2020, Nukus</strong> – Text.</p>", feb6, "en", loc, "", ""},
		{"another day", "<p><strong>7 February 2020, Tashkent, Uzbekistan</strong> – Text.</p>", feb6, "en", loc, "", ""},
		{"location not right after", "<p>6 February 2020 – Tashkent, Uzbekistan</p>", feb6, "en", loc, "", ""},
		{"longer number", "<p>6 February 20201, Tashkent, Uzbekistan</p>", feb6, "en", loc, "", ""},
		{"later in the paragraph", "<p>On 6 February 2020, Tashkent, Uzbekistan</p>", feb6, "en", loc, "", ""},
		{"heading first", "<h2>6 February 2020, Tashkent, Uzbekistan</h2>", feb6, "en", loc, "", ""},
		{"no opening tag", "6 February 2020, Tashkent, Uzbekistan", feb6, "en", loc, "", ""},
		{"tag with attributes", `<p class="x">6 February 2020, Tashkent, Uzbekistan</p>`, feb6, "en", loc, "", ""},
		{"escaped location", "<p><strong>5 November 2022, &lt;b&gt;Nukus &amp; &quot;Aral&quot;</strong> – x</p>", nov5, "en", `<b>Nukus & "Aral"`,
			"<p><strong>", ", &lt;b&gt;Nukus &amp; &quot;Aral&quot;</strong> – x</p>"},
		{"unescaped location in body", "<p><strong>5 November 2022, <b>Nukus</b></strong></p>", nov5, "en", "<b>Nukus</b>", "", ""},
		{"Russian", "<p><strong>6 февраля 2020 г., Ташкент</strong> – Текст.</p>", feb6, "ru", "Ташкент",
			"<p><strong>", ", Ташкент</strong> – Текст.</p>"},
		{"Russian, года", "<p><strong>6 февраля 2020 года, Ташкент</strong></p>", feb6, "ru", "Ташкент",
			"<p><strong>", ", Ташкент</strong></p>"},
		{"Uzbek, year first", "<p><strong>2020-yil 6-fevral, Toshkent</strong> – Matn.</p>", feb6, "uz", "Toshkent",
			"<p><strong>", ", Toshkent</strong> – Matn.</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lead, date, rest, ok := splitDateline(template.HTML(tt.body), tt.day, tt.lang, tt.loc)
			if want := tt.lead != ""; ok != want {
				t.Fatalf("split %v, want %v", ok, want)
			}
			if !ok {
				if lead != "" || date != "" || string(rest) != tt.body {
					t.Errorf("no split, but got %q + %q + %q", lead, date, rest)
				}
				return
			}
			if string(lead) != tt.lead || string(rest) != tt.rest {
				t.Errorf("got %q + %q, want %q + %q", lead, rest, tt.lead, tt.rest)
			}
			if string(lead)+date+string(rest) != tt.body {
				t.Errorf("lead + date %q + rest is not the body", date)
			}
		})
	}
}

func TestTrimDateline(t *testing.T) {
	const loc = "Tashkent, Uzbekistan"
	tests := []struct {
		name, s   string
		day       time.Time
		lang, loc string
		want      string
	}{
		{"hyphen", "6 February 2020, Tashkent, Uzbekistan - The Office handed over.", feb6, "en", loc, "The Office handed over."},
		{"en dash", "6 February 2020, Tashkent, Uzbekistan – The Office.", feb6, "en", loc, "The Office."},
		{"em dash, no spaces", "6 February 2020, Tashkent, Uzbekistan—The Office.", feb6, "en", loc, "The Office."},
		{"colon", "6 February 2020, Tashkent, Uzbekistan: The Office.", feb6, "en", loc, "The Office."},
		{"no location", "6 February 2020 – The Office.", feb6, "en", "", "The Office."},
		{"Russian", "6 февраля 2020 г., Ташкент – Офис.", feb6, "ru", "Ташкент", "Офис."},
		{"Russian, года", "6 февраля 2020 года, Ташкент – Офис.", feb6, "ru", "Ташкент", "Офис."},
		{"Uzbek, year first", "2020-yil 6-fevral, Toshkent – Ofis.", feb6, "uz", "Toshkent", "Ofis."},
		{"another day", "7 February 2020, Tashkent, Uzbekistan – The Office.", feb6, "en", loc, "7 February 2020, Tashkent, Uzbekistan – The Office."},
		{"another place", "6 February 2020, Nukus – The Office.", feb6, "en", loc, "6 February 2020, Nukus – The Office."},
		{"place missing", "6 February 2020 – The Office.", feb6, "en", loc, "6 February 2020 – The Office."},
		{"place only in the text", "6 February 2020, Tashkent – The Office.", feb6, "en", "", "6 February 2020, Tashkent – The Office."},
		{"comma", "6 February 2020, Tashkent, Uzbekistan, The Office.", feb6, "en", loc, "6 February 2020, Tashkent, Uzbekistan, The Office."},
		{"no separator", "6 February 2020, Tashkent, Uzbekistan The Office.", feb6, "en", loc, "6 February 2020, Tashkent, Uzbekistan The Office."},
		{"longer number", "6 February 20201, Tashkent, Uzbekistan – x", feb6, "en", loc, "6 February 20201, Tashkent, Uzbekistan – x"},
		{"date later", "On 6 February 2020, Tashkent, Uzbekistan – x", feb6, "en", loc, "On 6 February 2020, Tashkent, Uzbekistan – x"},
		{"nothing after", "6 February 2020, Tashkent, Uzbekistan –", feb6, "en", loc, "6 February 2020, Tashkent, Uzbekistan –"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := trimDateline(tt.s, tt.day, tt.lang, tt.loc); got != tt.want {
				t.Errorf("trimDateline(%q) = %q, want %q", tt.s, got, tt.want)
			}
		})
	}
}

// TestListSummaryWithoutDateline checks that a list row, under its meta
// line of date and place, shows the summary without the same dateline,
// while the feeds keep the summary whole.
func TestListSummaryWithoutDateline(t *testing.T) {
	fs := files(t, testConfig(), fixture(t))
	const dateline = "6 February 2020, Tashkent, Uzbekistan – "
	row := "Summary of IMTs' Success Impacts the Security and Health of Local Communities"
	for _, page := range []string{"tags/drugs/index.html", "page/3/index.html", "en/page/2/index.html"} {
		doc := parsePage(t, page, fs[page])
		var summaries []string
		for _, p := range elements(doc, atom.P) {
			if s, _ := text(p, atom.P); strings.Contains(s, "Summary of IMTs") {
				summaries = append(summaries, s)
			}
		}
		if len(summaries) != 1 || summaries[0] != row {
			t.Errorf("%s: summaries %q, want [%q]", page, summaries, row)
		}
	}
	if !strings.Contains(string(fs["en/feed.json"]), dateline+row) {
		t.Errorf("en/feed.json lacks the whole summary %q", dateline+row)
	}
}

// TestReleasePageDateOnce checks that a release page shows its date once:
// inside the body's dateline, marked up as <time>, when the body opens
// with it, and in the meta line under the title otherwise.
func TestReleasePageDateOnce(t *testing.T) {
	fs := files(t, testConfig(), fixture(t))
	tests := []struct {
		page, date, iso string
		inBody          bool
	}{
		{"releases/2020/imts-success/index.html", "6 February 2020", "2020-02-06T10:00:00+05:00", true},
		{"releases/2020/imts-success-ru/index.html", "6 февраля 2020 г.", "2020-02-06T10:30:00+05:00", true},
		{"releases/2022/hostile/index.html", "5 November 2022", "2022-11-05T16:45:00+05:00", true},
		{"releases/2020/imts-success-uz/index.html", "2020-yil 6-fevral", "2020-02-06T11:00:00+05:00", true}, // as its body writes it
		{"releases/2023/water-ru/index.html", "1 марта 2023 г.", "2023-03-01T12:00:00+05:00", false},         // its dateline names another place
	}
	for _, tt := range tests {
		t.Run(tt.page, func(t *testing.T) {
			doc := parsePage(t, tt.page, fs[tt.page])
			article := elements(doc, atom.Article)[0]
			var all strings.Builder
			walk(article, func(n *html.Node) {
				if n.Type == html.TextNode {
					all.WriteString(n.Data)
				}
			})
			if c := strings.Count(all.String(), tt.date); c != 1 && tt.inBody {
				t.Errorf("date %q shown %d times", tt.date, c)
			}
			times := elements(article, atom.Time)
			if len(times) != 1 {
				t.Fatalf("%d <time> elements, want 1", len(times))
			}
			if v, _ := attr(times[0], "datetime"); v != tt.iso {
				t.Errorf("datetime %q, want %q", v, tt.iso)
			}
			if got, _ := text(times[0], atom.Time); got != tt.date {
				t.Errorf("<time> says %q, want %q", got, tt.date)
			}
			parent := times[0].Parent
			for parent != nil && parent.DataAtom != atom.Div && parent.DataAtom != atom.Header {
				parent = parent.Parent
			}
			if inBody := parent != nil && parent.DataAtom == atom.Div; inBody != tt.inBody {
				t.Errorf("<time> in the body %v, want %v", inBody, tt.inBody)
			}
		})
	}
}
