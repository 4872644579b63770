package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pressbot/pressbot/internal/release"
)

// EditTimeout is how long a claim of BeginEdit holds when its updater never
// lets go of it (the process stopped in the middle of an edit). After that
// another updater may take the post over. An edit is one platform call.
const EditTimeout = 10 * time.Minute

// ErrSettled is returned by BeginEdit when the post already shows the
// release's current version: someone updated or kept it meanwhile.
var ErrSettled = errors.New("already updated or kept")

// ErrEditing matches an *EditingError.
var ErrEditing = errors.New("being updated elsewhere")

// EditingError reports that another updater is editing a post.
type EditingError struct {
	Release, Channel string
	// Actor is the updater ("cli:USER", "telegram:ID").
	Actor string
	Since time.Time
}

// Error implements error.
func (e *EditingError) Error() string {
	return fmt.Sprintf("store: %s on %s is being updated by %s since %s UTC: wait for that update to finish, then see 'pressbot status %s'",
		e.Release, e.Channel, e.Actor, e.Since.UTC().Format("2006-01-02 15:04:05"), e.Release)
}

// Is makes errors.Is(err, ErrEditing) true.
func (e *EditingError) Is(target error) bool { return target == ErrEditing }

// BeginEdit claims the post of release id on channel, published from an
// older version, for an edit to hash, the release's current version. The
// approvers' chat and 'pressbot update' both claim a post before they edit
// it on its platform, so that a post is never edited twice at once (on X,
// where an edit is a correction reply, that would post two). It fails with
// ErrChanged when the release moved on, ErrSettled when the post already
// shows hash, and an *EditingError while another updater's claim holds.
// SettlePublished with the edited post, or EndEdit, lets go of the claim.
func (s *Store) BeginEdit(ctx context.Context, id, channel, hash, actor string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.editable(ctx, tx, id, channel, hash); err != nil {
			return err
		}
		if err := s.checkClaim(ctx, tx, id, channel); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM post_edits WHERE release_id = $1 AND channel = $2`, id, channel)
		if err == nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO post_edits (release_id, channel, hash, actor, since) VALUES ($1, $2, $3, $4, $5)`,
				id, channel, hash, actor, formatTime(s.now()))
		}
		return wrap(err, "begin edit", id)
	})
}

// editable checks under the release's lock that the post of id on channel
// is published from a version older than hash, the current one.
func (s *Store) editable(ctx context.Context, tx *sql.Tx, id, channel, hash string) error {
	p, err := s.lockPost(ctx, tx, PublishArgs{Release: id, Channel: channel})
	if err != nil {
		return err
	}
	var current string
	if err := tx.QueryRowContext(ctx, `SELECT hash FROM releases WHERE id = $1`, id).Scan(&current); err != nil {
		return wrap(err, "begin edit", id)
	}
	switch {
	case current != hash:
		return fmt.Errorf("store: edit %s on %s: %w (now %s)", id, channel, ErrChanged, short(current))
	case p.State != release.StatusPublished:
		return fmt.Errorf("store: edit %s on %s: post is %s, not published", id, channel, p.State)
	case p.Hash == hash:
		return fmt.Errorf("store: edit %s on %s: %w", id, channel, ErrSettled)
	}
	return nil
}

// checkClaim returns an *EditingError when another updater's claim on the
// post holds (is younger than EditTimeout).
func (s *Store) checkClaim(ctx context.Context, tx *sql.Tx, id, channel string) error {
	var (
		actor string
		since dbTime
	)
	err := tx.QueryRowContext(ctx, `SELECT actor, since FROM post_edits WHERE release_id = $1 AND channel = $2`, id, channel).Scan(&actor, &since)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return wrap(err, "edit claim", id)
	}
	if s.now().Sub(since.T) >= EditTimeout {
		return nil
	}
	return &EditingError{Release: id, Channel: channel, Actor: actor, Since: since.T}
}

// EndEdit lets go of the claim of BeginEdit on the post of id on channel,
// after an edit that failed on its platform.
func (s *Store) EndEdit(ctx context.Context, id, channel string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM post_edits WHERE release_id = $1 AND channel = $2`, id, channel)
	return wrap(err, "end edit", id)
}
