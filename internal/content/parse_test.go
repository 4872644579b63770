package content

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// want is an expected problem: position, severity and a part of the message.
type want struct {
	line, col int
	sev       Severity
	text      string
}

func (w want) String() string {
	return fmt.Sprintf("%d:%d: %s: ...%s...", w.line, w.col, w.sev, w.text)
}

// valid is a YAML release with every rule satisfied.
const valid = "---\ntitle: Headline\ndate: 2020-02-06T10:00:00+05:00\n---\n\nFirst paragraph.\n"

// TestParseRules covers every validation rule with its exact position.
func TestParseRules(t *testing.T) {
	big := "---\ntitle: t\ndate: 2020-02-06\n---\n" + strings.Repeat("a", MaxFileSize)
	tests := []struct {
		name string
		in   string
		want []want
	}{
		{"valid", valid, nil},
		{"empty file", "", []want{{1, 1, SeverityError, "file is empty"}}},
		{"blank file", "\n  \n", []want{{1, 1, SeverityError, "file is empty"}}},
		{"no front matter", "# Title\n\nText\n", []want{{1, 1, SeverityError, "no front matter: start the file with a line '---'"}}},
		{"front matter not on line 1", "\n---\ntitle: t\n---\nx\n", []want{{1, 1, SeverityError, "no front matter on line 1: line 1 is blank, and the front matter must start on the very first line; delete the blank lines so that '---' (now on line 2) is line 1"}}},
		{"front matter after blank lines", "\n \n+++\ntitle = 't'\n+++\nx\n", []want{{1, 1, SeverityError, "lines 1–2 are blank"}}},
		{"text after a blank line", "\n# Title\n", []want{{1, 1, SeverityError, "no front matter: start the file with a line '---'"}}},
		{"utf-16 le with a byte order mark", "\xff\xfe\x2d\x04\x2d\x04", []want{{1, 1, SeverityError, "the file was saved as UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8"}}},
		{"utf-16 be with a byte order mark", "\xfe\xff\x04\x2d", []want{{1, 1, SeverityError, "saved as UTF-16"}}},
		{"unterminated yaml", "---\ntitle: t\ndate: 2020-02-06\n\nBody\n", []want{{1, 1, SeverityError, "opened with '---' on line 1 is never closed: add a line '---'"}}},
		{"unterminated toml", "+++\ntitle = 't'\n---\nBody\n", []want{{1, 1, SeverityError, "opened with '+++' on line 1 is never closed"}}},
		{"yaml scanner error", "---\ntitle: a\ndate: b: c\n---\nx\n", []want{{3, 8, SeverityError, "YAML syntax error: mapping values are not allowed"}}},
		{"yaml parser error", "---\ntitle: a\nlang: en\n  - x\n- y\n---\nx\n", []want{{5, 1, SeverityError, "YAML syntax error: did not find expected key"}}},
		{"yaml error indented line", "---\ntitle: a\ndate: 2020-02-06\n  bad: x: y\n---\nx\n", []want{{4, 6, SeverityError, "YAML syntax error"}}},
		{"yaml colon in title", "---\ntitle: Minister: plan works\ndate: 2020-02-06\n---\nx\n", []want{{2, 16, SeverityError, "mapping values are not allowed"}}},
		{"yaml colon in typographic quotes", "---\ntitle: “Minister: plan works”\ndate: 2020-02-06\n---\nx\n", []want{{2, 17, SeverityError, "this value is in typographic quotes (“…”, «…»), which YAML takes as ordinary text: put it in straight double quotes"}}},
		{"yaml colon in guillemets", "---\ntitle: «Министр: план работает»\ndate: 2020-02-06\n---\nx\n", []want{{2, 16, SeverityError, "typographic quotes"}}},
		{"yaml unterminated quote", "---\ntitle: a\ndate: \"2020\nlang: en\n---\nx\n", []want{{3, 7, SeverityError, "YAML syntax error: found unexpected end of stream: a quoted value that starts on this line is never closed"}}},
		{"yaml tab indentation", "---\ntitle: Tab\n\tdate: 2024-02-01\n---\nx\n", []want{{3, 1, SeverityError, "found a tab character that violates indentation: indent with spaces, not tabs"}}},
		{"yaml tab indentation named a line late", "---\ntitle: Tab\ndate: 2024-02-01\n\tlang: en\n---\nx\n", []want{{4, 1, SeverityError, "found a tab character that violates indentation: indent with spaces, not tabs"}}},
		{"yaml tab in a list", "---\ntitle: Tab\ntags:\n  - a\n  \t- b\n---\nx\n", []want{{5, 3, SeverityError, "found a tab character that violates indentation: indent with spaces, not tabs"}}},
		{"yaml unterminated quote on first line", "---\ntitle: \"Unclosed\ndate: 2024-01-01\nlang: en\nlocation: Tashkent\n---\nx\n", []want{{2, 8, SeverityError, "a quoted value that starts on this line is never closed"}}},
		{"yaml unterminated quote in list", "---\ntitle: a\ntags: [\"a\", \"b]\nlang: en\n---\nx\n", []want{{3, 13, SeverityError, "a quoted value that starts on this line is never closed"}}},
		{"yaml not a mapping", "---\n- a\n- b\n---\nx\n", []want{{2, 1, SeverityError, "front matter must be 'key: value' lines"}}},
		{"toml syntax error", "+++\ntitle = 'a'\ndate = \n+++\nx\n", []want{{3, 8, SeverityError, "TOML syntax error: expected value"}}},
		{"toml bare text", "+++\ntitle = 'a'\ndate = 2020-02-06\nlocation = Tashkent\n+++\nx\n", []want{{4, 12, SeverityError, "TOML syntax error"}}},
		{"missing title", "---\ndate: 2020-02-06\n---\nx\n", []want{{1, 1, SeverityError, "no title: add a line 'title:"}}},
		{"empty title", "---\ntitle: \"  \"\ndate: 2020-02-06\n---\nx\n", []want{{2, 8, SeverityError, "title is empty"}}},
		{"null title", "---\ntitle:\ndate: 2020-02-06\n---\nx\n", []want{{2, 1, SeverityError, "title is empty"}}},
		{"list title", "---\ntitle: [a, b]\ndate: 2020-02-06\n---\nx\n", []want{{2, 8, SeverityError, "title must be a single text value, not a list"}}},
		{"missing date", "---\ntitle: t\n---\nx\n", []want{{1, 1, SeverityError, "no date: add a line 'date: 2020-02-06T10:00:00+05:00'"}}},
		{"bad date", "---\ntitle: t\ndate: 6 February 2020\n---\nx\n", []want{{3, 7, SeverityError, `date "6 February 2020" is not a date: write it as RFC 3339`}}},
		{"bad month", "---\ntitle: t\ndate: 2020-13-06\n---\nx\n", []want{{3, 7, SeverityError, `date "2020-13-06" is not a date`}}},
		{"empty date", "---\ntitle: t\ndate:\n---\nx\n", []want{{3, 1, SeverityError, "date is empty"}}},
		{"bad publish_at", "---\ntitle: t\ndate: 2020-02-06\npublish_at: tomorrow\n---\nx\n", []want{{4, 13, SeverityError, `publish_at "tomorrow" is not a date`}}},
		{"bad publishDate", "---\ntitle: t\ndate: 2020-02-06\npublishDate: soon\n---\nx\n", []want{{4, 14, SeverityError, `publishDate "soon" is not a date`}}},
		{"toml bad date", "+++\ntitle = 't'\ndate = 'Feb 6'\n+++\nx\n", []want{{3, 8, SeverityError, `date "Feb 6" is not a date`}}},
		{"lang not bcp47", "---\ntitle: t\ndate: 2020-02-06\nlang: english\n---\nx\n", []want{{4, 7, SeverityError, `lang "english" is not a BCP 47 language tag`}}},
		{"lang underscore", "---\ntitle: t\ndate: 2020-02-06\nlang: en_GB\n---\nx\n", []want{{4, 7, SeverityError, `lang "en_GB" is not a BCP 47`}}},
		{"image without alt", "---\ntitle: t\ndate: 2020-02-06\nimage: a.jpg\n---\nx\n", []want{{4, 1, SeverityError, "the image has no image_alt: add 'image_alt:"}}},
		{"image with empty alt", "---\ntitle: t\ndate: 2020-02-06\nimage: a.jpg\nimage_alt: \"\"\n---\nx\n", []want{{4, 1, SeverityError, "no image_alt"}}},
		{"hugo images without alt", "---\ntitle: t\ndate: 2020-02-06\nimages: [a.jpg]\n---\nx\n", []want{{4, 1, SeverityError, "no image_alt"}}},
		{"heic image", "---\ntitle: t\ndate: 2020-02-06\nimage: photos/IMG_0042.HEIC\nimage_alt: A photo\n---\nx\n", []want{{4, 8, SeverityWarning, `image "photos/IMG_0042.HEIC" is a HEIC picture, which most browsers`}}},
		{"tiff image url", "---\ntitle: t\ndate: 2020-02-06\nimage: https://example.org/scan.tif?v=2\nimage_alt: A scan\n---\nx\n", []want{{4, 8, SeverityWarning, "is a TIFF picture"}}},
		{"alt without image", "---\ntitle: t\ndate: 2020-02-06\nimage_alt: x\n---\nx\n", []want{{4, 1, SeverityWarning, "image_alt is set but there is no image"}}},
		{"invalid utf8 in body", "---\ntitle: t\ndate: 2020-02-06\n---\nТекст \xff\n", []want{{5, 7, SeverityError, "invalid UTF-8"}}},
		{"invalid utf8 in front matter", "---\ntitle: \xc3\x28\n---\n", []want{{2, 8, SeverityError, "invalid UTF-8"}}},
		{"empty body", "---\ntitle: t\ndate: 2020-02-06\n---\n\n \n", []want{{4, 1, SeverityError, "the release has no text: write the body below the closing '---' on line 4"}}},
		{"empty body at eof", "+++\ntitle = 't'\ndate = 2020-02-06\n+++", []want{{4, 1, SeverityError, "no text"}}},
		{"file over 1 MiB", big, []want{{1, 1, SeverityError, "over the 1 MiB limit"}}},
		{"unconfigured channel", "---\ntitle: t\ndate: 2020-02-06\nchannels: [telegram, mastodon]\n---\nx\n", []want{{4, 22, SeverityError, `channel "mastodon" is not configured: use one of telegram, facebook, x`}}},
		{"channel typo block list", "---\ntitle: t\ndate: 2020-02-06\nchannels:\n  - x\n  - facbook\n---\nx\n", []want{{6, 5, SeverityError, `channel "facbook" is not configured (did you mean "facebook"?)`}}},
		{"toml unconfigured channel", "+++\ntitle = 't'\ndate = 2020-02-06\nchannels = [\"x\", \"vk\"]\n+++\nx\n", []want{{4, 19, SeverityError, `channel "vk" is not configured`}}},
		{"unknown key with suggestion", "---\ntitle: t\ndate: 2020-02-06\ntitel: u\n---\nx\n", []want{{4, 1, SeverityWarning, `unknown key "titel" is ignored: did you mean "title"?`}}},
		{"unknown camel key", "---\ntitle: t\ndate: 2020-02-06\nimageAlt: u\n---\nx\n", []want{{4, 1, SeverityWarning, `did you mean "image_alt"?`}}},
		{"unknown key no suggestion", "---\ntitle: t\ndate: 2020-02-06\nfoo_bar_baz: u\n---\nx\n", []want{{4, 1, SeverityWarning, `unknown key "foo_bar_baz" is ignored: remove it, or use one of title`}}},
		{"toml unknown key", "+++\ntitle = 't'\ndate = 2020-02-06\n  tagz = ['a']\n+++\nx\n", []want{{4, 3, SeverityWarning, `did you mean "tags"?`}}},
		{"hugo key ignored", "---\ntitle: t\ndate: 2020-02-06\nslug: s\nweight: 3\ncategories: [a]\n---\nx\n", nil},
		{"hugo expiryDate", "---\ntitle: t\ndate: 2020-02-06\nexpiryDate: 2021-01-01\n---\nx\n", []want{{4, 1, SeverityWarning, "withdrawn: true"}}},
		{"key set twice", "---\ntitle: t\ndate: 2020-02-06\ntitle: u\n---\nx\n", []want{{4, 1, SeverityError, `"title" sets title again (already set by "title" on line 2)`}}},
		{"hugo and own name", "---\ntitle: t\ndate: 2020-02-06\nsummary: a\ndescription: b\n---\nx\n", []want{{5, 1, SeverityError, `"description" sets summary again`}}},
		{"draft not bool", "---\ntitle: t\ndate: 2020-02-06\ndraft: maybe\n---\nx\n", []want{{4, 8, SeverityError, `draft must be true or false, not "maybe"`}}},
		{"withdrawn list", "---\ntitle: t\ndate: 2020-02-06\nwithdrawn: [true]\n---\nx\n", []want{{4, 12, SeverityError, "withdrawn must be true or false, not a list"}}},
		{"tags mapping", "---\ntitle: t\ndate: 2020-02-06\ntags: {a: 1}\n---\nx\n", []want{{4, 7, SeverityError, "tags must be a list of text values, not a nested table"}}},
		{"tags nested list", "---\ntitle: t\ndate: 2020-02-06\ntags: [a, [b]]\n---\nx\n", []want{{4, 11, SeverityError, "every entry of tags must be a single text value"}}},
		{"channels as text with commas", "---\ntitle: t\ndate: 2020-02-06\nchannels: telegram, fb\n---\nx\n", []want{{4, 11, SeverityError, "channel \"fb\" is not configured"}}},
		{"empty tag", "---\ntitle: t\ndate: 2020-02-06\ntags: [a, \"\"]\n---\nx\n", []want{{4, 11, SeverityWarning, "empty entry in tags is ignored"}}},
		{"several problems sorted", "---\ntitle:\ndate: x\nlang: e!\n---\n", []want{
			{2, 1, SeverityError, "title is empty"},
			{3, 7, SeverityError, `date "x" is not a date`},
			{4, 7, SeverityError, `lang "e!"`},
			{5, 1, SeverityError, "no text"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ps := Parse("r.md", "r", []byte(tt.in), Options{})
			checkProblems(t, ps, tt.want)
		})
	}
}

// checkProblems compares problems with the expected ones, in order.
func checkProblems(t *testing.T, got []Problem, want []want) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%s\nwant:\n%v", len(got), len(want), problemLines(got), want)
	}
	for i, w := range want {
		g := got[i]
		if g.Line != w.line || g.Col != w.col || g.Severity != w.sev || !strings.Contains(g.Message, w.text) {
			t.Errorf("problem %d = %s\nwant %s", i, g, w)
		}
	}
}

