// Package storetest opens real test databases for the store and the
// packages built on it: a SQLite file in the test's temporary directory, and
// a fresh schema in the PostgreSQL named by PRESSBOT_TEST_POSTGRES.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/pressbot/pressbot/internal/store"
)

// EnvPostgres names the PostgreSQL server tests use.
const EnvPostgres = "PRESSBOT_TEST_POSTGRES"

// Dialects are the databases every store test runs against.
var Dialects = []string{store.DialectSQLite, store.DialectPostgres}

// URL returns the URL of a fresh, empty database of dialect for t. For
// PostgreSQL it creates a schema (dropped at cleanup) and puts it first in
// search_path; without PRESSBOT_TEST_POSTGRES it skips t, or fails it when
// CI=true.
func URL(t testing.TB, dialect string) string {
	t.Helper()
	if dialect == store.DialectSQLite {
		return "sqlite:" + filepath.Join(t.TempDir(), "pressbot.db")
	}
	base := os.Getenv(EnvPostgres)
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is empty: CI must test against PostgreSQL (scripts/test starts one)", EnvPostgres)
		}
		t.Skipf("%s not set; run ./scripts/test for PostgreSQL", EnvPostgres)
	}
	schema := "t_" + randomHex(6)
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	})
	return SchemaURL(t, schema)
}

// SchemaURL returns the URL of schema in the PostgreSQL server of
// PRESSBOT_TEST_POSTGRES (a second connection to a database from URL).
func SchemaURL(t testing.TB, schema string) string {
	t.Helper()
	u, err := url.Parse(os.Getenv(EnvPostgres))
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens a store on a fresh database of dialect, closed at cleanup.
func Open(t testing.TB, dialect string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), URL(t, dialect))
	if err != nil {
		t.Fatalf("open %s: %v", dialect, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
