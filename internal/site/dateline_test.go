package site

import (
	"html/template"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

func TestSplitDateline(t *testing.T) {
	const date, loc = "6 February 2020", "Tashkent, Uzbekistan"
	tests := []struct {
		name, body, date, loc string
		lead, rest            string // want; lead "" means no split
	}{
		{"bold dateline", "<p><strong>6 February 2020, Tashkent, Uzbekistan</strong> – Text.</p>", date, loc,
			"<p><strong>", ", Tashkent, Uzbekistan</strong> – Text.</p>"},
		{"plain paragraph", "<p>6 February 2020, Tashkent, Uzbekistan – Text.</p>", date, loc,
			"<p>", ", Tashkent, Uzbekistan – Text.</p>"},
		{"bold italic", "<p><strong><em>6 February 2020</em>, Tashkent, Uzbekistan</strong> – Text.</p>", date, loc,
			"<p><strong><em>", "</em>, Tashkent, Uzbekistan</strong> – Text.</p>"},
		{"place outside the bold", "<p><strong>6 February 2020</strong>, Tashkent, Uzbekistan – Text.</p>", date, loc,
			"<p><strong>", "</strong>, Tashkent, Uzbekistan – Text.</p>"},
		{"paragraph ends after the date", "<p>6 February 2020</p><p>, Tashkent, Uzbekistan</p>", date, loc, "", ""},
		{"no location", "<p><b>6 February 2020</b> – Text.</p>", date, "",
			"<p><b>", "</b> – Text.</p>"},
		{"another place", "<p><strong>6 February 2020, Nukus</strong> – Text.</p>", date, loc, "", ""},
		{"location not right after", "<p>6 February 2020 – Tashkent, Uzbekistan</p>", date, loc, "", ""},
		{"longer number", "<p>6 February 20201, Tashkent, Uzbekistan</p>", date, loc, "", ""},
		{"later in the paragraph", "<p>On 6 February 2020, Tashkent, Uzbekistan</p>", date, loc, "", ""},
		{"heading first", "<h2>6 February 2020, Tashkent, Uzbekistan</h2>", date, loc, "", ""},
		{"no opening tag", "6 February 2020, Tashkent, Uzbekistan", date, loc, "", ""},
		{"tag with attributes", `<p class="x">6 February 2020, Tashkent, Uzbekistan</p>`, date, loc, "", ""},
		{"no date", "<p>6 February 2020, Tashkent</p>", "", "", "", ""},
		{"escaped location", "<p><strong>5 November 2022, &lt;b&gt;Nukus &amp; &quot;Aral&quot;</strong> – x</p>", "5 November 2022", `<b>Nukus & "Aral"`,
			"<p><strong>", ", &lt;b&gt;Nukus &amp; &quot;Aral&quot;</strong> – x</p>"},
		{"unescaped location in body", "<p><strong>5 November 2022, <b>Nukus</b></strong></p>", "5 November 2022", "<b>Nukus</b>", "", ""},
		{"Russian", "<p><strong>6 февраля 2020 г., Ташкент</strong> – Текст.</p>", "6 февраля 2020 г.", "Ташкент",
			"<p><strong>", ", Ташкент</strong> – Текст.</p>"},
		{"Russian, other form", "<p><strong>6 февраля 2020 года, Ташкент</strong></p>", "6 февраля 2020 г.", "Ташкент", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lead, rest, ok := splitDateline(template.HTML(tt.body), tt.date, tt.loc)
			if want := tt.lead != ""; ok != want {
				t.Fatalf("split %v, want %v", ok, want)
			}
			if !ok {
				if lead != "" || string(rest) != tt.body {
					t.Errorf("no split, but got %q + %q", lead, rest)
				}
				return
			}
			if string(lead) != tt.lead || string(rest) != tt.rest {
				t.Errorf("got %q + %q, want %q + %q", lead, rest, tt.lead, tt.rest)
			}
			if string(lead)+tt.date+string(rest) != tt.body {
				t.Error("lead + date + rest is not the body")
			}
		})
	}
}

func TestTrimDateline(t *testing.T) {
	const date, loc = "6 February 2020", "Tashkent, Uzbekistan"
	tests := []struct{ name, s, date, loc, want string }{
		{"hyphen", "6 February 2020, Tashkent, Uzbekistan - The Office handed over.", date, loc, "The Office handed over."},
		{"en dash", "6 February 2020, Tashkent, Uzbekistan – The Office.", date, loc, "The Office."},
		{"em dash, no spaces", "6 February 2020, Tashkent, Uzbekistan—The Office.", date, loc, "The Office."},
		{"colon", "6 February 2020, Tashkent, Uzbekistan: The Office.", date, loc, "The Office."},
		{"no location", "6 February 2020 – The Office.", date, "", "The Office."},
		{"Russian", "6 февраля 2020 г., Ташкент – Офис.", "6 февраля 2020 г.", "Ташкент", "Офис."},
		{"another place", "6 February 2020, Nukus – The Office.", date, loc, "6 February 2020, Nukus – The Office."},
		{"place missing", "6 February 2020 – The Office.", date, loc, "6 February 2020 – The Office."},
		{"place only in the text", "6 February 2020, Tashkent – The Office.", date, "", "6 February 2020, Tashkent – The Office."},
		{"comma", "6 February 2020, Tashkent, Uzbekistan, The Office.", date, loc, "6 February 2020, Tashkent, Uzbekistan, The Office."},
		{"no separator", "6 February 2020, Tashkent, Uzbekistan The Office.", date, loc, "6 February 2020, Tashkent, Uzbekistan The Office."},
		{"longer number", "6 February 20201, Tashkent, Uzbekistan – x", date, loc, "6 February 20201, Tashkent, Uzbekistan – x"},
		{"date later", "On 6 February 2020, Tashkent, Uzbekistan – x", date, loc, "On 6 February 2020, Tashkent, Uzbekistan – x"},
		{"nothing after", "6 February 2020, Tashkent, Uzbekistan –", date, loc, "6 February 2020, Tashkent, Uzbekistan –"},
		{"no date", "6 February 2020 – x", "", "", "6 February 2020 – x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := trimDateline(tt.s, tt.date, tt.loc); got != tt.want {
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
		{"releases/2020/imts-success-uz/index.html", "6-fevral 2020-yil", "2020-02-06T11:00:00+05:00", false},
		{"releases/2023/water-ru/index.html", "1 марта 2023 г.", "2023-03-01T12:00:00+05:00", false}, // its dateline names another place
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
