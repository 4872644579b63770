package store

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// PublishKind is the River job kind that publishes one post.
const PublishKind = "publish"

// PublishMaxAttempts bounds the tries of one publish job for transient
// errors; rate-limit snoozes do not count (River raises the limit with each
// snooze).
const PublishMaxAttempts = 8

// PublishArgs are a publish job's arguments: which post, bound to which
// content hash, in which scheduling generation. Gen counts the times the
// post was queued (approval, officer's retry), so that a retry can queue a
// new job while an old one is still held by a crashed worker; the posts row
// (state + hash + gen) decides whether a job may send.
type PublishArgs struct {
	Release string `json:"release"`
	Channel string `json:"channel"`
	Hash    string `json:"hash"`
	Gen     int    `json:"gen"`
}

// Kind implements river.JobArgs.
func (PublishArgs) Kind() string { return PublishKind }

// InsertOpts makes a publish job unique by its arguments: one job per
// (release, channel, hash, generation) in any live state.
func (PublishArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		MaxAttempts: PublishMaxAttempts,
		UniqueOpts:  river.UniqueOpts{ByArgs: true},
	}
}

// JobClientConfig returns the River configuration every pressbot client
// shares (the store's insert-only one and internal/queue's working one):
// its hooks must match so that jobs are inserted the same way.
func JobClientConfig() *river.Config {
	return &river.Config{
		Hooks: []rivertype.Hook{river.HookInsertBeginFunc(availableAtSlot)},
		// Keep finished jobs a week for `pressbot status` and debugging;
		// the posts table and audit log are the lasting record.
		CompletedJobRetentionPeriod: 7 * 24 * time.Hour,
		CancelledJobRetentionPeriod: 7 * 24 * time.Hour,
	}
}

// availableAtSlot inserts a future job as "available" rather than
// "scheduled". River's fetch query only takes available jobs whose
// scheduled_at has passed, so the job starts at the first fetch after its
// slot (FetchPollInterval, 100 ms here). A "scheduled" job would wait for
// the leader's scheduler, which promotes due jobs only every 5 seconds and
// only once a leader is elected. Nothing else in River treats the two
// states differently before the slot.
func availableAtSlot(_ context.Context, p *rivertype.JobInsertParams) error {
	if p.State == rivertype.JobStateScheduled {
		p.State = rivertype.JobStateAvailable
	}
	return nil
}
