package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
	"github.com/pressbot/pressbot/internal/store/storetest"
)

var (
	ctx   = context.Background()
	alice = store.Approver{Kind: "telegram", ID: "101", Name: "Alice"}
	bob   = store.Approver{Kind: "telegram", ID: "202", Name: "Bob"}
)

// forEach runs fn as a subtest on each database.
func forEach(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, storetest.Open(t, d))
		})
	}
}

// rel returns a release with the given id and hash.
func rel(id, hash string) release.Release {
	return release.Release{ID: id, Title: "Title of " + id, Lang: "en", TranslationKey: "k-" + id, Hash: hash,
		Date: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC), Body: "Body."}
}

// posts renders stand-in posts for channels.
func posts(channels ...string) []release.Post {
	var out []release.Post
	for _, ch := range channels {
		out = append(out, release.Post{Channel: ch, Kind: release.KindTelegram,
			Parts: []release.Part{{Format: release.FormatHTML, Text: "<b>" + ch + "</b>", Length: len(ch), Limit: 4096}}})
	}
	return out
}

// mustUpsert upserts r and returns the change.
func mustUpsert(t *testing.T, s *store.Store, r release.Release) store.Change {
	t.Helper()
	ch, err := s.UpsertRelease(ctx, r, "test")
	if err != nil {
		t.Fatalf("upsert %s: %v", r.ID, err)
	}
	return ch
}

// approve approves id at hash by a for channels, due now.
func approve(t *testing.T, s *store.Store, id, hash string, a store.Approver, required int, channels ...string) store.ApproveResult {
	t.Helper()
	res, err := s.Approve(ctx, store.ApproveRequest{ID: id, Hash: hash, Approver: a, Posts: posts(channels...), Required: required})
	if err != nil {
		t.Fatalf("approve %s: %v", id, err)
	}
	return res
}

// jobStates returns the River job states by release/channel/gen.
func jobStates(t *testing.T, s *store.Store) map[string][]string {
	t.Helper()
	q := `SELECT args::text, state FROM river_job ORDER BY id`
	if s.Dialect() == store.DialectSQLite {
		q = `SELECT json(args), state FROM river_job ORDER BY id`
	}
	rows, err := s.DB().QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var args, state string
		if err := rows.Scan(&args, &state); err != nil {
			t.Fatal(err)
		}
		var a store.PublishArgs
		if err := json.Unmarshal([]byte(args), &a); err != nil {
			t.Fatal(err)
		}
		k := fmt.Sprintf("%s/%s/%d", a.Release, a.Channel, a.Gen)
		out[k] = append(out[k], state)
	}
	return out
}

// liveJobs counts jobs not cancelled, completed or discarded.
func liveJobs(t *testing.T, s *store.Store) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE state IN ('available', 'scheduled', 'running', 'retryable')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// get reads id.
func get(t *testing.T, s *store.Store, id string) store.Record {
	t.Helper()
	rec, err := s.Get(ctx, id)
	if err != nil {
		t.Fatalf("get %s: %v", id, err)
	}
	return rec
}

func TestUpsertKinds(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		draft := rel("2024/draft", "d1")
		draft.Draft = true
		tests := []struct {
			name  string
			r     release.Release
			kind  store.ChangeKind
			state release.Status
		}{
			{"new", rel("2024/a", "h1"), store.ChangeNew, release.StatusPendingApproval},
			{"same hash", rel("2024/a", "h1"), store.ChangeUnchanged, release.StatusPendingApproval},
			{"edited before approval", rel("2024/a", "h2"), store.ChangeBeforeApproval, release.StatusPendingApproval},
			{"draft stays new", draft, store.ChangeNew, release.StatusNew},
			{"withdrawn", func() release.Release { r := rel("2024/a", "h3"); r.Withdrawn = true; return r }(), store.ChangeWithdrawn, release.StatusWithdrawn},
			{"back from withdrawal", rel("2024/a", "h4"), store.ChangeBeforeApproval, release.StatusPendingApproval},
		}
		for _, tc := range tests {
			ch := mustUpsert(t, s, tc.r)
			if ch.Kind != tc.kind || ch.State != tc.state {
				t.Errorf("%s: got %s/%s, want %s/%s", tc.name, ch.Kind, ch.State, tc.kind, tc.state)
			}
			if got := get(t, s, tc.r.ID); got.State != tc.state || got.Hash != tc.r.Hash || got.Release.Title != tc.r.Title {
				t.Errorf("%s: stored %s %s %q", tc.name, got.State, got.Hash, got.Release.Title)
			}
		}
	})
}

