package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
	"github.com/riverqueue/river"
)

// recordTimeout bounds writing a send's result, which happens even after
// the job's context ended.
const recordTimeout = 30 * time.Second

// worker is the River worker of publish jobs.
type worker struct {
	river.WorkerDefaults[store.PublishArgs]
	q *Queue

	// retries holds, by job ID, the time a transient error's retry was
	// recorded for, until River asks NextRetry for it.
	mu      sync.Mutex
	retries map[int64]time.Time
}

// Timeout bounds one job; it is shorter than RescueStuckJobsAfter.
func (w *worker) Timeout(*river.Job[store.PublishArgs]) time.Duration {
	return w.q.opts.PublishTimeout
}

// NextRetry tells River when to run a job again after Work returned an
// error. After a transient send error it is the time record stored and
// told (the backoff, moved to keep the channel's rules); after any other
// error (nothing was claimed or sent) the bounded exponential backoff.
func (w *worker) NextRetry(job *river.Job[store.PublishArgs]) time.Time {
	w.mu.Lock()
	at, ok := w.retries[job.ID]
	delete(w.retries, job.ID)
	w.mu.Unlock()
	if ok {
		// A time already passed (a backoff shorter than recording took)
		// would make River fall back to its own policy.
		if now := time.Now(); at.Before(now) {
			return now
		}
		return at
	}
	return time.Now().Add(backoff(job.Attempt, w.q.opts.MaxBackoff))
}

// keepRetry remembers at as the retry time of job for NextRetry, and
// forgets the times River never asked for (a job stopped by shutdown).
func (w *worker) keepRetry(job *river.Job[store.PublishArgs], at time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.retries == nil {
		w.retries = map[int64]time.Time{}
	}
	for id, t := range w.retries {
		if time.Since(t) > time.Minute {
			delete(w.retries, id)
		}
	}
	w.retries[job.ID] = at
}

// retryAt returns after rounded up to the millisecond, the precision
// River keeps on SQLite, so that the time stored, told and used by River
// is one instant.
func retryAt(after time.Time) time.Time {
	if up := after.Truncate(time.Millisecond); !up.Equal(after) {
		return up.Add(time.Millisecond)
	}
	return after
}

// finish records res for the post of a. A retry on a channel with rules
// goes at the first instant from its backoff on that they allow (quiet
// hours, minimum gap), chosen and stored in one transaction serialised
// per channel (store.FinishRetry), so that two retries on one channel
// never go out together; ev is told that time, and Moved and Due (the
// backoff's time) when the rules put it later. An officer's chosen time is
// not moved: only these automatic retries are.
func (w *worker) finish(ctx context.Context, a store.PublishArgs, ev *Event, res store.Result) error {
	pol, ok := w.q.opts.Policies[a.Channel]
	if res.Event != release.EventRetry || res.RetryAt.IsZero() || !ok || (len(pol.Quiet) == 0 && pol.MinGap <= 0) {
		_, err := w.q.store.FinishPublish(ctx, a, res)
		return err
	}
	at, err := w.q.store.FinishRetry(ctx, a, res, pol)
	if err != nil {
		// The retry still happens, at the backoff's time. When that
		// cannot be recorded either, the caller reports the error.
		if _, err2 := w.q.store.FinishPublish(ctx, a, res); err2 != nil {
			return err2
		}
		w.q.opts.Logger.Warn("queue: retry not checked against the channel's quiet hours and minimum gap",
			"release", a.Release, "channel", a.Channel, "err", err)
		return nil
	}
	if !at.Equal(res.RetryAt) {
		w.q.opts.Logger.Info("queue: retry moved to keep the channel's quiet hours and minimum gap",
			"release", a.Release, "channel", a.Channel, "after", res.RetryAt.In(w.q.zone(a.Channel)).Format(time.RFC3339), "at", at.In(w.q.zone(a.Channel)).Format(time.RFC3339))
		ev.RetryAt, ev.Moved, ev.Due = at, true, res.RetryAt
	}
	return nil
}

// Errors a job ends with (River keeps them in the job's errors).
var (
	errStale       = errors.New("queue: post changed, cancelled or already handled; not sent")
	errInterrupted = errors.New("queue: a previous attempt was interrupted mid-send; marked uncertain, not re-sent")
)

