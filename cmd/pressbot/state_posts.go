package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pressbot/pressbot/internal/queue"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
)

// overdueGrace is how long past its time a scheduled post may wait before
// queue and status call it overdue: serve's own limit, past which it
// moves the post to keep the channel's quiet hours and minimum gap.
const overdueGrace = queue.DefaultGrace

// overdueNote says what an overdue post means and when it goes out.
const overdueNote = "overdue: serve is not running or is behind; it goes out when serve runs, " +
	"at the first time the channel's quiet hours and minimum gap allow (docs/schedule.md)"

// overdue reports whether post p is scheduled for a time more than
// overdueGrace before now.
func overdue(p store.PostRecord, now time.Time) bool {
	return p.State == release.StatusScheduled && !p.ScheduledAt.IsZero() && p.ScheduledAt.Before(now.Add(-overdueGrace))
}

// overdueChannels names the overdue posts of r.
func overdueChannels(r store.Record, now time.Time) []string {
	var out []string
	for _, p := range r.Posts {
		if overdue(p, now) {
			out = append(out, p.Channel)
		}
	}
	return out
}

// skippedChannels reads from release's audit log which of its posts in
// state withdrawn were skipped by an officer ('pressbot resolve ID skip'
// or the chat's Skip) rather than withdrawn with the release: the last
// entry that withdrew each channel's post says which.
func skippedChannels(audit []store.AuditEntry) map[string]bool {
	out := map[string]bool{}
	for _, e := range audit {
		if e.Channel != "" && e.To == release.StatusWithdrawn {
			out[e.Channel] = e.Event == string(release.EventWithdraw) && e.Detail == skippedDetail
		}
	}
	return out
}

// skippedDetail is the audit detail of a skipped post (store.Skip).
const skippedDetail = "skipped"

// skippedOf returns the skipped posts of each record in recs whose posts
// include a withdrawn one on a release that is not withdrawn, by release
// ID, reading their audit logs.
func skippedOf(ctx context.Context, st *store.Store, recs []store.Record) (map[string]map[string]bool, error) {
	out := map[string]map[string]bool{}
	for _, r := range recs {
		if r.State == release.StatusWithdrawn || !slices.ContainsFunc(r.Posts, func(p store.PostRecord) bool { return p.State == release.StatusWithdrawn }) {
			continue
		}
		audit, err := st.Audit(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		out[r.ID] = skippedChannels(audit)
	}
	return out, nil
}

// postState is how queue and status name the state of post p: "skipped"
// for a post an officer gave up (the store keeps it as withdrawn).
func postState(p store.PostRecord, skipped map[string]bool) string {
	if p.State == release.StatusWithdrawn && skipped[p.Channel] {
		return "skipped"
	}
	return string(p.State)
}

// attempts is the ATTEMPTS column of status: "-" before the first send.
func attempts(p store.PostRecord) string {
	if p.Attempts == 0 {
		return "-"
	}
	return strconv.Itoa(p.Attempts)
}

// unsentAfterChange returns the channels of rec, a release published on
// some channels and changed since, whose post had not gone out
// (store.UnsentAfterChange).
func unsentAfterChange(rec store.Record) []string {
	return store.UnsentAfterChange(rec.State, rec.Posts)
}

// listAnd joins names as "a", "a and b", "a, b and c" ("none" for none).
func listAnd(names []string) string {
	switch len(names) {
	case 0:
		return "none"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// idList names the IDs of recs for a footer: all of them up to five, then
// how many more.
func idList(recs []store.Record) string {
	const most = 5
	var ids []string
	for i, r := range recs {
		if i == most {
			ids = append(ids, fmt.Sprintf("%d more", len(recs)-most))
			break
		}
		ids = append(ids, r.ID)
	}
	return listAnd(ids)
}