func TestApproveSchedulesInSameTransaction(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		r := rel("2024/a", "h1")
		r.PublishAt = time.Now().Add(time.Hour).UTC().Truncate(time.Second)
		mustUpsert(t, s, r)
		res := approve(t, s, r.ID, "h1", alice, 1, "telegram", "x")
		if !res.Scheduled || res.Approvals != 1 || res.State != release.StatusScheduled {
			t.Fatalf("result %+v", res)
		}
		rec := get(t, s, r.ID)
		if rec.State != release.StatusScheduled || rec.ApprovedHash != "h1" || rec.Approved == nil {
			t.Fatalf("record %s approved %q", rec.State, rec.ApprovedHash)
		}
		if len(rec.Posts) != 2 || len(rec.Approvals) != 1 || rec.Approvals[0].Approver != alice {
			t.Fatalf("posts %d approvals %+v", len(rec.Posts), rec.Approvals)
		}
		for _, p := range rec.Posts {
			if p.State != release.StatusScheduled || p.JobID == 0 || p.Post.Hash != "h1" || p.Post.Release != r.ID {
				t.Errorf("post %+v", p)
			}
			if !p.ScheduledAt.Equal(r.PublishAt) {
				t.Errorf("%s at %s, want the embargo %s", p.Channel, p.ScheduledAt, r.PublishAt)
			}
		}
		if n := liveJobs(t, s); n != 2 {
			t.Errorf("%d live jobs, want 2", n)
		}
	})
}

func TestApproveStaleHash(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		mustUpsert(t, s, rel("2024/a", "h1"))
		mustUpsert(t, s, rel("2024/a", "h2"))
		_, err := s.Approve(ctx, store.ApproveRequest{ID: "2024/a", Hash: "h1", Approver: alice, Posts: posts("x")})
		var se *store.StaleHashError
		if !errors.Is(err, store.ErrStaleHash) || !errors.As(err, &se) || se.Current != "h2" {
			t.Fatalf("err = %v, want a stale hash error naming h2", err)
		}
		if n := liveJobs(t, s); n != 0 {
			t.Errorf("%d jobs after a refused approval", n)
		}
		if _, err := s.Approve(ctx, store.ApproveRequest{ID: "2024/nope", Hash: "h1", Approver: alice}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown release: %v", err)
		}
	})
}

// TestApproveRefusesDraft checks that a release offered for approval and
// then made a draft (draft: true) cannot be approved.
func TestApproveRefusesDraft(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		mustUpsert(t, s, rel("2024/a", "h1"))
		draft := rel("2024/a", "h2")
		draft.Draft = true
		mustUpsert(t, s, draft)
		_, err := s.Approve(ctx, store.ApproveRequest{ID: "2024/a", Hash: "h2", Approver: alice, Posts: posts("x")})
		if !errors.Is(err, store.ErrDraft) {
			t.Fatalf("err = %v, want ErrDraft", err)
		}
		if rec, _ := s.Get(ctx, "2024/a"); len(rec.Approvals) != 0 || liveJobs(t, s) != 0 {
			t.Errorf("after a refused approval: %d approvals, %d jobs", len(rec.Approvals), liveJobs(t, s))
		}
	})
}

func TestDoubleApprovalIsIdempotent(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		mustUpsert(t, s, rel("2024/a", "h1"))
		approve(t, s, "2024/a", "h1", alice, 1, "telegram")
		again := approve(t, s, "2024/a", "h1", alice, 1, "telegram")
		if !again.Already || !again.Scheduled {
			t.Errorf("second tap: %+v", again)
		}
		// A concurrent burst of taps by two approvers.
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a := []store.Approver{alice, bob}[i%2]
				if _, err := s.Approve(ctx, store.ApproveRequest{ID: "2024/a", Hash: "h1", Approver: a, Posts: posts("telegram")}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if n := liveJobs(t, s); n != 1 {
			t.Errorf("%d live jobs, want 1", n)
		}
		if p := get(t, s, "2024/a").Posts; len(p) != 1 || p[0].Gen != 1 {
			t.Errorf("posts %+v", p)
		}
	})
}

func TestConcurrentFirstApprovals(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		mustUpsert(t, s, rel("2024/a", "h1"))
		var wg sync.WaitGroup
		for i := range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a := store.Approver{Kind: "telegram", ID: fmt.Sprint(i)}
				if _, err := s.Approve(ctx, store.ApproveRequest{ID: "2024/a", Hash: "h1", Approver: a, Posts: posts("telegram", "x")}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if n := liveJobs(t, s); n != 2 {
			t.Errorf("%d live jobs, want 2", n)
		}
	})
}

