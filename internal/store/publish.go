package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/riverqueue/river"
)

// ClaimOutcome says what a publish job may do.
type ClaimOutcome int

// Claim outcomes.
const (
	// ClaimSend: the post is now publishing; send it.
	ClaimSend ClaimOutcome = iota + 1
	// ClaimStale: the post changed, was cancelled, withdrawn or already
	// handled; cancel the job without sending.
	ClaimStale
	// ClaimInterrupted: a previous attempt crashed between sending and
	// recording; the post is now uncertain and must not be sent again.
	ClaimInterrupted
)

// Claim is StartPublish's answer.
type Claim struct {
	Outcome ClaimOutcome
	// Post is the stored rendered post to send (ClaimSend).
	Post release.Post
	// State is the post's state after the claim.
	State release.Status
	// Attempts counts the sends started, this one included.
	Attempts int
}

// StartPublish is the worker's first step: in one transaction it checks
// that the post of args is still scheduled with the job's hash and
// generation and marks it publishing. A post already publishing was
// interrupted by a crash: it becomes uncertain instead (never re-sent).
func (s *Store) StartPublish(ctx context.Context, args PublishArgs) (Claim, error) {
	var c Claim
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		p, err := s.lockPost(ctx, tx, args)
		if errors.Is(err, ErrNotFound) {
			c.Outcome = ClaimStale
			return nil
		}
		if err != nil {
			return err
		}
		c.State, c.Attempts = p.State, p.Attempts
		if p.Hash != args.Hash || p.Gen != args.Gen {
			c.Outcome = ClaimStale
			return nil
		}
		switch p.State {
		case release.StatusScheduled:
			c.Outcome, c.Post, c.Attempts = ClaimSend, p.Post, p.Attempts+1
			c.State, err = s.movePost(ctx, tx, args.Release, args.Channel, p.State, release.EventStart, ActorSystem,
				fmt.Sprintf("attempt %d", c.Attempts), &postUpdate{attempt: true})
		case release.StatusPublishing:
			c.Outcome = ClaimInterrupted
			msg := "interrupted between sending and recording the result; check the channel"
			c.State, err = s.movePost(ctx, tx, args.Release, args.Channel, p.State, release.EventUncertain, ActorSystem, msg,
				&postUpdate{lastError: &msg})
		default:
			c.Outcome = ClaimStale
			return nil
		}
		if err != nil {
			return err
		}
		_, err = s.refreshRelease(ctx, tx, args.Release, ActorSystem)
		return err
	})
	return c, err
}

// lockPost locks the release of args and reads its post.
func (s *Store) lockPost(ctx context.Context, tx *sql.Tx, args PublishArgs) (PostRecord, error) {
	if err := lockRelease(ctx, tx, args.Release); err != nil {
		return PostRecord{}, err
	}
	return s.post(ctx, tx, args.Release, args.Channel)
}

// Result is the outcome of one send, for FinishPublish.
type Result struct {
	// Receipt is set on success.
	Receipt *release.Receipt
	// Event is EventSucceed, EventRetry (back to scheduled), EventFail or
	// EventUncertain.
	Event release.Event
	// Err is the reason kept for a failure (no secrets).
	Err string
	// RetryAt is the next try's time for EventRetry (zero: unknown); for
	// FinishRetry, the earliest.
	RetryAt time.Time
}

// FinishPublish records the result of a send started by StartPublish and
// returns the post's new state. A receipt that arrives after the post was
// declared uncertain (by SweepStale) still marks it published.
func (s *Store) FinishPublish(ctx context.Context, args PublishArgs, r Result) (release.Status, error) {
	var to release.Status
	err := s.inTx(ctx, func(tx *sql.Tx) (err error) {
		to, err = s.finish(ctx, tx, args, r)
		return err
	})
	return to, err
}

// finish records r for the post of args in tx and returns its new state.
func (s *Store) finish(ctx context.Context, tx *sql.Tx, args PublishArgs, r Result) (release.Status, error) {
	p, err := s.lockPost(ctx, tx, args)
	if err != nil {
		return "", err
	}
	if p.Hash != args.Hash || p.Gen != args.Gen {
		return "", fmt.Errorf("store: finish %s on %s: the post was replaced while sending", args.Release, args.Channel)
	}
	ev, u := r.Event, &postUpdate{receipt: r.Receipt}
	if r.Err != "" {
		u.lastError = &r.Err
	}
	if !r.RetryAt.IsZero() {
		u.at = &r.RetryAt
	}
	if p.State == release.StatusUncertain && ev == release.EventSucceed {
		ev = release.EventMarkPublished
	}
	to, err := s.movePost(ctx, tx, args.Release, args.Channel, p.State, ev, ActorSystem, r.Err, u)
	if err != nil {
		return to, err
	}
	_, err = s.refreshRelease(ctx, tx, args.Release, ActorSystem)
	return to, err
}

