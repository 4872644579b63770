package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/pressbot/pressbot/internal/release"
)

// ErrChanged is returned when a release changed again while an officer
// was deciding on its previous version.
var ErrChanged = errors.New("the release changed again")

// SettlePublished records the officers' decision on a post published from an
// older version of release id, now at hash: with edited set, the post was
// edited (or corrected) to that rendering and the newsroom shows the new
// content from now on; with edited nil, the post was kept as it is. Either
// way the post no longer counts as outdated, also after a restart. An edit
// ends the post's claim of BeginEdit; keeping is refused with an
// *EditingError while another updater's claim holds.
func (s *Store) SettlePublished(ctx context.Context, id, channel, hash, actor string, edited *release.Post) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		p, err := s.lockPost(ctx, tx, PublishArgs{Release: id, Channel: channel})
		if err != nil {
			return err
		}
		rec, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if rec.Hash != hash {
			return fmt.Errorf("store: settle %s on %s: %w (now %s)", id, channel, ErrChanged, short(rec.Hash))
		}
		if p.State != release.StatusPublished {
			return fmt.Errorf("store: settle %s on %s: post is %s, not published", id, channel, p.State)
		}
		if err := s.settleClaim(ctx, tx, id, channel, edited != nil); err != nil {
			return err
		}
		if err := s.settlePost(ctx, tx, id, channel, hash, edited); err != nil {
			return err
		}
		event, how := "keep", "kept as published"
		if edited != nil {
			event, how = "update", "published post updated"
			if err := s.setApproved(ctx, tx, rec); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, AuditEntry{Release: id, Channel: channel, From: p.State, To: p.State, Event: event, Actor: actor,
			Detail: fmt.Sprintf("hash %s → %s: %s", short(p.Hash), short(hash), how)})
	})
}

// settleClaim ends the edit claim (BeginEdit) of the post that was edited,
// or, when the post is kept as it is, refuses while another updater edits it.
func (s *Store) settleClaim(ctx context.Context, tx *sql.Tx, id, channel string, edited bool) error {
	if !edited {
		return s.checkClaim(ctx, tx, id, channel)
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM post_edits WHERE release_id = $1 AND channel = $2`, id, channel)
	return wrap(err, "settle", id)
}

// settlePost moves the post's hash (and rendering, if edited) to hash.
func (s *Store) settlePost(ctx context.Context, tx *sql.Tx, id, channel, hash string, edited *release.Post) error {
	q, args := `UPDATE posts SET hash = $1, updated = $2 WHERE release_id = $3 AND channel = $4`,
		[]any{hash, formatTime(s.now()), id, channel}
	if edited != nil {
		b, err := json.Marshal(edited)
		if err != nil {
			return wrap(err, "settle", id)
		}
		q = `UPDATE posts SET hash = $1, updated = $2, post = $5 WHERE release_id = $3 AND channel = $4`
		args = append(args, string(b))
	}
	_, err := tx.ExecContext(ctx, q, args...)
	return wrap(err, "settle", id)
}

// setApproved makes rec's current content the approved one, which the
// newsroom shows.
func (s *Store) setApproved(ctx context.Context, tx *sql.Tx, rec Record) error {
	snap, err := json.Marshal(rec.Release)
	if err != nil {
		return wrap(err, "settle", rec.ID)
	}
	_, err = tx.ExecContext(ctx, `UPDATE releases SET approved_hash = $1, approved_snapshot = $2 WHERE id = $3`,
		rec.Hash, string(snap), rec.ID)
	return wrap(err, "settle", rec.ID)
}
