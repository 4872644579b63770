package store_test

import (
	"testing"

	"github.com/pressbot/pressbot/internal/store"
)

func TestSettings(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		if v, err := s.Setting(ctx, store.SettingGitCommit); err != nil || v != "" {
			t.Fatalf("unset = %q, %v", v, err)
		}
		for _, want := range []string{"abc", "def"} {
			if err := s.SetSetting(ctx, store.SettingGitCommit, want); err != nil {
				t.Fatal(err)
			}
			if v, err := s.Setting(ctx, store.SettingGitCommit); err != nil || v != want {
				t.Fatalf("got %q, %v; want %q", v, err, want)
			}
		}
	})
}
