// Package queue runs pressbot's publish jobs on River: at each post's slot
// it sends the stored, approved rendering through the channel's Publisher and
// records the result in the store. It never sends a post twice: the post's
// row is claimed (scheduled → publishing) before the send, and a job that
// finds its post already publishing (a crash between send and record) marks
// it uncertain instead of sending.
package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/schedule"
	"github.com/pressbot/pressbot/internal/store"
	"github.com/riverqueue/river"
)

// Publisher sends one post to one outlet. It returns the receipt, or an
// error classified with *release.SendError (an unclassified error counts as
// transient, except after the job's context ended: then uncertain).
type Publisher interface {
	Publish(ctx context.Context, post release.Post) (release.Receipt, error)
}

// Pacer is implemented by a Publisher whose platform limits how often it
// may send. The worker calls Wait before claiming the post, so that a crash
// or shutdown while waiting for the rate budget leaves the post scheduled
// (nothing was sent) rather than uncertain. Wait blocks until post may be
// sent, or ctx ends; Publish must still keep to the limits itself (it may
// take the budget Wait reserved for the same post).
type Pacer interface {
	Wait(ctx context.Context, post release.Post) error
}

// Notifier hears about every send's outcome (the approval bot alerts the
// officers; metrics count). Notify must not block for long.
type Notifier interface {
	Notify(ctx context.Context, ev Event)
}

// EventKind is what happened to a post.
type EventKind string

// Event kinds.
const (
	EventPublished   EventKind = "published"
	EventRetrying    EventKind = "retrying"     // transient error, retried at RetryAt
	EventRateLimited EventKind = "rate_limited" // retried exactly at RetryAt
	EventFailed      EventKind = "failed"       // permanent; needs a human
	EventAuth        EventKind = "auth"         // dead or insufficient token; failed
	EventUncertain   EventKind = "uncertain"    // may have gone out; needs a human
	EventCancelled   EventKind = "cancelled"    // the job was stale (content changed, withdrawn)
	EventMoved       EventKind = "moved"        // overdue; moved to RetryAt to keep the channel's rules
)

// Event is one outcome of a publish job.
type Event struct {
	Kind    EventKind
	Release string
	Channel string
	Hash    string
	// Attempt is the job's attempt number (1 for the first send).
	Attempt int
	// Lateness is the time from the slot to the worker's start.
	Lateness time.Duration
	Receipt  *release.Receipt
	Err      string
	// RetryAt is the next try (retrying, rate_limited) or the post's new
	// time (moved).
	RetryAt time.Time
	// Due is the time a moved post was scheduled for, or the time a moved
	// retry would have had (its backoff, or the platform's wait).
	Due time.Time
	// Moved is set on a retrying or rate_limited event whose retry the
	// channel's quiet hours or minimum gap put at RetryAt, later than its
	// backoff's time (Due); unset on an ordinary retry (RetryAt is the
	// backoff's time) and on other kinds.
	Moved bool
	// AfterLate is set on a moved post that was not itself late: the post
	// before it went out late, and it waits to keep the minimum gap.
	AfterLate bool
}

// Options tune the queue; zero values take the defaults.
type Options struct {
	// Workers is the number of sends in flight at once (default 4).
	Workers int
	// PublishTimeout bounds one send (default 2 minutes); the context given
	// to the Publisher ends then.
	PublishTimeout time.Duration
	// RescueAfter is River's RescueStuckJobsAfter (default PublishTimeout
	// plus 1 minute, 3 minutes in all: a send's longest run and the time
	// to record its result, with room to spare); it must exceed
	// PublishTimeout.
	RescueAfter time.Duration
	// StaleAfter is how long a post may stay publishing before it is
	// declared uncertain (default PublishTimeout + 1 minute).
	StaleAfter time.Duration
	// SweepEvery is how often stale sends are looked for (default 30 s).
	SweepEvery time.Duration
	// FetchPollInterval and FetchCooldown are River's (defaults 100 ms and
	// 20 ms): neither SQLite nor database/sql PostgreSQL has a listener
	// here, so a due job waits at most one poll interval.
	FetchPollInterval time.Duration
	FetchCooldown     time.Duration
	// MaxBackoff caps the delay between transient retries (default 10 min).
	MaxBackoff time.Duration
	// BeforeSend, when set, runs after a post is claimed and before it is
	// sent, with the release's ID: serve puts the release's page into the
	// newsroom then, as the post links to it and the platforms fetch that
	// link as they receive the post. The send waits for it.
	BeforeSend func(ctx context.Context, release string)
	// Current, when set, is asked before a post is claimed whether the
	// release's file still gives the hash the post was approved at. When
	// it does not (an edit not yet recorded, an edit the store failed to
	// record, a file made invalid), nothing is claimed or sent: the job
	// waits HeldRetry and asks again, until the change is recorded (which
	// cancels the post) or the file is back.
	Current func(ctx context.Context, release, hash string) error
	// HeldRetry is that wait (default 15 s).
	HeldRetry time.Duration
	// Policies are the channels' posting rules. A post that starts more
	// than Grace after its time (serve was stopped or behind) waits for
	// the first instant its channel's quiet hours and minimum gap allow,
	// with the channel's other overdue posts in the order they were due
	// (store.Reslot), instead of all going out at once. A retry after a
	// transient error or a rate limit is likewise put at the first instant
	// they allow from its backoff on, chosen and stored in one transaction
	// serialised per channel (store.FinishRetry).
	Policies map[string]schedule.Policy
	// Grace is how late a post may start and still count as on time
	// (default 2 minutes).
	Grace    time.Duration
	Notifier Notifier
	Logger   *slog.Logger
	// ID names this instance among several (default: River's random id).
	ID string
}

