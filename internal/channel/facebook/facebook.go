// Package facebook publishes posts to a Facebook Page through the Graph API
// with net/http: a text post (and link) to /{page-id}/feed, a post with a
// picture to /{page-id}/photos, edits and deletions on /{post-id}. Every
// call carries appsecret_proof, the Graph version is pinned in the config,
// and every failure is classified as a *release.SendError.
//
// Reference: https://developers.facebook.com/docs/pages-api/posts
package facebook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/pressbot/pressbot/internal/release"
)

// DefaultBaseURL is the Graph API host.
const DefaultBaseURL = "https://graph.facebook.com"

const defaultTimeout = 30 * time.Second

// PostURL is the public permalink of a Page post id ("{page-id}_{post-id}").
const PostURL = "https://www.facebook.com/"

// Config configures one Facebook Page channel.
type Config struct {
	// Name is the configured channel name (e.g. "facebook").
	Name string
	// PageID is the numeric id of the Page.
	PageID string
	// PageToken is a Page access token with pages_manage_posts. It never
	// appears in errors or logs.
	PageToken string
	// AppSecret is the secret of the app the token was issued to; every
	// call is signed with appsecret_proof = hex HMAC-SHA256(key=AppSecret,
	// message=PageToken). It never appears in errors or logs.
	AppSecret string
	// GraphVersion is the pinned Graph API version, e.g. "v23.0". Required:
	// an unpinned call would silently move to the app's default version.
	GraphVersion string
	// BaseURL is the Graph API host (default DefaultBaseURL).
	BaseURL string
	// HTTPClient sends the requests (default: 30 s timeout).
	HTTPClient *http.Client
	Logger     *slog.Logger
	// Now is the clock of receipts (default time.Now).
	Now func() time.Time
}

// Channel is a Facebook Page publisher. It is safe for concurrent use.
type Channel struct {
	cfg   Config
	base  string // BaseURL/GraphVersion
	proof string
	log   *slog.Logger
}

var (
	versionRE = regexp.MustCompile(`^v[0-9]+\.[0-9]+$`)
	idRE      = regexp.MustCompile(`^[0-9]+$`)
)

