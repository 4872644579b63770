package content

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pressbot/pressbot/internal/datefmt"
	"github.com/pressbot/pressbot/internal/markdown"
	"github.com/pressbot/pressbot/internal/release"
)

// Parse reads one release file. path is used in problems and Release.Path;
// id becomes Release.ID. The release is valid when no problem is an error.
// Parse never panics, whatever data holds.
func Parse(path, id string, data []byte, opts Options) (release.Release, []Problem) {
	r, ps, _ := parse(path, id, data, opts.resolve())
	SortProblems(ps)
	return r, ps
}

// fileInfo is what the loader needs from a file beyond the release, for the
// checks across files.
type fileInfo struct {
	translationKeyAt pos
}

// parse is Parse with resolved settings. What it returns holds no part of
// data (every string is copied), so that the loader can reuse its buffer.
func parse(path, id string, data []byte, s *settings) (release.Release, []Problem, fileInfo) {
	r := release.Release{ID: id, Path: path}
	ps := &problems{path: path}
	var info fileInfo
	if len(data) > MaxFileSize {
		ps.errorf(pos{1, 1}, "file is %d bytes, over the 1 MiB limit (%d bytes): shorten the text, and keep pictures as separate files named by 'image'", len(data), MaxFileSize)
		return r, ps.list, info
	}
	if msg := nameProblem(id); msg != "" {
		ps.errorf(pos{1, 1}, "%s", msg)
	}
	data = normalize(data)
	valid, ctrl := scanText(data)
	if !valid {
		at, _ := firstInvalidUTF8(data)
		if utf16BOM(data) {
			ps.errorf(at, "the file was saved as UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8 text in your editor")
			return r, ps.list, info
		}
		ps.errorf(at, "invalid UTF-8 (first bad byte here): save the file with UTF-8 encoding in your editor")
		return r, ps.list, info
	}
	if ctrl >= 0 {
		ps.errorf(controlAt(data, ctrl), "%s", controlMessage(data[ctrl]))
		return r, ps.list, info
	}
	fr, ok := split(data, ps)
	if !ok {
		return r, ps.list, info
	}
	var fields []field
	if fr.format == formatYAML {
		fields, ok = decodeYAML(&fr, ps)
	} else {
		fields, ok = decodeTOML(&fr, ps)
	}
	if !ok {
		return r, ps.list, info
	}
	var set fieldSet
	index(&set, fields, ps)
	b := builder{r: &r, ps: ps, s: s, fr: &fr, set: &set}
	b.build()
	info.translationKeyAt = b.at(keyTranslationKey)
	b.checkTranslationHeld(info.translationKeyAt)
	if !s.noHash {
		r.Hash = Hash(r)
	}
	return r, ps.list, info
}

// controlMessage says what to do about control character c.
func controlMessage(c byte) string {
	if c == 0 {
		return "NUL byte (U+0000) here: the file holds binary data or was saved as UTF-16; save it as UTF-8 text"
	}
	return fmt.Sprintf("invisible control character U+%04X here: delete it (retype the text around it if your editor does not show it)", c)
}

// maxCanonical is the most canonical keys a fieldSet holds.
const maxCanonical = 16

// fieldSet maps canonical keys to their fields: a few, so a list beats a
// map.
type fieldSet struct {
	n      int
	keys   [maxCanonical]string
	fields [maxCanonical]*field
}

// get returns the field that sets canonical key, or nil.
func (s *fieldSet) get(key string) *field {
	for i := range s.n {
		if s.keys[i] == key {
			return s.fields[i]
		}
	}
	return nil
}

// index puts the fields of canonical keys in set, warning about unknown keys and
// reporting keys set twice.
func index(set *fieldSet, fields []field, ps *problems) {
	for i := range fields {
		f := &fields[i]
		canon, known := canonicalKeys[f.key]
		if !known {
			unknownKey(f, ps)
			continue
		}
		if prev := set.get(canon); prev != nil {
			ps.errorf(f.keyAt, "%q sets %s again (already set by %q on line %d): keep only one of them", f.key, canon, prev.key, prev.keyAt.line)
			continue
		}
		set.keys[set.n], set.fields[set.n] = canon, f
		set.n++
	}
}