func problemLines(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.String() + "\n")
	}
	return b.String()
}

// TestParseFields checks the values a valid file produces, in both formats
// and with Hugo's names.
func TestParseFields(t *testing.T) {
	tashkent := time.FixedZone("UZT", 5*3600)
	yamlFile := "\xef\xbb\xbf---\r\ntitle: \"IMTs' Success\"\r\ndate: 2020-02-06\r\nlocation: Tashkent, Uzbekistan\r\nlang: uz-cyrl\r\n" +
		"translationKey: imts\r\ndescription: Lead.\r\ntags: [drugs, security]\r\nimages: [/img/a.jpg, /img/b.jpg]\r\nimage_alt: A van\r\n" +
		"channels: telegram\r\npublishDate: 2020-02-07 09:30\r\ndraft: true\r\nwithdrawn: false\r\n---\r\n\r\n\r\nBody **text**.\r\n\r\n"
	tomlFile := "+++\ntitle = \"IMTs' Success\"\ndate = 2020-02-06\nlocation = \"Tashkent, Uzbekistan\"\nlang = \"uz-Cyrl\"\n" +
		"translation_key = \"imts\"\nsummary = \"Lead.\"\ntags = [\"drugs\", \"security\"]\nimage = \"/img/a.jpg\"\nimage_alt = \"A van\"\n" +
		"channels = [\"telegram\"]\npublish_at = 2020-02-07T09:30:00\ndraft = true\n+++\n\n\nBody **text**.\n"
	for name, in := range map[string]string{"yaml": yamlFile, "toml": tomlFile} {
		t.Run(name, func(t *testing.T) {
			r, ps := Parse("content/2020/imts.md", "2020/imts", []byte(in), Options{})
			checkProblems(t, ps, nil)
			checks := []struct {
				field     string
				got, want any
			}{
				{"ID", r.ID, "2020/imts"},
				{"Path", r.Path, "content/2020/imts.md"},
				{"Title", r.Title, "IMTs' Success"},
				{"Date", r.Date.Equal(time.Date(2020, 2, 6, 0, 0, 0, 0, tashkent)), true},
				{"Location", r.Location, "Tashkent, Uzbekistan"},
				{"Lang", r.Lang, "uz-Cyrl"},
				{"TranslationKey", r.TranslationKey, "imts"},
				{"Summary", r.Summary, "Lead."},
				{"Tags", strings.Join(r.Tags, "|"), "drugs|security"},
				{"Image", r.Image, "/img/a.jpg"},
				{"ImageAlt", r.ImageAlt, "A van"},
				{"Channels", strings.Join(r.Channels, "|"), "telegram"},
				{"PublishAt", r.PublishAt.Equal(time.Date(2020, 2, 7, 9, 30, 0, 0, tashkent)), true},
				{"Draft", r.Draft, true},
				{"Withdrawn", r.Withdrawn, false},
				{"Body", r.Body, "Body **text**.\n"},
				{"BodyLine", r.BodyLine, 18 - btoi(name == "toml")},
				{"Hash", r.Hash, Hash(r)},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s = %#v, want %#v", c.field, c.got, c.want)
				}
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestParseOptions checks the zone, default language and channel options.
func TestParseOptions(t *testing.T) {
	in := "---\ntitle: t\ndate: 2020-02-06 10:00\npublish_at: 2020-02-06T10:00:00Z\nchannels: [x-ru]\n---\nx\n"
	utc := Options{Zone: time.UTC, DefaultLang: "ru", Channels: []string{"x-ru", "telegram"}}
	r, ps := Parse("a.md", "a", []byte(in), utc)
	checkProblems(t, ps, nil)
	if !r.Date.Equal(time.Date(2020, 2, 6, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("Date = %v, want 10:00 UTC", r.Date)
	}
	if !r.PublishAt.Equal(r.Date) {
		t.Errorf("PublishAt = %v, want the explicit UTC instant %v", r.PublishAt, r.Date)
	}
	if r.Lang != "ru" {
		t.Errorf("Lang = %q, want the default ru", r.Lang)
	}
	r, _ = Parse("a.md", "a", []byte(valid), Options{})
	if r.Lang != "en" {
		t.Errorf("Lang = %q, want en without options", r.Lang)
	}
	_, ps = Parse("a.md", "a", []byte(in), Options{})
	checkProblems(t, ps, []want{{5, 12, SeverityError, `channel "x-ru" is not configured`}})
}

// TestProblemString checks the text format of problems.
func TestProblemString(t *testing.T) {
	e := Problem{Path: "content/a.md", Line: 3, Col: 7, Message: "bad"}
	w := Problem{Path: "content/a.md", Line: 4, Col: 1, Severity: SeverityWarning, Message: "odd"}
	if got := e.String(); got != "content/a.md:3:7: bad" {
		t.Errorf("error String = %q", got)
	}
	if got := w.String(); got != "content/a.md:4:1: warning: odd" {
		t.Errorf("warning String = %q", got)
	}
}

// TestParseListAsText checks list keys written as one value: tags and
// channels "a, b" are split at the commas, images never is.
// TestParseNameProblems checks that a file or folder name that a web
// address cannot carry is an error at 1:1 naming it and a new name, and
// that spaces and other letters are not.
func TestParseNameProblems(t *testing.T) {
	tests := []struct{ id, want string }{
		{"2020/imts-success", ""},
		{"2020/пресс релиз 1", ""},
		{"2020/пресс релиз #1", `file name "пресс релиз #1.md" holds "#", which a web address cannot carry (this release's page would be /releases/2020/пресс релиз #1/): rename the file without ? # % \ or control characters, for example to "пресс-релиз-1.md"`},
		{"2020/why?", `file name "why?.md" holds "?"`},
		{"2020/100%", `for example to "100.md"`},
		{`2020/a\b`, `file name "a\\b.md" holds "\\"`},
		{"2020/a\tb", `holds "\t"`},
		{"2021 #2/ok", `folder name "2021 #2" holds "#", which a web address cannot carry (this release's page would be /releases/2021 #2/ok/): rename the folder without ? # % \ or control characters, for example to "2021-2"`},
	}
	for _, tt := range tests {
		_, ps := Parse(tt.id+".md", tt.id, []byte(valid), Options{})
		if tt.want == "" {
			if len(ps) != 0 {
				t.Errorf("%q: unexpected problems %v", tt.id, ps)
			}
			continue
		}
		if len(ps) != 1 || ps[0].Line != 1 || ps[0].Col != 1 || ps[0].Severity != SeverityError || !strings.Contains(ps[0].Message, tt.want) {
			t.Errorf("%q: problems %v, want one error at 1:1 containing %s", tt.id, ps, tt.want)
		}
	}
}

func TestParseListAsText(t *testing.T) {
	tests := []struct {
		name, fm string
		tags     string
		channels string
		image    string
	}{
		{"one tag", "tags: drugs\n", "drugs", "", ""},
		{"tags with commas", "tags: drugs, border security ,\n", "drugs|border security", "", ""},
		{"toml-like quoted", "tags: \"drugs, health\"\n", "drugs|health", "", ""},
		{"channels with commas", "channels: telegram, x\n", "", "telegram|x", ""},
		{"image URL with a comma", "images: https://cdn.example.org/w_300,h_200/van.jpg\nimage_alt: A van\n", "", "", "https://cdn.example.org/w_300,h_200/van.jpg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ps := Parse("r.md", "r", []byte("---\ntitle: t\ndate: 2020-02-06\n"+tt.fm+"---\nx\n"), Options{})
			checkProblems(t, ps, nil)
			if got := strings.Join(r.Tags, "|"); got != tt.tags {
				t.Errorf("Tags = %q, want %q", got, tt.tags)
			}
			if got := strings.Join(r.Channels, "|"); got != tt.channels {
				t.Errorf("Channels = %q, want %q", got, tt.channels)
			}
			if r.Image != tt.image {
				t.Errorf("Image = %q, want %q", r.Image, tt.image)
			}
		})
	}
}
