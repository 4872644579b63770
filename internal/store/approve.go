package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/riverqueue/river"
)

// ApproveRequest is one approver's consent to the content they saw.
type ApproveRequest struct {
	ID string
	// Hash is the content hash the approver saw; a different stored hash
	// fails with a *StaleHashError.
	Hash     string
	Approver Approver
	// Channels to publish on; empty means every channel in Posts.
	Channels []string
	// At is when to publish (zero: now). ChannelAt overrides it per
	// channel (the next free slot of each). Neither can precede the
	// release's embargo: an earlier time is moved to publish_at.
	At        time.Time
	ChannelAt map[string]time.Time
	// Posts are the rendered posts the approver saw, one per channel; they
	// are stored and are exactly what will be sent.
	Posts []release.Post
	// Required is how many distinct approvers the hash needs (0 means 1).
	Required int
}

// ApproveResult tells what an approval did.
type ApproveResult struct {
	// Approvals is the number of distinct approvers of this hash so far.
	Approvals int
	Required  int
	// Scheduled is true once enough approvers agreed and the jobs exist.
	Scheduled bool
	// Already is true when this approver had already approved this hash
	// (a double tap): nothing changed.
	Already bool
	// At maps each scheduled channel to its time.
	At    map[string]time.Time
	State release.Status
}

// Approve records an approval bound to req.Hash and, once Required distinct
// approvers agree, stores the rendered posts and inserts their publish jobs
// in the same transaction. A repeated approval by the same approver is a
// no-op; a stale hash fails with a *StaleHashError (errors.Is ErrStaleHash).
func (s *Store) Approve(ctx context.Context, req ApproveRequest) (ApproveResult, error) {
	res := ApproveResult{Required: max(req.Required, 1)}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := lockRelease(ctx, tx, req.ID); err != nil {
			return err
		}
		rec, err := s.get(ctx, tx, req.ID)
		if err != nil {
			return err
		}
		res.State = rec.State
		if req.Hash != rec.Hash {
			return &StaleHashError{ID: req.ID, Hash: req.Hash, Current: rec.Hash}
		}
		if rec.Release.Draft {
			// Made a draft after it was offered: drafts are never approved.
			return fmt.Errorf("store: approve %s: %w", req.ID, ErrDraft)
		}
		inserted, err := s.insertApproval(ctx, tx, req)
		if err != nil {
			return err
		}
		res.Approvals = countApprovers(rec.Approvals, inserted)
		if rec.ApprovedHash == req.Hash && rec.State != release.StatusPendingApproval {
			res.Already, res.Scheduled = true, true // approved before: nothing to do
			return nil
		}
		if _, err := release.Transition(rec.State, release.EventApprove); err != nil {
			return fmt.Errorf("store: approve %s: %w", req.ID, err)
		}
		res.Already = !inserted
		if res.Approvals < res.Required {
			if res.Already {
				return nil
			}
			return s.audit(ctx, tx, AuditEntry{Release: req.ID, From: rec.State, To: rec.State, Event: string(release.EventApprove),
				Actor: req.Approver.Actor(), Detail: fmt.Sprintf("%d of %d approvals for %s", res.Approvals, res.Required, short(req.Hash))})
		}
		res.At, res.State, err = s.schedule(ctx, tx, rec, req)
		res.Scheduled, res.Already = err == nil, false
		return err
	})
	return res, err
}

// countApprovers counts distinct approvers including a just inserted one.
func countApprovers(prev []Approval, inserted bool) int {
	n := len(prev)
	if inserted {
		n++
	}
	return n
}

