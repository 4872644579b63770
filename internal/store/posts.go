package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/riverqueue/river/rivertype"
)

// postCols are the columns scanPost reads.
const postCols = `channel, hash, gen, state, attempts, post, scheduled_at, job_id, receipt, last_error, published_at, updated`

// posts returns the posts of release id, by channel.
func (s *Store) posts(ctx context.Context, tx *sql.Tx, id string) ([]PostRecord, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+postCols+` FROM posts WHERE release_id = $1 ORDER BY channel`, id)
	if err != nil {
		return nil, wrap(err, "posts", id)
	}
	defer rows.Close()
	var out []PostRecord
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, wrap(err, "posts", id)
		}
		out = append(out, p)
	}
	return out, wrap(rows.Err(), "posts", id)
}

// post returns one post, or ErrNotFound.
func (s *Store) post(ctx context.Context, tx *sql.Tx, id, channel string) (PostRecord, error) {
	p, err := scanPost(tx.QueryRowContext(ctx, `SELECT `+postCols+` FROM posts WHERE release_id = $1 AND channel = $2`, id, channel))
	if errors.Is(err, sql.ErrNoRows) {
		return PostRecord{}, fmt.Errorf("store: post %s on %s: %w", id, channel, ErrNotFound)
	}
	return p, wrap(err, "post", id)
}

// scanPost reads postCols.
func scanPost(r scanner) (PostRecord, error) {
	var (
		p                    PostRecord
		state, post          string
		receipt              sql.NullString
		job                  sql.NullInt64
		sched, pubAt, update dbTime
	)
	if err := r.Scan(&p.Channel, &p.Hash, &p.Gen, &state, &p.Attempts, &post, &sched, &job, &receipt,
		&p.LastError, &pubAt, &update); err != nil {
		return PostRecord{}, err
	}
	p.State, p.JobID = release.Status(state), job.Int64
	p.ScheduledAt, p.PublishedAt, p.Updated = sched.T, pubAt.T, update.T
	if err := json.Unmarshal([]byte(post), &p.Post); err != nil {
		return PostRecord{}, fmt.Errorf("post json: %w", err)
	}
	if receipt.Valid {
		p.Receipt = new(release.Receipt)
		if err := json.Unmarshal([]byte(receipt.String), p.Receipt); err != nil {
			return PostRecord{}, fmt.Errorf("receipt json: %w", err)
		}
	}
	return p, nil
}

// postUpdate holds optional column changes that go with a post transition.
type postUpdate struct {
	receipt   *release.Receipt
	lastError *string
	attempt   bool       // count one more attempt
	at        *time.Time // new scheduled_at
}

// movePost applies ev to a post known to be in state from, records the new
// state, the extra changes in u, and an audit entry.
func (s *Store) movePost(ctx context.Context, tx *sql.Tx, id, channel string, from release.Status, ev release.Event, actor, detail string, u *postUpdate) (release.Status, error) {
	to, err := release.Transition(from, ev)
	if err != nil {
		return from, fmt.Errorf("store: %s on %s: %w", id, channel, err)
	}
	set, args, err := postSet(s.now(), to, u)
	if err != nil {
		return from, wrap(err, string(ev), id)
	}
	args = append(args, id, channel)
	q := fmt.Sprintf(`UPDATE posts SET %s WHERE release_id = $%d AND channel = $%d`, set, len(args)-1, len(args))
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return from, wrap(err, string(ev), id)
	}
	return to, s.audit(ctx, tx, AuditEntry{Release: id, Channel: channel, From: from, To: to, Event: string(ev), Actor: actor, Detail: detail})
}

