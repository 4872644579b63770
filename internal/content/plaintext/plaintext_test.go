package plaintext

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/pressbot/pressbot/internal/content"
	"github.com/yuin/goldmark"
	"go.yaml.in/yaml/v3"
	"golang.org/x/net/html"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// readFixture returns testdata/name.
func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestConvert(t *testing.T) {
	tashkent := officeZone()
	tests := []struct {
		name                   string
		file, text             string
		opts                   Options
		title, date, loc, lang string
		path                   string
		inBody, notInBody      []string
		missing                []string
		inferred               []string
	}{
		{
			name: "seed en", file: "en_seed.txt",
			title: "IMTs' Success Impacts the Security and Health of Local Communities",
			date:  "2020-02-06T00:00:00+05:00", loc: "Tashkent, Uzbekistan", lang: "en",
			path:      "2020/imts-success-impacts-the-security.md",
			inBody:    []string{"**6 February 2020, Tashkent, Uzbekistan** - The United Nations", "For more information:\n\n- UNODC ROCA on Twitter\n- UNODC in Central Asia on Facebook\n", "\n\n\"As a part of"},
			notInBody: []string{"http", "](", "\u00a0"},
			inferred:  []string{`month word "February"`, "made a list of 2 item(s)"},
		},
		{
			name: "ru", file: "ru.txt",
			title: "УНП ООН передало Узбекистану мобильную криминалистическую лабораторию",
			date:  "2020-02-06T00:00:00+05:00", loc: "Ташкент, Узбекистан", lang: "ru",
			path:     "2020/unp-oon-peredalo-uzbekistanu-mobilnuyu.md",
			inBody:   []string{"**6 февраля 2020 г., Ташкент, Узбекистан** – Региональное представительство Управления Организации", "- Пресс-служба: <press@example.org>\n"},
			inferred: []string{`month word "февраля"`},
		},
		{
			name: "uz", file: "uz.txt",
			title: "BMT Taraqqiyot Dasturi Qoraqalpog‘istonda toza ichimlik suvi loyihasini boshladi",
			date:  "2021-03-12T00:00:00+05:00", loc: "Nukus, O‘zbekiston", lang: "uz",
			path:   "2021/bmt-taraqqiyot-dasturi-qoraqalpogistonda-toza.md",
			inBody: []string{"**12-mart 2021-yil, Nukus, O‘zbekiston** — BMT", "- O‘zbekistondagi BMTTD: <https://www.undp.org/uzbekistan>\n- Matbuot xizmati: <press@example.org>\n"},
		},
		{
			name: "uz okina, BOM, CRLF, year first", file: "uz_crlf_okina.txt",
			title: "Yoshlar raqamli koʻnikmalarni oʻrganmoqda",
			date:  "2022-05-05T00:00:00+05:00", loc: "Samarqand, Oʻzbekiston", lang: "uz",
			path:      "2022/yoshlar-raqamli-konikmalarni-organmoqda.md",
			inBody:    []string{"ochildi.\n\nKurslar BMT", "Qo'shimcha ma'lumot uchun:\n\n- Loyiha sahifasi\n"},
			notInBody: []string{"\r", "\uFEFF", "  "},
		},
		{
			name: "markdown characters escaped", file: "en_markdown_chars.txt",
			title: "# 1 priority: *water* & [sanitation] for <all>",
			date:  "2020-02-06T00:00:00+05:00", loc: "ALMATY, Kazakhstan", lang: "en",
			path: "2020/1-priority-water-sanitation-for-all.md",
			inBody: []string{
				"**February 6, 2020, ALMATY, Kazakhstan** -- The office's 2020\\_plan (see \\`annex\\`) lists: 1. clean water - toilets > 100 + more & more \\&amp; \\&#169; \\~\\~done\\~\\~ \\*\\*\\*",
				"\\> \"Quotes\" with a backslash \\\\ and a\\_b\\_c and 5\\*3=15.",
				"\\# Not a heading --- === \\<div>not html\\</div> \\[ref\\]: <https://example.org/not-a-definition>",
				"- Jane Doe, <jane.doe@example.org>, +998 71 120 00 00\n- Web: <https://example.org/path_(with)_parens>.\n",
			},
		},
		{
			name: "lists kept", file: "en_lists.txt",
			title: "Schools for Karakalpakstan", date: "2021-05-10T00:00:00+05:00", loc: "Nukus, Uzbekistan", lang: "en",
			path: "2021/schools-for-karakalpakstan.md",
			inBody: []string{
				"**10 May 2021, Nukus, Uzbekistan** – The project will:\n\n- build 10 schools\n- train 200 \\*teachers\\*, and their heads\n\n",
				"\"We start in June.\" - said the project coordinator.\n\n",
				"Next steps:\n\n3. Third step\n4. Fourth step\n",
			},
			inferred: []string{"list: line 4: 2 item(s)", "list: line 13: 2 item(s)"},
		},
		{
			name: "lang override", file: "en_seed.txt", opts: Options{Lang: "EN-gb"},
			title: "IMTs' Success Impacts the Security and Health of Local Communities",
			date:  "2020-02-06T00:00:00+05:00", loc: "Tashkent, Uzbekistan", lang: "en-GB",
			path: "2020/imts-success-impacts-the-security.md", inferred: []string{"given with -lang"},
		},
		{
			name: "other zone", file: "en_seed.txt", opts: Options{Zone: time.FixedZone("X", -3*3600)},
			title: "IMTs' Success Impacts the Security and Health of Local Communities",
			date:  "2020-02-06T00:00:00-03:00", loc: "Tashkent, Uzbekistan", lang: "en",
			path: "2020/imts-success-impacts-the-security.md",
		},
		{
			name: "no dateline: undated, Cyrillic detected", text: "Заголовок\n\nТекст без даты и места.\n",
			title: "Заголовок", lang: "ru", path: "undated/zagolovok.md",
			missing:  []string{"date: no dateline", "location: no dateline"},
			inferred: []string{"Cyrillic text without Uzbek letters"},
		},
		{
			name: "uz Cyrillic", text: "Ёшлар учун янги марказ\n\n2023 йил 1 июнь, Тошкент, Ўзбекистон – Ёшлар учун қўшимча ўқув маркази очилди. Ҳокимлик ғояни қўллади.\n",
			title: "Ёшлар учун янги марказ", date: "2023-06-01T00:00:00+05:00", loc: "Тошкент, Ўзбекистон", lang: "uz-Cyrl",
			path: "2023/yoshlar-uchun-yangi-markaz.md",
		},
		{
			name: "Uzbek Latin detected without dateline month", text: "Yangi loyiha\n\n06.02.2020, Toshkent — Loyiha yoshlar uchun va ayollar uchun bo‘lib, hamkorlik bilan amalga oshiriladi.\n",
			title: "Yangi loyiha", date: "2020-02-06T00:00:00+05:00", loc: "Toshkent", lang: "uz",
			path: "2020/yangi-loyiha.md", inferred: []string{"Uzbek letters and words"},
		},
		{
			name: "place first, em dash without spaces", text: "Title\n\nBishkek, Kyrgyzstan, 3 March 2021—Text.\n",
			title: "Title", date: "2021-03-03T00:00:00+05:00", loc: "Bishkek, Kyrgyzstan", lang: "en",
			path: "2021/title.md", inBody: []string{"**Bishkek, Kyrgyzstan, 3 March 2021** — Text.\n"},
		},
		{
			name: "date inside a sentence is no dateline", text: "Title\n\nOn 6 February 2020 Tashkent - hosted a forum.\n",
			title: "Title", lang: "en", path: "undated/title.md", missing: []string{"date: no dateline"},
		},
		{
			name: "weekday is not a place", text: "Title\n\nThursday, 6 February 2020, Tashkent – Text.\n",
			title: "Title", date: "2020-02-06T00:00:00+05:00", loc: "Tashkent", lang: "en", path: "2020/title.md",
			inBody: []string{"**Thursday, 6 February 2020, Tashkent** – Text."},
		},
		{
			name: "date without place", text: "Title\n\n3 March 2021 – Text here.\n",
			title: "Title", date: "2021-03-03T00:00:00+05:00", lang: "en", path: "2021/title.md",
			missing: []string{"location: the dateline names no place"},
		},
		{
			name: "impossible date is no dateline", text: "Title\n\n31 February 2021, Tashkent - Text.\n",
			title: "Title", lang: "en", path: "undated/title.md", missing: []string{"date: the dateline's date \"31 February 2021\" (line 3) does not exist", "location: no dateline"},
			inBody: []string{"31 February 2021, Tashkent - Text."},
		},
		{
			name: "hyphen inside a sentence is no dateline", text: "Title\n\nOn 6 February 2020 the office in well-known Tashkent - as planned - opened.\n",
			title: "Title", lang: "en", path: "undated/title.md", missing: []string{"date: no dateline"},
		},
		{
			name: "dateline alone on its line", text: "Title\n\n6 February 2020, Tashkent\n\nText.\n",
			title: "Title", date: "2020-02-06T00:00:00+05:00", loc: "Tashkent", lang: "en",
			path: "2020/title.md", inBody: []string{"**6 February 2020, Tashkent**\n\nText.\n"},
		},
		{
			name: "one paragraph per line, no blank lines", text: "Title\n6 February 2020, Tashkent - " + strings.Repeat("Long first paragraph. ", 8) +
				"\n\"A short quote.\" - said the Minister.\n" + strings.Repeat("Another long paragraph. ", 6) + "\n- one\n- two\nFor more information:\nOffice on Facebook\n",
			title: "Title", date: "2020-02-06T00:00:00+05:00", loc: "Tashkent", lang: "en", path: "2020/title.md",
			inBody: []string{"paragraph.\n\n\"A short quote.\" - said the Minister.\n\nAnother long", "paragraph.\n\n- one\n- two\n\nFor more information:\n\n- Office on Facebook\n"},
		},
		{
			name: "lines of a paragraph are joined", text: "Title\n\nOne\ntwo\n- three\n",
			title: "Title", lang: "en", path: "undated/title.md", inBody: []string{"One two - three\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte(tt.text)
			if tt.file != "" {
				in = readFixture(t, tt.file)
			}
			res, err := Convert(in, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			date := ""
			if !res.Date.IsZero() {
				date = res.Date.Format(time.RFC3339)
				if tt.opts.Zone == nil && res.Date.Location().String() != tashkent.String() {
					t.Errorf("zone = %v, want %v", res.Date.Location(), tashkent)
				}
			}
			got := []string{res.Title, date, res.Location, res.Lang, res.RelPath()}
			want := []string{tt.title, tt.date, tt.loc, tt.lang, tt.path}
			for i, name := range []string{"title", "date", "location", "lang", "path"} {
				if got[i] != want[i] {
					t.Errorf("%s = %q, want %q", name, got[i], want[i])
				}
			}
			md := string(res.Markdown)
			for _, s := range tt.inBody {
				if !strings.Contains(md, s) {
					t.Errorf("Markdown lacks %q:\n%s", s, md)
				}
			}
			for _, s := range tt.notInBody {
				if strings.Contains(md, s) {
					t.Errorf("Markdown has %q:\n%s", s, md)
				}
			}
			assertLines(t, "Missing", res.Missing, tt.missing)
			assertLines(t, "Inferred", res.Inferred, tt.inferred)
			if tt.missing == nil && len(res.Missing) > 0 && date != "" && tt.loc != "" {
				t.Errorf("Missing = %q, want none", res.Missing)
			}
			checkMarkdown(t, res)
		})
	}
}

// assertLines checks that each of want is a substring of some line.
func assertLines(t *testing.T, name string, lines, want []string) {
	t.Helper()
	for _, w := range want {
		found := false
		for _, l := range lines {
			found = found || strings.Contains(l, w)
		}
		if !found {
			t.Errorf("%s has no line with %q: %q", name, w, lines)
		}
	}
}

func TestConvertErrors(t *testing.T) {
	tests := []struct {
		name, text string
		opts       Options
		want       string
	}{
		{"empty", "", Options{}, "no title"},
		{"blank lines only", " \r\n\t\n\u00a0\n", Options{}, "no title"},
		{"title only", "\n\nJust a title\n\n", Options{}, "line 3: nothing follows the title"},
		{"not UTF-8", "Title\n\n6 \xe4\xe5\xea\xe0\xe1\xf0\xff 2020\n", Options{}, "line 3: not UTF-8"},
		{"UTF-16 with a byte order mark", "\xff\xfeT\x00i\x00t\x00l\x00e\x00\n\x00", Options{}, "the file is UTF-16 text, not UTF-8; convert it first (e.g. iconv -f UTF-16 -t UTF-8"},
		{"UTF-16 without one", "T\x00i\x00t\x00l\x00e\x00\n\x00\n\x00T\x00e\x00x\x00t\x00", Options{}, "the file is UTF-16 text"},
		{"bad -lang", "Title\n\nText.\n", Options{Lang: "not a tag!"}, `-lang "not a tag!" is not a BCP 47`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Convert([]byte(tt.text), tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "plaintext: ") {
				t.Errorf("err = %v, want the package prefix", err)
			}
		})
	}
}