// Work publishes one post: claim it, send it, record the result.
func (w *worker) Work(ctx context.Context, job *river.Job[store.PublishArgs]) error {
	a := job.Args
	ev := Event{Release: a.Release, Channel: a.Channel, Hash: a.Hash, Attempt: job.Attempt,
		Lateness: time.Since(job.ScheduledAt)}
	if pacer, ok := w.q.publishers[a.Channel].(Pacer); ok {
		if err := w.pace(ctx, pacer, a); err != nil {
			return err // nothing claimed, nothing sent: River retries
		}
	}
	if w.held(ctx, a) {
		return river.JobSnooze(w.q.opts.HeldRetry) // nothing claimed, nothing sent
	}
	if goNow, err := w.reslot(ctx, a); err != nil || !goNow {
		return err // moved to a later time (a new job sends it), or River retries
	}
	claim, err := w.q.store.StartPublish(ctx, a)
	if err != nil {
		return fmt.Errorf("queue: claim %s on %s: %w", a.Release, a.Channel, err) // nothing sent: River retries
	}
	switch claim.Outcome {
	case store.ClaimStale:
		if claim.State == release.StatusScheduled {
			// Moved (rescheduled, or reslotted as overdue): a newer job
			// sends it at its new time. Nothing to tell.
			w.q.opts.Logger.Debug("queue: post moved to another time; this job ends unsent", "release", a.Release, "channel", a.Channel)
			return river.JobCancel(errStale)
		}
		ev.Kind, ev.Err = EventCancelled, "post is "+string(claim.State)
		w.q.notify(ctx, ev)
		return river.JobCancel(errStale)
	case store.ClaimInterrupted:
		ev.Kind, ev.Err = EventUncertain, errInterrupted.Error()
		w.q.notify(ctx, ev)
		return river.JobCancel(errInterrupted)
	}
	if w.q.opts.BeforeSend != nil {
		w.q.opts.BeforeSend(ctx, a.Release)
	}
	pub, ok := w.q.publishers[a.Channel]
	if !ok {
		return w.record(ctx, job, ev, release.Receipt{}, &release.SendError{Class: release.ClassPermanent,
			Err: fmt.Errorf("no publisher configured for channel %q", a.Channel)})
	}
	receipt, sendErr := pub.Publish(ctx, claim.Post)
	if sendErr != nil && ctx.Err() != nil && !isClassified(sendErr) {
		// Our deadline or shutdown cut the send short: it may have reached
		// the platform.
		sendErr = &release.SendError{Class: release.ClassUncertain, Err: sendErr}
	}
	return w.record(ctx, job, ev, receipt, sendErr)
}

// held reports whether the post, still scheduled, must wait because its
// release's file is not the version it was approved at (Options.Current).
// A post no longer scheduled (the change was recorded and cancelled it)
// goes on to the claim, which ends its job.
func (w *worker) held(ctx context.Context, a store.PublishArgs) bool {
	cur := w.q.opts.Current
	if cur == nil {
		return false
	}
	err := cur(ctx, a.Release, a.Hash)
	if err == nil {
		return false
	}
	rec, gerr := w.q.store.Get(ctx, a.Release)
	if gerr != nil && !errors.Is(gerr, store.ErrNotFound) {
		return true // the claim would fail too; ask again later
	}
	for _, p := range rec.Posts {
		if p.Channel == a.Channel && p.Hash == a.Hash && p.Gen == a.Gen && p.State == release.StatusScheduled {
			w.q.opts.Logger.Warn("queue: post held: its release's file is not the approved version; it waits until the change is recorded "+
				"(if this lasts, see that serve reads the folder the release was approved from)", "release", a.Release, "channel", a.Channel, "err", err)
			return true
		}
	}
	return false
}

// reslot moves the channel's overdue posts, this one included, to the
// times the channel's rules allow (store.Reslot) and tells the officers of
// each move. It reports whether this post may be claimed now.
func (w *worker) reslot(ctx context.Context, a store.PublishArgs) (bool, error) {
	pol, ok := w.q.opts.Policies[a.Channel]
	if !ok || (len(pol.Quiet) == 0 && pol.MinGap <= 0) {
		return true, nil
	}
	goNow, moved, err := w.q.store.Reslot(ctx, a, pol, w.q.opts.Grace)
	if err != nil {
		return false, fmt.Errorf("queue: keep the rules of %s for overdue posts (not claimed, not sent): %w", a.Channel, err)
	}
	for _, m := range moved {
		if !m.Overdue && time.Until(m.At) < time.Minute {
			// Held back seconds after a late post: not worth a message.
			w.q.opts.Logger.Info("queue: post held back to keep the minimum gap after a post that went out late",
				"release", m.Release, "channel", m.Channel, "at", m.At.Format(time.RFC3339))
			continue
		}
		w.q.notify(ctx, Event{Kind: EventMoved, Release: m.Release, Channel: m.Channel, Hash: m.Hash,
			Due: m.Due, RetryAt: m.At, Lateness: m.At.Sub(m.Due), AfterLate: !m.Overdue})
	}
	return goNow, nil
}

