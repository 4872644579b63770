package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pressbot/pressbot/internal/release"
)

// UpsertRelease records the release as loaded from content/ and reports what
// changed. A new release awaits approval (a draft stays new); a changed one
// loses the approvals of its old hash, and any post not yet sent has its job
// cancelled in the same transaction; withdrawn: true withdraws it.
func (s *Store) UpsertRelease(ctx context.Context, rel release.Release, actor string) (Change, error) {
	if rel.ID == "" || rel.Hash == "" {
		return Change{}, errors.New("store: upsert: release needs an ID and a hash")
	}
	snap, err := json.Marshal(rel)
	if err != nil {
		return Change{}, fmt.Errorf("store: upsert %s: %w", rel.ID, err)
	}
	var ch Change
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		created, err := s.insertRelease(ctx, tx, rel, string(snap), actor)
		if err != nil || created != nil {
			if created != nil {
				ch = *created
			}
			return err
		}
		ch, err = s.updateRelease(ctx, tx, rel, string(snap), actor)
		return err
	})
	return ch, err
}

// insertRelease inserts rel if its id is unknown, and returns nil when it
// already existed.
func (s *Store) insertRelease(ctx context.Context, tx *sql.Tx, rel release.Release, snap, actor string) (*Change, error) {
	now := formatTime(s.now())
	res, err := tx.ExecContext(ctx, `INSERT INTO releases (id, lang, translation_key, title, hash, state, source_commit, snapshot, first_seen, updated)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) ON CONFLICT (id) DO NOTHING`,
		rel.ID, rel.Lang, rel.TranslationKey, rel.Title, rel.Hash, string(release.StatusNew), rel.Commit, snap, now)
	if err != nil {
		return nil, fmt.Errorf("store: upsert %s: %w", rel.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return nil, err
	}
	if err := s.audit(ctx, tx, AuditEntry{Release: rel.ID, To: release.StatusNew, Event: "create", Actor: actor, Detail: "hash " + short(rel.Hash)}); err != nil {
		return nil, err
	}
	// A new release at the old ID of a renamed one: the ID is its own now.
	if _, err := tx.ExecContext(ctx, `DELETE FROM renames WHERE old_id = $1`, rel.ID); err != nil {
		return nil, wrap(err, "upsert", rel.ID)
	}
	ch := &Change{Kind: ChangeNew, State: release.StatusNew}
	switch {
	case rel.Withdrawn:
		ch.State, err = s.moveRelease(ctx, tx, rel.ID, release.StatusNew, release.EventWithdraw, actor, "withdrawn in front matter")
	case !rel.Draft:
		ch.State, err = s.moveRelease(ctx, tx, rel.ID, release.StatusNew, release.EventSubmit, actor, "")
	}
	return ch, err
}

// updateRelease handles a release that is already stored.
func (s *Store) updateRelease(ctx context.Context, tx *sql.Tx, rel release.Release, snap, actor string) (Change, error) {
	if err := lockRelease(ctx, tx, rel.ID); err != nil {
		return Change{}, err
	}
	var hash, state string
	if err := tx.QueryRowContext(ctx, `SELECT hash, state FROM releases WHERE id = $1`, rel.ID).Scan(&hash, &state); err != nil {
		return Change{}, fmt.Errorf("store: upsert %s: %w", rel.ID, err)
	}
	ch := Change{PrevHash: hash, State: release.Status(state)}
	if hash == rel.Hash && !restored(ch.State, rel) {
		ch.Kind = ChangeUnchanged
		if rel.Commit != "" {
			_, err := tx.ExecContext(ctx, `UPDATE releases SET source_commit = $1 WHERE id = $2`, rel.Commit, rel.ID)
			return ch, wrap(err, "upsert", rel.ID)
		}
		return ch, nil
	}
	posts, err := s.posts(ctx, tx, rel.ID)
	if err != nil {
		return Change{}, err
	}
	ch.Kind = classifyChange(ch.State, posts, rel)
	detail := fmt.Sprintf("hash %s → %s", short(hash), short(rel.Hash))
	if hash == rel.Hash {
		detail = "its file is back, unchanged (hash " + short(hash) + ")"
	}
	ev := release.EventChange
	if rel.Withdrawn {
		ev = release.EventWithdraw
	}
	if ch.Cancelled, err = s.stopPosts(ctx, tx, rel.ID, posts, ev, actor, detail); err != nil {
		return Change{}, err
	}
	if ch.State, err = s.releaseOnChange(ctx, tx, rel, ch.State, actor, detail); err != nil {
		return Change{}, err
	}
	if ch.Kind == ChangeAfterPublishing {
		if posts, err = s.posts(ctx, tx, rel.ID); err != nil {
			return Change{}, err
		}
		ch.Unsent = UnsentAfterChange(ch.State, posts)
	}
	_, err = tx.ExecContext(ctx, `UPDATE releases SET lang = $1, translation_key = $2, title = $3, hash = $4,
		source_commit = $5, snapshot = $6, updated = $7 WHERE id = $8`,
		rel.Lang, rel.TranslationKey, rel.Title, rel.Hash, rel.Commit, snap, formatTime(s.now()), rel.ID)
	return ch, wrap(err, "upsert", rel.ID)
}

// restored reports whether rel, withdrawn in state although its front
// matter does not say so, is back: its file was removed (Withdraw) and is
// there again, unchanged, as after a revert or a branch switch. It is then
// taken as changed, so that it goes back to approval rather than stay
// withdrawn with its posts lost.
func restored(state release.Status, rel release.Release) bool {
	return state == release.StatusWithdrawn && !rel.Withdrawn
}

// classifyChange tells how far a release had gone when its content changed.
// A published release whose file is back to what its posts show (an edit
// reverted) counts as unchanged: there is nothing to update.
func classifyChange(state release.Status, posts []PostRecord, rel release.Release) ChangeKind {
	if rel.Withdrawn {
		return ChangeWithdrawn
	}
	published, outdated := false, false
	for _, p := range posts {
		if p.State == release.StatusPublished {
			published, outdated = true, outdated || p.Hash != rel.Hash
		}
	}
	switch {
	case published && !outdated && state == release.StatusPublished:
		return ChangeUnchanged // back to what went out (an edit reverted): nothing to update
	case published:
		return ChangeAfterPublishing
	}
	switch state {
	case release.StatusNew, release.StatusPendingApproval, release.StatusRejected, release.StatusWithdrawn:
		return ChangeBeforeApproval
	}
	return ChangeAfterApproval
}

// releaseOnChange moves the release itself after a content change.
func (s *Store) releaseOnChange(ctx context.Context, tx *sql.Tx, rel release.Release, state release.Status, actor, detail string) (release.Status, error) {
	ev := release.EventChange
	switch {
	case rel.Withdrawn && state == release.StatusWithdrawn:
		return state, nil
	case rel.Withdrawn:
		ev = release.EventWithdraw
	case state == release.StatusWithdrawn, state == release.StatusNew && !rel.Draft:
		ev = release.EventSubmit
	}
	if _, err := release.Transition(state, ev); err != nil {
		// publishing or uncertain: the state stays until the send is
		// resolved; the new hash is still recorded.
		return state, s.audit(ctx, tx, AuditEntry{Release: rel.ID, From: state, To: state, Event: string(release.EventChange), Actor: actor, Detail: detail})
	}
	return s.moveRelease(ctx, tx, rel.ID, state, ev, actor, detail)
}

// stopPosts cancels the jobs of the release's posts that have not been sent
// and moves those posts with ev (change or withdraw). It returns the
// channels whose post was stopped.
func (s *Store) stopPosts(ctx context.Context, tx *sql.Tx, id string, posts []PostRecord, ev release.Event, actor, detail string) ([]string, error) {
	var stopped []string
	for _, p := range posts {
		switch p.State {
		case release.StatusScheduled, release.StatusApproved, release.StatusFailed, release.StatusUncertain:
		default:
			continue
		}
		if _, err := release.Transition(p.State, ev); err != nil {
			continue // e.g. an uncertain post on change: officers resolve it
		}
		if err := s.cancelJob(ctx, tx, p.JobID); err != nil {
			return nil, err
		}
		if _, err := s.movePost(ctx, tx, id, p.Channel, p.State, ev, actor, detail, nil); err != nil {
			return nil, err
		}
		stopped = append(stopped, p.Channel)
	}
	return stopped, nil
}

// moveRelease applies ev to a release known to be in state from, writes the
// new state and an audit entry, and returns the new state.
func (s *Store) moveRelease(ctx context.Context, tx *sql.Tx, id string, from release.Status, ev release.Event, actor, detail string) (release.Status, error) {
	to, err := release.Transition(from, ev)
	if err != nil {
		return from, fmt.Errorf("store: %s: %w", id, err)
	}
	q := `UPDATE releases SET state = $1, updated = $2 WHERE id = $3`
	if to == release.StatusWithdrawn {
		// A withdrawal voids the approval: taken back, the release is
		// shown again (in the newsroom too) only once approved again.
		q = `UPDATE releases SET state = $1, updated = $2, approved_hash = '', approved_snapshot = '' WHERE id = $3`
	}
	if _, err := tx.ExecContext(ctx, q, string(to), formatTime(s.now()), id); err != nil {
		return from, wrap(err, string(ev), id)
	}
	return to, s.audit(ctx, tx, AuditEntry{Release: id, From: from, To: to, Event: string(ev), Actor: actor, Detail: detail})
}

// Get returns release id with its approvals (of the current hash) and posts.
func (s *Store) Get(ctx context.Context, id string) (Record, error) {
	var rec Record
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		rec, err = s.get(ctx, tx, id)
		return err
	})
	return rec, err
}