func TestTwoApproversRequired(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		mustUpsert(t, s, rel("2024/a", "h1"))
		first := approve(t, s, "2024/a", "h1", alice, 2, "telegram")
		if first.Scheduled || first.Approvals != 1 || first.State != release.StatusPendingApproval {
			t.Fatalf("after one approver: %+v", first)
		}
		same := approve(t, s, "2024/a", "h1", alice, 2, "telegram")
		if same.Scheduled || same.Approvals != 1 || !same.Already {
			t.Fatalf("same approver twice counted: %+v", same)
		}
		if n := liveJobs(t, s); n != 0 {
			t.Fatalf("%d jobs before the second approver", n)
		}
		second := approve(t, s, "2024/a", "h1", bob, 2, "telegram")
		if !second.Scheduled || second.Approvals != 2 {
			t.Fatalf("after two approvers: %+v", second)
		}
		// Approvals are bound to the hash: an edit needs two new ones.
		mustUpsert(t, s, rel("2024/a", "h2"))
		if res := approve(t, s, "2024/a", "h2", alice, 2, "telegram"); res.Scheduled || res.Approvals != 1 {
			t.Fatalf("old approvals counted for the new hash: %+v", res)
		}
	})
}

func TestChangeAfterApprovalCancelsJobs(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		mustUpsert(t, s, rel("2024/a", "h1"))
		approve(t, s, "2024/a", "h1", alice, 1, "telegram", "x")
		ch := mustUpsert(t, s, rel("2024/a", "h2"))
		if ch.Kind != store.ChangeAfterApproval || ch.State != release.StatusPendingApproval || len(ch.Cancelled) != 2 {
			t.Fatalf("change %+v", ch)
		}
		if n := liveJobs(t, s); n != 0 {
			t.Errorf("%d live jobs after the change, want 0", n)
		}
		for _, p := range get(t, s, "2024/a").Posts {
			if p.State != release.StatusPendingApproval {
				t.Errorf("%s is %s", p.Channel, p.State)
			}
		}
		// A claim by a job of the old hash must not send.
		c, err := s.StartPublish(ctx, store.PublishArgs{Release: "2024/a", Channel: "x", Hash: "h1", Gen: 1})
		if err != nil || c.Outcome != store.ClaimStale {
			t.Errorf("old job claim: %+v %v", c, err)
		}
		// Re-approval schedules the new content with a new generation.
		approve(t, s, "2024/a", "h2", alice, 1, "telegram", "x")
		for _, p := range get(t, s, "2024/a").Posts {
			if p.State != release.StatusScheduled || p.Hash != "h2" || p.Gen != 2 {
				t.Errorf("after re-approval %s: %s %s gen %d", p.Channel, p.State, p.Hash, p.Gen)
			}
		}
	})
}

// publishedOn stores r, approves it for channels and publishes it on each.
func publishedOn(t *testing.T, s *store.Store, r release.Release, channels ...string) {
	t.Helper()
	mustUpsert(t, s, r)
	approve(t, s, r.ID, r.Hash, alice, 1, channels...)
	for _, ch := range channels {
		publish(t, s, store.PublishArgs{Release: r.ID, Channel: ch, Hash: r.Hash, Gen: 1})
	}
}

// publish runs one job's store steps with a successful send.
func publish(t *testing.T, s *store.Store, a store.PublishArgs) {
	t.Helper()
	c, err := s.StartPublish(ctx, a)
	if err != nil || c.Outcome != store.ClaimSend {
		t.Fatalf("claim %+v: %+v %v", a, c, err)
	}
	rc := &release.Receipt{Channel: a.Channel, RemoteIDs: []string{"42"}, URL: "https://t.me/c/42", PublishedAt: time.Now().UTC()}
	if st, err := s.FinishPublish(ctx, a, store.Result{Event: release.EventSucceed, Receipt: rc}); err != nil || st != release.StatusPublished {
		t.Fatalf("finish: %s %v", st, err)
	}
}

