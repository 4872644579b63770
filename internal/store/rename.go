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

	"github.com/riverqueue/river"

	"github.com/pressbot/pressbot/internal/release"
)

// ErrBusy is returned by RenameRelease while a post of the release is
// being sent or edited on its platform: the send or edit would record its
// result under the old ID. Try again once it is done (the next scan).
var ErrBusy = errors.New("a post of it is being sent or updated right now")

// Kin returns the stored releases other than id that rel may be the same
// press release as: those with rel's content hash, and those holding its
// translation_key in its language. Same-hash ones come first, then by
// the latest change. The posts of each are read, not its approvals.
// Ingest uses it to tell a renamed file (the kin's file is gone) from a
// copy (it is there).
func (s *Store) Kin(ctx context.Context, id string, rel release.Release) ([]Record, error) {
	// Outside a transaction: ingest asks it of every new file, and most
	// have no kin; a SQLite transaction here takes the write lock.
	q, args := `SELECT `+releaseCols+` FROM releases WHERE id <> $1 AND hash = $2 ORDER BY updated DESC, id`, []any{id, rel.Hash}
	if rel.TranslationKey != "" {
		// Each term on its own index: translation_key = '' would match
		// every release without one.
		q, args = `SELECT `+releaseCols+` FROM releases WHERE id <> $1
			AND (hash = $2 OR (translation_key = $3 AND lang = $4))
			ORDER BY CASE WHEN hash = $2 THEN 0 ELSE 1 END, updated DESC, id`, append(args, rel.TranslationKey, rel.Lang)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, wrap(err, "kin", id)
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		rec, err := scanRelease(rows)
		if err != nil {
			return nil, wrap(err, "kin", id)
		}
		out = append(out, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "kin", id)
	}
	rows.Close()
	if len(out) == 0 {
		return nil, nil
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		for i := range out {
			if out[i].Posts, err = s.posts(ctx, tx, out[i].ID); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// RenamedTo returns the ID release id was renamed to (the latest, after a
// chain of renames), or "" when it was not renamed.
func (s *Store) RenamedTo(ctx context.Context, id string) (string, error) {
	var to string
	err := s.db.QueryRowContext(ctx, `SELECT new_id FROM renames WHERE old_id = $1`, id).Scan(&to)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return to, wrap(err, "renamed to", id)
}

// Rename is one old ID of a release, the ID it has now, and when it got
// it.
type Rename struct {
	From, To string
	At       time.Time
}

// Renames returns every renamed release's old ID with its current ID, by
// old ID.
func (s *Store) Renames(ctx context.Context) ([]Rename, error) {
	return s.renames(ctx, `SELECT old_id, new_id, at FROM renames ORDER BY old_id`)
}

// RenamedFrom returns the old IDs of release id, oldest rename first.
func (s *Store) RenamedFrom(ctx context.Context, id string) ([]Rename, error) {
	return s.renames(ctx, `SELECT old_id, new_id, at FROM renames WHERE new_id = $1 ORDER BY at, old_id`, id)
}

// renames runs a query of renames.
func (s *Store) renames(ctx context.Context, q string, args ...any) ([]Rename, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, wrap(err, "renames", "")
	}
	defer rows.Close()
	var out []Rename
	for rows.Next() {
		var (
			r  Rename
			at dbTime
		)
		if err := rows.Scan(&r.From, &r.To, &at); err != nil {
			return nil, wrap(err, "renames", "")
		}
		r.At = at.T
		out = append(out, r)
	}
	return out, wrap(rows.Err(), "renames", "")
}

// Peeked is what Peek reads of a stored release.
type Peeked struct {
	Hash  string
	State release.Status
	// Placeholder is Placeholder of the release.
	Placeholder bool
}

// Peek reads the hash and state of release id in one light query, and
// whether it is a Placeholder; ErrNotFound if it is not stored. Ingest
// asks it of every release file it reads.
func (s *Store) Peek(ctx context.Context, id string) (Peeked, error) {
	var (
		p               Peeked
		state, approved string
		hasPosts        bool
	)
	err := s.db.QueryRowContext(ctx, `SELECT hash, state, approved_hash,
		EXISTS (SELECT 1 FROM posts WHERE release_id = $1) FROM releases WHERE id = $1`, id).Scan(&p.Hash, &state, &approved, &hasPosts)
	if errors.Is(err, sql.ErrNoRows) {
		return Peeked{}, fmt.Errorf("store: release %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return Peeked{}, wrap(err, "peek", id)
	}
	p.State = release.Status(state)
	p.Placeholder = placeholderState(p.State) && !hasPosts && approved == ""
	return p, nil
}

// batchArgs is how many values one query of PeekAll or HaveKin binds at
// most: far below SQLite's limit of 32766 variables and PostgreSQL's
// 65535.
const batchArgs = 500

// PeekAll is Peek of each of ids in one query per 500: the releases
// stored, by ID; an ID not stored has no entry. Ingest asks it of a batch
// of release files before it records them one by one.
func (s *Store) PeekAll(ctx context.Context, ids []string) (map[string]Peeked, error) {
	out := make(map[string]Peeked, len(ids))
	for chunk := range slices.Chunk(ids, batchArgs) {
		args, ph := make([]any, len(chunk)), make([]string, len(chunk))
		for i, id := range chunk {
			args[i], ph[i] = id, fmt.Sprintf("$%d", i+1)
		}
		rows, err := s.db.QueryContext(ctx, `SELECT r.id, r.hash, r.state, r.approved_hash,
			EXISTS (SELECT 1 FROM posts p WHERE p.release_id = r.id) FROM releases r WHERE r.id IN (`+strings.Join(ph, ", ")+`)`, args...)
		if err != nil {
			return nil, wrap(err, "peek", "")
		}
		for rows.Next() {
			var (
				p                   Peeked
				id, state, approved string
				hasPosts            bool
			)
			if err := rows.Scan(&id, &p.Hash, &state, &approved, &hasPosts); err != nil {
				rows.Close()
				return nil, wrap(err, "peek", "")
			}
			p.State = release.Status(state)
			p.Placeholder = placeholderState(p.State) && !hasPosts && approved == ""
			out[id] = p
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, wrap(err, "peek", "")
		}
	}
	return out, nil
}

// HaveKin reports, for each of rels, whether Kin(ctx, rel.ID, rel) would
// find a release, in one query per 500 hashes and translation_keys
// without reading the releases: the map holds every rel.ID, true for
// those with kin. Ingest asks it of a batch of new release files, and
// Kin only of those that have some.
func (s *Store) HaveKin(ctx context.Context, rels []release.Release) (map[string]bool, error) {
	type key struct{ key, lang string }
	byHash, byKey := map[string][]string{}, map[key][]string{}
	for chunk := range slices.Chunk(rels, batchArgs/2) {
		var args []any
		var hashes, keys []string
		for _, r := range chunk {
			args = append(args, r.Hash)
			hashes = append(hashes, fmt.Sprintf("$%d", len(args)))
		}
		for _, r := range chunk {
			if r.TranslationKey != "" { // as in Kin: '' is no key
				args = append(args, r.TranslationKey)
				keys = append(keys, fmt.Sprintf("$%d", len(args)))
			}
		}
		// Each term on its own index, as in Kin.
		q := `SELECT id, hash, translation_key, lang FROM releases WHERE hash IN (` + strings.Join(hashes, ", ") + `)`
		if len(keys) > 0 {
			q += ` UNION ALL SELECT id, hash, translation_key, lang FROM releases WHERE translation_key IN (` + strings.Join(keys, ", ") + `)`
		}
		rows, err := s.db.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, wrap(err, "kin", "")
		}
		for rows.Next() {
			var id, hash, k, lang string
			if err := rows.Scan(&id, &hash, &k, &lang); err != nil {
				rows.Close()
				return nil, wrap(err, "kin", "")
			}
			byHash[hash] = append(byHash[hash], id)
			if k != "" {
				byKey[key{k, lang}] = append(byKey[key{k, lang}], id)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, wrap(err, "kin", "")
		}
	}
	other := func(ids []string, id string) bool {
		return slices.ContainsFunc(ids, func(o string) bool { return o != id })
	}
	out := make(map[string]bool, len(rels))
	for _, r := range rels {
		out[r.ID] = out[r.ID] || other(byHash[r.Hash], r.ID) || (r.TranslationKey != "" && other(byKey[key{r.TranslationKey, r.Lang}], r.ID))
	}
	return out, nil
}

// IDs returns the IDs of the releases in states, in ID order, without
// reading them.
func (s *Store) IDs(ctx context.Context, states ...release.Status) ([]string, error) {
	args := make([]any, len(states))
	ph := make([]string, len(states))
	for i, st := range states {
		args[i], ph[i] = string(st), fmt.Sprintf("$%d", i+1)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM releases WHERE state IN (`+strings.Join(ph, ", ")+`) ORDER BY id`, args...)
	if err != nil {
		return nil, wrap(err, "ids", "")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, wrap(err, "ids", "")
		}
		out = append(out, id)
	}
	return out, wrap(rows.Err(), "ids", "")
}

// placeholderState reports whether a release in state may be a
// Placeholder.
func placeholderState(state release.Status) bool {
	switch state {
	case release.StatusNew, release.StatusPendingApproval, release.StatusRejected, release.StatusWithdrawn:
		return true
	}
	return false
}

// Placeholder reports whether rec is a release that a rename may take the
// place of: one never scheduled (no posts) and not approved, such as the
// copy recorded when the watcher saw a renamed file before it noticed the
// old one gone.
func Placeholder(rec Record) bool {
	return placeholderState(rec.State) && len(rec.Posts) == 0 && rec.ApprovedHash == ""
}

// RenameRelease moves the release stored as from to rel.ID, whose file is
// the old one renamed, and then records rel there as UpsertRelease does,
// in one transaction: its state, approvals, posts with their receipts,
// scheduled jobs (queued again under the new ID at the same time), edit
// claims and audit history all move, an audit entry "renamed from FROM"
// is added, and FROM is remembered (RenamedTo) so that its old addresses
// lead to the new one. Nothing is offered or published again: the change
// reported is that of rel against the moved record (unchanged for a pure
// rename).
//
// A release already stored as rel.ID is replaced only if it is a
// Placeholder (its audit entries stay, before the rename's); otherwise,
// or while a post of from is being sent or edited (ErrBusy), it fails.
func (s *Store) RenameRelease(ctx context.Context, from string, rel release.Release, actor string) (Change, error) {
	to := rel.ID
	if from == "" || to == "" || from == to || rel.Hash == "" {
		return Change{}, fmt.Errorf("store: rename %q to %q: need two different IDs and a hash", from, to)
	}
	snap, err := json.Marshal(rel)
	if err != nil {
		return Change{}, fmt.Errorf("store: rename %s: %w", from, err)
	}
	var ch Change
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.moveRecord(ctx, tx, from, to, actor); err != nil {
			return err
		}
		if ch, err = s.updateRelease(ctx, tx, rel, string(snap), actor); err != nil {
			return err
		}
		ch.RenamedFrom = from
		if ch.Kind == ChangeUnchanged {
			// The same content from its new file: the new path.
			_, err = tx.ExecContext(ctx, `UPDATE releases SET snapshot = $1 WHERE id = $2`, string(snap), to)
		}
		return wrap(err, "rename", from)
	})
	if err != nil {
		return Change{}, err
	}
	return ch, nil
}

// moveRecord moves release from, with everything that hangs on it, to the
// ID to inside tx.
func (s *Store) moveRecord(ctx context.Context, tx *sql.Tx, from, to, actor string) error {
	if err := lockRelease(ctx, tx, from); err != nil {
		return err
	}
	rec, err := s.get(ctx, tx, from)
	if err != nil {
		return err
	}
	if err := s.checkIdle(ctx, tx, rec); err != nil {
		return err
	}
	if err := s.clearPlaceholder(ctx, tx, to); err != nil {
		return err
	}
	snap, err := withID(rec.Release, to)
	if err != nil {
		return wrap(err, "rename", from)
	}
	approved := ""
	if rec.Approved != nil {
		if approved, err = withID(*rec.Approved, to); err != nil {
			return wrap(err, "rename", from)
		}
	}
	// The new row first, then what refers to the old one, then the old
	// row: no foreign key ever points nowhere, on either database.
	if _, err := tx.ExecContext(ctx, `INSERT INTO releases (id, lang, translation_key, title, hash, state, source_commit,
		snapshot, approved_hash, approved_snapshot, first_seen, updated)
		SELECT $1, lang, translation_key, title, hash, state, source_commit, $2, approved_hash, $3, first_seen, $4
		FROM releases WHERE id = $5`, to, snap, approved, formatTime(s.now()), from); err != nil {
		return wrap(err, "rename", from)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO posts (release_id, channel, hash, gen, state, attempts, post, scheduled_at,
		job_id, receipt, last_error, published_at, updated)
		SELECT $1, channel, hash, gen, state, attempts, post, scheduled_at, job_id, receipt, last_error, published_at, updated
		FROM posts WHERE release_id = $2`, to, from); err != nil {
		return wrap(err, "rename", from)
	}
	for _, st := range []struct {
		q    string
		args []any
	}{
		{`UPDATE post_edits SET release_id = $1 WHERE release_id = $2`, []any{to, from}},
		{`UPDATE approvals SET release_id = $1 WHERE release_id = $2`, []any{to, from}},
		{`DELETE FROM posts WHERE release_id = $1`, []any{from}},
		{`DELETE FROM releases WHERE id = $1`, []any{from}},
		{`UPDATE audit SET release_id = $1 WHERE release_id = $2`, []any{to, from}},
		// Every older ID of the release leads to the newest; an ID in use
		// again is no longer an old one.
		{`UPDATE renames SET new_id = $1 WHERE new_id = $2`, []any{to, from}},
		{`DELETE FROM renames WHERE old_id = $1 OR old_id = $2`, []any{to, from}},
		{`INSERT INTO renames (old_id, new_id, at) VALUES ($1, $2, $3)`, []any{from, to, formatTime(s.now())}},
	} {
		if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
			return wrap(err, "rename", from)
		}
	}
	if err := s.movePosts(ctx, tx, to, rec.Posts); err != nil {
		return err
	}
	return s.audit(ctx, tx, AuditEntry{Release: to, From: rec.State, To: rec.State, Event: "rename", Actor: actor,
		Detail: "renamed from " + from + " (its file " + from + ".md is now " + to + ".md)"})
}

// checkIdle fails with ErrBusy while a post of rec is being sent or has a
// live edit claim.
func (s *Store) checkIdle(ctx context.Context, tx *sql.Tx, rec Record) error {
	for _, p := range rec.Posts {
		if p.State == release.StatusPublishing {
			return fmt.Errorf("store: rename %s: %w (%s)", rec.ID, ErrBusy, p.Channel)
		}
		if err := s.checkClaim(ctx, tx, rec.ID, p.Channel); err != nil {
			return fmt.Errorf("store: rename %s: %w (%v)", rec.ID, ErrBusy, err)
		}
	}
	return nil
}

// clearPlaceholder deletes release id, if stored, so that a rename can
// take its ID; it fails unless the release is a Placeholder. Its audit
// entries stay.
func (s *Store) clearPlaceholder(ctx context.Context, tx *sql.Tx, id string) error {
	rec, err := s.get(ctx, tx, id)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !Placeholder(rec) {
		return fmt.Errorf("store: rename to %s: a release with that ID is already %s", id, rec.State)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM releases WHERE id = $1`, id); err != nil {
		return wrap(err, "rename", id)
	}
	return nil
}

// movePosts gives the moved posts of release id their new release ID and
// queues the scheduled ones again under it, at the same time: a job
// carries the release ID, and the old jobs are cancelled.
func (s *Store) movePosts(ctx context.Context, tx *sql.Tx, id string, posts []PostRecord) error {
	var jobs []river.InsertManyParams
	for _, p := range posts {
		p.Post.Release = id
		body, err := json.Marshal(p.Post)
		if err != nil {
			return wrap(err, "rename", id)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE posts SET post = $1 WHERE release_id = $2 AND channel = $3`,
			string(body), id, p.Channel); err != nil {
			return wrap(err, "rename", id)
		}
		if p.State != release.StatusScheduled || p.JobID == 0 {
			continue
		}
		args, err := s.requeue(ctx, tx, id, p, p.ScheduledAt)
		if err != nil {
			return err
		}
		jobs = append(jobs, river.InsertManyParams{Args: args, InsertOpts: &river.InsertOpts{ScheduledAt: p.ScheduledAt}})
	}
	return s.insertJobs(ctx, tx, jobs)
}

// withID returns the JSON snapshot of r under the ID id: its path is
// the old one with the old ID's part replaced.
func withID(r release.Release, id string) (string, error) {
	if strings.HasSuffix(r.Path, r.ID+".md") {
		r.Path = strings.TrimSuffix(r.Path, r.ID+".md") + id + ".md"
	}
	r.ID = id
	b, err := json.Marshal(r)
	return string(b), err
}