// insertApproval stores req's approval; false when this approver had
// already approved this hash.
func (s *Store) insertApproval(ctx context.Context, tx *sql.Tx, req ApproveRequest) (bool, error) {
	chans, err := json.Marshal(req.Channels)
	if err != nil {
		return false, wrap(err, "approve", req.ID)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO approvals (release_id, hash, approver_id, approver_name, actor_kind, at, channels, requested_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
		req.ID, req.Hash, req.Approver.Actor(), req.Approver.Name, req.Approver.Kind, formatTime(s.now()), string(chans), nullTime(req.At))
	if err != nil {
		return false, wrap(err, "approve", req.ID)
	}
	n, err := res.RowsAffected()
	return n > 0, wrap(err, "approve", req.ID)
}

// approvals returns the approvals of release id's hash.
func (s *Store) approvals(ctx context.Context, tx *sql.Tx, id, hash string) ([]Approval, error) {
	rows, err := tx.QueryContext(ctx, `SELECT approver_id, approver_name, actor_kind, at, channels, requested_at
		FROM approvals WHERE release_id = $1 AND hash = $2 ORDER BY at`, id, hash)
	if err != nil {
		return nil, wrap(err, "approvals", id)
	}
	defer rows.Close()
	var out []Approval
	for rows.Next() {
		var (
			a          Approval
			actor      string
			chans      string
			at, reqdAt dbTime
		)
		if err := rows.Scan(&actor, &a.Approver.Name, &a.Approver.Kind, &at, &chans, &reqdAt); err != nil {
			return nil, wrap(err, "approvals", id)
		}
		a.Hash, a.At, a.Requested = hash, at.T, reqdAt.T
		a.Approver.ID = strings.TrimPrefix(actor, a.Approver.Kind+":")
		if err := json.Unmarshal([]byte(chans), &a.Channels); err != nil {
			return nil, wrap(err, "approvals", id)
		}
		out = append(out, a)
	}
	return out, wrap(rows.Err(), "approvals", id)
}

// schedule moves an approved release to scheduled: one post row per channel
// and one River job per post, all in tx.
func (s *Store) schedule(ctx context.Context, tx *sql.Tx, rec Record, req ApproveRequest) (map[string]time.Time, release.Status, error) {
	actor := req.Approver.Actor()
	posts, err := selectPosts(req)
	if err != nil {
		return nil, "", err
	}
	state, err := s.moveRelease(ctx, tx, rec.ID, rec.State, release.EventApprove, actor, "hash "+short(req.Hash))
	if err != nil {
		return nil, "", err
	}
	at := map[string]time.Time{}
	var jobs []river.InsertManyParams
	for _, p := range posts {
		when := s.slot(req, p.Channel, rec.Release.PublishAt)
		args, skip, err := s.putPost(ctx, tx, rec, p, when, actor)
		if err != nil {
			return nil, "", err
		}
		if skip {
			continue
		}
		at[p.Channel] = when
		jobs = append(jobs, river.InsertManyParams{Args: args, InsertOpts: &river.InsertOpts{ScheduledAt: when}})
	}
	if err := s.insertJobs(ctx, tx, jobs); err != nil {
		return nil, "", err
	}
	if err := s.setApproved(ctx, tx, rec); err != nil { // rec.Hash is req.Hash: checked by Approve
		return nil, "", err
	}
	if _, err = s.moveRelease(ctx, tx, rec.ID, state, release.EventSchedule, actor, postCount(len(jobs))); err != nil {
		return nil, "", err
	}
	state, err = s.refreshRelease(ctx, tx, rec.ID, actor)
	return at, state, err
}

// postCount says "1 post" or "N posts".
func postCount(n int) string {
	if n == 1 {
		return "1 post"
	}
	return fmt.Sprintf("%d posts", n)
}

// selectPosts returns req's posts for its channels.
func selectPosts(req ApproveRequest) ([]release.Post, error) {
	if len(req.Channels) == 0 {
		if len(req.Posts) == 0 {
			return nil, fmt.Errorf("store: approve %s: no posts to schedule", req.ID)
		}
		return req.Posts, nil
	}
	var out []release.Post
	for _, ch := range req.Channels {
		i := slices.IndexFunc(req.Posts, func(p release.Post) bool { return p.Channel == ch })
		if i < 0 {
			return nil, fmt.Errorf("store: approve %s: no rendered post for channel %q", req.ID, ch)
		}
		out = append(out, req.Posts[i])
	}
	return out, nil
}

// slot returns the publication time of channel: ChannelAt, else At, else
// now, never before the embargo.
func (s *Store) slot(req ApproveRequest, channel string, embargo time.Time) time.Time {
	at := req.ChannelAt[channel]
	if at.IsZero() {
		at = req.At
	}
	if at.IsZero() {
		at = s.now()
	}
	if at.Before(embargo) {
		at = embargo
	}
	return at.UTC()
}

// putPost writes the scheduled post of one channel and returns its job's
// arguments. A channel that already published is skipped (never a
// duplicate); one being sent or awaiting an officer's word refuses.
func (s *Store) putPost(ctx context.Context, tx *sql.Tx, rec Record, p release.Post, at time.Time, actor string) (PublishArgs, bool, error) {
	p.Release, p.Hash = rec.ID, rec.Hash
	body, err := json.Marshal(p)
	if err != nil {
		return PublishArgs{}, false, wrap(err, "approve", rec.ID)
	}
	from := release.StatusApproved
	gen := 1
	if i := slices.IndexFunc(rec.Posts, func(q PostRecord) bool { return q.Channel == p.Channel }); i >= 0 {
		old := rec.Posts[i]
		switch old.State {
		case release.StatusPublished:
			return PublishArgs{}, true, nil
		case release.StatusPublishing, release.StatusUncertain:
			return PublishArgs{}, false, fmt.Errorf("store: approve %s: the %s post is %s; resolve it first", rec.ID, p.Channel, old.State)
		}
		gen = old.Gen + 1
		if err := s.cancelJob(ctx, tx, old.JobID); err != nil {
			return PublishArgs{}, false, err
		}
	}
	now := formatTime(s.now())
	_, err = tx.ExecContext(ctx, `INSERT INTO posts (release_id, channel, hash, gen, state, attempts, post, scheduled_at, job_id, receipt, last_error, published_at, updated)
		VALUES ($1, $2, $3, $4, $5, 0, $6, $7, NULL, NULL, '', NULL, $8)
		ON CONFLICT (release_id, channel) DO UPDATE SET hash = excluded.hash, gen = excluded.gen, state = excluded.state,
		attempts = 0, post = excluded.post, scheduled_at = excluded.scheduled_at, job_id = NULL, receipt = NULL,
		last_error = '', published_at = NULL, updated = excluded.updated`,
		rec.ID, p.Channel, rec.Hash, gen, string(from), string(body), formatTime(at), now)
	if err != nil {
		return PublishArgs{}, false, wrap(err, "approve", rec.ID)
	}
	if _, err := s.movePost(ctx, tx, rec.ID, p.Channel, from, release.EventSchedule, actor, "at "+formatTime(at), nil); err != nil {
		return PublishArgs{}, false, err
	}
	return PublishArgs{Release: rec.ID, Channel: p.Channel, Hash: rec.Hash, Gen: gen}, false, nil
}

// insertJobs inserts publish jobs in tx and records each job's id on its
// post.
func (s *Store) insertJobs(ctx context.Context, tx *sql.Tx, jobs []river.InsertManyParams) error {
	if len(jobs) == 0 {
		return nil
	}
	results, err := s.jobs.InsertManyTx(ctx, tx, jobs)
	if err != nil {
		return fmt.Errorf("store: insert jobs: %w", err)
	}
	for i, r := range results {
		a := jobs[i].Args.(PublishArgs)
		if _, err := tx.ExecContext(ctx, `UPDATE posts SET job_id = $1 WHERE release_id = $2 AND channel = $3`,
			r.Job.ID, a.Release, a.Channel); err != nil {
			return wrap(err, "insert jobs", a.Release)
		}
	}
	return nil
}

// Reject refuses release id (awaiting approval) with a reason.
func (s *Store) Reject(ctx context.Context, id, actor, reason string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		state, err := s.lockState(ctx, tx, id)
		if err != nil {
			return err
		}
		_, err = s.moveRelease(ctx, tx, id, state, release.EventReject, actor, reason)
		return err
	})
}

