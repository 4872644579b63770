package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/pressbot/pressbot/internal/release"
)

// PublishedStamp is what the newsroom shows of a published release, without
// its content: enough to tell whether the newsroom must be built again. The
// content hash covers everything the newsroom renders of the release.
type PublishedStamp struct {
	ID, Hash    string
	PublishedAt time.Time
}

// Stamp returns the stamp of p.
func (p PublishedRelease) Stamp() PublishedStamp {
	return PublishedStamp{ID: p.Release.ID, Hash: p.Release.Hash, PublishedAt: p.PublishedAt}
}

// Published returns the approved releases with at least one post
// published or being sent (not withdrawn), newest first, with the approved
// content and the receipts. A post being sent counts: it links to the release's page,
// which Facebook, X and Telegram fetch for their previews as they receive
// it, so the page must be in the newsroom before the send.
func (s *Store) Published(ctx context.Context) ([]PublishedRelease, error) {
	var out []PublishedRelease
	err := s.newsroom(ctx, "approved_snapshot", true, func(_ string, snap []byte, posts []PostRecord) error {
		pr := PublishedRelease{}
		if err := json.Unmarshal(snap, &pr.Release); err != nil {
			return fmt.Errorf("snapshot: %w", err)
		}
		pr.PublishedAt = publishedAt(posts)
		for _, p := range posts {
			if p.Receipt != nil {
				pr.Receipts = append(pr.Receipts, *p.Receipt)
			}
		}
		out = append(out, pr)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := s.updatedAt(ctx, out); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].PublishedAt.After(out[j].PublishedAt) })
	return out, nil
}

// updatedAt sets each release's UpdatedAt: the time of its latest update
// of published posts in the audit log, else its publication.
func (s *Store) updatedAt(ctx context.Context, pubs []PublishedRelease) error {
	rows, err := s.db.QueryContext(ctx, `SELECT release_id, MAX(at) FROM audit WHERE event = 'update' GROUP BY release_id`)
	if err != nil {
		return wrap(err, "published", "")
	}
	defer rows.Close()
	upd := map[string]time.Time{}
	for rows.Next() {
		var id string
		var at dbTime
		if err := rows.Scan(&id, &at); err != nil {
			return wrap(err, "published", "")
		}
		upd[id] = at.T
	}
	if err := rows.Err(); err != nil {
		return wrap(err, "published", "")
	}
	for i := range pubs {
		pubs[i].UpdatedAt = pubs[i].PublishedAt
		if t := upd[pubs[i].Release.ID]; t.After(pubs[i].UpdatedAt) {
			pubs[i].UpdatedAt = t
		}
	}
	return nil
}

// PublishedStamps returns the stamps of the releases Published returns, in
// the same order, without reading their content: a fraction of the cost,
// for serve's check whether its live newsroom is still current.
func (s *Store) PublishedStamps(ctx context.Context) ([]PublishedStamp, error) {
	var out []PublishedStamp
	err := s.newsroom(ctx, "approved_hash", false, func(id string, hash []byte, posts []PostRecord) error {
		out = append(out, PublishedStamp{ID: id, Hash: string(hash), PublishedAt: publishedAt(posts)})
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].PublishedAt.After(out[j].PublishedAt) })
	return out, err
}