// unknownKey warns about a key pressbot does not know, suggesting the
// closest known one.
func unknownKey(f *field, ps *problems) {
	if hugoIgnored[f.key] {
		return
	}
	if hint, ok := hugoHints[f.key]; ok {
		ps.warnf(f.keyAt, "%q is ignored: %s", f.key, hint)
		return
	}
	if s := suggestKey(f.key); s != "" {
		ps.warnf(f.keyAt, "unknown key %q is ignored: did you mean %q?", f.key, s)
		return
	}
	ps.warnf(f.keyAt, "unknown key %q is ignored: remove it, or use one of title, date, location, lang, translation_key, summary, tags, image, image_alt, channels, publish_at, draft, withdrawn", f.key)
}

// builder fills a release from indexed fields.
type builder struct {
	r   *release.Release
	ps  *problems
	s   *settings
	fr  *frame
	set *fieldSet
}

// at returns the value position of a key, or the zero pos when absent.
func (b *builder) at(key string) pos {
	if f := b.set.get(key); f != nil {
		return f.valAt
	}
	return pos{}
}

// build applies every key and the body.
func (b *builder) build() {
	r := b.r
	r.Title = b.required(keyTitle, `"Headline of the release"`)
	r.Date = b.date(keyDate, true)
	r.Location = strings.TrimSpace(b.text(keyLocation))
	r.Lang = b.lang()
	r.TranslationKey = strings.TrimSpace(b.text(keyTranslationKey))
	r.Summary = strings.TrimSpace(b.text(keySummary))
	r.Tags = b.list(keyTags)
	r.Image, r.ImageAlt = b.image()
	r.Channels = b.channels()
	r.PublishAt = b.date(keyPublishAt, false)
	r.Draft = b.bool(keyDraft)
	r.Withdrawn = b.bool(keyWithdrawn)
	r.Body, r.BodyLine = trimBody(b.fr.body, b.fr.bodyLine)
	b.checkBodyImages()
	b.checkDateline()
	found := markdown.Find(r.Body) // one parse for both
	b.checkRawHTML(found.HTML)
	b.checkLinks(found.Links)
	if r.Body == "" {
		b.ps.errorf(pos{b.fr.closeLine, 1}, "the release has no text: write the body below the closing '%s' on line %d", b.fr.delim, b.fr.closeLine)
	}
	if r.Summary == "" {
		r.Summary = defaultSummary(r.Body)
	}
}

// text returns a single-valued key as text ("" when absent or null); a
// list or table is reported.
func (b *builder) text(key string) string {
	f := b.set.get(key)
	if f == nil {
		return ""
	}
	switch f.kind {
	case kindScalar:
		return f.text
	case kindNull:
		return ""
	case kindTime:
		return f.when.Format(time.RFC3339Nano)
	}
	b.ps.errorf(f.valAt, "%s must be a single text value, not %s: write %s", f.key, f.describe(), b.kv(f.key, `"..."`))
	return ""
}

// kv writes key and value as a line of the file's front matter format,
// for advice in messages: key: value (YAML) or key = value (TOML).
func (b *builder) kv(key, value string) string {
	if b.fr.format == formatTOML {
		return key + " = " + value
	}
	return key + ": " + value
}

// required returns a key that must be present and not empty; value is an
// example value for it, shown in messages.
func (b *builder) required(key, value string) string {
	f := b.set.get(key)
	if f == nil {
		b.ps.errorf(pos{1, 1}, "no %s: add a line '%s' to the front matter", key, b.kv(key, value))
		return ""
	}
	v := strings.TrimSpace(b.text(key))
	if v == "" && (f.kind == kindScalar || f.kind == kindNull) {
		b.ps.errorf(f.valAt, "%s is empty: write it after '%s', e.g. %s", key, strings.TrimSpace(b.kv(f.key, "")), b.kv(key, value))
	}
	return v
}

