package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os/exec"
	"strings"
	"testing"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
)

// TestShellWord checks that the approve command logged for a release can
// be pasted into a shell as it is: sh gives back the ID unchanged.
func TestShellWord(t *testing.T) {
	for _, id := range []string{"2020/imts-success", "2020/пресс релиз 1", "2020/it's", `2020/"$HOME" a\b`} {
		out, err := exec.Command("sh", "-c", "printf %s "+ShellWord(id)).Output()
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != id {
			t.Errorf("ShellWord(%q) = %s, which sh reads as %q", id, ShellWord(id), out)
		}
	}
	if got := ShellWord("2020/imts-success"); got != "2020/imts-success" {
		t.Errorf("a plain ID is quoted: %s", got)
	}
}

// TestLogOffererSaysWhatToDo checks that the log offers the approve command
// only for a change the command line can approve: not for a withdrawn
// release, nor for one changed after publishing; for a withdrawn one, the
// command that records a post deleted by hand; and for one changed after
// publishing, the command that updates its posts.
func TestLogOffererSaysWhatToDo(t *testing.T) {
	rel := release.Release{ID: "2020/imts", Hash: "fe4cb2d914f8c1ae"}
	tests := []struct {
		kind        store.ChangeKind
		cancelled   []string // channels whose unsent posts the change cancelled
		withdrawn   bool     // the file says withdrawn: true
		msg         string
		wantApprove bool
		wantDeleted bool // the command that records a post deleted by hand
		wantUpdate  bool // the command that updates the published posts
	}{
		{store.ChangeNew, nil, false, "release awaits approval", true, false, false},
		{store.ChangeAfterApproval, nil, false, "release awaits approval", true, false, false},
		{store.ChangeWithdrawn, nil, true, "release withdrawn", false, true, false},
		{store.ChangeAfterPublishing, nil, false, "published release changed", false, false, true},
		{store.ChangeNew, nil, true, "release is withdrawn", false, false, false}, // first seen withdrawn
		// Partly published: update the published posts, approve the rest.
		{store.ChangeAfterPublishing, []string{"x"}, false, "partly published release changed", true, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String()+strings.Join(tt.cancelled, ","), func(t *testing.T) {
			var buf bytes.Buffer
			o := LogOfferer{Log: slog.New(slog.NewJSONHandler(&buf, nil))}
			r := rel
			r.Withdrawn = tt.withdrawn
			if err := o.Offer(context.Background(), r, store.Change{Kind: tt.kind, Unsent: tt.cancelled}); err != nil {
				t.Fatal(err)
			}
			var line map[string]any
			if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
				t.Fatalf("log %q: %v", buf.String(), err)
			}
			if msg, _ := line["msg"].(string); !strings.HasPrefix(msg, tt.msg) {
				t.Errorf("msg %q, want it to start with %q", msg, tt.msg)
			}
			if _, ok := line["approve"]; ok != tt.wantApprove {
				t.Errorf("approve command logged: %v, want %v (%s)", ok, tt.wantApprove, buf.String())
			}
			if tt.wantApprove && tt.cancelled != nil && line["approve"] != "pressbot approve 2020/imts" {
				t.Errorf("approve command %v, want pressbot approve 2020/imts", line["approve"])
			} else if tt.wantApprove && tt.cancelled == nil && (line["approve"] != "pressbot approve 2020/imts" || line["now"] != "pressbot approve 2020/imts -at now") {
				t.Errorf("approve commands: %v and %v, want the next slot's and -at now's", line["approve"], line["now"])
			}
			if _, ok := line["deleted"]; ok != tt.wantDeleted {
				t.Errorf("deleted command logged: %v, want %v (%s)", ok, tt.wantDeleted, buf.String())
			}
			if _, ok := line["update"]; ok != tt.wantUpdate {
				t.Errorf("update command logged: %v, want %v (%s)", ok, tt.wantUpdate, buf.String())
			}
			if line["release"] != rel.ID {
				t.Errorf("release %v, want %s", line["release"], rel.ID)
			}
		})
	}
}

// TestLogOffererCommandsReachServe checks that every command the log
// suggests ends in the arguments that reach serve's database.
func TestLogOffererCommandsReachServe(t *testing.T) {
	rel := release.Release{ID: "2020/пресс релиз", Hash: "fe4cb2d914f8c1ae"}
	for _, kind := range []store.ChangeKind{store.ChangeNew, store.ChangeWithdrawn, store.ChangeAfterPublishing} {
		var buf bytes.Buffer
		o := LogOfferer{Log: slog.New(slog.NewJSONHandler(&buf, nil)), Args: "-config 'my office.yaml'"}
		if err := o.Offer(context.Background(), rel, store.Change{Kind: kind}); err != nil {
			t.Fatal(err)
		}
		var line map[string]any
		if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		n := 0
		for k, v := range line {
			cmd, ok := v.(string)
			if !ok || !strings.HasPrefix(cmd, "pressbot ") {
				continue
			}
			n++
			if !strings.Contains(cmd, " '2020/пресс релиз'") || !strings.HasSuffix(cmd, " -config 'my office.yaml'") {
				t.Errorf("%s: %s: %q, want the quoted ID and ending in -config", kind, k, cmd)
			}
		}
		if n == 0 {
			t.Errorf("%s: no command in %s", kind, buf.String())
		}
	}
}