// Cancel takes an approved or scheduled release back to review: its unsent
// posts' jobs are cancelled in the same transaction.
func (s *Store) Cancel(ctx context.Context, id, actor, reason string) error {
	return s.stop(ctx, id, release.EventCancel, actor, reason)
}

// Withdraw withdraws release id everywhere: unsent posts are cancelled;
// published ones keep their receipts so the officers can delete them.
func (s *Store) Withdraw(ctx context.Context, id, actor, reason string) error {
	return s.stop(ctx, id, release.EventWithdraw, actor, reason)
}

// stop cancels the unsent posts of id and applies ev to the release.
func (s *Store) stop(ctx context.Context, id string, ev release.Event, actor, reason string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		state, err := s.lockState(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := release.Transition(state, ev); err != nil {
			return fmt.Errorf("store: %s: %w", id, err)
		}
		posts, err := s.posts(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := s.stopPosts(ctx, tx, id, posts, ev, actor, reason); err != nil {
			return err
		}
		// Back to review means approving afresh: earlier approvals of this
		// hash no longer count (the audit log keeps them).
		if _, err := tx.ExecContext(ctx, `DELETE FROM approvals WHERE release_id = $1`, id); err != nil {
			return wrap(err, string(ev), id)
		}
		_, err = s.moveRelease(ctx, tx, id, state, ev, actor, reason)
		return err
	})
}