// TestNewsroomHasThePageBeforeTheSend checks that a release is in the
// newsroom from the moment its first post is claimed for sending: the
// post links to the release's page, which the platforms fetch as they
// receive it. A send that fails, with nothing published, takes it out.
func TestNewsroomHasThePageBeforeTheSend(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		mustUpsert(t, s, rel("2024/a", "h1"))
		approve(t, s, "2024/a", "h1", alice, 1, "telegram")
		if pub, _ := s.Published(ctx); len(pub) != 0 {
			t.Fatalf("scheduled, not yet due: in the newsroom %+v", pub)
		}
		a := store.PublishArgs{Release: "2024/a", Channel: "telegram", Hash: "h1", Gen: 1}
		before := time.Now().Add(-time.Second)
		if c, err := s.StartPublish(ctx, a); err != nil || c.Outcome != store.ClaimSend {
			t.Fatalf("claim: %+v %v", c, err)
		}
		pub, err := s.Published(ctx)
		if err != nil || len(pub) != 1 || pub[0].Release.ID != "2024/a" || pub[0].PublishedAt.Before(before) {
			t.Fatalf("being sent: newsroom %+v, %v; want the release, published about now", pub, err)
		}
		if _, err := s.FinishPublish(ctx, a, store.Result{Event: release.EventFail, Err: "rejected"}); err != nil {
			t.Fatal(err)
		}
		if pub, _ := s.Published(ctx); len(pub) != 0 {
			t.Errorf("failed with nothing published: still in the newsroom %+v", pub)
		}
	})
}

func TestPublishFlowAndNewsroom(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		mustUpsert(t, s, rel("2024/a", "h1"))
		approve(t, s, "2024/a", "h1", alice, 1, "telegram", "x")
		publish(t, s, store.PublishArgs{Release: "2024/a", Channel: "telegram", Hash: "h1", Gen: 1})
		if st := get(t, s, "2024/a").State; st != release.StatusScheduled {
			t.Errorf("one of two sent: release %s, want scheduled", st)
		}
		// The same job again (a retry after a lost completion) does not send.
		if c, _ := s.StartPublish(ctx, store.PublishArgs{Release: "2024/a", Channel: "telegram", Hash: "h1", Gen: 1}); c.Outcome != store.ClaimStale {
			t.Errorf("published post claimed again: %+v", c)
		}
		publish(t, s, store.PublishArgs{Release: "2024/a", Channel: "x", Hash: "h1", Gen: 1})
		rec := get(t, s, "2024/a")
		if rec.State != release.StatusPublished {
			t.Errorf("release %s, want published", rec.State)
		}
		pub, err := s.Published(ctx)
		if err != nil || len(pub) != 1 || len(pub[0].Receipts) != 2 || pub[0].Release.Hash != "h1" || pub[0].PublishedAt.IsZero() {
			t.Fatalf("published: %+v %v", pub, err)
		}
		ch := mustUpsert(t, s, rel("2024/a", "h2"))
		if ch.Kind != store.ChangeAfterPublishing || ch.State != release.StatusPublished {
			t.Errorf("edit after publishing: %+v", ch)
		}
		if pub, _ := s.Published(ctx); len(pub) != 1 || pub[0].Release.Hash != "h1" {
			t.Errorf("newsroom must keep the published version: %+v", pub)
		}
		if _, err := s.Approve(ctx, store.ApproveRequest{ID: "2024/a", Hash: "h2", Approver: alice, Posts: posts("x")}); err == nil {
			t.Error("approving a published release's edit re-sent it")
		}
		audit, err := s.Audit(ctx, "2024/a")
		if err != nil || len(audit) < 10 {
			t.Fatalf("audit %d entries: %v", len(audit), err)
		}
		for i := 1; i < len(audit); i++ {
			if audit[i].At.Before(audit[i-1].At) || audit[i].ID <= audit[i-1].ID {
				t.Errorf("audit out of order at %d", i)
			}
		}
	})
}