// New returns a Channel for cfg. It does not contact Facebook; call Check
// for that.
func New(cfg Config) (*Channel, error) {
	// Secrets read from files often end in a newline.
	cfg.PageToken = strings.TrimSpace(cfg.PageToken)
	cfg.AppSecret = strings.TrimSpace(cfg.AppSecret)
	cfg.PageID = strings.TrimSpace(cfg.PageID)
	switch {
	case !idRE.MatchString(cfg.PageID):
		return nil, fmt.Errorf("facebook %q: page_id %q: want the Page's numeric id (Page → About → Page transparency, or GET /me with the Page token)", cfg.Name, cfg.PageID)
	case cfg.PageToken == "":
		return nil, fmt.Errorf("facebook %q: no page_token: create a Page access token with pages_manage_posts and pages_read_engagement", cfg.Name)
	case cfg.AppSecret == "":
		return nil, fmt.Errorf("facebook %q: no app_secret: pressbot signs every call with appsecret_proof; copy the secret from App Dashboard → App settings → Basic", cfg.Name)
	case !versionRE.MatchString(cfg.GraphVersion):
		return nil, fmt.Errorf("facebook %q: graph_version %q: pin a Graph API version such as \"v23.0\"", cfg.Name, cfg.GraphVersion)
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if u, err := url.Parse(cfg.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("facebook %q: base URL %q: want http(s)://host", cfg.Name, cfg.BaseURL)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: defaultTimeout}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Channel{
		cfg:   cfg,
		base:  strings.TrimRight(cfg.BaseURL, "/") + "/" + cfg.GraphVersion,
		proof: AppSecretProof(cfg.AppSecret, cfg.PageToken),
		log:   cfg.Logger.With("channel", cfg.Name, "kind", release.KindFacebook),
	}, nil
}

// AppSecretProof returns the appsecret_proof of token: the hex HMAC-SHA256
// of the access token keyed with the app secret
// (https://developers.facebook.com/docs/graph-api/securing-requests#appsecret_proof).
func AppSecretProof(appSecret, token string) string {
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write([]byte(token))
	return hex.EncodeToString(m.Sum(nil))
}

// postResult is the answer of /feed ({"id"}) and /photos ({"id","post_id"}).
type postResult struct {
	ID     string `json:"id"`
	PostID string `json:"post_id"`
}

// Publish posts post's one part to the Page: to /{page-id}/photos when it
// has a picture (the text as caption), else to /{page-id}/feed (the text as
// message, with its link). A duplicate (code 506) counts as posted: the
// receipt then names the post found among the Page's recent posts, or has
// no id and links to the Page when none matches. Errors are
// *release.SendError.
func (c *Channel) Publish(ctx context.Context, post release.Post) (release.Receipt, error) {
	if len(post.Parts) != 1 {
		return release.Receipt{}, c.permanent("publish %s: the post has %d parts; a Facebook post has exactly one (a renderer bug)", post.Release, len(post.Parts))
	}
	part := post.Parts[0]
	if strings.TrimSpace(part.Text) == "" && part.Link == "" && len(part.Media) == 0 {
		return release.Receipt{}, c.permanent("publish %s: the post is empty", post.Release)
	}
	var (
		res     postResult
		message string
		err     error
	)
	if len(part.Media) > 0 {
		message, err = c.publishPhoto(ctx, part, &res)
	} else {
		message, err = c.publishFeed(ctx, part, &res)
	}
	if err != nil {
		if isDuplicate(err) {
			return c.duplicate(ctx, post, message), nil
		}
		return release.Receipt{}, c.wrap(err, "publish %s", post.Release)
	}
	id := res.PostID
	if id == "" {
		id = res.ID
	}
	r := c.receipt(id)
	c.log.Info("facebook: published", "release", post.Release, "post_id", id, "url", r.URL)
	return r, nil
}

// publishFeed posts a text (and link) post and returns the message sent.
// https://developers.facebook.com/docs/graph-api/reference/page/feed#publish
func (c *Channel) publishFeed(ctx context.Context, part release.Part, res *postResult) (string, error) {
	form := url.Values{}
	if part.Text != "" {
		form.Set("message", part.Text)
	}
	if part.Link != "" {
		form.Set("link", part.Link)
	}
	return part.Text, c.do(ctx, "POST /{page-id}/feed", request{
		method: http.MethodPost, path: "/" + c.cfg.PageID + "/feed", form: form, creates: true,
	}, res)
}

// publishPhoto posts the part's first picture, by URL, with the text as
// caption. A photo post cannot carry a link attachment, so the link is
// appended to the caption unless the text already has it. Further pictures
// are left out (a Page post with several photos needs unpublished uploads;
// releases have one image).
// https://developers.facebook.com/docs/graph-api/reference/page/photos#Creating
func (c *Channel) publishPhoto(ctx context.Context, part release.Part, res *postResult) (string, error) {
	if len(part.Media) > 1 {
		c.log.Warn("facebook: only the first picture is posted", "pictures", len(part.Media))
	}
	caption := part.Text
	if part.Link != "" && !strings.Contains(caption, part.Link) {
		caption = strings.TrimRight(caption, "\n") + "\n\n" + part.Link
		caption = strings.TrimLeft(caption, "\n")
	}
	m := part.Media[0]
	form := url.Values{"url": {m.URL}}
	if caption != "" {
		form.Set("caption", caption)
	}
	if m.Alt != "" {
		form.Set("alt_text_custom", m.Alt)
	}
	return caption, c.do(ctx, "POST /{page-id}/photos", request{
		method: http.MethodPost, path: "/" + c.cfg.PageID + "/photos", form: form, creates: true,
	}, res)
}

// duplicate builds the receipt of a post Facebook refused as a duplicate
// (code 506): the same message is already on the Page, most likely from an
// earlier send whose answer was lost. It looks the post up among the Page's
// recent posts; when that fails the receipt has no id and links to the Page.
func (c *Channel) duplicate(ctx context.Context, post release.Post, message string) release.Receipt {
	id, err := c.findPost(ctx, message)
	if err != nil || id == "" {
		r := release.Receipt{Channel: c.cfg.Name, Chat: c.cfg.PageID, URL: PostURL + c.cfg.PageID, PublishedAt: c.cfg.Now().UTC()}
		c.log.Warn("facebook: duplicate post (code 506) counted as posted; its id is unknown",
			"release", post.Release, "lookup_err", err)
		return r
	}
	r := c.receipt(id)
	c.log.Warn("facebook: duplicate post (code 506) counted as posted", "release", post.Release, "post_id", id, "url", r.URL)
	return r
}

// findPost returns the id of the most recent of the Page's last 25 posts
// whose message is message, or "".
// https://developers.facebook.com/docs/graph-api/reference/page/feed#read
func (c *Channel) findPost(ctx context.Context, message string) (string, error) {
	var res struct {
		Data []struct {
			ID      string `json:"id"`
			Message string `json:"message"`
		} `json:"data"`
	}
	err := c.do(ctx, "GET /{page-id}/posts", request{
		method: http.MethodGet, path: "/" + c.cfg.PageID + "/posts",
		form: url.Values{"fields": {"id,message"}, "limit": {"25"}},
	}, &res)
	if err != nil {
		return "", err
	}
	want := strings.TrimSpace(message)
	for _, p := range res.Data {
		if strings.TrimSpace(p.Message) == want {
			return p.ID, nil
		}
	}
	return "", nil
}

// Edit replaces the message of the published post r with post's text.
// https://developers.facebook.com/docs/graph-api/reference/post#updating
func (c *Channel) Edit(ctx context.Context, r release.Receipt, post release.Post) error {
	id, err := c.postID(r, "edit")
	if err != nil {
		return err
	}
	if len(post.Parts) != 1 {
		return c.permanent("edit %s: the post has %d parts; want 1", id, len(post.Parts))
	}
	var res struct {
		Success bool `json:"success"`
	}
	err = c.do(ctx, "POST /{post-id}", request{
		method: http.MethodPost, path: "/" + id, form: url.Values{"message": {post.Parts[0].Text}},
	}, &res)
	if err != nil {
		return c.wrap(err, "edit %s", id)
	}
	if !res.Success {
		return c.permanent("edit %s: Facebook did not confirm the edit", id)
	}
	c.log.Info("facebook: edited", "post_id", id)
	return nil
}

// Delete removes the published post r. A post that no longer exists
// (code 100, subcode 33) counts as deleted.
// https://developers.facebook.com/docs/graph-api/reference/post#deleting
func (c *Channel) Delete(ctx context.Context, r release.Receipt) error {
	id, err := c.postID(r, "delete")
	if err != nil {
		return err
	}
	var res struct {
		Success bool `json:"success"`
	}
	err = c.do(ctx, "DELETE /{post-id}", request{method: http.MethodDelete, path: "/" + id}, &res)
	if isGone(err) {
		c.log.Info("facebook: post already gone", "post_id", id)
		return nil
	}
	if err != nil {
		return c.wrap(err, "delete %s", id)
	}
	if !res.Success {
		return c.permanent("delete %s: Facebook did not confirm the deletion", id)
	}
	c.log.Info("facebook: deleted", "post_id", id)
	return nil
}

// postID returns the post id of a receipt.
func (c *Channel) postID(r release.Receipt, op string) (string, error) {
	if len(r.RemoteIDs) == 0 || r.RemoteIDs[0] == "" {
		return "", c.permanent("%s: the receipt has no post id (a duplicate whose post was not found?): do it by hand on the Page", op)
	}
	id := r.RemoteIDs[0]
	if strings.ContainsAny(id, "/?#&") {
		return "", c.permanent("%s: post id %q is not a Graph id", op, id)
	}
	return id, nil
}

func (c *Channel) receipt(id string) release.Receipt {
	return release.Receipt{
		Channel:     c.cfg.Name,
		Chat:        c.cfg.PageID,
		RemoteIDs:   []string{id},
		URL:         PostURL + id,
		PublishedAt: c.cfg.Now().UTC(),
	}
}