// get reads release id inside tx.
func (s *Store) get(ctx context.Context, tx *sql.Tx, id string) (Record, error) {
	row := tx.QueryRowContext(ctx, `SELECT `+releaseCols+` FROM releases WHERE id = $1`, id)
	rec, err := scanRelease(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Record{}, fmt.Errorf("store: release %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return Record{}, wrap(err, "get", id)
	}
	if rec.Approvals, err = s.approvals(ctx, tx, id, rec.Hash); err != nil {
		return Record{}, err
	}
	rec.Posts, err = s.posts(ctx, tx, id)
	return rec, err
}

// releaseCols are the columns scanRelease reads.
const releaseCols = `id, lang, translation_key, title, hash, state, source_commit, snapshot, approved_hash, approved_snapshot, first_seen, updated`

// scanner is *sql.Row or *sql.Rows.
type scanner interface{ Scan(...any) error }

// scanRelease reads releaseCols.
func scanRelease(r scanner) (Record, error) {
	var (
		rec             Record
		state           string
		snap, approved  string
		first, upd      dbTime
		approvedRelease release.Release
	)
	if err := r.Scan(&rec.ID, &rec.Lang, &rec.TranslationKey, &rec.Title, &rec.Hash, &state, &rec.Commit,
		&snap, &rec.ApprovedHash, &approved, &first, &upd); err != nil {
		return Record{}, err
	}
	rec.State, rec.FirstSeen, rec.Updated = release.Status(state), first.T, upd.T
	if err := json.Unmarshal([]byte(snap), &rec.Release); err != nil {
		return Record{}, fmt.Errorf("snapshot: %w", err)
	}
	if approved != "" {
		if err := json.Unmarshal([]byte(approved), &approvedRelease); err != nil {
			return Record{}, fmt.Errorf("approved snapshot: %w", err)
		}
		rec.Approved = &approvedRelease
	}
	return rec, nil
}

// List returns the releases that match f (with their posts, without
// approvals), newest first.
func (s *Store) List(ctx context.Context, f ListFilter) ([]Record, error) {
	q, args := listQuery(f)
	var out []Record
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return wrap(err, "list", "")
		}
		defer rows.Close()
		for rows.Next() {
			rec, err := scanRelease(rows)
			if err != nil {
				return wrap(err, "list", "")
			}
			out = append(out, rec)
		}
		if err := rows.Err(); err != nil {
			return wrap(err, "list", "")
		}
		rows.Close()
		for i := range out {
			if out[i].Posts, err = s.posts(ctx, tx, out[i].ID); err != nil {
				return err
			}
			// Approvals so far count only while approval is pending.
			if out[i].State == release.StatusPendingApproval {
				if out[i].Approvals, err = s.approvals(ctx, tx, out[i].ID, out[i].Hash); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return out, err
}

// outdatedCond selects a release with a post published from an older
// version, neither updated nor kept (ListFilter.Outdated).
const outdatedCond = `EXISTS (SELECT 1 FROM posts p WHERE p.release_id = releases.id AND p.state = 'published' AND p.hash <> releases.hash)`

// listQuery builds List's query.
func listQuery(f ListFilter) (string, []any) {
	var (
		where []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if len(f.States) > 0 {
		ph := make([]string, len(f.States))
		for i, st := range f.States {
			ph[i] = arg(string(st))
		}
		cond := "state IN (" + strings.Join(ph, ", ") + ")"
		if f.Outdated {
			cond = "(" + cond + " OR " + outdatedCond + ")"
		}
		where = append(where, cond)
	}
	if f.Lang != "" {
		where = append(where, "lang = "+arg(f.Lang))
	}
	if f.TranslationKey != "" {
		where = append(where, "translation_key = "+arg(f.TranslationKey))
	}
	q := `SELECT ` + releaseCols + ` FROM releases`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY first_seen DESC, id"
	if f.Limit > 0 {
		q += " LIMIT " + arg(f.Limit)
	}
	return q, args
}

// wrap prefixes a database error with the operation and release.
func wrap(err error, op, id string) error {
	if err == nil {
		return nil
	}
	if id == "" {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	return fmt.Errorf("store: %s %s: %w", op, id, err)
}

// ImageInUse reports whether a release that is not withdrawn names local
// image img (a path under the content folder, with or without a leading
// "/") as its image or shows it in its text (release.BodyImages), in its
// current or its approved content. The newsroom serves such an image
// before the release is published: the approval preview and the
// platforms fetch it from there.
func (s *Store) ImageInUse(ctx context.Context, img string) (bool, error) {
	img = strings.TrimLeft(img, "/")
	if img == "" {
		return false, nil
	}
	args := make([]any, 0, 4)
	args = append(args, string(release.StatusWithdrawn))
	for _, v := range []string{`"image":` + img, `"image":/` + img, `"path":` + img} {
		key, val, _ := strings.Cut(v, ":")
		enc, err := json.Marshal(val)
		if err != nil {
			return false, fmt.Errorf("store: image in use: %w", err)
		}
		args = append(args, "%"+likeEscaper.Replace(key+":"+string(enc))+"%") // JSON as the snapshot holds it
	}
	found := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT snapshot, approved_snapshot FROM releases WHERE state <> $1
			AND (snapshot LIKE $2 ESCAPE '\' OR snapshot LIKE $3 ESCAPE '\' OR snapshot LIKE $4 ESCAPE '\'
			OR approved_snapshot LIKE $2 ESCAPE '\' OR approved_snapshot LIKE $3 ESCAPE '\' OR approved_snapshot LIKE $4 ESCAPE '\')`, args...)
		if err != nil {
			return wrap(err, "image in use", "")
		}
		defer rows.Close()
		for rows.Next() && !found {
			var snap, approved string
			if err := rows.Scan(&snap, &approved); err != nil {
				return wrap(err, "image in use", "")
			}
			found = namesImage(snap, img) || namesImage(approved, img)
		}
		return wrap(rows.Err(), "image in use", "")
	})
	return found, err
}

// likeEscaper escapes the LIKE wildcards and the escape character itself.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// namesImage reports whether a release snapshot's image, or a picture its
// text shows, is img; LIKE only narrowed the rows down (SQLite compares
// letters without case, and "path" may be another key's).
func namesImage(snapshot, img string) bool {
	var r struct {
		Image      string              `json:"image"`
		BodyImages []release.BodyImage `json:"body_images"`
	}
	if snapshot == "" || json.Unmarshal([]byte(snapshot), &r) != nil {
		return false
	}
	return strings.TrimLeft(r.Image, "/") == img ||
		slices.ContainsFunc(r.BodyImages, func(b release.BodyImage) bool { return strings.TrimLeft(b.Path, "/") == img })
}

// TranslationHolder returns the release other than id that holds
// translation_key key in lang: one that is neither withdrawn nor rejected
// and was first seen before id (by ID on a tie; any, when id is not
// stored yet). It
// returns "" when there is none. Two files claiming one language version
// of a release would otherwise both be published.
func (s *Store) TranslationHolder(ctx context.Context, id, key, lang string) (string, error) {
	var other string
	err := s.db.QueryRowContext(ctx, `SELECT id FROM releases
		WHERE translation_key = $1 AND lang = $2 AND id <> $3 AND state NOT IN ('withdrawn', 'rejected')
		AND (first_seen < COALESCE((SELECT first_seen FROM releases WHERE id = $3), $4)
			OR first_seen = (SELECT first_seen FROM releases WHERE id = $3) AND id < $3)
		ORDER BY first_seen, id LIMIT 1`, key, lang, id, formatTime(s.now().Add(time.Second))).Scan(&other)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return other, wrap(err, "translation holder", id)
}
