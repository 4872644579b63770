package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// SettingGitCommit is the last content commit whose changes were processed.
const SettingGitCommit = "content.git.commit"

// Setting returns the value stored under key, or "" when there is none.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: setting %s: %w", key, err)
	}
	return v, nil
}

// SetSetting stores value under key.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO settings (key, value, updated) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated = excluded.updated`,
		key, value, formatTime(s.now()))
	if err != nil {
		return fmt.Errorf("store: set %s: %w", key, err)
	}
	return nil
}

// SettingBaseURL is the newsroom address the running serve links to: the
// command line renders with it when its own configuration names none, so
// that what it approves links where serve's preview did.
const SettingBaseURL = "site.base_url"

// SettingPreviewSecret is the secret that preview links are keyed with.
const SettingPreviewSecret = "preview.secret"

// SettingOnce returns the value stored under key, storing value first
// when there is none: of several processes starting at once, all get the
// value of the first to store it.
func (s *Store) SettingOnce(ctx context.Context, key, value string) (string, error) {
	_, err := s.db.ExecContext(ctx, `INSERT INTO settings (key, value, updated) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO NOTHING`, key, value, formatTime(s.now()))
	if err != nil {
		return "", fmt.Errorf("store: set %s: %w", key, err)
	}
	return s.Setting(ctx, key)
}
