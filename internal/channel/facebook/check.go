package facebook

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/pressbot/pressbot/internal/release"
)

// requiredScopes are the permissions a Page token needs to post
// (https://developers.facebook.com/docs/pages-api/posts#requirements).
var requiredScopes = []string{"pages_manage_posts", "pages_read_engagement"}

// Check verifies, without posting, that the token is alive and signed
// correctly and belongs to the configured Page (GET /me: a Page token's
// "me" is the Page), then, where Facebook lets a token inspect itself
// (GET /debug_token), that it is a Page token with the posting permissions.
// Its error is a *release.SendError whose text says what to fix.
func (c *Channel) Check(ctx context.Context) error {
	// https://developers.facebook.com/docs/graph-api/overview#me
	var me struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	err := c.do(ctx, "GET /me", request{method: http.MethodGet, path: "/me", form: url.Values{"fields": {"id,name"}}}, &me)
	if err != nil {
		return c.wrap(err, "check")
	}
	if me.ID != c.cfg.PageID {
		return &release.SendError{Class: release.ClassAuth, Err: fmt.Errorf(
			"facebook %q: check: the token belongs to %q (id %s), not to page %s: use that Page's access token (GET /me/accounts with a user token of a Page admin)",
			c.cfg.Name, me.Name, me.ID, c.cfg.PageID)}
	}
	return c.checkScopes(ctx, me.Name)
}

// tokenInfo is the data of /debug_token.
type tokenInfo struct {
	Type      string   `json:"type"`
	IsValid   bool     `json:"is_valid"`
	Scopes    []string `json:"scopes"`
	ProfileID string   `json:"profile_id"`
	ExpiresAt int64    `json:"expires_at"`
}

// checkScopes inspects the token with /debug_token. When Facebook refuses
// the inspection itself (other than for a dead token), the check passes on
// what /me showed.
// https://developers.facebook.com/docs/graph-api/reference/debug_token
func (c *Channel) checkScopes(ctx context.Context, page string) error {
	var res struct {
		Data tokenInfo `json:"data"`
	}
	err := c.do(ctx, "GET /debug_token", request{
		method: http.MethodGet, path: "/debug_token", form: url.Values{"input_token": {c.cfg.PageToken}},
	}, &res)
	var ae *APIError
	if errors.As(err, &ae) && ae.Code != 190 && ae.Code != 102 {
		c.log.Debug("facebook: check: debug_token unavailable; permissions not inspected", "code", ae.Code)
		return nil
	}
	if err != nil {
		return c.wrap(err, "check")
	}
	info := res.Data
	var missing []string
	for _, s := range requiredScopes {
		if !slices.Contains(info.Scopes, s) {
			missing = append(missing, s)
		}
	}
	switch {
	case !info.IsValid:
		return c.auth("check: Facebook says the token is not valid: create a new Page token")
	case info.Type != "" && info.Type != "PAGE":
		return c.auth("check: the token is a %s token; use a Page access token of page %q", info.Type, page)
	case len(missing) > 0:
		return c.auth("check: the Page token lacks %v: create a new one granting them, by someone with the Create content task on page %q", missing, page)
	}
	if info.ExpiresAt > 0 {
		exp := time.Unix(info.ExpiresAt, 0)
		if left := exp.Sub(c.cfg.Now()); left < 7*24*time.Hour {
			c.log.Warn("facebook: the Page token expires soon: create a long-lived one", "expires_at", exp.UTC())
		}
	}
	return nil
}

func (c *Channel) auth(format string, args ...any) *release.SendError {
	return &release.SendError{Class: release.ClassAuth,
		Err: fmt.Errorf("facebook %q: %s", c.cfg.Name, fmt.Sprintf(format, args...))}
}