// TestPublishedStamps checks that PublishedStamps lists what Published
// does, in the same order, without the content: published and publishing
// releases in the version published, not the withdrawn or unsent ones. Gone
// lists those withdrawn after publishing, with their tags.
func TestPublishedStamps(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		for _, id := range []string{"2024/a", "2024/b", "2024/c", "2024/d", "2024/e"} {
			r := rel(id, "h1")
			if id == "2024/d" {
				r.Tags = []string{"Water", "Aral Sea"} // its tag pages change when it goes
			}
			mustUpsert(t, s, r)
			approve(t, s, id, "h1", alice, 1, "telegram")
		}
		for _, id := range []string{"2024/a", "2024/d", "2024/e"} {
			publish(t, s, store.PublishArgs{Release: id, Channel: "telegram", Hash: "h1", Gen: 1})
		}
		if c, err := s.StartPublish(ctx, store.PublishArgs{Release: "2024/b", Channel: "telegram", Hash: "h1", Gen: 1}); err != nil || c.Outcome != store.ClaimSend {
			t.Fatalf("claim: %+v %v", c, err)
		}
		mustUpsert(t, s, rel("2024/a", "h2")) // edited after publishing: the newsroom keeps h1
		if err := s.Withdraw(ctx, "2024/d", "test", "wrong figures"); err != nil {
			t.Fatal(err)
		}
		pubs, err := s.Published(ctx)
		if err != nil {
			t.Fatal(err)
		}
		stamps, err := s.PublishedStamps(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var want []store.PublishedStamp
		for _, p := range pubs {
			want = append(want, p.Stamp())
		}
		if !reflect.DeepEqual(stamps, want) {
			t.Errorf("stamps\n%+v\nwant (from Published)\n%+v", stamps, want)
		}
		got := map[string]store.PublishedStamp{}
		for _, st := range stamps {
			got[st.ID] = st
		}
		if len(got) != 3 || got["2024/a"].Hash != "h1" || got["2024/b"].ID == "" || got["2024/e"].ID == "" {
			t.Errorf("stamps %+v: want 2024/a at h1, 2024/b being sent, and 2024/e", stamps)
		}
		if err := s.Withdraw(ctx, "2024/c", "test", "never sent"); err != nil {
			t.Fatal(err)
		}
		if gone, err := s.Gone(ctx); err != nil || !reflect.DeepEqual(goneOf(t, gone), []store.GoneRelease{{ID: "2024/d", Lang: "en", TranslationKey: "k-2024/d", Tags: []string{"Water", "Aral Sea"}}}) {
			t.Errorf("gone %v, %v; want [2024/d] with its tags: withdrawn after publishing, unlike 2024/c", gone, err)
		}
	})
}

// goneOf returns gone without the withdrawal times, and fails the test
// for a release given without one.
func goneOf(t *testing.T, gone []store.GoneRelease) []store.GoneRelease {
	t.Helper()
	out := make([]store.GoneRelease, len(gone))
	for i, g := range gone {
		if g.At.IsZero() {
			t.Errorf("gone %s has no withdrawal time", g.ID)
		}
		out[i] = store.GoneRelease{ID: g.ID, Lang: g.Lang, TranslationKey: g.TranslationKey, Tags: g.Tags}
	}
	return out
}

// TestPostDeleted checks that a published post deleted on the platform
// after its release was withdrawn is recorded as withdrawn, receipt kept,
// and that only such a post can be: approved again, the release goes out
// on that channel anew.
func TestPostDeleted(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		publishedOn(t, s, rel("2024/a", "h1"), "telegram", "x")
		if err := s.PostDeleted(ctx, "2024/a", "telegram", "test"); err == nil {
			t.Error("a post of a release still published was marked deleted")
		}
		before := time.Now().Add(-time.Second)
		if err := s.Withdraw(ctx, "2024/a", "test", "wrong figures"); err != nil {
			t.Fatal(err)
		}
		withdrawn, _ := s.Gone(ctx)
		if len(withdrawn) != 1 || withdrawn[0].At.Before(before) || withdrawn[0].At.After(time.Now()) {
			t.Errorf("gone %v, want 2024/a withdrawn about now", withdrawn)
		}
		if err := s.PostDeleted(ctx, "2024/a", "telegram", "test"); err != nil {
			t.Fatal(err)
		}
		if err := s.PostDeleted(ctx, "2024/a", "telegram", "test"); err == nil {
			t.Error("a post deleted twice")
		}
		for _, p := range get(t, s, "2024/a").Posts {
			if p.Channel == "telegram" && (p.State != release.StatusWithdrawn || p.Receipt == nil) {
				t.Errorf("deleted post: %s, receipt %v; want withdrawn with its receipt", p.State, p.Receipt)
			}
		}
		// A post deleted on the platform does not change the newsroom.
		if gone, _ := s.Gone(ctx); !reflect.DeepEqual(gone, withdrawn) {
			t.Errorf("gone %v, want %v: as withdrawn", gone, withdrawn)
		}
		r := rel("2024/a", "h2") // the withdrawal taken back, with a correction
		mustUpsert(t, s, r)
		res := approve(t, s, "2024/a", "h2", alice, 1, "telegram", "x")
		if _, ok := res.At["telegram"]; !ok {
			t.Errorf("approved again: scheduled %v, want telegram anew", res.At)
		}
		if _, ok := res.At["x"]; ok {
			t.Errorf("approved again: x scheduled though its post is still online")
		}
	})
}