func TestSlug(t *testing.T) {
	tests := []struct{ title, want string }{
		{"IMTs' Success Impacts the Security and Health of Local Communities", "imts-success-impacts-the-security"},
		{"Ёлка и Йошкар-Ола: съезд", "yolka-i-yoshkar-ola-sezd"},
		{"O‘zbekiston va G‘arbiy Osiyo", "ozbekiston-va-garbiy-osiyo"},
		{"Café à Genève", "cafe-a-geneve"},
		{"Ўзбекистон, Қорақалпоғистон ва Ҳоразм", "ozbekiston-qoraqalpogiston-va-horazm"},
		{"!!! ???", "release"},
		{"中文标题", "release"},
		{strings.Repeat("a", 80) + " b", strings.Repeat("a", 50)},
		{"Supercalifragilistic expialidocious extraordinarily long words beyond", "supercalifragilistic-expialidocious"},
		{"UN and the", "un"},
	}
	for _, tt := range tests {
		if got := Slug(tt.title); got != tt.want {
			t.Errorf("Slug(%q) = %q, want %q", tt.title, got, tt.want)
		}
		if got := Slug(tt.title); len(got) > maxSlugLen || strings.Count(got, "-") >= maxSlugWords {
			t.Errorf("Slug(%q) = %q: over the limits", tt.title, got)
		}
	}
}