// date reads a date key; a required one must be present.
func (b *builder) date(key string, required bool) time.Time {
	const how = "write it as RFC 3339 (2020-02-06T10:00:00+05:00) or as 2020-02-06 or 2020-02-06 10:00 (read in the configured zone)"
	f := b.set.get(key)
	if f == nil {
		if required {
			b.ps.errorf(pos{1, 1}, "no %s: add a line '%s: 2020-02-06T10:00:00+05:00' to the front matter", key, key)
		}
		return time.Time{}
	}
	switch f.kind {
	case kindTime:
		if f.local {
			return inZone(f.when, b.s.zone)
		}
		return f.when
	case kindScalar:
		if t, ok := parseDate(f.text, b.s.zone); ok {
			return t
		}
		b.ps.errorf(f.valAt, "%s %q is not a date%s: %s", f.key, f.text, dateReason(f.text), how)
	case kindNull:
		b.ps.errorf(f.valAt, "%s is empty: %s", f.key, how)
	default:
		b.ps.errorf(f.valAt, "%s must be one date, not %s: %s", f.key, f.describe(), how)
	}
	return time.Time{}
}

// lang returns the canonical BCP 47 tag, or the default.
func (b *builder) lang() string {
	f := b.set.get(keyLang)
	v := strings.TrimSpace(b.text(keyLang))
	if f == nil || v == "" {
		return b.s.lang
	}
	tag, ok := b.s.langTag(v)
	if !ok {
		b.ps.errorf(f.valAt, "lang %q is not a BCP 47 language tag: use a tag such as en, ru, uz, uz-Cyrl or en-GB (with '-', not '_')", v)
		return b.s.lang
	}
	return tag
}

// list reads a list of text values; a single value is a one-item list.
// Empty items are dropped with a warning.
func (b *builder) list(key string) []string {
	f := b.set.get(key)
	if f == nil || f.kind == kindNull {
		return nil
	}
	switch f.kind {
	case kindScalar:
		return splitScalar(key, f.text)
	case kindList:
	default:
		b.ps.errorf(f.valAt, "%s must be a list of text values, not %s: write %s", f.key, f.describe(), b.kv(f.key, `["a", "b"]`))
		return nil
	}
	out := make([]string, 0, len(f.list))
	for _, it := range f.list {
		v := strings.TrimSpace(it.text)
		switch {
		case !it.ok:
			b.ps.errorf(it.at, "every entry of %s must be a single text value: write %s", f.key, b.kv(f.key, `["a", "b"]`))
		case v == "":
			b.ps.warnf(it.at, "empty entry in %s is ignored: remove it", f.key)
		default:
			out = append(out, v)
		}
	}
	return out
}

