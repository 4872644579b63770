package store_test

import (
	"strconv"
	"strings"
	"sync"
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

// TestSettingOnce checks that the first value stored wins, also when
// several callers race.
func TestSettingOnce(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		got := make([]string, 8)
		var wg sync.WaitGroup
		for i := range got {
			wg.Go(func() {
				v, err := s.SettingOnce(ctx, store.SettingPreviewSecret, "secret-"+strconv.Itoa(i))
				if err != nil {
					t.Error(err)
				}
				got[i] = v
			})
		}
		wg.Wait()
		for _, v := range got {
			if v != got[0] || !strings.HasPrefix(v, "secret-") {
				t.Fatalf("values %q: want one stored value for all", got)
			}
		}
		if v, err := s.SettingOnce(ctx, store.SettingPreviewSecret, "later"); err != nil || v != got[0] {
			t.Errorf("later SettingOnce = %q, %v; want %q", v, err, got[0])
		}
	})
}