// TestGolden converts each testdata/*.txt and compares with its .md file;
// run with -update to rewrite them after a deliberate change.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			res, err := Convert(readFixture(t, filepath.Base(f)), Options{})
			if err != nil {
				t.Fatal(err)
			}
			golden := strings.TrimSuffix(f, ".txt") + ".md"
			if *update {
				if err := os.WriteFile(golden, res.Markdown, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(res.Markdown, want) {
				t.Errorf("%s differs from the conversion (run go test -update if intended); got:\n%s", golden, res.Markdown)
			}
		})
	}
}

// checkMarkdown asserts what must hold for every conversion: LF only, a
// YAML front matter block that reads back the result's fields, and a body
// that renders to the input's text.
func checkMarkdown(t testing.TB, res Result) {
	t.Helper()
	md := string(res.Markdown)
	if strings.Contains(md, "\r") {
		t.Errorf("Markdown has CR")
	}
	fm, body, ok := splitFrontMatter(md)
	if !ok {
		t.Fatalf("no front matter block:\n%s", md)
	}
	var meta struct {
		Title    string    `yaml:"title"`
		Date     time.Time `yaml:"date"`
		Location string    `yaml:"location"`
		Lang     string    `yaml:"lang"`
	}
	if err := yaml.Unmarshal([]byte(fm), &meta); err != nil {
		t.Fatalf("front matter is not YAML: %v\n%s", err, fm)
	}
	if meta.Title != res.Title || meta.Location != res.Location || meta.Lang != res.Lang || !meta.Date.Equal(res.Date) {
		t.Errorf("front matter reads back %+v, want title %q date %v location %q lang %q", meta, res.Title, res.Date, res.Location, res.Lang)
	}
	if strings.TrimSpace(body) == "" {
		t.Errorf("empty body")
	}
	passesCheck(t, res)
}

