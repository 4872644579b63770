// Package release holds pressbot's domain types: a press release, the posts
// rendered from it for each channel, publishing receipts, and the state
// machine a release and each of its posts move through. It imports nothing
// of pressbot's own: every other package may depend on it.
package release

import (
	"net/url"
	"slices"
	"strings"
	"time"
)

// BodyImage is a local picture the body shows: its clean path under the
// content folder and the hex SHA-256 of its bytes.
type BodyImage struct {
	Path   string `json:"path"`
	Digest string `json:"digest"`
}

// Release is one press release as read from a Markdown file under content/.
type Release struct {
	// ID is the path under content/ without ".md", with forward slashes
	// (e.g. "2020/imts-success").
	ID string `json:"id"`
	// Path is the file the release was read from, as given to the loader.
	Path string `json:"path"`

	Title          string    `json:"title"`
	Date           time.Time `json:"date"`
	Location       string    `json:"location,omitempty"`
	Lang           string    `json:"lang"`
	TranslationKey string    `json:"translation_key,omitempty"`
	Summary        string    `json:"summary,omitempty"`
	Tags           []string  `json:"tags,omitempty"`
	Image          string    `json:"image,omitempty"`
	ImageAlt       string    `json:"image_alt,omitempty"`
	// ImageDigest is the hex SHA-256 of a local Image's bytes, when the
	// loader found it in the content folder. The hash covers it: a picture
	// replaced under the same name is a change, approved anew.
	ImageDigest string `json:"image_digest,omitempty"`
	// BodyImages are the local pictures the body shows that the loader
	// found in the content folder, with their digests; the hash covers
	// them too.
	BodyImages []BodyImage `json:"body_images,omitempty"`
	// Channels limits the release to these configured channel names; empty
	// means every configured channel.
	Channels []string `json:"channels,omitempty"`
	// PublishAt is the embargo: never publish before it. Zero means none.
	PublishAt time.Time `json:"publish_at,omitzero"`
	Draft     bool      `json:"draft,omitempty"`
	Withdrawn bool      `json:"withdrawn,omitempty"`

	// Body is the Markdown after the front matter, with CRLF normalised to LF.
	Body string `json:"body"`
	// BodyLine is the 1-based line of the file on which Body starts.
	BodyLine int `json:"body_line"`
	// Hash is the hex SHA-256 content hash over the normalised front matter
	// and body, and ImageDigest when set. An approval is bound to one hash.
	Hash string `json:"hash"`
	// Commit is the git commit the release was read at, when known.
	Commit string `json:"commit,omitempty"`
}

// ShortHash returns the first 12 hex digits of the content hash.
func (r Release) ShortHash() string {
	if len(r.Hash) > 12 {
		return r.Hash[:12]
	}
	return r.Hash
}

// Post is what one channel publishes for one release: one or more parts
// (a Telegram message series, an X thread, a single Facebook post).
type Post struct {
	Release string `json:"release,omitempty"`
	Hash    string `json:"hash,omitempty"`
	// Channel is the configured channel name (e.g. "telegram", "x-ru").
	Channel string `json:"channel"`
	// Kind is the outlet kind: one of the Kind* constants.
	Kind  string `json:"kind"`
	Parts []Part `json:"parts"`
}

// SameParts reports whether p and q publish the same parts: the same
// texts, pictures and links, in the same order. An update whose new post
// is the same as the published one has nothing to edit (on X, which cannot
// edit, a correction reply would repeat the post).
func (p Post) SameParts(q Post) bool {
	return slices.EqualFunc(p.Parts, q.Parts, func(a, b Part) bool {
		return a.Format == b.Format && a.Text == b.Text && a.Link == b.Link && slices.Equal(a.Media, b.Media)
	})
}

// Outlet kinds.
const (
	KindTelegram = "telegram"
	KindFacebook = "facebook"
	KindX        = "x"
	KindWeb      = "web"
)

// Part is one message of a post.
type Part struct {
	// Format is "html" (Telegram HTML, web HTML) or "text".
	Format string `json:"format"`
	Text   string `json:"text"`
	// Length is the count the platform applies: UTF-16 code units after
	// entity parsing for Telegram, twitter-text weighted length for X, runes
	// otherwise.
	Length int `json:"length"`
	// Limit is the platform's limit for this part (0: none).
	Limit int     `json:"limit"`
	Media []Media `json:"media,omitempty"`
	// Link is a URL the platform attaches to the part (Facebook's link).
	Link string `json:"link,omitempty"`
	// ValidUTF8 says that Text is known to be valid UTF-8 (the renderer
	// sets it when its input was checked, as content.Load does), so that
	// Rendering's JSON need not check it again. It must not be set on
	// other text: its invalid bytes would then be written as they are
	// instead of as U+FFFD.
	ValidUTF8 bool `json:"-"`
}

// Part formats.
const (
	FormatHTML = "html"
	FormatText = "text"
)

// Media is a picture attached to a part.
type Media struct {
	URL string `json:"url"`
	Alt string `json:"alt"`
}

// Receipt is what a channel returns for a published post: enough to link,
// edit or delete it later.
type Receipt struct {
	Channel string `json:"channel"`
	// Chat is the destination within the platform (Telegram chat id or
	// @username, Facebook page id); empty where the platform has one.
	Chat string `json:"chat,omitempty"`
	// RemoteIDs are the platform's ids of the published parts, in order.
	RemoteIDs []string `json:"remote_ids"`
	// URL is the public link to the first part, when the platform has one.
	URL         string    `json:"url,omitempty"`
	PublishedAt time.Time `json:"published_at"`
}

// PagePath returns the path of the release's page in the newsroom, relative
// to the site's base URL: "/releases/{id}/". It is also where the page's
// file lies under the site's folder; PageURL is its web address.
func (r Release) PagePath() string { return "/releases/" + r.ID + "/" }

// PageURL returns the absolute URL of the release's page for a newsroom at
// base: PagePath with each segment escaped (EscapePath), so that an ID with
// spaces or Cyrillic letters still gives one working link.
func (r Release) PageURL(base string) string {
	return strings.TrimRight(base, "/") + EscapePath(r.PagePath())
}

// ImageURL returns the absolute URL of the release's image for a newsroom
// at base, or "" when it has none. An http(s) URL is kept as is; a path
// under content/ is served from "{base}/media/{path}", escaped.
func (r Release) ImageURL(base string) string {
	img := r.Image
	switch {
	case img == "":
		return ""
	case IsImageURL(img):
		return img
	}
	return MediaURL(base, EscapePath(strings.TrimLeft(img, "/")))
}

// MediaURL returns the URL of a file under content/ served by a newsroom
// at base, from its path already escaped for a URL (see EscapePath).
func MediaURL(base, escaped string) string {
	return strings.TrimRight(base, "/") + "/media/" + strings.TrimLeft(escaped, "/")
}

// EscapePath escapes each segment of the slash path p for use in a URL,
// keeping the slashes: "2020/пресс релиз" → "2020/%D0%BF…%20…".
func EscapePath(p string) string {
	if plainPath(p) {
		return p
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// plainPath reports whether p holds only bytes a URL path takes as they
// are: ASCII letters, digits, "-._~" and "/".
func plainPath(p string) bool {
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~/", c) >= 0) {
			return false
		}
	}
	return true
}

// IsImageURL reports whether an image reference is an http(s) URL; any
// other is a path under content/.
func IsImageURL(img string) bool {
	return strings.HasPrefix(img, "http://") || strings.HasPrefix(img, "https://")
}
