package store

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// timeLayout is how times are written: fixed-width UTC, so that SQLite's
// TEXT columns sort in time order; PostgreSQL parses it into TIMESTAMPTZ.
const timeLayout = "2006-01-02T15:04:05.000000Z07:00"

// formatTime renders t for a query argument.
func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// nullTime renders t for a nullable column: NULL when zero.
func nullTime(t time.Time) driver.Value {
	if t.IsZero() {
		return nil
	}
	return formatTime(t)
}

// dbTime scans a TEXT (SQLite) or TIMESTAMPTZ (PostgreSQL) column; NULL
// scans as the zero time.
type dbTime struct{ T time.Time }

// Scan implements sql.Scanner.
func (d *dbTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		d.T = time.Time{}
	case time.Time:
		d.T = x.UTC()
	case string:
		return d.parse(x)
	case []byte:
		return d.parse(string(x))
	default:
		return fmt.Errorf("store: cannot scan %T as a time", v)
	}
	return nil
}

// parse reads a time written by formatTime (or any RFC 3339 time).
func (d *dbTime) parse(s string) error {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("store: bad time %q: %w", s, err)
	}
	d.T = t.UTC()
	return nil
}