// postSet returns the SET clause and its arguments for a post moving to
// state to with the optional changes of u, in one statement.
func postSet(now time.Time, to release.Status, u *postUpdate) (string, []any, error) {
	cols := []string{"state", "updated"}
	args := []any{string(to), formatTime(now)}
	if u != nil && u.receipt != nil {
		b, err := json.Marshal(u.receipt)
		if err != nil {
			return "", nil, err
		}
		pub := u.receipt.PublishedAt
		if pub.IsZero() {
			pub = now
		}
		cols, args = append(cols, "receipt", "published_at"), append(args, string(b), formatTime(pub))
	}
	if u != nil && u.lastError != nil {
		cols, args = append(cols, "last_error"), append(args, *u.lastError)
	}
	if u != nil && u.at != nil {
		cols, args = append(cols, "scheduled_at"), append(args, formatTime(*u.at))
	}
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = fmt.Sprintf("%s = $%d", c, i+1)
	}
	if u != nil && u.attempt {
		parts = append(parts, "attempts = attempts + 1")
	}
	return strings.Join(parts, ", "), args, nil
}

// cancelJob cancels River job id (0: none) inside tx. A job that already
// finished or was cleaned up is fine.
func (s *Store) cancelJob(ctx context.Context, tx *sql.Tx, jobID int64) error {
	if jobID == 0 {
		return nil
	}
	if _, err := s.jobs.JobCancelTx(ctx, tx, jobID); err != nil && !errors.Is(err, rivertype.ErrNotFound) {
		return fmt.Errorf("store: cancel job %d: %w", jobID, err)
	}
	return nil
}

// summarize returns a release's state as the sum of its posts' states once
// it is scheduled: the most urgent state any post is in.
func summarize(posts []PostRecord) release.Status {
	has := map[release.Status]bool{}
	for _, p := range posts {
		has[p.State] = true
	}
	for _, st := range []release.Status{
		release.StatusUncertain, release.StatusFailed, release.StatusPublishing,
		release.StatusScheduled, release.StatusPublished,
	} {
		if has[st] {
			return st
		}
	}
	return release.StatusWithdrawn
}

// postDriven are the release states that follow from the posts' states.
var postDriven = map[release.Status]bool{
	release.StatusScheduled: true, release.StatusPublishing: true, release.StatusPublished: true,
	release.StatusFailed: true, release.StatusUncertain: true,
}

// refreshRelease sets a scheduled-or-later release's state to the summary
// of its posts, with an audit entry when it changes.
func (s *Store) refreshRelease(ctx context.Context, tx *sql.Tx, id, actor string) (release.Status, error) {
	rows, err := tx.QueryContext(ctx, `SELECT r.state, p.state FROM releases r LEFT JOIN posts p ON p.release_id = r.id WHERE r.id = $1`, id)
	if err != nil {
		return "", wrap(err, "refresh", id)
	}
	var (
		from  release.Status
		posts []PostRecord
	)
	for rows.Next() {
		var rs string
		var ps sql.NullString
		if err := rows.Scan(&rs, &ps); err != nil {
			rows.Close()
			return "", wrap(err, "refresh", id)
		}
		from = release.Status(rs)
		if ps.Valid {
			posts = append(posts, PostRecord{State: release.Status(ps.String)})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", wrap(err, "refresh", id)
	}
	if !postDriven[from] {
		return from, nil
	}
	to := summarize(posts)
	if to == from {
		return from, nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE releases SET state = $1, updated = $2 WHERE id = $3`, string(to), formatTime(s.now()), id); err != nil {
		return "", wrap(err, "refresh", id)
	}
	return to, s.audit(ctx, tx, AuditEntry{Release: id, From: from, To: to, Event: "posts", Actor: actor, Detail: "release state follows its posts"})
}

// ChannelTimes returns the slots taken on channel at or after from (posts
// scheduled, being sent or published), for the scheduler's minimum gap.
func (s *Store) ChannelTimes(ctx context.Context, channel string, from time.Time) ([]time.Time, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT scheduled_at, published_at FROM posts
		WHERE channel = $1 AND state IN ('scheduled', 'publishing', 'published', 'uncertain')
		AND (scheduled_at >= $2 OR published_at >= $2) ORDER BY scheduled_at`, channel, formatTime(from))
	if err != nil {
		return nil, wrap(err, "channel times", channel)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var sched, pub dbTime
		if err := rows.Scan(&sched, &pub); err != nil {
			return nil, wrap(err, "channel times", channel)
		}
		t := sched.T
		if !pub.T.IsZero() {
			t = pub.T
		}
		out = append(out, t)
	}
	return out, wrap(rows.Err(), "channel times", channel)
}