func TestResultClassesInStore(t *testing.T) {
	tests := []struct {
		ev   release.Event
		want release.Status
	}{
		{release.EventRetry, release.StatusScheduled},
		{release.EventFail, release.StatusFailed},
		{release.EventUncertain, release.StatusUncertain},
	}
	forEach(t, func(t *testing.T, s *store.Store) {
		for _, tc := range tests {
			id := "2024/" + string(tc.ev)
			mustUpsert(t, s, rel(id, "h1"))
			approve(t, s, id, "h1", alice, 1, "x")
			a := store.PublishArgs{Release: id, Channel: "x", Hash: "h1", Gen: 1}
			if c, err := s.StartPublish(ctx, a); err != nil || c.Outcome != store.ClaimSend || c.Attempts != 1 {
				t.Fatalf("claim: %+v %v", c, err)
			}
			retryAt := time.Now().Add(time.Minute).UTC().Truncate(time.Millisecond)
			st, err := s.FinishPublish(ctx, a, store.Result{Event: tc.ev, Err: "boom", RetryAt: retryAt})
			if err != nil || st != tc.want {
				t.Fatalf("%s: %s %v", tc.ev, st, err)
			}
			rec := get(t, s, id)
			if rec.State != tc.want || rec.Posts[0].LastError != "boom" || !rec.Posts[0].ScheduledAt.Equal(retryAt) {
				t.Errorf("%s: release %s post %+v", tc.ev, rec.State, rec.Posts[0])
			}
		}
	})
}

func TestInterruptedSendBecomesUncertain(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		mustUpsert(t, s, rel("2024/a", "h1"))
		approve(t, s, "2024/a", "h1", alice, 1, "x")
		a := store.PublishArgs{Release: "2024/a", Channel: "x", Hash: "h1", Gen: 1}
		if c, _ := s.StartPublish(ctx, a); c.Outcome != store.ClaimSend {
			t.Fatalf("first claim %+v", c)
		}
		// The worker died; River rescues the job and runs it again.
		c, err := s.StartPublish(ctx, a)
		if err != nil || c.Outcome != store.ClaimInterrupted || c.State != release.StatusUncertain {
			t.Fatalf("rescued claim: %+v %v", c, err)
		}
		if c, _ := s.StartPublish(ctx, a); c.Outcome != store.ClaimStale {
			t.Errorf("third claim %+v", c)
		}
		if st := get(t, s, "2024/a").State; st != release.StatusUncertain {
			t.Errorf("release %s", st)
		}
	})
}

func TestSweepStale(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		now := time.Date(2025, 3, 30, 1, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return now })
		mustUpsert(t, s, rel("2024/a", "h1"))
		approve(t, s, "2024/a", "h1", alice, 1, "x", "telegram")
		a := store.PublishArgs{Release: "2024/a", Channel: "x", Hash: "h1", Gen: 1}
		if c, _ := s.StartPublish(ctx, a); c.Outcome != store.ClaimSend {
			t.Fatal(c)
		}
		if got, err := s.SweepStale(ctx, now); err != nil || len(got) != 0 {
			t.Fatalf("fresh send swept: %v %v", got, err)
		}
		now = now.Add(10 * time.Minute)
		got, err := s.SweepStale(ctx, now.Add(-5*time.Minute))
		if err != nil || len(got) != 1 || got[0].Channel != "x" {
			t.Fatalf("sweep: %v %v", got, err)
		}
		// A late receipt still counts.
		rc := &release.Receipt{Channel: "x", RemoteIDs: []string{"1"}}
		if st, err := s.FinishPublish(ctx, a, store.Result{Event: release.EventSucceed, Receipt: rc}); err != nil || st != release.StatusPublished {
			t.Errorf("late receipt: %s %v", st, err)
		}
	})
}