// lockState locks release id and returns its state.
func (s *Store) lockState(ctx context.Context, tx *sql.Tx, id string) (release.Status, error) {
	if err := lockRelease(ctx, tx, id); err != nil {
		return "", err
	}
	var state string
	err := tx.QueryRowContext(ctx, `SELECT state FROM releases WHERE id = $1`, id).Scan(&state)
	return release.Status(state), wrap(err, "state", id)
}

// RescheduleRequest moves the scheduled posts of an approved release.
type RescheduleRequest struct {
	ID string
	// Hash is the content the officer saw; a changed one fails with a
	// *StaleHashError.
	Hash  string
	Actor string
	// At is the new time (zero: now); ChannelAt overrides it per channel.
	// Neither can precede the embargo.
	At        time.Time
	ChannelAt map[string]time.Time
}

// Reschedule moves every scheduled post of req.ID to its new time: the old
// jobs are cancelled and new ones inserted in the same transaction. It
// returns the new time of each post moved.
func (s *Store) Reschedule(ctx context.Context, req RescheduleRequest) (map[string]time.Time, error) {
	moved := map[string]time.Time{}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := lockRelease(ctx, tx, req.ID); err != nil {
			return err
		}
		rec, err := s.get(ctx, tx, req.ID)
		if err != nil {
			return err
		}
		if req.Hash != rec.Hash {
			return &StaleHashError{ID: req.ID, Hash: req.Hash, Current: rec.Hash}
		}
		slot := ApproveRequest{At: req.At, ChannelAt: req.ChannelAt}
		var jobs []river.InsertManyParams
		for _, p := range rec.Posts {
			if p.State != release.StatusScheduled {
				continue
			}
			at := s.slot(slot, p.Channel, rec.Release.PublishAt)
			args, err := s.requeue(ctx, tx, req.ID, p, at)
			if err != nil {
				return err
			}
			if err := s.audit(ctx, tx, AuditEntry{Release: req.ID, Channel: p.Channel, From: p.State, To: p.State,
				Event: "reschedule", Actor: req.Actor, Detail: "at " + formatTime(at)}); err != nil {
				return err
			}
			moved[p.Channel] = at
			jobs = append(jobs, river.InsertManyParams{Args: args, InsertOpts: &river.InsertOpts{ScheduledAt: at}})
		}
		if len(jobs) == 0 {
			return fmt.Errorf("store: reschedule %s: no scheduled post (the release is %s)", req.ID, rec.State)
		}
		return s.insertJobs(ctx, tx, jobs)
	})
	return moved, err
}

// requeue cancels p's job and gives it a new generation and time; it
// returns the new job's arguments.
func (s *Store) requeue(ctx context.Context, tx *sql.Tx, id string, p PostRecord, at time.Time) (PublishArgs, error) {
	if err := s.cancelJob(ctx, tx, p.JobID); err != nil {
		return PublishArgs{}, err
	}
	gen := p.Gen + 1
	_, err := tx.ExecContext(ctx, `UPDATE posts SET gen = $1, scheduled_at = $2, updated = $3 WHERE release_id = $4 AND channel = $5`,
		gen, formatTime(at), formatTime(s.now()), id, p.Channel)
	return PublishArgs{Release: id, Channel: p.Channel, Hash: p.Hash, Gen: gen}, wrap(err, "requeue", id)
}