// pace waits for the channel's rate budget before the claim, when the post
// is still the job's to send. Otherwise it returns at once and the claim
// decides (stale or interrupted).
func (w *worker) pace(ctx context.Context, pacer Pacer, a store.PublishArgs) error {
	rec, err := w.q.store.Get(ctx, a.Release)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("queue: read %s before pacing on %s: %w", a.Release, a.Channel, err)
	}
	for _, p := range rec.Posts {
		if p.Channel != a.Channel || p.Hash != a.Hash || p.Gen != a.Gen || p.State != release.StatusScheduled {
			continue
		}
		if err := pacer.Wait(ctx, p.Post); err != nil {
			return fmt.Errorf("queue: wait for the rate limit of %s on %s (not claimed, not sent): %w", a.Release, a.Channel, err)
		}
	}
	return nil
}

// isClassified reports whether err carries a *release.SendError.
func isClassified(err error) bool {
	var se *release.SendError
	return errors.As(err, &se)
}

// record stores the send's result and tells River what to do next.
func (w *worker) record(ctx context.Context, job *river.Job[store.PublishArgs], ev Event, receipt release.Receipt, sendErr error) error {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	res, next := w.outcome(job, &ev, receipt, sendErr)
	if err := w.finish(rctx, job.Args, &ev, res); err != nil {
		// The post stays publishing; the sweeper will call it uncertain.
		// Do not let River retry: that would find it publishing anyway.
		// Keep what the platform said in the log for the officers.
		w.q.opts.Logger.Error("queue: result not recorded", slog.String("release", job.Args.Release),
			slog.String("channel", job.Args.Channel), slog.String("result", string(ev.Kind)),
			slog.Any("receipt", res.Receipt), slog.String("send_error", ev.Err), slog.Any("err", err))
		return river.JobCancel(fmt.Errorf("queue: record result of %s on %s: %w", job.Args.Release, job.Args.Channel, err))
	}
	w.q.notify(rctx, ev)
	switch ev.Kind {
	case EventRateLimited:
		// A snooze is not an attempt: rate limits do not use up
		// MaxAttempts. River adds the delay to its own clock, so it is
		// taken last, to land on ev.RetryAt.
		return river.JobSnooze(max(0, time.Until(ev.RetryAt)))
	case EventRetrying:
		// An error is an attempt, so MaxAttempts bounds transient retries;
		// River then asks NextRetry for the time, which must be ev.RetryAt.
		w.keepRetry(job, ev.RetryAt)
	}
	return next
}

// outcome maps a send's result to the store's event, the notification and
// River's next step (record snoozes a rate-limited job itself). A retry's
// time is its backoff's here; finish may move it.
func (w *worker) outcome(job *river.Job[store.PublishArgs], ev *Event, receipt release.Receipt, sendErr error) (store.Result, error) {
	if sendErr == nil {
		if receipt.Channel == "" {
			receipt.Channel = job.Args.Channel
		}
		if receipt.PublishedAt.IsZero() {
			receipt.PublishedAt = time.Now().UTC()
		}
		ev.Kind, ev.Receipt = EventPublished, &receipt
		return store.Result{Event: release.EventSucceed, Receipt: &receipt}, nil
	}
	ev.Err = sendErr.Error()
	var se *release.SendError
	errors.As(sendErr, &se)
	class := release.Classify(sendErr)
	if se != nil && se.Done != nil && len(se.Done.RemoteIDs) > 0 && class != release.ClassPermanent && class != release.ClassAuth {
		// Some parts went out: sending again from the start would repeat
		// them. A human finishes the thread.
		class = release.ClassUncertain
		ev.Err = fmt.Sprintf("parts %s went out before: %s", strings.Join(se.Done.RemoteIDs, ", "), ev.Err)
	}
	switch class {
	case release.ClassRateLimited:
		ev.Kind = EventRateLimited
		ev.RetryAt = retryAt(time.Now().Add(se.RetryAfter))
		return store.Result{Event: release.EventRetry, Err: ev.Err, RetryAt: ev.RetryAt}, nil
	case release.ClassTransient:
		if job.Attempt >= job.MaxAttempts {
			ev.Kind, ev.Err = EventFailed, fmt.Sprintf("gave up after %d attempts: %s", job.Attempt, ev.Err)
			return store.Result{Event: release.EventFail, Err: ev.Err}, river.JobCancel(sendErr)
		}
		ev.Kind = EventRetrying
		ev.RetryAt = retryAt(time.Now().Add(backoff(job.Attempt, w.q.opts.MaxBackoff)))
		return store.Result{Event: release.EventRetry, Err: ev.Err, RetryAt: ev.RetryAt}, fmt.Errorf("queue: send %s on %s: %w", job.Args.Release, job.Args.Channel, sendErr)
	case release.ClassUncertain:
		ev.Kind = EventUncertain
		return store.Result{Event: release.EventUncertain, Err: ev.Err}, river.JobCancel(sendErr)
	case release.ClassAuth:
		ev.Kind = EventAuth
	default:
		ev.Kind = EventFailed
	}
	return store.Result{Event: release.EventFail, Err: ev.Err}, river.JobCancel(sendErr)
}