// splitScalar reads a single value written where key takes a list: one
// entry, except that tags and channels written "a, b" (as editors write
// them without brackets) are split at the commas. An image path or URL
// may hold a comma, so images is never split.
func splitScalar(key, v string) []string {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	if key == keyImages || !strings.Contains(v, ",") {
		return []string{v}
	}
	var out []string
	for part := range strings.SplitSeq(v, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// image returns image and image_alt; Hugo's images list sets image from its
// first entry. An image needs alt text, and with Options.ImageDir a local
// image must be there.
func (b *builder) image() (string, string) {
	img := strings.TrimSpace(b.text(keyImage))
	imgAt, valAt := b.keyAt(keyImage), b.at(keyImage)
	if f := b.set.get(keyImages); f != nil {
		imgs := b.list(keyImages)
		switch {
		case img != "":
			b.ps.warnf(f.keyAt, "images is ignored because image is set: keep only image")
		case len(imgs) > 0:
			img, imgAt, valAt = imgs[0], f.keyAt, f.keyAt
		}
	}
	alt := strings.TrimSpace(b.text(keyImageAlt))
	switch {
	case img != "" && alt == "":
		b.ps.errorf(imgAt, "the image has no image_alt: add 'image_alt: \"what the picture shows\"' so that readers who cannot see it know")
	case img == "" && alt != "":
		b.ps.warnf(b.keyAt(keyImageAlt), "image_alt is set but there is no image: add 'image: path/or/url.jpg' or remove image_alt")
	}
	if format := unshownFormat(img); format != "" {
		b.ps.warnf(valAt, "image %q is a %s picture, which most browsers and Telegram, Facebook and X do not show: export it as JPEG or PNG and name that file", img, format)
	}
	if img != "" && !release.IsImageURL(img) {
		img = cleanImagePath(img)
		if b.s.imageDir != "" {
			b.checkImage(img, valAt)
		}
	}
	return img, alt
}

// unshownFormat names the picture format of img when it is one that
// browsers and the platforms do not show (HEIC from phones, TIFF, BMP),
// else "".
func unshownFormat(img string) string {
	if i := strings.IndexAny(img, "?#"); i >= 0 {
		img = img[:i]
	}
	switch strings.ToLower(path.Ext(img)) {
	case ".heic", ".heif":
		return "HEIC"
	case ".tif", ".tiff":
		return "TIFF"
	case ".bmp":
		return "BMP"
	}
	return ""
}

// cleanImagePath removes "./", "//" and "x/.." from a local image path,
// keeping a leading "/": "./images//a.jpg" → "images/a.jpg". The newsroom
// serves pictures at their clean path, and finds the releases that name a
// changed picture by it.
func cleanImagePath(img string) string {
	rest := strings.TrimLeft(img, "/")
	if clean := path.Clean(rest); clean != rest {
		return img[:len(img)-len(rest)] + clean
	}
	return img
}

// checkImage warns at at when local image img is not a file in the
// content folder: the newsroom page and every channel's post link it
// there. When it is, its digest goes into the release (and so its hash).
func (b *builder) checkImage(img string, at pos) {
	dir := b.s.imageDir
	f, err := openImage(dir, img)
	if err == nil {
		if !b.s.noDigest {
			b.r.ImageDigest, err = imageDigest(dir, img, f)
		}
		f.Close()
	}
	var left *leftOut
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrNotExist):
		b.ps.warnf(at, "image %q is not in %s: the newsroom page and every channel's post would show a missing picture; add it as %s, or correct the path (it is relative to %s)", img, dir, filepath.Join(dir, filepath.FromSlash(strings.TrimLeft(img, "/"))), dir)
	case errors.As(err, &left):
		b.ps.warnf(at, "image %q %s: the newsroom leaves it out, so the page would show no picture; %s", img, left.what, left.fix)
		b.ps.leftOut(img)
	default:
		b.ps.warnf(at, "image %q cannot be used (%v): put the picture inside %s and name it by its path there", img, err, dir)
		b.ps.leftOut(img)
	}
}

// bodyImage finds the start of a Markdown picture in the body, up to its
// destination: ![alt]( . A picture inside a code block is found too;
// such a false alarm is a warning only.
var bodyImage = regexp.MustCompile(`!\[[^\]\n]*\]\([ \t]*`)

// urlScheme matches a destination that starts with a URL scheme.
var urlScheme = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)

// checkBodyImages warns at each picture of the body whose path holds a
// space, which makes it no picture; and, with Options.ImageDir, at each
// one that names a file the content folder lacks: the newsroom serves a
// local picture at /media/<path>, and would show it missing.
func (b *builder) checkBodyImages() {
	body := b.r.Body
	if !strings.Contains(body, "![") {
		return
	}
	for _, m := range bodyImage.FindAllStringIndex(body, -1) {
		dest, off, spaced := pictureDest(body[m[1]:])
		at := bodyPos(body, m[1]+off, b.r.BodyLine)
		switch {
		case spaced != "":
			b.ps.warnf(at, "%q is not a picture: its path holds a space, so the page shows the text as written; write the path between < and >, ![…](<%s>), or with %%20 for each space, %s",
				spaced, spaced, strings.ReplaceAll(spaced, " ", "%20"))
		case dest == "" || b.s.imageDir == "" || urlScheme.MatchString(dest) || strings.HasPrefix(dest, "//") || strings.HasPrefix(dest, "#"):
		default:
			b.checkBodyImage(dest, at)
		}
	}
}

