package store

import (
	"context"
	"time"

	"github.com/pressbot/pressbot/internal/release"
)

// Translations is what the store holds of every release's language
// version, read in one query, so that a scan of many files answers
// TranslationHolder for each without a query per file.
type Translations struct {
	rank    map[string]int      // every stored release → its place by (first_seen, id)
	holders map[string][]holder // key "\x00" lang → releases that may hold it, in rank order
	cutoff  time.Time           // first_seen before which a release is older than one not stored
}

// holder is a release that may hold a translation_key in a language.
type holder struct {
	id        string
	rank      int
	firstSeen time.Time
}

// Translations reads what TranslationHolder needs of every release, as
// the store stands now. Its answers are TranslationHolder's until the
// store changes: the order is the database's own (ORDER BY first_seen, id),
// so IDs compare as the database compares them.
func (s *Store) Translations(ctx context.Context) (*Translations, error) {
	var cutoff dbTime
	_ = cutoff.parse(formatTime(s.now().Add(time.Second))) // formatTime's output parses
	rows, err := s.db.QueryContext(ctx, `SELECT id, translation_key, lang, state, first_seen
		FROM releases ORDER BY first_seen, id`)
	if err != nil {
		return nil, wrap(err, "translations", "")
	}
	defer rows.Close()
	t := &Translations{rank: map[string]int{}, holders: map[string][]holder{}, cutoff: cutoff.T}
	for i := 0; rows.Next(); i++ {
		var id, key, lang, state string
		var first dbTime
		if err := rows.Scan(&id, &key, &lang, &state, &first); err != nil {
			return nil, wrap(err, "translations", "")
		}
		t.rank[id] = i
		if key == "" {
			continue
		}
		if state != string(release.StatusWithdrawn) && state != string(release.StatusRejected) {
			k := key + "\x00" + lang
			t.holders[k] = append(t.holders[k], holder{id, i, first.T})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "translations", "")
	}
	return t, nil
}

// Holder answers as TranslationHolder(ctx, id, key, lang) would have when
// t was read: the release other than id, neither withdrawn nor rejected,
// that holds key in lang and was first seen before id (any, when id is
// not stored), or "".
func (t *Translations) Holder(id, key, lang string) string {
	mine, stored := t.rank[id]
	for _, h := range t.holders[key+"\x00"+lang] {
		switch {
		case h.id == id:
			continue
		case stored && h.rank < mine, !stored && h.firstSeen.Before(t.cutoff):
			return h.id
		}
		return "" // in rank order: no later one qualifies either
	}
	return ""
}
