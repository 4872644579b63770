// Package plaintext converts a plain-text press release, in the format the
// office issued before pressbot (a title line, a dateline opening the first
// paragraph, quotes, and a "For more information:" footer), into a Markdown
// release with YAML front matter that the content loader accepts.
//
// The converter infers what it can (title, date, location, language, slug)
// and says where each value came from; it never invents what the text does
// not say (no URLs, no times of day).
package plaintext

import (
	"errors"
	"fmt"
	"path"
	"sync"
	"time"

	"golang.org/x/text/language"
)

// DefaultZone is the office time zone used when Options.Zone is nil.
const DefaultZone = "Asia/Tashkent"

// Options tune Convert.
type Options struct {
	// Lang forces the language (a BCP 47 tag); "" detects it from the
	// dateline, then from the script and frequent words.
	Lang string
	// Zone is the zone the dateline's day is read in; nil means Asia/Tashkent.
	Zone *time.Location
}

// Result is one converted release.
type Result struct {
	// Markdown is the release: YAML front matter between "---" lines, a blank
	// line, and the body, with LF line endings.
	Markdown []byte
	Title    string
	Location string
	Lang     string
	Slug     string
	// Date is midnight of the dateline's day in the zone; zero if not found.
	Date time.Time
	// Inferred lists, one human line each, what was inferred and from where.
	Inferred []string
	// Missing lists what could not be inferred and what to do about it.
	Missing []string
}

// ErrEmpty is returned (wrapped) for input without a title line.
var ErrEmpty = errors.New("no title: the file has no text")

// RelPath returns where the release belongs under a content folder:
// "YYYY/slug.md", or "undated/slug.md" when no date was found.
func (r Result) RelPath() string {
	dir := "undated"
	if !r.Date.IsZero() {
		dir = fmt.Sprintf("%04d", r.Date.Year())
	}
	return path.Join(dir, r.Slug+".md")
}

// Convert turns a plain-text release into Markdown with front matter. It
// accepts a UTF-8 BOM, CRLF or CR line endings and trailing spaces; it
// returns an error naming the line for input that is not UTF-8, and for
// input without a title or without a body.
func Convert(text []byte, opts Options) (Result, error) {
	lines, err := normalize(text)
	if err != nil {
		return Result{}, err
	}
	doc, err := split(lines)
	if err != nil {
		return Result{}, err
	}
	var res Result
	res.Title = doc.title
	res.Inferred = append(res.Inferred, fmt.Sprintf("title: %q (line %d)", doc.title, doc.titleLine))

	zone := opts.Zone
	if zone == nil {
		zone = officeZone()
	}
	dl, hasDateline := findDateline(doc.paras[0].text)
	if hasDateline {
		res.Date = time.Date(dl.year, time.Month(dl.month), dl.day, 0, 0, 0, 0, zone)
		res.Location = dl.location
		res.Inferred = append(res.Inferred, fmt.Sprintf("date: %s (dateline %q, line %d; no time of day given, so midnight %s)",
			res.Date.Format("2006-01-02"), dl.dateText, doc.paras[0].line, zone))
		if dl.location != "" {
			res.Inferred = append(res.Inferred, fmt.Sprintf("location: %q (dateline, line %d)", dl.location, doc.paras[0].line))
		} else {
			res.Missing = append(res.Missing, "location: the dateline names no place; add `location: City, Country` to the front matter if wanted")
		}
	} else if bad, ok := impossibleDate(doc.paras[0].text); ok {
		res.Missing = append(res.Missing,
			fmt.Sprintf("date: the dateline's date %q (line %d) does not exist; correct it in the text and add `date: YYYY-MM-DD` to the front matter, then move the file from undated/ to its year", bad, doc.paras[0].line),
			"location: no dateline; add `location: City, Country` to the front matter if wanted")
	} else {
		res.Missing = append(res.Missing,
			fmt.Sprintf("date: no dateline like \"6 February 2020, Tashkent, Uzbekistan – \" opens the first paragraph (line %d); add `date: YYYY-MM-DD` to the front matter, then move the file from undated/ to its year", doc.paras[0].line),
			"location: no dateline; add `location: City, Country` to the front matter if wanted")
	}

	lang, how, err := chooseLang(opts.Lang, dl, hasDateline, doc)
	if err != nil {
		return Result{}, err
	}
	res.Lang = lang
	res.Inferred = append(res.Inferred, fmt.Sprintf("lang: %s (%s)", lang, how))

	res.Slug = Slug(res.Title)
	res.Inferred = append(res.Inferred, fmt.Sprintf("slug: %s (from the title)", res.Slug))

	body, notes := renderBody(doc, dl, hasDateline)
	res.Inferred = append(res.Inferred, notes...)
	res.Markdown = append(frontMatter(res), body...)
	return res, nil
}

// chooseLang returns the release language and how it was chosen: the
// override, else the dateline's month words, else the text itself.
func chooseLang(override string, dl dateline, hasDateline bool, doc document) (lang, how string, err error) {
	if override != "" {
		tag, err := language.Parse(override)
		if err != nil {
			return "", "", fmt.Errorf("plaintext: -lang %q is not a BCP 47 language tag (e.g. en, ru, uz, uz-Cyrl): %w", override, err)
		}
		return tag.String(), "given with -lang", nil
	}
	if hasDateline && dl.lang != "" {
		return dl.lang, fmt.Sprintf("month word %q in the dateline", dl.month0), nil
	}
	return detectLang(doc.allText())
}

// officeZone loads DefaultZone once, falling back to its fixed offset
// (+05:00 since 1992) where the system has no time zone database.
var officeZone = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation(DefaultZone); err == nil {
		return loc
	}
	return time.FixedZone(DefaultZone, 5*60*60)
})
