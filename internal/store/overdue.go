package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/schedule"
	"github.com/riverqueue/river"
)

// Moved is one late post that Reslot gave a new time.
type Moved struct {
	Release, Channel, Hash string
	// Due is the time the post was scheduled for; At is its new time.
	Due, At time.Time
	// Overdue is true for a post that missed its time by more than the
	// grace; false for one held back because the post before it went out
	// late and would otherwise be too close.
	Overdue bool
}

// Reslot keeps a channel's quiet hours and minimum gap for posts that go
// out later than planned (serve was stopped, or behind). Before the post
// of self is claimed:
//
//   - every post of the channel still scheduled more than grace before now
//     gets, in the order the posts were due, the first moment from now on
//     that is outside quiet hours and at least the minimum gap from the
//     channel's other posts (those sent, being sent, or scheduled). Slots
//     are not waited for. A post that may go now keeps its job, its time
//     set to now; the others get a new job (and generation, which ends
//     their old jobs unsent) and an audit entry;
//   - self, when due and not overdue, is held back the same way if the post
//     before it went out late and is now closer than the gap, although
//     their planned times kept it.
//
// A post on time is never moved, nor one an officer placed closer than the
// gap: the officer's chosen time stands. Reslot reports whether self may
// be claimed now, and the posts it moved. It chooses and stores the new
// times holding the channel's lock, as FinishRetry does, so that a retry
// placed meanwhile cannot take one of them.
func (s *Store) Reslot(ctx context.Context, self PublishArgs, pol schedule.Policy, grace time.Duration) (bool, []Moved, error) {
	pol.Slots = nil
	now := s.now().UTC()
	posts, err := s.channelPosts(ctx, s.db, self.Channel, now.Add(-pol.MinGap))
	if err != nil {
		return false, nil, fmt.Errorf("store: reslot late posts on %s: %w", self.Channel, err)
	}
	if steps, _ := plan(posts, self, pol, now, grace); len(steps) == 0 {
		return true, nil, nil
	}
	goNow, moved := true, []Moved(nil)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockChannel(ctx, tx, self.Channel); err != nil {
			return err
		}
		steps, _ := plan(posts, self, pol, now, grace)
		ids, err := lockReleases(ctx, tx, steps)
		if err != nil {
			return err
		}
		if posts, err = s.channelPosts(ctx, tx, self.Channel, now.Add(-pol.MinGap)); err != nil {
			return err
		}
		steps, goNow = plan(posts, self, pol, now, grace)
		moved, err = s.applySteps(ctx, tx, steps, ids, now)
		return err
	})
	if err != nil {
		return false, nil, fmt.Errorf("store: reslot late posts on %s: %w", self.Channel, err)
	}
	return goNow, moved, nil
}

// FinishRetry records, as FinishPublish does, a send that failed and is
// to be tried again automatically (r.Event is EventRetry, r.RetryAt the
// backoff's time), at the first instant from r.RetryAt on that is outside
// pol's quiet hours and at least pol's minimum gap from the channel's
// other posts (sent, being sent, or scheduled), as Reslot places an
// overdue post. Slots are not waited for. r.RetryAt itself stands when it
// is allowed, or when nothing is allowed within a year (the rules cannot
// be kept, so the retry is not held for ever). The time is rounded up to
// the millisecond, the precision River keeps on SQLite, so that the time
// stored and returned is the one River uses.
//
// The time is chosen and stored in one transaction that holds the
// channel's lock, so that two retries on one channel, in one process or
// in several sharing a PostgreSQL, never take the same time.
func (s *Store) FinishRetry(ctx context.Context, args PublishArgs, r Result, pol schedule.Policy) (time.Time, error) {
	if r.Event != release.EventRetry || r.RetryAt.IsZero() {
		return time.Time{}, fmt.Errorf("store: retry %s on %s: %s is not a retry with a time", args.Release, args.Channel, r.Event)
	}
	pol.Slots = nil
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockChannel(ctx, tx, args.Channel); err != nil {
			return err
		}
		at, err := s.retryAt(ctx, tx, args, pol, r.RetryAt)
		if err != nil {
			return fmt.Errorf("store: time the retry of %s on %s: %w", args.Release, args.Channel, err)
		}
		r.RetryAt = at
		_, err = s.finish(ctx, tx, args, r)
		return err
	})
	if err != nil {
		return time.Time{}, err
	}
	return r.RetryAt, nil
}