func TestOfficerActions(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		mustUpsert(t, s, rel("2024/a", "h1"))
		approve(t, s, "2024/a", "h1", alice, 1, "x", "telegram", "facebook")
		for _, ch := range []string{"x", "telegram", "facebook"} {
			a := store.PublishArgs{Release: "2024/a", Channel: ch, Hash: "h1", Gen: 1}
			if _, err := s.StartPublish(ctx, a); err != nil {
				t.Fatal(err)
			}
			if _, err := s.FinishPublish(ctx, a, store.Result{Event: release.EventUncertain, Err: "timeout"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.MarkPublished(ctx, "2024/a", "x", "telegram:101", &release.Receipt{Channel: "x", RemoteIDs: []string{"9"}}); err != nil {
			t.Fatal(err)
		}
		if err := s.Skip(ctx, "2024/a", "facebook", "telegram:101"); err != nil {
			t.Fatal(err)
		}
		if err := s.Retry(ctx, "2024/a", "telegram", "telegram:101", time.Time{}); err != nil {
			t.Fatal(err)
		}
		if err := s.Retry(ctx, "2024/a", "x", "telegram:101", time.Time{}); err == nil {
			t.Error("retried a published post")
		}
		rec := get(t, s, "2024/a")
		want := map[string]release.Status{"x": release.StatusPublished, "facebook": release.StatusWithdrawn, "telegram": release.StatusScheduled}
		for _, p := range rec.Posts {
			if p.State != want[p.Channel] {
				t.Errorf("%s: %s, want %s", p.Channel, p.State, want[p.Channel])
			}
			if p.Channel == "telegram" && p.Gen != 2 {
				t.Errorf("retry kept generation %d", p.Gen)
			}
		}
		if rec.State != release.StatusScheduled {
			t.Errorf("release %s", rec.State)
		}
		// No worker ran here, so the other jobs stay available; the retried
		// post's old job is cancelled and a new generation queued.
		js := jobStates(t, s)
		old, gen2 := "2024/a/telegram/1", "2024/a/telegram/2"
		if len(js) != 4 || !slices.Equal(js[old], []string{"cancelled"}) || !slices.Equal(js[gen2], []string{"available"}) {
			t.Errorf("jobs %v", js)
		}
		publish(t, s, store.PublishArgs{Release: "2024/a", Channel: "telegram", Hash: "h1", Gen: 2})
		if st := get(t, s, "2024/a").State; st != release.StatusPublished {
			t.Errorf("release %s", st)
		}
	})
}

func TestRejectCancelWithdraw(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		mustUpsert(t, s, rel("2024/r", "h1"))
		if err := s.Reject(ctx, "2024/r", "cli:root", "wrong date"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Approve(ctx, store.ApproveRequest{ID: "2024/r", Hash: "h1", Approver: alice, Posts: posts("x")}); err == nil {
			t.Error("approved a rejected release")
		}
		mustUpsert(t, s, rel("2024/c", "h1"))
		approve(t, s, "2024/c", "h1", alice, 1, "x")
		if err := s.Cancel(ctx, "2024/c", "cli:root", "hold"); err != nil {
			t.Fatal(err)
		}
		if rec := get(t, s, "2024/c"); rec.State != release.StatusPendingApproval || len(rec.Approvals) != 0 || liveJobs(t, s) != 0 {
			t.Errorf("after cancel: %s, %d approvals, %d jobs", rec.State, len(rec.Approvals), liveJobs(t, s))
		}
		approve(t, s, "2024/c", "h1", alice, 1, "x")
		if err := s.Withdraw(ctx, "2024/c", "cli:root", "pulled"); err != nil {
			t.Fatal(err)
		}
		if rec := get(t, s, "2024/c"); rec.State != release.StatusWithdrawn || rec.Posts[0].State != release.StatusWithdrawn || liveJobs(t, s) != 0 {
			t.Errorf("after withdraw: %s %s", rec.State, rec.Posts[0].State)
		}
		events := []string{}
		audit, _ := s.Audit(ctx, "2024/r")
		for _, e := range audit {
			events = append(events, e.Event)
		}
		if !slices.Equal(events, []string{"create", "submit", "reject"}) || audit[2].Detail != "wrong date" || audit[2].Actor != "cli:root" {
			t.Errorf("audit %v", audit)
		}
	})
}

func TestListAndReopen(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			url := storetest.URL(t, d)
			s, err := store.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			mustUpsert(t, s, rel("2024/a", "h1"))
			r := rel("2024/b", "h1")
			r.Lang = "ru"
			mustUpsert(t, s, r)
			s.Close()
			s, err = store.Open(ctx, url) // migrations run again: no-op
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			all, err := s.List(ctx, store.ListFilter{})
			if err != nil || len(all) != 2 {
				t.Fatalf("list: %d %v", len(all), err)
			}
			ru, _ := s.List(ctx, store.ListFilter{Lang: "ru", States: []release.Status{release.StatusPendingApproval}})
			if len(ru) != 1 || ru[0].ID != "2024/b" {
				t.Errorf("filtered list %+v", ru)
			}
		})
	}
}