// pictureDest reads a picture's destination at the start of s (the text
// after "]("): <dest>, or dest up to a blank or ')'; off is where dest
// starts in s. When a blank in the path ends the destination where
// neither a title nor ')' follows, the text is no picture: spaced is
// then the path as written, up to ')' or the end of the line.
func pictureDest(s string) (dest string, off int, spaced string) {
	if strings.HasPrefix(s, "<") {
		if end := strings.IndexAny(s[1:], ">\n"); end >= 0 && s[1+end] == '>' {
			return s[1 : 1+end], 1, ""
		}
		return "", 0, ""
	}
	n := strings.IndexAny(s, ") \t\n>")
	if n < 0 {
		n = len(s)
	}
	rest := strings.TrimLeft(s[n:], " \t")
	if n > 0 && len(rest) < len(s[n:]) && rest != "" && !strings.ContainsRune(")\"'(\n", rune(rest[0])) {
		line := s[:n+strings.IndexByte(s[n:]+"\n", '\n')]
		if i := strings.IndexByte(line, ')'); i >= 0 {
			line = line[:i]
		}
		return "", 0, strings.TrimRight(line, " \t")
	}
	return s[:n], 0, ""
}

// checkBodyImage warns at at when the local picture dest of the body is
// not a file in the content folder, and adds its digest to the release.
func (b *builder) checkBodyImage(dest string, at pos) {
	dir := b.s.imageDir
	if u, err := url.PathUnescape(dest); err == nil {
		dest = u
	}
	img := cleanImagePath(dest)
	f, err := openImage(dir, img)
	if err == nil {
		if !b.s.noDigest {
			err = b.addBodyImage(dir, strings.TrimLeft(img, "/"), f)
		}
		f.Close()
	}
	var left *leftOut
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrNotExist):
		b.ps.warnf(at, "picture %q is not in %s: the newsroom page would show it missing; add it as %s, or correct the path (it is relative to %s)",
			img, dir, filepath.Join(dir, filepath.FromSlash(strings.TrimLeft(img, "/"))), dir)
	case errors.As(err, &left):
		b.ps.warnf(at, "picture %q %s: the newsroom leaves it out, so the page would show no picture; %s", img, left.what, left.fix)
		b.ps.leftOut(img)
	default:
		b.ps.warnf(at, "picture %q cannot be shown (%v): put it inside %s and name it by its path there", img, err, dir)
		b.ps.leftOut(img)
	}
}

// checkDateline warns when the text opens with a dateline ("**2 November
// 2026, Tashkent** –") whose date is not the release's date: the page would
// show two dates, and the posts the text's. Only a dateline that starts
// with a number (a day or a year, as datelines in en, ru and uz do) is
// read; the release's own date is tried first, so a matching dateline
// costs one comparison.
func (b *builder) checkDateline() {
	r := b.r
	s := strings.TrimLeft(r.Body, "*_ ")
	if r.Date.IsZero() || s == "" || s[0] < '0' || s[0] > '9' {
		return
	}
	if _, ok := datefmt.Prefix(s, r.Date, r.Lang); ok {
		return
	}
	if d, ok := otherDate(s, r.Date, r.Lang); ok {
		b.ps.warnf(bodyPos(r.Body, len(r.Body)-len(s), r.BodyLine),
			"the text's dateline says %s, but date: says %s: correct one of them (the page and the posts show both)",
			datefmt.Format(d, r.Lang), datefmt.Format(r.Date, r.Lang))
	}
}