// withDefaults fills the zero fields of o.
func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if o.Workers <= 0 {
		o.Workers = 4
	}
	def(&o.PublishTimeout, 2*time.Minute)
	def(&o.RescueAfter, o.PublishTimeout+recordTimeout+30*time.Second)
	def(&o.StaleAfter, o.PublishTimeout+time.Minute)
	def(&o.SweepEvery, 30*time.Second)
	def(&o.FetchPollInterval, 100*time.Millisecond)
	def(&o.FetchCooldown, 20*time.Millisecond)
	def(&o.MaxBackoff, 10*time.Minute)
	def(&o.HeldRetry, 15*time.Second)
	def(&o.Grace, DefaultGrace)
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// DefaultGrace is Options.Grace's default: a post that starts later than
// this after its time is overdue.
const DefaultGrace = 2 * time.Minute

// Queue is a running River client with the publish worker.
type Queue struct {
	store      *store.Store
	publishers map[string]Publisher
	opts       Options
	client     *river.Client[*sql.Tx]

	mu   sync.Mutex
	stop context.CancelFunc
	done chan struct{}
}

// New builds the queue over s with one Publisher per channel name.
func New(s *store.Store, publishers map[string]Publisher, opts Options) (*Queue, error) {
	opts = opts.withDefaults()
	if opts.RescueAfter <= opts.PublishTimeout || opts.StaleAfter <= opts.PublishTimeout {
		return nil, fmt.Errorf("queue: RescueAfter (%s) and StaleAfter (%s) must exceed PublishTimeout (%s)",
			opts.RescueAfter, opts.StaleAfter, opts.PublishTimeout)
	}
	q := &Queue{store: s, publishers: publishers, opts: opts}
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &worker{q: q}); err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	cfg := store.JobClientConfig()
	cfg.ID = opts.ID
	cfg.Logger = opts.Logger
	cfg.Workers = workers
	cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: opts.Workers}}
	cfg.FetchPollInterval = opts.FetchPollInterval
	cfg.FetchCooldown = opts.FetchCooldown
	cfg.JobTimeout = opts.PublishTimeout
	// A job still "running" after RescueAfter belonged to a worker that
	// died (SIGKILL, power loss). River then runs it again; our worker sees
	// the post still "publishing" and marks it uncertain instead of sending,
	// so a rescue can never duplicate a post. It must exceed
	// PublishTimeout, or a slow but live send would be rescued while in
	// flight: a job ends at PublishTimeout, and its result is recorded
	// within recordTimeout after that. The default adds half a minute to
	// both, so that a post whose worker died before it claimed the post
	// (in the pacing wait, say) goes out about three and a half minutes
	// late rather than ten.
	cfg.RescueStuckJobsAfter = opts.RescueAfter
	cfg.MaxAttempts = store.PublishMaxAttempts
	client, err := river.NewClient(s.Driver(), cfg)
	if err != nil {
		return nil, fmt.Errorf("queue: river client: %w", err)
	}
	q.client = client
	return q, nil
}

// Client returns the River client (for subscriptions and health checks).
func (q *Queue) Client() *river.Client[*sql.Tx] { return q.client }