// retryAt returns the first instant from at on that pol allows for a
// retry of self, reading the channel's posts in q, rounded up to the
// millisecond.
func (s *Store) retryAt(ctx context.Context, q querier, self PublishArgs, pol schedule.Policy, at time.Time) (time.Time, error) {
	if len(pol.Quiet) > 0 || pol.MinGap > 0 {
		now, from := s.now().UTC(), at
		if now.Before(from) {
			from = now
		}
		posts, err := s.channelPosts(ctx, q, self.Channel, from.Add(-pol.MinGap))
		if err != nil {
			return at, err
		}
		var busy []time.Time
		for _, cp := range posts {
			if cp.release != self.Release {
				busy = append(busy, busyAt(cp.post, now))
			}
		}
		at = nextFree(pol, at, busy)
	}
	if up := at.Truncate(time.Millisecond); !up.Equal(at) {
		at = up.Add(time.Millisecond)
	}
	return at, nil
}

// channelLockClass is the first key of the PostgreSQL advisory locks
// that lockChannel takes ("pbch" in ASCII); the second is a hash of the
// schema and the channel. Two-key advisory locks never meet the one-key
// ones (the migration lock, River's).
const channelLockClass = 0x70626368

// lockChannel serialises, for the rest of tx, the choice of times for
// channel's posts (Reslot, FinishRetry), across transactions and
// processes: on PostgreSQL with a transaction-level advisory lock; SQLite's
// IMMEDIATE transaction already holds the database. Take it before any
// release's lock, so that two transactions cannot deadlock.
func (s *Store) lockChannel(ctx context.Context, tx *sql.Tx, channel string) error {
	if s.dialect != DialectPostgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, hashtext(current_schema() || '/' || $2::text))`,
		int32(channelLockClass), channel)
	return wrap(err, "lock channel", channel)
}

// chanPost is one post of a channel, with its release's ID.
type chanPost struct {
	release string
	post    PostRecord
}

// step is one decision of plan: post p goes at at (now: it keeps its job).
type step struct {
	p       chanPost
	at      time.Time
	overdue bool
}

// plan decides what Reslot does with posts (a channel's posts, as read by
// channelPosts) at now, and whether self may go now. It is pure, so that
// the decision can be made outside the transaction and again inside it.
func plan(posts []chanPost, self PublishArgs, pol schedule.Policy, now time.Time, grace time.Duration) ([]step, bool) {
	cutoff := now.Add(-grace)
	var overdue []chanPost
	var busy []time.Time
	var mine *chanPost
	for i, cp := range posts {
		isSelf := cp.release == self.Release && cp.post.Hash == self.Hash && cp.post.Gen == self.Gen
		switch {
		case cp.post.State == "scheduled" && cp.post.ScheduledAt.Before(cutoff):
			overdue = append(overdue, cp)
		case isSelf:
			if cp.post.State == "scheduled" {
				mine = &posts[i]
			}
		default:
			busy = append(busy, busyAt(cp.post, now))
		}
	}
	var steps []step
	goNow := true
	held := mine != nil && crowded(posts, *mine, pol.MinGap, now)
	if mine != nil && !held {
		busy = append(busy, busyAt(mine.post, now)) // it goes now, or at its time
	}
	for _, d := range overdue {
		at := nextFree(pol, now, busy)
		busy = append(busy, at)
		steps = append(steps, step{p: d, at: at, overdue: true})
		if d.release == self.Release && d.post.Hash == self.Hash && d.post.Gen == self.Gen && at.After(now) {
			goNow = false
		}
	}
	if held {
		at := nextFree(pol, now, busy)
		steps = append(steps, step{p: *mine, at: at})
		goNow = !at.After(now)
	}
	return steps, goNow
}

// slack is how far a late send may crowd the next post before that post
// is held back: lateness of a few seconds is not worth a move.
const slack = 5 * time.Second

// busyAt is the time post p occupies on its channel: when it was sent,
// when it was claimed (being sent, or its fate unknown), or when it is
// scheduled, and now at the earliest for a scheduled post whose time has
// passed (it goes now).
func busyAt(p PostRecord, now time.Time) time.Time {
	switch {
	case !p.PublishedAt.IsZero():
		return p.PublishedAt
	case p.State != "scheduled":
		return p.Updated
	case p.ScheduledAt.Before(now):
		return now
	}
	return p.ScheduledAt
}

// crowded reports whether mine, due, would go out closer than gap after
// a post sent late, although their planned times kept the gap.
func crowded(posts []chanPost, mine chanPost, gap time.Duration, now time.Time) bool {
	if gap <= 0 || mine.post.ScheduledAt.After(now) {
		return false
	}
	for _, cp := range posts {
		if cp.post.State == "scheduled" {
			continue
		}
		sent := busyAt(cp.post, now)
		planned := cp.post.ScheduledAt
		if !sent.After(now) && sent.Add(gap).After(now.Add(slack)) && !planned.Add(gap).After(mine.post.ScheduledAt.Add(slack)) {
			return true
		}
	}
	return false
}

// nextFree returns the first instant from now on that pol allows with
// busy, on a whole minute when that is free too (times are shown to the
// minute), or now when nothing is allowed within a year: the rules cannot
// be kept, so the post is not held for ever.
func nextFree(pol schedule.Policy, now time.Time, busy []time.Time) time.Time {
	at, err := pol.Next(now, time.Time{}, busy)
	if err != nil || !at.After(now) {
		return now
	}
	if up := at.Truncate(time.Minute); !up.Equal(at) {
		up = up.Add(time.Minute)
		if t, err := pol.Next(up, time.Time{}, busy); err == nil && t.Equal(up) {
			return up
		}
	}
	return at
}

// applySteps carries out plan's steps for the releases locked (ids): a
// post that goes now gets now as its time, the others a new job.
func (s *Store) applySteps(ctx context.Context, tx *sql.Tx, steps []step, ids []string, now time.Time) ([]Moved, error) {
	var moved []Moved
	var jobs []river.InsertManyParams
	for _, st := range steps {
		d := st.p
		if !slices.Contains(ids, d.release) {
			continue // appeared after the locks: the next reslot sees it
		}
		if !st.at.After(now) {
			// It goes now and keeps its job. Its time becomes now, so that
			// it is no longer overdue, and the posts placed one gap after
			// it keep their places if another reslot comes before its claim.
			if err := s.setDue(ctx, tx, d.release, d.post.Channel, now); err != nil {
				return nil, err
			}
			continue
		}
		args, err := s.requeue(ctx, tx, d.release, d.post, st.at)
		if err != nil {
			return nil, err
		}
		why := "overdue since " + formatTime(d.post.ScheduledAt)
		if !st.overdue {
			why = "the post before it went out late"
		}
		if err := s.audit(ctx, tx, AuditEntry{Release: d.release, Channel: d.post.Channel, From: d.post.State, To: d.post.State,
			Event: "reschedule", Actor: ActorSystem, Detail: fmt.Sprintf("%s; at %s, the first time the channel's quiet hours and minimum gap allow",
				why, formatTime(st.at))}); err != nil {
			return nil, err
		}
		moved = append(moved, Moved{Release: d.release, Channel: d.post.Channel, Hash: d.post.Hash, Due: d.post.ScheduledAt, At: st.at, Overdue: st.overdue})
		jobs = append(jobs, river.InsertManyParams{Args: args, InsertOpts: &river.InsertOpts{ScheduledAt: st.at}})
	}
	return moved, s.insertJobs(ctx, tx, jobs)
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

// channelPosts returns the posts of channel that Reslot weighs: every
// scheduled one, and those sent, being sent or of unknown fate since from;
// in the order they were due.
func (s *Store) channelPosts(ctx context.Context, q querier, channel string, from time.Time) ([]chanPost, error) {
	rows, err := q.QueryContext(ctx, `SELECT release_id, `+postCols+` FROM posts
		WHERE channel = $1 AND (state = 'scheduled' OR (state IN ('publishing', 'published', 'uncertain')
		AND (scheduled_at >= $2 OR published_at >= $2 OR updated >= $2))) ORDER BY scheduled_at, release_id`, channel, formatTime(from))
	if err != nil {
		return nil, wrap(err, "channel posts", channel)
	}
	defer rows.Close()
	var out []chanPost
	for rows.Next() {
		var cp chanPost
		if cp.post, err = scanPost(rowWithID{rows, &cp.release}); err != nil {
			return nil, wrap(err, "channel posts", channel)
		}
		out = append(out, cp)
	}
	return out, wrap(rows.Err(), "channel posts", channel)
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

// lockReleases locks the releases of steps in ID order (so that two
// instances reslotting different channels cannot deadlock) and returns
// their IDs. A release deleted meanwhile is left out.
func lockReleases(ctx context.Context, tx *sql.Tx, steps []step) ([]string, error) {
	var ids []string
	for _, st := range steps {
		ids = append(ids, st.p.release)
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