// passesCheck asserts that the content loader finds no error in the
// release (an undated one is given a stand-in date: its missing date is
// reported to the user, not hidden).
func passesCheck(t testing.TB, res Result) {
	t.Helper()
	md := res.Markdown
	stand := res.Date.IsZero() // a stand-in date, as the user would add
	if stand {
		md = append([]byte("---\ndate: 2000-01-01\n"), md[len("---\n"):]...)
	}
	rel := res.RelPath()
	r, problems := content.Parse(rel, strings.TrimSuffix(rel, ".md"), md, content.Options{})
	for _, p := range problems {
		if stand && strings.Contains(p.Message, "the text's dateline says") {
			continue // the text opens with another date than the stand-in
		}
		t.Errorf("check: %s", p)
	}
	if r.Title != res.Title || r.Lang != res.Lang {
		t.Errorf("loader read title %q lang %q, want %q %q", r.Title, r.Lang, res.Title, res.Lang)
	}
}

// splitFrontMatter returns the YAML between the "---" lines and the body.
func splitFrontMatter(md string) (fm, body string, ok bool) {
	rest, ok := strings.CutPrefix(md, "---\n")
	if !ok {
		return "", "", false
	}
	fm, body, ok = strings.Cut(rest, "\n---\n")
	return fm, body, ok
}