// PostKey names one post.
type PostKey struct {
	Release string
	Channel string
	Hash    string
}

// SweepStale marks uncertain every post that has been publishing since
// before cutoff: its worker died (or hung past its timeout) between
// sending and recording. Nothing is re-sent. It returns the posts marked.
func (s *Store) SweepStale(ctx context.Context, cutoff time.Time) ([]PostKey, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT release_id, channel, hash FROM posts WHERE state = $1 AND updated < $2`,
		string(release.StatusPublishing), formatTime(cutoff))
	if err != nil {
		return nil, wrap(err, "sweep", "")
	}
	var stale []PostKey
	for rows.Next() {
		var k PostKey
		if err := rows.Scan(&k.Release, &k.Channel, &k.Hash); err != nil {
			rows.Close()
			return nil, wrap(err, "sweep", "")
		}
		stale = append(stale, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "sweep", "")
	}
	var marked []PostKey
	for _, k := range stale {
		ok, err := s.markStale(ctx, k, cutoff)
		if err != nil {
			return marked, err
		}
		if ok {
			marked = append(marked, k)
		}
	}
	return marked, nil
}

// markStale marks one post uncertain if it is still publishing since
// before cutoff.
func (s *Store) markStale(ctx context.Context, k PostKey, cutoff time.Time) (bool, error) {
	var ok bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		p, err := s.lockPost(ctx, tx, PublishArgs{Release: k.Release, Channel: k.Channel})
		if err != nil || p.State != release.StatusPublishing || !p.Updated.Before(cutoff) {
			return err
		}
		msg := "no result recorded since " + p.Updated.Format(time.RFC3339) + " (worker stopped mid-send?); check the channel"
		if _, err := s.movePost(ctx, tx, k.Release, k.Channel, p.State, release.EventUncertain, ActorSystem, msg, &postUpdate{lastError: &msg}); err != nil {
			return err
		}
		ok = true
		_, err = s.refreshRelease(ctx, tx, k.Release, ActorSystem)
		return err
	})
	return ok, err
}

// RequeueStranded queues again, due now, every scheduled post whose River
// job was discarded (or is gone). River's rescuer discards a job that was
// running on its last attempt when its worker died (SIGKILL, power loss):
// if the worker died before claiming the post, nothing was sent and
// nothing else would ever send it. A scheduled post was never claimed by a
// send still in doubt, so a new job cannot duplicate it. It returns the
// posts requeued.
func (s *Store) RequeueStranded(ctx context.Context) ([]PostKey, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT p.release_id, p.channel, p.hash FROM posts p
		LEFT JOIN river_job j ON j.id = p.job_id
		WHERE p.state = $1 AND p.job_id IS NOT NULL AND (j.id IS NULL OR j.state = 'discarded')`,
		string(release.StatusScheduled))
	if err != nil {
		return nil, wrap(err, "requeue stranded", "")
	}
	var stranded []PostKey
	for rows.Next() {
		var k PostKey
		if err := rows.Scan(&k.Release, &k.Channel, &k.Hash); err != nil {
			rows.Close()
			return nil, wrap(err, "requeue stranded", "")
		}
		stranded = append(stranded, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "requeue stranded", "")
	}
	var done []PostKey
	for _, k := range stranded {
		ok, err := s.requeueStranded(ctx, k)
		if err != nil {
			return done, err
		}
		if ok {
			done = append(done, k)
		}
	}
	return done, nil
}

