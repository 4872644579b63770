package x

import (
	"context"
	"strings"
)

// Check verifies, without posting, that the credentials are accepted
// (GET /2/users/me) and, when X reports the token's access level
// (x-access-level), that it may write. Its error is a *release.SendError
// whose text says what to fix.
func (c *Channel) Check(ctx context.Context) error {
	u, h, err := c.me(ctx)
	if err != nil {
		return c.wrap(err, "check")
	}
	if lvl := h.Get("x-access-level"); lvl != "" && !strings.Contains(lvl, "write") {
		return c.auth("check: the access token of @%s is %q: set the app's permissions to Read and Write, then regenerate the access token and secret", u.Username, lvl)
	}
	c.mu.Lock()
	c.username = u.Username
	c.mu.Unlock()
	c.log.Debug("x: check ok", "account", u.Username)
	return nil
}