func TestOpenBadURL(t *testing.T) {
	for _, u := range []string{"", "mysql://x", "sqlite:", "postgres://u:secret@127.0.0.1:1/db"} {
		_, err := store.Open(ctx, u)
		if err == nil {
			t.Errorf("%q: no error", u)
			continue
		}
		if errors.Is(err, store.ErrNotFound) || strings.Contains(err.Error(), "secret") {
			t.Errorf("%q: %v", u, err)
		}
	}
	missing := filepath.Join(t.TempDir(), "no-such-folder")
	_, err := store.Open(ctx, "sqlite:"+filepath.Join(missing, "x.db"))
	if err == nil || !strings.Contains(err.Error(), "the folder "+missing+" does not exist") {
		t.Errorf("sqlite in a missing folder: %v; want the folder named", err)
	}
}

func TestReschedule(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		mustUpsert(t, s, rel("2024/a", "h1"))
		approve(t, s, "2024/a", "h1", alice, 1, "telegram", "x")
		at := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Millisecond)
		if _, err := s.Reschedule(ctx, store.RescheduleRequest{ID: "2024/a", Hash: "h0", Actor: "cli:root", At: at}); !errors.Is(err, store.ErrStaleHash) {
			t.Errorf("stale reschedule: %v", err)
		}
		moved, err := s.Reschedule(ctx, store.RescheduleRequest{ID: "2024/a", Hash: "h1", Actor: "cli:root", At: at,
			ChannelAt: map[string]time.Time{"x": at.Add(time.Hour)}})
		if err != nil || len(moved) != 2 || !moved["x"].Equal(at.Add(time.Hour)) {
			t.Fatalf("moved %v %v", moved, err)
		}
		for _, p := range get(t, s, "2024/a").Posts {
			if !p.ScheduledAt.Equal(moved[p.Channel]) || p.Gen != 2 || p.State != release.StatusScheduled {
				t.Errorf("%s: %+v", p.Channel, p)
			}
		}
		js := jobStates(t, s)
		if !slices.Equal(js["2024/a/x/1"], []string{"cancelled"}) || !slices.Equal(js["2024/a/x/2"], []string{"available"}) {
			t.Errorf("jobs %v", js)
		}
	})
}

// TestImageInUse checks which local images the store says a release
// still needs served: named by a release that is not withdrawn, with or
// without a leading "/", exactly (no LIKE wildcard, no other letter case).
func TestImageInUse(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		a := rel("2024/a", "h1")
		a.Image = "/images/2024/van_1.jpg"
		mustUpsert(t, s, a)
		b := rel("2024/b", "h1")
		b.Image = "images/2024/bus & co.png"
		mustUpsert(t, s, b)
		remote := rel("2024/r", "h1")
		remote.Image = "https://cdn.example.org/images/2024/boat.jpg"
		mustUpsert(t, s, remote)
		body := rel("2024/t", "h1") // pictures in its text only
		body.BodyImages = []release.BodyImage{{Path: "images/2024/chart.png", Digest: "d"}}
		mustUpsert(t, s, body)
		check := func(img string, want bool) {
			t.Helper()
			got, err := s.ImageInUse(ctx, img)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("ImageInUse(%q) = %v, want %v", img, got, want)
			}
		}
		check("images/2024/van_1.jpg", true)
		check("/images/2024/van_1.jpg", true)
		check("images/2024/bus & co.png", true)
		check("images/2024/vanX1.jpg", false) // _ is not a wildcard
		check("images/2024/VAN_1.jpg", false)
		check("images/2024/van", false)
		check("images/2024/boat.jpg", false)
		check("", false)
		check("images/2024/chart.png", true)
		check("/images/2024/chart.png", true)
		check("images/2024/chart", false)
		if err := s.Withdraw(ctx, "2024/a", "cli:root", "pulled"); err != nil {
			t.Fatal(err)
		}
		check("images/2024/van_1.jpg", false)
	})
}

// TestUnsentAfterChange checks that each edit of a release published on
// some channels names the channels not sent yet, also the second edit,
// whose posts the first edit had cancelled already.
func TestUnsentAfterChange(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		r := rel("2024/p", "h1")
		mustUpsert(t, s, r)
		approve(t, s, r.ID, r.Hash, alice, 1, "telegram", "x")
		publish(t, s, store.PublishArgs{Release: r.ID, Channel: "telegram", Hash: r.Hash, Gen: 1})
		for _, hash := range []string{"h2", "h3"} {
			ch, err := s.UpsertRelease(ctx, rel(r.ID, hash), store.ActorSystem)
			if err != nil || ch.Kind != store.ChangeAfterPublishing || !slices.Equal(ch.Unsent, []string{"x"}) {
				t.Errorf("edit to %s: %+v %v; want changed after publishing, unsent on x", hash, ch, err)
			}
		}
	})
}