// requeueStranded requeues one post if it is still scheduled with a
// discarded or missing job.
func (s *Store) requeueStranded(ctx context.Context, k PostKey) (bool, error) {
	var ok bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		p, err := s.lockPost(ctx, tx, PublishArgs{Release: k.Release, Channel: k.Channel})
		if err != nil || p.State != release.StatusScheduled || p.JobID == 0 {
			return err
		}
		var state string
		err = tx.QueryRowContext(ctx, `SELECT state FROM river_job WHERE id = $1`, p.JobID).Scan(&state)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			state = "gone"
		case err != nil:
			return wrap(err, "requeue stranded", k.Release)
		case state != "discarded":
			return nil
		}
		now := s.now()
		args, err := s.requeue(ctx, tx, k.Release, p, now)
		if err != nil {
			return err
		}
		if err := s.audit(ctx, tx, AuditEntry{Release: k.Release, Channel: k.Channel, From: p.State, To: p.State,
			Event: "requeue", Actor: ActorSystem, Detail: fmt.Sprintf("job %d %s while the post was scheduled (its worker stopped on the last attempt); queued again", p.JobID, state)}); err != nil {
			return err
		}
		ok = true
		return s.insertJobs(ctx, tx, []river.InsertManyParams{{Args: args, InsertOpts: &river.InsertOpts{ScheduledAt: now}}})
	})
	return ok, err
}

// MarkPublished records an officer's word that a failed or uncertain post
// did reach the platform (receipt may be nil).
func (s *Store) MarkPublished(ctx context.Context, id, channel, actor string, receipt *release.Receipt) error {
	return s.officer(ctx, id, channel, actor, release.EventMarkPublished, "marked as published", &postUpdate{receipt: receipt})
}

// Skip gives up a failed or uncertain post: it will not be sent on this
// channel (the post becomes withdrawn; the release's other posts go on).
func (s *Store) Skip(ctx context.Context, id, channel, actor string) error {
	return s.officer(ctx, id, channel, actor, release.EventWithdraw, "skipped", nil)
}

// Retry queues a failed or uncertain post again, now or at at, with a new
// job in the same transaction. For an uncertain post the officer must have
// checked that it did not go out.
func (s *Store) Retry(ctx context.Context, id, channel, actor string, at time.Time) error {
	if at.IsZero() {
		at = s.now()
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		p, err := s.lockPost(ctx, tx, PublishArgs{Release: id, Channel: channel})
		if err != nil {
			return err
		}
		if _, err := release.Transition(p.State, release.EventRetry); err != nil || p.State == release.StatusPublishing {
			return fmt.Errorf("store: retry %s on %s: post is %s", id, channel, p.State)
		}
		args, err := s.requeue(ctx, tx, id, p, at)
		if err != nil {
			return err
		}
		if _, err := s.movePost(ctx, tx, id, channel, p.State, release.EventRetry, actor, "at "+formatTime(at), nil); err != nil {
			return err
		}
		if err := s.insertJobs(ctx, tx, []river.InsertManyParams{{Args: args, InsertOpts: &river.InsertOpts{ScheduledAt: at}}}); err != nil {
			return err
		}
		_, err = s.refreshRelease(ctx, tx, id, actor)
		return err
	})
}

// PostDeleted records that the published post of withdrawn release id on
// channel was deleted on the platform: the post is withdrawn, its receipt
// kept for the record. Approved again after the withdrawal is taken back,
// the release then goes out on that channel anew, where a post still
// marked published would have been skipped as sent.
func (s *Store) PostDeleted(ctx context.Context, id, channel, actor string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		state, err := s.lockState(ctx, tx, id)
		if err != nil {
			return err
		}
		p, err := s.post(ctx, tx, id, channel)
		if err != nil {
			return err
		}
		if state != release.StatusWithdrawn || p.State != release.StatusPublished {
			return fmt.Errorf("store: deleted %s on %s: the release is %s and the post %s, not withdrawn and published", id, channel, state, p.State)
		}
		_, err = s.movePost(ctx, tx, id, channel, p.State, release.EventWithdraw, actor, "deleted on the platform", nil)
		return err
	})
}

// officer applies an officer's event to one post.
func (s *Store) officer(ctx context.Context, id, channel, actor string, ev release.Event, detail string, u *postUpdate) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		p, err := s.lockPost(ctx, tx, PublishArgs{Release: id, Channel: channel})
		if err != nil {
			return err
		}
		if p.State != release.StatusFailed && p.State != release.StatusUncertain {
			return fmt.Errorf("store: %s %s on %s: post is %s, not failed or uncertain", ev, id, channel, p.State)
		}
		if _, err := s.movePost(ctx, tx, id, channel, p.State, ev, actor, detail, u); err != nil {
			return err
		}
		_, err = s.refreshRelease(ctx, tx, id, actor)
		return err
	})
}
