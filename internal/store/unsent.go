package store

import (
	"slices"

	"github.com/pressbot/pressbot/internal/release"
)

// UnsentAfterChange returns the channels of a release in state, published
// on some channels and changed since, whose post had not gone out: an edit
// cancelled it, and only an approval of the new version sends it there.
func UnsentAfterChange(state release.Status, posts []PostRecord) []string {
	published := slices.ContainsFunc(posts, func(p PostRecord) bool { return p.State == release.StatusPublished })
	if state != release.StatusPendingApproval || !published {
		return nil
	}
	var out []string
	for _, p := range posts {
		if p.State == release.StatusPendingApproval {
			out = append(out, p.Channel)
		}
	}
	return out
}