// newsroom calls each, in ID order, with the ID, the column col and the
// published or publishing posts (with their receipts, if asked) of every
// release that has such a post, is not withdrawn and is approved (a
// withdrawal taken back waits for a new approval).
func (s *Store) newsroom(ctx context.Context, col string, receipts bool, each func(id string, col []byte, posts []PostRecord) error) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		posts, err := s.publishedPosts(ctx, tx, receipts)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, `+col+` FROM releases r WHERE state <> $1 AND approved_hash <> ''
			AND EXISTS (SELECT 1 FROM posts p WHERE p.release_id = r.id AND p.state IN ($2, $3)) ORDER BY id`,
			string(release.StatusWithdrawn), string(release.StatusPublished), string(release.StatusPublishing))
		if err != nil {
			return wrap(err, "published", "")
		}
		defer rows.Close()
		for rows.Next() {
			var (
				id  string
				val []byte
			)
			if err := rows.Scan(&id, &val); err != nil {
				return wrap(err, "published", "")
			}
			if err := each(id, val, posts[id]); err != nil {
				return wrap(err, "published", id)
			}
		}
		return wrap(rows.Err(), "published", "")
	})
}

// publishedAt dates a release in the newsroom by its first post published,
// or claimed for sending (dated by the claim: about now).
func publishedAt(posts []PostRecord) time.Time {
	var first time.Time
	for _, p := range posts {
		at := p.PublishedAt
		if p.State == release.StatusPublishing {
			at = p.Updated
		}
		if first.IsZero() || (!at.IsZero() && at.Before(first)) {
			first = at
		}
	}
	return first
}

// publishedPosts reads in one query the posts published or being sent of
// the releases in the newsroom, by release and in channel order: only the
// columns the newsroom needs (receipts only if asked), not the rendered
// posts.
func (s *Store) publishedPosts(ctx context.Context, tx *sql.Tx, receipts bool) (map[string][]PostRecord, error) {
	receipt := "p.receipt"
	if !receipts {
		receipt = "NULL"
	}
	rows, err := tx.QueryContext(ctx, `SELECT p.release_id, p.channel, p.state, `+receipt+`, p.published_at, p.updated
		FROM posts p JOIN releases r ON r.id = p.release_id
		WHERE r.state <> $1 AND p.state IN ($2, $3) ORDER BY p.release_id, p.channel`,
		string(release.StatusWithdrawn), string(release.StatusPublished), string(release.StatusPublishing))
	if err != nil {
		return nil, wrap(err, "published posts", "")
	}
	defer rows.Close()
	out := map[string][]PostRecord{}
	for rows.Next() {
		id, p, err := scanPublishedPost(rows)
		if err != nil {
			return nil, wrap(err, "published posts", id)
		}
		out[id] = append(out[id], p)
	}
	return out, wrap(rows.Err(), "published posts", "")
}

// scanPublishedPost reads a row of publishedPosts.
func scanPublishedPost(r scanner) (string, PostRecord, error) {
	var (
		id, state     string
		p             PostRecord
		receipt       sql.NullString
		pubAt, update dbTime
	)
	if err := r.Scan(&id, &p.Channel, &state, &receipt, &pubAt, &update); err != nil {
		return "", PostRecord{}, err
	}
	p.State, p.PublishedAt, p.Updated = release.Status(state), pubAt.T, update.T
	if receipt.Valid {
		p.Receipt = new(release.Receipt)
		if err := json.Unmarshal([]byte(receipt.String), p.Receipt); err != nil {
			return id, PostRecord{}, fmt.Errorf("receipt json: %w", err)
		}
	}
	return id, p, nil
}

// GoneRelease is a release that was in the newsroom and was withdrawn.
type GoneRelease struct {
	ID   string
	Lang string
	// TranslationKey is its translation_key: its other language versions'
	// pages linked it, and changed too.
	TranslationKey string
	At             time.Time // when it was last withdrawn (UTC)
	// Tags are its tags as stored now (the withdrawal voids the approved
	// version): the tag pages that listed it.
	Tags []string
}

// Gone returns the releases withdrawn after a post of theirs went out (it
// has a receipt), in ID order: their newsroom pages were public, and are
// now gone for good.
func (s *Store) Gone(ctx context.Context) ([]GoneRelease, error) {
	var out []GoneRelease
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, lang, translation_key, snapshot,
			(SELECT MAX(a.at) FROM audit a WHERE a.release_id = r.id AND a.channel IS NULL AND a.to_state = $1 AND a.from_state <> $1)
			FROM releases r WHERE state = $1
			AND EXISTS (SELECT 1 FROM posts p WHERE p.release_id = r.id AND p.receipt IS NOT NULL) ORDER BY id`,
			string(release.StatusWithdrawn))
		if err != nil {
			return wrap(err, "gone", "")
		}
		defer rows.Close()
		for rows.Next() {
			var (
				g    GoneRelease
				snap []byte
				at   dbTime
			)
			if err := rows.Scan(&g.ID, &g.Lang, &g.TranslationKey, &snap, &at); err != nil {
				return wrap(err, "gone", "")
			}
			var r struct {
				Tags []string `json:"tags"`
			}
			if err := json.Unmarshal(snap, &r); err != nil {
				return fmt.Errorf("store: gone %s: snapshot: %w", g.ID, err)
			}
			g.At, g.Tags = at.T, r.Tags
			out = append(out, g)
		}
		return wrap(rows.Err(), "gone", "")
	})
	return out, err
}
