package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
)

// TestQueueShowsDraft checks that a release made a draft while it awaited
// approval is shown as a draft, with what that means, and that other
// releases keep their state.
func TestQueueShowsDraft(t *testing.T) {
	rec := func(id string, state release.Status, draft bool) store.Record {
		return store.Record{ID: id, Lang: "en", State: state, Release: release.Release{ID: id, Draft: draft}}
	}
	tests := []struct {
		name string
		rec  store.Record
		row  string // the STATE column
		note bool   // the line that says what a draft means
	}{
		{"made a draft", rec("2025/a", release.StatusPendingApproval, true), "draft", true},
		{"pending", rec("2025/b", release.StatusPendingApproval, false), "pending_approval", false},
		{"rejected draft", rec("2025/c", release.StatusRejected, true), "rejected", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			writeQueue(&b, []store.Record{tt.rec}, queueView{zone: time.UTC, now: time.Now()})
			lines := strings.Split(b.String(), "\n")
			if f := strings.Fields(lines[1]); len(f) < 3 || f[2] != tt.row {
				t.Errorf("row %q: want state %q", lines[1], tt.row)
			}
			if got := strings.Contains(b.String(), "was made a draft"); got != tt.note {
				t.Errorf("note shown = %v, want %v:\n%s", got, tt.note, b.String())
			}
		})
	}
}

// TestStatusSaysFileRemoved checks the line status adds when a release's
// file is gone, and its advice for published posts.
func TestStatusSaysFileRemoved(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "2025"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "2025", "here.md"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	published := []store.PostRecord{{Channel: "x", State: release.StatusPublished}}
	tests := []struct {
		name, id, dir string
		posts         []store.PostRecord
		want          []string // "" entries: nothing said
	}{
		{"there", "2025/here", dir, nil, nil},
		{"gone, unpublished", "2025/gone", dir, nil, []string{"file removed: ", "gone.md is not there"}},
		{"gone, published", "2025/gone", dir, published, []string{"gone.md is not there", "posts stay online; to delete them, restore the file with withdrawn: true"}},
		{"content folder elsewhere", "2025/gone", filepath.Join(dir, "none"), published, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			writeFileGone(&b, store.Record{ID: tt.id, Posts: tt.posts}, tt.dir)
			if len(tt.want) == 0 && b.Len() > 0 {
				t.Errorf("said %q, want nothing", b.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("said %q, want %q", b.String(), w)
				}
			}
		})
	}
}

// TestNextStepsQuoteTheID checks that the commands status suggests can be
// pasted as they are for an ID a shell would split.
func TestNextStepsQuoteTheID(t *testing.T) {
	for _, tt := range []struct{ id, want string }{
		{"2026/plain", "pressbot resolve 2026/plain delete"},
		{"2026/пресс релиз", "pressbot resolve '2026/пресс релиз' delete"},
	} {
		var b strings.Builder
		writeNextSteps(&b, store.Record{ID: tt.id, State: release.StatusWithdrawn,
			Posts: []store.PostRecord{{Channel: "x", State: release.StatusPublished}}})
		if !strings.Contains(b.String(), tt.want) {
			t.Errorf("said %q, want %q", b.String(), tt.want)
		}
	}
}

// TestQueueNotesNameEveryRelease checks that the notes under the queue's
// table name each release they concern, not only the first, and that a
// partly published release that changed is told to approve as well as
// update.
func TestQueueNotesNameEveryRelease(t *testing.T) {
	changed := func(id string) store.Record {
		return store.Record{ID: id, Lang: "en", Hash: "new", State: release.StatusPublished,
			Posts: []store.PostRecord{{Channel: "telegram", Hash: "old", State: release.StatusPublished}}}
	}
	partly := store.Record{ID: "2025/c", Lang: "en", Hash: "new", State: release.StatusPendingApproval,
		Posts: []store.PostRecord{{Channel: "telegram", Hash: "old", State: release.StatusPublished},
			{Channel: "facebook", Hash: "old", State: release.StatusPendingApproval}}}
	var b strings.Builder
	writeQueue(&b, []store.Record{changed("2025/a"), changed("2025/b"), partly}, queueView{zone: time.UTC, now: time.Now()})
	for _, want := range []string{
		"Published releases changed since (2025/a, 2025/b and 2025/c): 'pressbot update ID' edits each one's posts",
		"not sent yet on others (2025/c on facebook): 'pressbot approve 2025/c' approves the new version",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("queue lacks %q:\n%s", want, b.String())
		}
	}
}

// TestStatusSaysUpdateAndApprove checks the next steps of a release
// published on one channel and changed before it went out on another.
func TestStatusSaysUpdateAndApprove(t *testing.T) {
	rec := store.Record{ID: "2025/c", Hash: "new", State: release.StatusPendingApproval,
		Posts: []store.PostRecord{{Channel: "telegram", Hash: "old", State: release.StatusPublished},
			{Channel: "facebook", Hash: "old", State: release.StatusPendingApproval}}}
	var b strings.Builder
	writeNextSteps(&b, rec)
	want := "\nchanged since publishing: telegram still shows an older version. pressbot update 2025/c edits it (pressbot update 2025/c -keep leaves it)\n" +
		"not sent yet: facebook, whose post was cancelled when the file changed. pressbot approve 2025/c approves the new version and schedules it there (the published posts are not sent again)\n"
	if b.String() != want {
		t.Errorf("next steps:\n%s\nwant\n%s", b.String(), want)
	}
}
