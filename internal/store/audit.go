package store

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"time"

	"github.com/pressbot/pressbot/internal/release"
)

// audit appends one entry to the audit log inside tx.
func (s *Store) audit(ctx context.Context, tx *sql.Tx, e AuditEntry) error {
	var ch any
	if e.Channel != "" {
		ch = e.Channel
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit (at, release_id, channel, from_state, to_state, event, actor, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		formatTime(s.now()), e.Release, ch, string(e.From), string(e.To), e.Event, e.Actor, e.Detail)
	if err != nil {
		return fmt.Errorf("store: audit %s %s: %w", e.Release, e.Event, err)
	}
	return nil
}

// Audit returns the audit log of release id, oldest first.
func (s *Store) Audit(ctx context.Context, id string) ([]AuditEntry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, at, release_id, channel, from_state, to_state, event, actor, detail
		FROM audit WHERE release_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("store: audit %s: %w", id, err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var (
			e        AuditEntry
			at       dbTime
			ch       sql.NullString
			from, to string
		)
		if err := rows.Scan(&e.ID, &at, &e.Release, &ch, &from, &to, &e.Event, &e.Actor, &e.Detail); err != nil {
			return nil, fmt.Errorf("store: audit %s: %w", id, err)
		}
		e.At, e.Channel, e.From, e.To = at.T, ch.String, release.Status(from), release.Status(to)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: audit %s: %w", id, err)
	}
	return out, nil
}

// storedTime matches a time as the store writes it into an audit detail
// (formatTime: "at 2026-11-27T04:00:00.000000Z").
var storedTime = regexp.MustCompile(`\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)`)

// DetailIn returns the entry's detail with the times in it written in
// zone, as layout formats them ("at 2026-11-27 09:00 +05"), so that a
// history shows every time in the office's zone.
func (e AuditEntry) DetailIn(zone *time.Location, layout string) string {
	return TimesIn(e.Detail, zone, layout)
}

// TimesIn returns text (an audit detail, a post's last error) with the
// times the store wrote into it in zone, as layout formats them.
func TimesIn(text string, zone *time.Location, layout string) string {
	return storedTime.ReplaceAllStringFunc(text, func(s string) string {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return s
		}
		return t.In(zone).Format(layout)
	})
}
