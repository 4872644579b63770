package main

import (
	"context"
	"database/sql"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/channel/outbox"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets testscript run the pressbot binary in-process.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"pressbot": func() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the CLI scenarios in testdata/script.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("PRESSBOT_REPO", repoRoot(t))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){"sent": sentCmd, "claim": claimCmd, "due": dueCmd},
	})
}

// sentEvents are the outcomes the sent command can record.
var sentEvents = map[string]release.Event{
	"published": release.EventSucceed, "failed": release.EventFail, "uncertain": release.EventUncertain,
}

// sentCmd is the script command "sent sqlite:DB ID CHANNEL published|failed|uncertain":
// it sends the scheduled post as the queue's worker does, through the
// store's claim and finish, with that outcome; a published post is
// written by the outbox channel under $WORK/outbox.
func sentCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 4 || sentEvents[args[3]] == "" {
		ts.Fatalf("usage: sent sqlite:DB ID CHANNEL published|failed|uncertain")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+ts.MkAbs(strings.TrimPrefix(args[0], "sqlite:")))
	ts.Check(err)
	defer st.Close()
	rec, err := st.Get(ctx, args[1])
	ts.Check(err)
	for _, p := range rec.Posts {
		if p.Channel != args[2] {
			continue
		}
		job := store.PublishArgs{Release: rec.ID, Channel: p.Channel, Hash: p.Hash, Gen: p.Gen}
		claim, err := st.StartPublish(ctx, job)
		ts.Check(err)
		if claim.Outcome != store.ClaimSend {
			ts.Fatalf("sent: the %s post cannot be sent (it is %s)", p.Channel, claim.State)
		}
		res := store.Result{Event: sentEvents[args[3]], Err: "connection reset after the request was written"}
		if res.Event == release.EventSucceed {
			res = store.Result{Event: res.Event, Receipt: outboxSend(ts, p.Channel, claim.Post)}
		}
		_, err = st.FinishPublish(ctx, job, res)
		ts.Check(err)
		return
	}
	ts.Fatalf("sent: %s has no post on %s", args[1], args[2])
}

// claimCmd is the script command "claim sqlite:DB ID CHANNEL ACTOR|-end":
// it claims the post for an edit to the release's stored version, as the
// approvers' chat of a running serve does while it edits the post, or
// with -end lets go of the claim.
func claimCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 4 {
		ts.Fatalf("usage: claim sqlite:DB ID CHANNEL ACTOR|-end")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+ts.MkAbs(strings.TrimPrefix(args[0], "sqlite:")))
	ts.Check(err)
	defer st.Close()
	if args[3] == "-end" {
		ts.Check(st.EndEdit(ctx, args[1], args[2]))
		return
	}
	rec, err := st.Get(ctx, args[1])
	ts.Check(err)
	ts.Check(st.BeginEdit(ctx, rec.ID, args[2], rec.Hash, args[3]))
}

// dueCmd is the script command "due sqlite:DB ID CHANNEL AGO": it sets
// the time of the scheduled post to AGO (a duration such as 3h) before
// now, as when serve was not running at that time.
func dueCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 4 {
		ts.Fatalf("usage: due sqlite:DB ID CHANNEL AGO")
	}
	ago, err := time.ParseDuration(args[3])
	ts.Check(err)
	db, err := sql.Open("sqlite", ts.MkAbs(strings.TrimPrefix(args[0], "sqlite:")))
	ts.Check(err)
	defer db.Close()
	at := time.Now().Add(-ago).UTC().Format("2006-01-02T15:04:05.000000Z07:00")
	res, err := db.Exec(`UPDATE posts SET scheduled_at = $1 WHERE release_id = $2 AND channel = $3 AND state = 'scheduled'`, at, args[1], args[2])
	ts.Check(err)
	if n, _ := res.RowsAffected(); n != 1 {
		ts.Fatalf("due: %s has no scheduled post on %s", args[1], args[2])
	}
}

// repoRoot returns the repository root (two levels above this package).
func repoRoot(t *testing.T) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd + "/../.."
}

// outboxSend publishes post on the dry-run channel of that name in
// $WORK/outbox and returns its receipt.
func outboxSend(ts *testscript.TestScript, channel string, post release.Post) *release.Receipt {
	ch, err := outbox.New(outbox.Config{Name: channel, Kind: post.Kind, Dir: ts.MkAbs("outbox")})
	ts.Check(err)
	r, err := ch.Publish(context.Background(), post)
	ts.Check(err)
	return &r
}

// TestHealthURL checks that pressbot health probes where serve listens.
func TestHealthURL(t *testing.T) {
	for addr, want := range map[string]string{
		"":              "http://127.0.0.1:8080/healthz",
		"0.0.0.0:9090":  "http://127.0.0.1:9090/healthz",
		":9091":         "http://127.0.0.1:9091/healthz",
		"[::]:9092":     "http://[::1]:9092/healthz",
		"10.0.0.5:9093": "http://10.0.0.5:9093/healthz",
	} {
		if got := healthURL(addr); got != want {
			t.Errorf("healthURL(%q) = %q, want %q", addr, got, want)
		}
	}
}
