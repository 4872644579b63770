package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/pressbot/pressbot/internal/schedule"
	"github.com/riverqueue/river"
)

// Moved is one overdue post that Reslot gave a new time.
type Moved struct {
	Release, Channel, Hash string
	// Due is the time the post was scheduled for; At is its new time.
	Due, At time.Time
}

// overduePost is a scheduled post whose time passed, as Reslot reads it.
type overduePost struct {
	release string
	post    PostRecord
}

// Reslot keeps a channel's rules for posts that missed their time (serve
// was stopped, or behind): every post of channel still scheduled more than
// grace before now gets, in the order the posts were due, the earliest
// time from now on that keeps pol's quiet hours and minimum gap to the
// channel's other posts. Slots are not waited for: a late post goes at the
// first allowed instant. A post that may go now keeps its job, its time
// set to now; the others get a new job at their new time (and a new
// generation, which ends their old jobs unsent) and an audit entry. It reports whether the post of self
// may be claimed now (true too when it is not overdue: the claim decides),
// and the posts it moved. On time, a post is never moved: an officer's
// chosen time stands.
func (s *Store) Reslot(ctx context.Context, self PublishArgs, pol schedule.Policy, grace time.Duration) (bool, []Moved, error) {
	pol.Slots = nil
	now := s.now().UTC()
	cutoff := now.Add(-grace)
	due, err := s.overdue(ctx, s.db, self.Channel, cutoff, nil)
	if err != nil || len(due) == 0 {
		return true, nil, err
	}
	goNow, moved := true, []Moved(nil)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		goNow, moved = true, nil
		ids, err := lockReleases(ctx, tx, due)
		if err != nil {
			return err
		}
		if due, err = s.overdue(ctx, tx, self.Channel, cutoff, ids); err != nil {
			return err
		}
		busy, err := s.busyTimes(ctx, tx, self.Channel, cutoff, now.Add(-pol.MinGap))
		if err != nil {
			return err
		}
		var jobs []river.InsertManyParams
		for _, d := range due {
			at, err := pol.Next(now, time.Time{}, busy)
			if err != nil {
				at = now // nothing allowed within a year: the rules cannot be kept, so do not hold the post for ever
			}
			busy = append(busy, at)
			if !at.After(now) {
				// It may go now: its job stays. Its time becomes now, so
				// that it is no longer overdue, and the posts placed one
				// gap after it keep their places when the next reslot
				// comes before its claim.
				if err := s.setDue(ctx, tx, d.release, d.post.Channel, now); err != nil {
					return err
				}
				continue
			}
			if d.release == self.Release && d.post.Hash == self.Hash && d.post.Gen == self.Gen {
				goNow = false
			}
			args, err := s.requeue(ctx, tx, d.release, d.post, at)
			if err != nil {
				return err
			}
			if err := s.audit(ctx, tx, AuditEntry{Release: d.release, Channel: d.post.Channel, From: d.post.State, To: d.post.State,
				Event: "reschedule", Actor: ActorSystem, Detail: fmt.Sprintf("overdue since %s; at %s, the first time the channel's quiet hours and minimum gap allow",
					formatTime(d.post.ScheduledAt), formatTime(at))}); err != nil {
				return err
			}
			moved = append(moved, Moved{Release: d.release, Channel: d.post.Channel, Hash: d.post.Hash, Due: d.post.ScheduledAt, At: at})
			jobs = append(jobs, river.InsertManyParams{Args: args, InsertOpts: &river.InsertOpts{ScheduledAt: at}})
		}
		return s.insertJobs(ctx, tx, jobs)
	})
	if err != nil {
		return false, nil, fmt.Errorf("store: reslot overdue posts on %s: %w", self.Channel, err)
	}
	return goNow, moved, nil
}

// setDue sets the time of a scheduled post without requeueing it.
func (s *Store) setDue(ctx context.Context, tx *sql.Tx, id, channel string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE posts SET scheduled_at = $1, updated = $2 WHERE release_id = $3 AND channel = $4`,
		formatTime(at), formatTime(s.now()), id, channel)
	return wrap(err, "reslot", id)
}

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// overdue returns the posts of channel scheduled before cutoff, in the
// order they were due; with ids, only those of these releases.
func (s *Store) overdue(ctx context.Context, q querier, channel string, cutoff time.Time, ids []string) ([]overduePost, error) {
	rows, err := q.QueryContext(ctx, `SELECT release_id, `+postCols+` FROM posts
		WHERE channel = $1 AND state = 'scheduled' AND scheduled_at < $2 ORDER BY scheduled_at, release_id`, channel, formatTime(cutoff))
	if err != nil {
		return nil, wrap(err, "overdue posts", channel)
	}
	defer rows.Close()
	var out []overduePost
	for rows.Next() {
		var d overduePost
		p, err := scanPost(rowWithID{rows, &d.release})
		if err != nil {
			return nil, wrap(err, "overdue posts", channel)
		}
		d.post = p
		if ids == nil || slices.Contains(ids, d.release) {
			out = append(out, d)
		}
	}
	return out, wrap(rows.Err(), "overdue posts", channel)
}

// rowWithID scans a leading release_id column into id, then postCols.
type rowWithID struct {
	r  scanner
	id *string
}

// Scan implements scanner.
func (r rowWithID) Scan(dest ...any) error {
	return r.r.Scan(append([]any{r.id}, dest...)...)
}

// lockReleases locks the releases of due in ID order (so that two
// instances reslotting different channels cannot deadlock) and returns
// their IDs. A release deleted meanwhile is left out.
func lockReleases(ctx context.Context, tx *sql.Tx, due []overduePost) ([]string, error) {
	var ids []string
	for _, d := range due {
		ids = append(ids, d.release)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := ids[:0]
	for _, id := range ids {
		err := lockRelease(ctx, tx, id)
		if err == nil {
			out = append(out, id)
		} else if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
	}
	return out, nil
}

// busyTimes returns the times of channel's posts from one minimum gap
// before now on, which an overdue post must keep its distance from: the
// scheduled posts not overdue (scheduled at or after cutoff), the posts
// being sent (since their claim) and those sent.
func (s *Store) busyTimes(ctx context.Context, tx *sql.Tx, channel string, cutoff, from time.Time) ([]time.Time, error) {
	rows, err := tx.QueryContext(ctx, `SELECT state, scheduled_at, published_at, updated FROM posts
		WHERE channel = $1 AND (state IN ('publishing', 'published', 'uncertain') OR (state = 'scheduled' AND scheduled_at >= $2))
		AND (scheduled_at >= $3 OR published_at >= $3 OR updated >= $3)`, channel, formatTime(cutoff), formatTime(from))
	if err != nil {
		return nil, wrap(err, "busy times", channel)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var (
			state              string
			sched, pub, update dbTime
		)
		if err := rows.Scan(&state, &sched, &pub, &update); err != nil {
			return nil, wrap(err, "busy times", channel)
		}
		t := sched.T
		switch {
		case !pub.T.IsZero():
			t = pub.T
		case state != "scheduled":
			t = update.T // being sent, or its fate unknown: since it was claimed
		}
		out = append(out, t)
	}
	return out, wrap(rows.Err(), "busy times", channel)
}
