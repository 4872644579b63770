// Package store is pressbot's durable memory: releases, approvals, the post
// of each release on each channel with its receipt, and an append-only audit
// log, in SQLite (the default, one file) or PostgreSQL (for several
// instances). Approving a release inserts its River publish jobs in the same
// transaction, so a post is never approved without a job, nor queued without
// an approval.
//
// One code path serves both databases: database/sql with $n placeholders
// (which modernc.org/sqlite also accepts), and a per-dialect schema.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Dialects a Store speaks.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// DefaultURL is the database used when none is given.
const DefaultURL = "sqlite:pressbot.db"

// sqliteBusyTimeout is how long a SQLite statement waits for another
// process's write lock (the CLI while serve runs) before failing.
const sqliteBusyTimeout = 10 * time.Second

// Store is the database. It is safe for concurrent use.
type Store struct {
	db      *sql.DB
	dialect string
	driver  riverdriver.Driver[*sql.Tx]
	// jobs is an insert-only River client: it inserts and cancels publish
	// jobs inside the store's transactions; internal/queue runs them.
	jobs *river.Client[*sql.Tx]
	now  func() time.Time
}

// Open connects to the database named by rawURL ("sqlite:PATH" or
// "postgres://…"), runs pressbot's and River's migrations, and returns the
// store.
func Open(ctx context.Context, rawURL string) (*Store, error) {
	dialect, driverName, dsn, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	if path, ok := SQLitePath(rawURL); ok {
		if dir := filepath.Dir(path); !isDir(dir) {
			return nil, fmt.Errorf("store: %s: the folder %s does not exist: create it, or give another path", rawURL, dir)
		}
	}
	db, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	s := &Store{db: db, dialect: dialect, now: time.Now}
	if dialect == DialectSQLite {
		// River's SQLite driver advises a single connection: SQLite allows
		// one writer, and a second pooled connection would only meet
		// SQLITE_BUSY. Other processes wait on busy_timeout.
		db.SetMaxOpenConns(1)
		s.driver = riversqlite.New(db)
	} else {
		db.SetMaxOpenConns(40)
		s.driver = riverdatabasesql.New(db)
	}
	if err := s.init(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// init checks the connection, migrates, and builds the insert-only client.
func (s *Store) init(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: connect: %w", err)
	}
	if err := s.migrate(ctx); err != nil {
		return err
	}
	cfg := JobClientConfig()
	// This client only inserts and cancels jobs, whose errors come back
	// from each call; River would otherwise print notes such as "Driver
	// does not support listener" on stdout before serve's first line.
	cfg.Logger = slog.New(slog.DiscardHandler)
	jobs, err := river.NewClient(s.driver, cfg)
	if err != nil {
		return fmt.Errorf("store: river client: %w", err)
	}
	s.jobs = jobs
	return nil
}

// parseURL turns a -db value into the dialect, database/sql driver name and
// driver DSN.
func parseURL(raw string) (dialect, driverName, dsn string, err error) {
	switch {
	case strings.HasPrefix(raw, "sqlite:"):
		path, ok := SQLitePath(raw)
		if !ok {
			return "", "", "", fmt.Errorf("store: %q: want sqlite:PATH", raw)
		}
		q := url.Values{}
		q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", sqliteBusyTimeout.Milliseconds()))
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Add("_pragma", "foreign_keys(1)")
		// BEGIN IMMEDIATE takes the write lock at the start of every
		// transaction, so two processes never deadlock upgrading a read
		// lock; the loser waits on busy_timeout instead.
		q.Set("_txlock", "immediate")
		return DialectSQLite, "sqlite", "file:" + path + "?" + q.Encode(), nil
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		return DialectPostgres, "pgx", raw, nil
	}
	return "", "", "", fmt.Errorf("store: database URL %q: want sqlite:PATH or postgres://…", redactURL(raw))
}

// SQLitePath returns the file of a sqlite:PATH database URL, and false
// for another URL.
func SQLitePath(raw string) (string, bool) {
	path, ok := strings.CutPrefix(raw, "sqlite:")
	if !ok {
		return "", false
	}
	path = strings.TrimPrefix(path, "//")
	return path, path != ""
}

// isDir reports whether dir is a folder.
func isDir(dir string) bool {
	st, err := os.Stat(dir)
	return err == nil && st.IsDir()
}

// redactURL hides a password in a database URL for error text.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	return u.Redacted()
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// DB returns the connection pool (for River and health checks).
func (s *Store) DB() *sql.DB { return s.db }

// Dialect returns DialectSQLite or DialectPostgres.
func (s *Store) Dialect() string { return s.dialect }

// Driver returns the River driver over the store's pool, for
// internal/queue's working client.
func (s *Store) Driver() riverdriver.Driver[*sql.Tx] { return s.driver }

// Ping checks that the database answers (for /readyz).
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// SetClock replaces the store's clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// inTx runs fn in a transaction and commits it, or rolls back on error.
func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// lockRelease takes the row lock of release id for the rest of tx (a no-op
// write: PostgreSQL holds the row lock until commit; SQLite's IMMEDIATE
// transaction already holds the database). Every read-modify-write of a
// release and its posts starts with it, so two instances or a double tap
// see each other's result instead of acting twice. It returns ErrNotFound
// when there is no such release.
func lockRelease(ctx context.Context, tx *sql.Tx, id string) error {
	res, err := tx.ExecContext(ctx, `UPDATE releases SET id = id WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("store: lock %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: lock %s: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("store: release %q: %w", id, ErrNotFound)
	}
	return nil
}

// Errors callers test with errors.Is / errors.As.
var (
	// ErrNotFound: no such release or post.
	ErrNotFound = errors.New("not found")
	// ErrDraft: the release is a draft (draft: true), never approved.
	ErrDraft = errors.New("it is a draft (draft: true): remove that line to offer it for approval")
)

// StaleHashError reports an approval for content that has since changed.
type StaleHashError struct {
	ID      string
	Hash    string // what the approver saw
	Current string // what is stored now
}

// Error implements error.
func (e *StaleHashError) Error() string {
	return fmt.Sprintf("store: %s changed since it was shown (approved %s, now %s): review the new version",
		e.ID, short(e.Hash), short(e.Current))
}

// Is makes errors.Is(err, ErrStaleHash) true.
func (e *StaleHashError) Is(target error) bool { return target == ErrStaleHash }

// ErrStaleHash matches a *StaleHashError.
var ErrStaleHash = errors.New("stale hash")

// short returns the first 12 characters of a hash.
func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