// TestRendersAsText checks that the escaping works: each body renders,
// with CommonMark, to the text of the input (white space aside).
func TestRendersAsText(t *testing.T) {
	for _, name := range []string{"en_markdown_chars.txt", "en_seed.txt", "ru.txt"} {
		in := readFixture(t, name)
		res, err := Convert(in, Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, body, _ := splitFrontMatter(string(res.Markdown))
		got := renderedText(t, body)
		want := inputBodyText(in, res.Title)
		want = strings.NewReplacer("•", "").Replace(want) // footer bullets become list items
		if got != want {
			t.Errorf("%s renders as\n%s\nwant\n%s", name, got, want)
		}
	}
}

// renderedText renders Markdown with goldmark and returns the text of the
// HTML without any white space.
func renderedText(t testing.TB, md string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := goldmark.Convert([]byte(md), &buf); err != nil {
		t.Fatal(err)
	}
	z := html.NewTokenizer(&buf)
	var b strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return stripSpace(b.String())
		case html.TextToken:
			b.Write(z.Text())
		}
	}
}

// inputBodyText returns the input after its title line, without white
// space or control characters.
func inputBodyText(in []byte, title string) string {
	s := strings.TrimPrefix(string(in), "\uFEFF")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\uFEFF' {
			return -1
		}
		return r
	}, s)
	_, after, _ := strings.Cut(s, title)
	return stripSpace(after)
}

// stripSpace removes every white-space character.
func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// BenchmarkConvert converts the seed release.
func BenchmarkConvert(b *testing.B) {
	in := readFixture(b, "en_seed.txt")
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := Convert(in, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