// Start marks sends interrupted long ago as uncertain, then starts working
// jobs and sweeping for stale sends until Stop.
func (q *Queue) Start(ctx context.Context) error {
	q.sweep(ctx)
	if err := q.client.Start(ctx); err != nil {
		return fmt.Errorf("queue: start: %w", err)
	}
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	q.mu.Lock()
	q.stop, q.done = cancel, make(chan struct{})
	done := q.done
	q.mu.Unlock()
	go func() {
		defer close(done)
		t := time.NewTicker(q.opts.SweepEvery)
		defer t.Stop()
		for {
			select {
			case <-sctx.Done():
				return
			case <-t.C:
				q.sweep(sctx)
			}
		}
	}()
	return nil
}

// Stop stops taking jobs and waits for the sends in flight (until ctx ends,
// when their contexts are cancelled and they are recorded as uncertain).
func (q *Queue) Stop(ctx context.Context) error {
	q.mu.Lock()
	cancel, done := q.stop, q.done
	q.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
	err := q.client.Stop(ctx)
	if err != nil && ctx.Err() != nil {
		// Out of patience: cancel the sends in flight. Each is recorded
		// (uncertain unless the channel knows better) before River stops.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
		defer cancel()
		err = q.client.StopAndCancel(cctx)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("queue: stop: %w", err)
	}
	return nil
}

// sweep declares uncertain the posts publishing for longer than StaleAfter,
// and queues again the scheduled posts whose job River discarded.
func (q *Queue) sweep(ctx context.Context) {
	stale, err := q.store.SweepStale(ctx, time.Now().Add(-q.opts.StaleAfter))
	if err != nil {
		q.opts.Logger.Error("queue: sweep stale sends", slog.Any("err", err))
	}
	for _, k := range stale {
		q.notify(ctx, Event{Kind: EventUncertain, Release: k.Release, Channel: k.Channel, Hash: k.Hash,
			Err: "no result recorded within " + q.opts.StaleAfter.String() + "; check the channel"})
	}
	// A job River discarded while its post was still scheduled (rescued
	// on its last attempt after its worker died before claiming the post)
	// would leave the post unsent for good: queue it again.
	requeued, err := q.store.RequeueStranded(ctx)
	if err != nil {
		q.opts.Logger.Error("queue: requeue stranded posts", slog.Any("err", err))
	}
	for _, k := range requeued {
		q.opts.Logger.Warn("queue: publish job discarded while its post was scheduled; queued again",
			slog.String("release", k.Release), slog.String("channel", k.Channel))
	}
}

// notify logs ev and passes it to the Notifier.
func (q *Queue) notify(ctx context.Context, ev Event) {
	level := slog.LevelInfo
	switch ev.Kind {
	case EventFailed, EventAuth, EventUncertain:
		level = slog.LevelWarn
	}
	msg := "publish " + string(ev.Kind)
	attrs := []slog.Attr{slog.String("release", ev.Release), slog.String("channel", ev.Channel), slog.Int("attempt", ev.Attempt)}
	if ev.Kind == EventMoved {
		zone := q.zone(ev.Channel)
		msg = "overdue post moved: it missed its time (serve was stopped or behind) and goes at the first time the channel's quiet hours and minimum gap allow"
		attrs = []slog.Attr{slog.String("release", ev.Release), slog.String("channel", ev.Channel),
			slog.String("due", ev.Due.In(zone).Format(time.RFC3339)), slog.String("at", ev.RetryAt.In(zone).Format(time.RFC3339))}
	}
	if ev.Kind == EventRetrying || ev.Kind == EventRateLimited {
		attrs = append(attrs, slog.String("retry_at", ev.RetryAt.In(q.zone(ev.Channel)).Format(time.RFC3339)))
	}
	if ev.Err != "" {
		attrs = append(attrs, slog.String("err", ev.Err))
	}
	q.opts.Logger.LogAttrs(ctx, level, msg, attrs...)
	if q.opts.Notifier != nil {
		q.opts.Notifier.Notify(ctx, ev)
	}
}

// zone returns the office zone of channel's policy (UTC without one).
func (q *Queue) zone(channel string) *time.Location {
	if z := q.opts.Policies[channel].Zone; z != nil {
		return z
	}
	return time.UTC
}

// backoff returns the delay before transient retry number attempt (1-based):
// 5 s doubled each time, capped at max.
func backoff(attempt int, maxDelay time.Duration) time.Duration {
	d := 5 * time.Second
	for i := 1; i < attempt && d < maxDelay; i++ {
		d *= 2
	}
	return min(d, maxDelay)
}