// otherDate finds the date that s opens with among the days within about
// a year of t whose day of month, or year, is the number s starts with.
func otherDate(s string, t time.Time, lang string) (time.Time, bool) {
	n := 0
	for n < len(s) && n < 4 && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	num, _ := strconv.Atoi(s[:n])
	for d := -400; d <= 400; d++ {
		c := t.AddDate(0, 0, d)
		if (n <= 2 && c.Day() != num) || (n == 4 && c.Year() != num) || n == 3 {
			continue
		}
		if _, ok := datefmt.Prefix(s, c, lang); ok {
			return c, true
		}
	}
	return time.Time{}, false
}

// addBodyImage puts the picture img of the body, open as f, with its
// digest, into the release (once), so that its hash covers the picture's
// bytes.
func (b *builder) addBodyImage(dir, img string, f *os.File) error {
	if slices.ContainsFunc(b.r.BodyImages, func(im release.BodyImage) bool { return im.Path == img }) {
		return nil
	}
	sum, err := imageDigest(dir, img, f)
	if err == nil {
		b.r.BodyImages = append(b.r.BodyImages, release.BodyImage{Path: img, Digest: sum})
	}
	return err
}

// bodyPos is the file position of byte off of body, whose first line is
// line line; columns count characters.
func bodyPos(body string, off, line int) pos {
	before := body[:off]
	nl := strings.LastIndexByte(before, '\n')
	return pos{line: line + strings.Count(before, "\n"), col: utf8.RuneCountInString(before[nl+1:]) + 1}
}

// keyAt returns the key position of a key, or the zero pos when absent.
func (b *builder) keyAt(key string) pos {
	if f := b.set.get(key); f != nil {
		return f.keyAt
	}
	return pos{}
}

// channels reads the channel list and checks every name is configured.
func (b *builder) channels() []string {
	f := b.set.get(keyChannels)
	names := b.list(keyChannels)
	if f == nil || len(names) == 0 {
		return nil
	}
	items := f.list
	if f.kind == kindScalar {
		items = make([]item, len(names))
		for i, n := range names {
			items[i] = item{text: n, at: f.valAt, ok: true}
		}
	}
	out := names[:0]
	for _, it := range items {
		name := strings.TrimSpace(it.text)
		if !it.ok || name == "" {
			continue
		}
		if !b.s.channels[name] {
			b.ps.errorf(it.at, "channel %q is not configured%s: use one of %s, or remove it", name, b.suggestChannel(name), b.s.channelList)
			continue
		}
		out = append(out, name)
	}
	return out
}

// suggestChannel returns " (did you mean "x"?)" for a close configured name.
func (b *builder) suggestChannel(name string) string {
	best, bestD := "", max(1, len(name)/3)+1
	for _, c := range b.s.names {
		if d := editDistance(lower(name), lower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" {
		return ""
	}
	return " (did you mean \"" + best + "\"?)"
}

// bool reads a true/false key.
func (b *builder) bool(key string) bool {
	f := b.set.get(key)
	if f == nil || f.kind == kindNull {
		return false
	}
	if f.kind == kindScalar {
		switch lower(strings.TrimSpace(f.text)) {
		case "true", "yes":
			return true
		case "false", "no":
			return false
		}
	}
	got := f.describe()
	if f.kind == kindScalar {
		got = strconv.Quote(f.text)
	}
	b.ps.errorf(f.valAt, "%s must be true or false, not %s: write %s", f.key, got, b.kv(f.key, "true"))
	return false
}

// checkTranslationHeld refuses, with Options.TranslationHeld, a release
// whose (translation_key, lang) another release in the database already
// holds: published, it would take that release's place in the newsroom's
// language links, and its posts would go out as a second version.
func (b *builder) checkTranslationHeld(at pos) {
	r := b.r
	if b.s.held == nil || r.TranslationKey == "" || HasErrors(b.ps.list) {
		return
	}
	if other := b.s.held(r.ID, r.TranslationKey, r.Lang); other != "" {
		b.ps.errorf(at, "translation_key %q with lang %q already belongs to release %s: give this file another lang, or another translation_key if it is a different release (or withdraw %s first)",
			r.TranslationKey, r.Lang, other, other)
	}
}
