package store_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/store"
)

// TestTranslationsMatchHolder checks that Translations.Holder answers as
// TranslationHolder does, for every release stored and for files not
// stored yet, every key and language: with releases first seen at the same
// instant (the order falls to their IDs, which mix case and punctuation so
// that the database's collation decides), withdrawn and rejected ones, and
// releases without a key.
func TestTranslationsMatchHolder(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return now })
		rnd := rand.New(rand.NewPCG(4, 29))
		keys := []string{"", "forum", "water", "Forum"}
		langs := []string{"en", "ru", "uz"}
		names := []string{"a", "B", "b-2", "b_1", "C.x", "c", "Ab", "ab"}
		var ids []string
		for i := range 48 {
			r := rel(fmt.Sprintf("2026/%s%d", names[rnd.IntN(len(names))], i), "h")
			r.TranslationKey, r.Lang = keys[rnd.IntN(len(keys))], langs[rnd.IntN(len(langs))]
			if rnd.IntN(3) > 0 { // else first seen at the same instant as the one before
				now = now.Add(time.Duration(rnd.IntN(3)+1) * time.Microsecond)
			}
			mustUpsert(t, s, r)
			ids = append(ids, r.ID)
			switch rnd.IntN(4) {
			case 0:
				if err := s.Withdraw(ctx, r.ID, store.ActorSystem, "test"); err != nil {
					t.Fatal(err)
				}
			case 1:
				if err := s.Reject(ctx, r.ID, "test", "test"); err != nil {
					t.Fatal(err)
				}
			}
		}
		tr, err := s.Translations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		asked, found := 0, 0
		for _, id := range append(ids, "2026/new", "2026/A0", "zzz/new") {
			for _, key := range keys[1:] {
				for _, lang := range langs {
					want, err := s.TranslationHolder(ctx, id, key, lang)
					if err != nil {
						t.Fatal(err)
					}
					if got := tr.Holder(id, key, lang); got != want {
						t.Errorf("Holder(%s, %s, %s) = %q, TranslationHolder says %q", id, key, lang, got, want)
					}
					asked++
					if want != "" {
						found++
					}
				}
			}
		}
		if found == 0 || found == asked {
			t.Fatalf("%d of %d questions found a holder: the releases do not test both answers", found, asked)
		}
	})
}
