package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"text/template"
	"time"

	"github.com/pressbot/pressbot/internal/config"
	fakefb "github.com/pressbot/pressbot/internal/fake/facebook"
	"github.com/pressbot/pressbot/internal/fake/fault"
	faketg "github.com/pressbot/pressbot/internal/fake/telegram"
	fakex "github.com/pressbot/pressbot/internal/fake/x"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
	"github.com/pressbot/pressbot/internal/store/storetest"
)

// The crash soak (issue 9): approved releases go to the fake Telegram
// channel, Facebook Page and X account while `pressbot serve` (the real
// binary) is killed with SIGKILL at random moments and restarted; after the
// last restart has drained the queue, the platforms' records are compared
// with the store. Every post must have gone out exactly once, or be
// uncertain (and the soak must show the kill or injected fault that made it
// so); none may be duplicated or lost.
//
// Without PRESSBOT_SOAK_* variables it is a short soak for CI (20 releases,
// 5 kills, faults on). scripts/soak runs the long one. Variables:
//
//	PRESSBOT_SOAK_RELEASES     releases (each has one post per channel)
//	PRESSBOT_SOAK_KILLS        least number of SIGKILLs
//	PRESSBOT_SOAK_FAULTS       1: the fakes drop connections and answer 5xx/429 at random
//	PRESSBOT_SOAK_SEED         seed of the kill times and faults (printed; default: the clock)
//	PRESSBOT_SOAK_PACE         time between two releases' publication slots (default 1.2s)
//	PRESSBOT_SOAK_WAIT_RESCUE  1: wait up to 6 min for River to rescue jobs held by killed workers
//	PRESSBOT_SOAK_DB           postgres: a fresh schema of PRESSBOT_TEST_POSTGRES instead of SQLite
//	PRESSBOT_SOAK_REPORT       file the summary is written to
//	PRESSBOT_SOAK_DIR          keep the database, logs and delivery log here

// Channels of the soak and their chat.
const (
	soakChannelID = int64(-1001000000077)
	soakYear      = "2026"
)

// soakChannels are the configured channel names, in report order.
var soakChannels = []string{"telegram", "facebook", "x"}

// soakParams tune one soak.
type soakParams struct {
	Releases int
	Kills    int
	Faults   bool
	Seed     uint64
	// Pace separates the publication slots of consecutive releases: each
	// release's three posts are due at start + i×Pace. pressbot paces
	// Telegram to 20 messages a minute and 1 a second per process, so a
	// pace above 1 s keeps the soak from building a Telegram backlog.
	Pace time.Duration
	// Drain bounds the wait after the last restart.
	Drain time.Duration
	// FBUsageHeaders sends X-App-Usage with Facebook's throttling errors,
	// which makes pressbot wait at least a minute (as it should); the
	// short soak leaves them out (then throttling is retried with backoff).
	FBUsageHeaders bool
	// WaitRescue waits, after the drain, for the posts whose job a killed
	// worker held (up to 6 minutes: River rescues such jobs after
	// RescueStuckJobsAfter, 3 minutes in serve, and checks every 30 s).
	WaitRescue bool
	Report     string
	Dir        string
	// Postgres runs on a fresh schema of PRESSBOT_TEST_POSTGRES instead
	// of SQLite.
	Postgres bool
}

// soakParamsFromEnv reads the parameters; without PRESSBOT_SOAK_RELEASES
// it returns the short soak.
func soakParamsFromEnv(t *testing.T) soakParams {
	p := soakParams{Releases: 20, Kills: 5, Faults: true, Seed: uint64(time.Now().UnixNano()), Pace: 1200 * time.Millisecond,
		Drain: 90 * time.Second}
	num := func(name string, dst *int) {
		if v := os.Getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				t.Fatalf("%s=%q: want a positive number", name, v)
			}
			*dst = n
		}
	}
	num("PRESSBOT_SOAK_RELEASES", &p.Releases)
	num("PRESSBOT_SOAK_KILLS", &p.Kills)
	if v := os.Getenv("PRESSBOT_SOAK_FAULTS"); v != "" {
		p.Faults = v == "1" || v == "true"
	}
	if v := os.Getenv("PRESSBOT_SOAK_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("PRESSBOT_SOAK_SEED=%q: want a number", v)
		}
		p.Seed = n
	}
	if v := os.Getenv("PRESSBOT_SOAK_PACE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			t.Fatalf("PRESSBOT_SOAK_PACE=%q: want a duration such as 1.2s", v)
		}
		p.Pace = d
	}
	if p.Releases >= 100 {
		// Long soak: real throttling waits (a minute and more), and room
		// for them in the drain.
		p.FBUsageHeaders, p.Drain = true, 5*time.Minute
	}
	p.WaitRescue = os.Getenv("PRESSBOT_SOAK_WAIT_RESCUE") == "1"
	p.Postgres = os.Getenv("PRESSBOT_SOAK_DB") == "postgres"
	p.Report, p.Dir = os.Getenv("PRESSBOT_SOAK_REPORT"), os.Getenv("PRESSBOT_SOAK_DIR")
	return p
}

// TestSoak is the crash soak; see the comment at the top of this file.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary for a while")
	}
	p := soakParamsFromEnv(t)
	s := newSoak(t, p)
	t.Logf("soak: %d releases × %d channels, at least %d kills, faults %v, seed %d (repeat with PRESSBOT_SOAK_SEED=%d)",
		p.Releases, len(soakChannels), p.Kills, p.Faults, p.Seed, p.Seed)
	s.approveAll()
	s.killLoop()
	s.drain()
	rep := s.compare()
	text := rep.String()
	t.Log("\n" + text)
	if p.Report != "" {
		if err := os.WriteFile(p.Report, []byte(text), 0o644); err != nil {
			t.Error(err)
		}
	}
	if p.Dir != "" {
		s.writeDeliveryLog()
	}
	if !rep.ok() {
		t.Errorf("soak failed: %d duplicates, %d lost, %d unexplained uncertain (seed %d)", len(rep.duplicates), len(rep.lost),
			rep.unexplained(), p.Seed)
	}
}

// soakLife is one run of `pressbot serve`.
type soakLife struct {
	Started time.Time
	Killed  time.Time // zero for the last run (stopped with SIGTERM)
	// Why says how the kill moment was chosen.
	Why string
}

// soakFault is a fault a fake injected into a post's request.
type soakFault struct {
	At      time.Time
	Channel string
	Release string
	Part    int
	Kind    fault.Kind
}

// soak is one soak run.
type soak struct {
	t     *testing.T
	p     soakParams
	rnd   *fault.Random // faults (drawn per request, so in request order)
	kills *fault.Random // kill times, independent of the requests
	dir   string
	db    string // the database URL
	bin   string
	cfg   string
	base  string
	tg    *faketg.Server
	fb    *fakefb.Server
	x     *fakex.Server
	start time.Time // the first release's slot

	// hold is set while a kill waits for the next send: the fake carries
	// the call out, holds the answer, and reports the post on held.
	hold atomic.Bool
	held chan string

	mu       sync.Mutex
	lives    []soakLife
	faults   []soakFault
	requests []soakFault // every posting request (Kind None unless faulted)
	rescued  []string    // posts held by killed workers when the drain waited for River's rescue

	cmd     *exec.Cmd
	done    chan struct{}
	waitErr error
	log     *os.File
}

// newSoak builds the binary, starts the fakes and writes the releases and
// the configuration.
func newSoak(t *testing.T, p soakParams) *soak {
	s := &soak{t: t, p: p, dir: p.Dir, held: make(chan string, 1),
		rnd: fault.NewRandom(p.Seed, soakRates(p.Faults)), kills: fault.NewRandom(p.Seed+1, fault.Rates{})}
	if s.dir == "" {
		s.dir = t.TempDir()
	} else if err := os.MkdirAll(s.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s.bin = buildStatic(t)
	s.tg, s.fb, s.x = faketg.New(t), fakefb.New(t), fakex.New(t)
	s.tg.AddChat(faketg.Chat{ID: soakChannelID, Type: faketg.ChatChannel, Title: "Soak News", Username: "soaknews"})
	s.tg.AddAdmin(soakChannelID, s.tg.Token())
	s.tg.SetHook(s.tgHook)
	s.fb.SetHook(s.fbHook)
	s.x.SetHook(s.xHook)
	s.base = "http://" + freeAddr(t)
	s.db = "sqlite:" + filepath.Join(s.dir, "pressbot.db")
	if p.Postgres {
		s.db = storetest.URL(t, store.DialectPostgres) // a fresh schema, dropped at the end
	}
	for i := 1; i <= p.Releases; i++ {
		writeFile(t, filepath.Join(s.dir, "content", soakYear, soakName(i)+".md"), soakRelease(i))
	}
	s.cfg = filepath.Join(s.dir, "pressbot.yaml")
	var b bytes.Buffer
	err := soakConfig.Execute(&b, map[string]any{
		"Dir": s.dir, "DB": s.db, "Addr": strings.TrimPrefix(s.base, "http://"), "Base": s.base,
		"TGToken": s.tg.Token(), "Channel": soakChannelID, "TG": s.tg.URL,
		"PageID": fakefb.PageID, "PageToken": fakefb.PageToken, "AppSecret": fakefb.AppSecret, "FB": s.fb.URL,
		"CK": fakex.ConsumerKey, "CS": fakex.ConsumerSecret, "AT": fakex.AccessToken, "AS": fakex.AccessSecret, "X": s.x.URL,
	})
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, s.cfg, b.String())
	s.log, err = os.OpenFile(filepath.Join(s.dir, "serve.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.stopHard()
		s.log.Close()
		if t.Failed() {
			t.Logf("serve's log: %s (set PRESSBOT_SOAK_DIR to keep it)", s.log.Name())
		}
	})
	return s
}

// soakRates are the fault probabilities per posting request.
func soakRates(on bool) fault.Rates {
	if !on {
		return fault.Rates{}
	}
	return fault.Rates{Drop: 0.01, DropApplied: 0.01, ServerError: 0.05, RateLimited: 0.04}
}

// buildStatic builds the binary as it ships: CGO_ENABLED=0.
func buildStatic(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "pressbot")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

var soakConfig = template.Must(template.New("cfg").Parse(`office:
  zone: Asia/Tashkent
content:
  dir: {{.Dir}}/content
  rescan: 2s
db: "{{.DB}}"
http:
  addr: {{.Addr}}
site:
  base_url: {{.Base}}
channels:
  - name: telegram
    kind: telegram
    token: "{{.TGToken}}"
    chat_id: "{{.Channel}}"
    username: soaknews
    api_url: {{.TG}}
  - name: facebook
    kind: facebook
    page_id: "{{.PageID}}"
    page_token: "{{.PageToken}}"
    app_secret: "{{.AppSecret}}"
    graph_version: v23.0
    api_url: {{.FB}}
  - name: x
    kind: x
    thread: true
    consumer_key: "{{.CK}}"
    consumer_secret: "{{.CS}}"
    access_token: "{{.AT}}"
    access_secret: "{{.AS}}"
    api_url: {{.X}}
`))

// soakName is the file name of release i: r001.
func soakName(i int) string { return fmt.Sprintf("r%03d", i) }

// soakRelease is release i. Its id appears in every part of every
// channel's post (the X thread's reply is the lead), so that each request
// and delivery can be traced to its post.
func soakRelease(i int) string {
	return fmt.Sprintf(`---
title: "Crash soak release %03d"
date: 2026-05-14T09:00:00+05:00
location: Tashkent, Uzbekistan
lang: en
---

Release %s/%s of the crash soak reports progress on a water project in Tashkent.
`, i, soakYear, soakName(i))
}

// soakIDRE finds a release id in a request or a post.
var soakIDRE = regexp.MustCompile(soakYear + `/r[0-9]{3,}`)

// approveAll approves every release through the CLI's approve, each for
// its own slot start + i×Pace, before serve first starts.
func (s *soak) approveAll() {
	t := s.t
	ctx := context.Background()
	cfg, err := config.Load(s.cfg, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, cfg.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	env := &stateEnv{cfg: cfg, store: st, zone: cfg.Zone}
	// Approving takes a moment; the first slots may pass before serve
	// starts, which makes a small backlog on purpose.
	s.start = time.Now().Add(2 * time.Second)
	for i := 1; i <= s.p.Releases; i++ {
		at := s.start.Add(time.Duration(i-1) * s.p.Pace)
		if err := approve(ctx, env, soakYear+"/"+soakName(i), at, true, false, nil, time.Now(), io.Discard); err != nil {
			t.Fatalf("approve %d: %v", i, err)
		}
	}
}

// scheduleEnd is the last release's slot.
func (s *soak) scheduleEnd() time.Time {
	return s.start.Add(time.Duration(s.p.Releases-1) * s.p.Pace)
}

// startServe starts `pressbot serve`.
func (s *soak) startServe() {
	t := s.t
	n := len(s.lives) + 1
	fmt.Fprintf(s.log, "=== soak: run %d starts at %s\n", n, time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(s.bin, "serve", "-config", s.cfg, "-log-format", "json")
	cmd.Dir, cmd.Stdout, cmd.Stderr, cmd.Env = s.dir, s.log, s.log, cleanEnv()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	s.mu.Lock()
	s.cmd, s.done = cmd, done
	s.lives = append(s.lives, soakLife{Started: time.Now()})
	s.mu.Unlock()
	go func() { err := cmd.Wait(); s.mu.Lock(); s.waitErr = err; s.mu.Unlock(); close(done) }()
}

// kill sends SIGKILL to serve and waits for it to die.
func (s *soak) kill(why string) {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	life := &s.lives[len(s.lives)-1]
	life.Killed, life.Why = time.Now(), why
	s.mu.Unlock()
	_ = cmd.Process.Signal(syscall.SIGKILL)
	<-done
	fmt.Fprintf(s.log, "=== soak: run %d killed at %s (%s)\n", len(s.lives), life.Killed.Format(time.RFC3339Nano), why)
}

// stopHard kills a serve still running (test cleanup).
func (s *soak) stopHard() {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	select {
	case <-done:
	default:
		_ = cmd.Process.Kill()
		<-done
	}
}

// killLoop runs serve and kills it at random moments, at least p.Kills
// times and until the last slot has passed. One kill in three waits for
// the next send instead: the fake carries the call out, holds its answer,
// and serve is killed then, before it can record the result (the window
// a random moment seldom hits).
func (s *soak) killLoop() {
	mean := max(time.Until(s.scheduleEnd())/time.Duration(s.p.Kills), time.Second)
	for k := 0; k < s.p.Kills || time.Now().Before(s.scheduleEnd()); k++ {
		s.startServe()
		life := s.kills.Between(50*time.Millisecond, 2*mean)
		if s.kills.Float64() >= 1.0/3 {
			s.sleep(life)
			s.kill(fmt.Sprintf("at a random moment, %s after the start", life.Round(time.Millisecond)))
			continue
		}
		s.sleep(life / 2)
		s.hold.Store(true)
		select {
		case post := <-s.held:
			time.Sleep(20 * time.Millisecond) // the fake carries the call out meanwhile
			s.kill("right after the platform carried out " + post + ", before its answer")
		case <-time.After(mean):
			if s.hold.CompareAndSwap(true, false) {
				s.kill("at a random moment (no send came while waiting for one)")
			} else { // a send came just now
				time.Sleep(20 * time.Millisecond)
				s.kill("right after the platform carried out " + <-s.held + ", before its answer")
			}
		}
	}
}

// sleep waits d, or less if serve exits (it must not).
func (s *soak) sleep(d time.Duration) {
	s.mu.Lock()
	done := s.done
	s.mu.Unlock()
	select {
	case <-time.After(d):
	case <-done:
		s.mu.Lock()
		err := s.waitErr
		s.mu.Unlock()
		s.t.Fatalf("pressbot serve exited by itself: %v (log %s)", err, s.log.Name())
	}
}

// drain starts serve a last time, waits until every post is settled, and
// stops it with SIGTERM, which must end it cleanly. With WaitRescue it
// also waits for the posts whose job a killed worker held: River runs them
// again after RescueStuckJobsAfter (10 minutes in serve).
func (s *soak) drain() {
	t := s.t
	s.startServe()
	s.waitReady()
	deadline := time.Now().Add(time.Until(s.scheduleEnd()) + s.p.Drain)
	st := s.openStore()
	defer st.Close()
	for {
		unsettled, held := s.pending(st)
		if len(unsettled) == 0 && (!s.p.WaitRescue || len(held) == 0) {
			break
		}
		if len(unsettled) == 0 && s.rescued == nil {
			s.rescued = held
			deadline = time.Now().Add(6 * time.Minute)
			t.Logf("drain: waiting up to 6 min for River to rescue the jobs of %d posts held by killed workers", len(held))
		}
		if time.Now().After(deadline) {
			unsettled = append(unsettled, held...)
			t.Logf("drain: gave up with %d posts unsettled, e.g. %s", len(unsettled), unsettled[0])
			break
		}
		s.sleep(time.Second)
	}
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.mu.Unlock()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(90 * time.Second):
		t.Fatal("pressbot serve did not stop within 90 s of SIGTERM")
	}
	s.mu.Lock()
	err := s.waitErr
	s.mu.Unlock()
	if err != nil {
		t.Errorf("last run after SIGTERM: %v", err)
	}
	b, _ := os.ReadFile(s.log.Name())
	if i := bytes.LastIndex(b, []byte("=== soak: run")); i < 0 || !bytes.Contains(b[i:], []byte(`"msg":"stopped cleanly"`)) {
		t.Errorf("the last run's log lacks the clean stop")
	}
}

// waitReady waits until serve answers /readyz (at most 30 s).
func (s *soak) waitReady() {
	c := &http.Client{Timeout: time.Second}
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); s.sleep(100 * time.Millisecond) {
		resp, err := c.Get(s.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
	}
	s.t.Logf("serve not ready after 30 s; draining anyway")
}

// openStore opens the soak's database in this process.
func (s *soak) openStore() *store.Store {
	st, err := store.Open(context.Background(), s.db)
	if err != nil {
		s.t.Fatal(err)
	}
	return st
}

// lastKill is the time of the last SIGKILL.
func (s *soak) lastKill() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	var last time.Time
	for _, l := range s.lives {
		if l.Killed.After(last) {
			last = l.Killed
		}
	}
	return last
}

// pending lists the posts that the running serve may still change: not
// published, failed or uncertain, and not frozen in a killed worker
// (publishing); held are those whose job a killed worker had fetched,
// which River rescues after RescueStuckJobsAfter.
func (s *soak) pending(st *store.Store) (unsettled, held []string) {
	rows, err := st.DB().Query(`SELECT p.release_id, p.channel, p.state, p.updated, j.state, j.attempted_at
		FROM posts p LEFT JOIN river_job j ON j.id = p.job_id`)
	if err != nil {
		s.t.Fatal(err)
	}
	defer rows.Close()
	last := s.lastKill()
	for rows.Next() {
		var id, ch, state string
		var updated, attempted any
		var jobState *string
		if err := rows.Scan(&id, &ch, &state, &updated, &jobState, &attempted); err != nil {
			s.t.Fatal(err)
		}
		switch release.Status(state) {
		case release.StatusPublished, release.StatusFailed, release.StatusUncertain, release.StatusWithdrawn:
			continue
		case release.StatusPublishing:
			if u, ok := dbTime(updated); ok && u.Before(last) {
				continue // its worker was killed mid-send
			}
		case release.StatusScheduled:
			if jobState != nil && *jobState == "running" {
				if a, ok := dbTime(attempted); ok && a.Before(last) {
					held = append(held, id+" "+ch)
					continue
				}
			}
		}
		unsettled = append(unsettled, id+" "+ch+" "+state)
	}
	if err := rows.Err(); err != nil {
		s.t.Fatal(err)
	}
	return unsettled, held
}

// dbTime reads a timestamp column: time.Time from PostgreSQL, text from
// SQLite (pressbot's RFC 3339, River's "2006-01-02 15:04:05.000" in UTC).
func dbTime(v any) (time.Time, bool) {
	if b, ok := v.([]byte); ok {
		v = string(b)
	}
	if s, ok := v.(string); ok {
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t, true
			}
		}
		return time.Time{}, false
	}
	return sqlTime(v)
}

// postKey names a post: release id and channel.
type postKey struct{ Release, Channel string }

func (k postKey) String() string { return k.Release + " " + k.Channel }

// decide is every fake's hook for a posting request: it logs the request,
// holds the answer when a kill waits for a send, else draws a random fault
// (None without fault mode) and logs it.
func (s *soak) decide(channel, text string, part int) (kind fault.Kind, hold bool) {
	req := soakFault{At: time.Now(), Channel: channel, Release: soakIDRE.FindString(text), Part: part}
	if s.hold.CompareAndSwap(true, false) {
		s.held <- req.Release + " " + channel + " part " + strconv.Itoa(part)
		hold = true
	} else {
		req.Kind = s.rnd.Draw()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
	if req.Kind != fault.None {
		s.faults = append(s.faults, req)
	}
	return req.Kind, hold
}

// tgHook injects faults into the posts sent to the channel.
func (s *soak) tgHook(c faketg.Call) (faketg.Fault, bool) {
	if c.ChatID != strconv.FormatInt(soakChannelID, 10) || !slices.Contains([]string{"sendMessage", "sendPhoto", "sendMediaGroup"}, c.Method) {
		return faketg.Fault{}, false
	}
	kind, hold := s.decide("telegram", c.Text, 1)
	switch {
	case hold:
		return faketg.Fault{Hang: true}, true
	case kind == fault.KindDrop || kind == fault.KindDropApplied:
		// The fake drops only after carrying the call out.
		return faketg.Fault{Drop: true}, true
	case kind == fault.KindServerError:
		return faketg.Fault{Status: 502}, true
	case kind == fault.KindRateLimited:
		return faketg.Fault{Status: 429, RetryAfter: 1 + s.rnd.IntN(3)}, true
	}
	return faketg.Fault{}, false
}

// fbHook injects faults into the Page posts.
func (s *soak) fbHook(c fakefb.Call) (fakefb.Fault, bool) {
	if c.Method != http.MethodPost || !(strings.HasSuffix(c.Path, "/feed") || strings.HasSuffix(c.Path, "/photos")) {
		return fakefb.Fault{}, false
	}
	kind, hold := s.decide("facebook", c.Param("message")+c.Param("caption"), 1)
	switch {
	case hold:
		return fakefb.Fault{Hang: true, Apply: true}, true
	case kind == fault.KindDrop:
		return fakefb.Fault{Drop: true}, true
	case kind == fault.KindDropApplied:
		return fakefb.Fault{Drop: true, Apply: true}, true
	case kind == fault.KindServerError:
		return fakefb.Fault{Code: 2, Status: 503, Message: "An unexpected error has occurred. Please retry your request later."}, true
	case kind == fault.KindRateLimited:
		f := fakefb.Fault{Code: 4, Message: "(#4) Application request limit reached"}
		if s.p.FBUsageHeaders {
			f.Header = http.Header{"X-App-Usage": {`{"call_count":100,"total_cputime":12,"total_time":14}`}}
		}
		return f, true
	}
	return fakefb.Fault{}, false
}

// xHook injects faults into the posts and replies on X.
func (s *soak) xHook(c fakex.Call) (fakex.Fault, bool) {
	if c.Method != http.MethodPost || c.Path != "/2/tweets" {
		return fakex.Fault{}, false
	}
	var body struct {
		Text  string `json:"text"`
		Reply *struct {
			To string `json:"in_reply_to_tweet_id"`
		} `json:"reply"`
	}
	_ = json.Unmarshal(c.Body, &body)
	part := 1
	if body.Reply != nil {
		part = 2
	}
	kind, hold := s.decide("x", body.Text, part)
	switch {
	case hold:
		return fakex.Fault{Hang: true, Apply: true}, true
	case kind == fault.KindDrop:
		return fakex.Fault{Drop: true}, true
	case kind == fault.KindDropApplied:
		return fakex.Fault{Drop: true, Apply: true}, true
	case kind == fault.KindServerError:
		return fakex.Fault{Status: 503}, true
	case kind == fault.KindRateLimited:
		return fakex.Fault{Status: 429, Reset: time.Now().Add(s.rnd.Between(time.Second, 3*time.Second))}, true
	}
	return fakex.Fault{}, false
}

// delivery is one post as a platform has it.
type delivery struct {
	ID    string // the first part's id
	At    time.Time
	Parts int // parts that reached the platform (X: the thread's length)
}

// platform is what the fakes recorded of one post.
type platform struct {
	Deliveries []delivery
	// Resends counts the requests for the first part made after it had
	// been delivered: a duplicate the platform may have refused.
	Resends int
	// Requests are the post's requests as the fake received them.
	Requests []soakFault
}

// platforms gathers every fake's deliveries and requests by post.
func (s *soak) platforms() map[postKey]*platform {
	out := map[postKey]*platform{}
	get := func(ch, text string) *platform {
		k := postKey{soakIDRE.FindString(text), ch}
		if out[k] == nil {
			out[k] = &platform{}
		}
		return out[k]
	}
	for _, m := range s.tg.Messages(soakChannelID) {
		p := get("telegram", m.Text)
		p.Deliveries = append(p.Deliveries, delivery{ID: strconv.Itoa(m.ID), At: m.Date, Parts: 1})
	}
	for _, fp := range s.fb.Posts() {
		p := get("facebook", fp.Message)
		p.Deliveries = append(p.Deliveries, delivery{ID: fp.ID, At: fp.Created, Parts: 1})
	}
	tweets := s.x.Tweets()
	replies := map[string]string{} // parent id → reply id
	for _, tw := range tweets {
		if tw.InReplyTo != "" {
			replies[tw.InReplyTo] = tw.ID
		}
	}
	for _, tw := range tweets {
		if tw.InReplyTo != "" {
			continue
		}
		n := 1
		for id := tw.ID; replies[id] != ""; id = replies[id] {
			n++
		}
		p := get("x", tw.Text)
		p.Deliveries = append(p.Deliveries, delivery{ID: tw.ID, At: tw.Created, Parts: n})
	}
	// Every posting request went through decide, which logged it before
	// the fake carried it out: a request for a post's first part that
	// came after the post's delivery is a resend.
	s.mu.Lock()
	reqs := slices.Clone(s.requests)
	s.mu.Unlock()
	for _, r := range reqs {
		p := get(r.Channel, r.Release)
		p.Requests = append(p.Requests, r)
		if r.Part == 1 && len(p.Deliveries) > 0 && r.At.After(p.Deliveries[0].At) {
			p.Resends++
		}
	}
	return out
}

// soakReport is the outcome of a soak.
type soakReport struct {
	p          soakParams
	lives      []soakLife
	faults     map[fault.Kind]int
	posts      int
	once       map[string]int // by channel
	duplicates []string
	lost       []string
	uncertain  []soakCase
	delayed    []soakCase
	// rescued are the posts the drain waited for River to rescue, and
	// how many of them went out exactly once in the end.
	rescued, rescuedOnce int
	duration             time.Duration
}

// soakCase is one post that is neither simply delivered nor a failure,
// with the evidence that explains it ("" when nothing does).
type soakCase struct {
	Post        postKey
	Explanation string
	Explained   bool
}

// ok reports whether the invariants held.
func (r *soakReport) ok() bool {
	return len(r.duplicates) == 0 && len(r.lost) == 0 && r.unexplained() == 0
}

func (r *soakReport) unexplained() int {
	n := 0
	for _, c := range append(slices.Clone(r.uncertain), r.delayed...) {
		if !c.Explained {
			n++
		}
	}
	return n
}

// compare checks the fakes' records against the store.
func (s *soak) compare() *soakReport {
	t := s.t
	ctx := context.Background()
	st := s.openStore()
	defer st.Close()
	plat := s.platforms()
	s.mu.Lock()
	lives := slices.Clone(s.lives)
	faults := slices.Clone(s.faults)
	s.mu.Unlock()
	rep := &soakReport{p: s.p, lives: lives, faults: map[fault.Kind]int{}, once: map[string]int{}, duration: time.Since(s.start)}
	for _, f := range faults {
		rep.faults[f.Kind]++
	}
	s.mu.Lock()
	rescued := slices.Clone(s.rescued)
	s.mu.Unlock()
	rep.rescued = len(rescued)
	jobs := s.jobs(st)
	seen := map[postKey]bool{}
	for i := 1; i <= s.p.Releases; i++ {
		id := soakYear + "/" + soakName(i)
		rec, err := st.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		audit, err := st.Audit(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.Posts) != len(soakChannels) {
			rep.lost = append(rep.lost, fmt.Sprintf("%s: %d posts in the store, want %d (state %s)", id, len(rec.Posts), len(soakChannels), rec.State))
		}
		for _, post := range rec.Posts {
			k := postKey{id, post.Channel}
			seen[k] = true
			rep.posts++
			s.judge(rep, k, post, plat[k], audit, lives, faults, jobs[post.JobID])
		}
	}
	for _, r := range rescued {
		id, ch, _ := strings.Cut(r, " ")
		if p := plat[postKey{id, ch}]; p != nil && len(p.Deliveries) == 1 && p.Resends == 0 {
			rep.rescuedOnce++
		}
	}
	for k, p := range plat {
		if !seen[k] && len(p.Deliveries) > 0 {
			rep.duplicates = append(rep.duplicates, fmt.Sprintf("%s: delivered %d× but not a post of the store", k, len(p.Deliveries)))
		}
	}
	sort.Strings(rep.duplicates)
	sort.Strings(rep.lost)
	return rep
}

// soakJob is a River job's state.
type soakJob struct {
	State     string
	Attempted time.Time
}

// jobs reads the River jobs by id.
func (s *soak) jobs(st *store.Store) map[int64]soakJob {
	rows, err := st.DB().Query(`SELECT id, state, attempted_at FROM river_job`)
	if err != nil {
		s.t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]soakJob{}
	for rows.Next() {
		var id int64
		var state string
		var attempted any
		if err := rows.Scan(&id, &state, &attempted); err != nil {
			s.t.Fatal(err)
		}
		j := soakJob{State: state}
		j.Attempted, _ = dbTime(attempted)
		out[id] = j
	}
	return out
}

// judge classifies one post.
func (s *soak) judge(rep *soakReport, k postKey, post store.PostRecord, p *platform, audit []store.AuditEntry,
	lives []soakLife, faults []soakFault, job soakJob) {
	if p == nil {
		p = &platform{}
	}
	n := len(p.Deliveries)
	wantParts := len(post.Post.Parts)
	switch {
	case n > 1:
		rep.duplicates = append(rep.duplicates, fmt.Sprintf("%s: delivered %d× (store: %s)", k, n, post.State))
		return
	case p.Resends > 0:
		rep.duplicates = append(rep.duplicates, fmt.Sprintf("%s: sent again %d× after it was delivered (store: %s)", k, p.Resends, post.State))
		return
	}
	switch post.State {
	case release.StatusPublished:
		switch {
		case n == 0:
			rep.lost = append(rep.lost, fmt.Sprintf("%s: the store says published, the platform has nothing", k))
		case p.Deliveries[0].Parts != wantParts:
			rep.lost = append(rep.lost, fmt.Sprintf("%s: published with %d of %d parts", k, p.Deliveries[0].Parts, wantParts))
		case post.Receipt != nil && len(post.Receipt.RemoteIDs) > 0 && post.Receipt.RemoteIDs[0] != p.Deliveries[0].ID:
			rep.lost = append(rep.lost, fmt.Sprintf("%s: receipt names %s, the platform has %s", k, post.Receipt.RemoteIDs[0], p.Deliveries[0].ID))
		default:
			rep.once[k.Channel]++
		}
	case release.StatusUncertain, release.StatusPublishing:
		rep.uncertain = append(rep.uncertain, explainUncertain(k, post, p, audit, lives, faults))
	case release.StatusScheduled:
		if n > 0 {
			rep.duplicates = append(rep.duplicates, fmt.Sprintf("%s: delivered, but the store has it scheduled (it would be sent again)", k))
			return
		}
		kill := killAfter(lives, job.Attempted)
		if job.State == "running" && !job.Attempted.IsZero() && kill != nil {
			what := "before the worker claimed the post; nothing sent"
			if e := lastEntry(audit, k.Channel); e != nil && e.Event == string(release.EventRetry) && !e.At.Before(job.Attempted) {
				what = fmt.Sprintf("after the attempt's result (%s at %s) was recorded and before River stored the job's next run",
					shorten(e.Detail, 60), clock(e.At))
			}
			rep.delayed = append(rep.delayed, soakCase{Post: k, Explained: true, Explanation: fmt.Sprintf(
				"%s: its job was fetched at %s; serve was killed at %s, %s; River runs the job again once RescueStuckJobsAfter (10 min) has passed",
				k, clock(job.Attempted), clock(kill.Killed), what)})
			return
		}
		rep.lost = append(rep.lost, fmt.Sprintf("%s: still scheduled after the drain (job %s), never delivered", k, job.State))
	default:
		rep.lost = append(rep.lost, fmt.Sprintf("%s: %s (%s), delivered %d×", k, post.State, post.LastError, n))
	}
}

// lastEntry returns the last audit entry of channel, or nil.
func lastEntry(audit []store.AuditEntry, channel string) *store.AuditEntry {
	for i := len(audit) - 1; i >= 0; i-- {
		if audit[i].Channel == channel {
			return &audit[i]
		}
	}
	return nil
}

// shorten cuts s to n bytes at most, marking the cut.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// killAfter returns the first kill after t, or nil.
func killAfter(lives []soakLife, t time.Time) *soakLife {
	for i := range lives {
		if !lives[i].Killed.IsZero() && lives[i].Killed.After(t) {
			return &lives[i]
		}
	}
	return nil
}

// clock formats a time for the report.
func clock(t time.Time) string { return t.Local().Format("15:04:05.000") }

// explainUncertain finds what made post k uncertain: a kill between the
// start of its last attempt and the record of a result, or a fault the
// fake injected into that attempt's requests.
func explainUncertain(k postKey, post store.PostRecord, p *platform, audit []store.AuditEntry, lives []soakLife, faults []soakFault) soakCase {
	c := soakCase{Post: k}
	n := len(p.Deliveries)
	delivered := fmt.Sprintf("delivered %d×", n)
	if n == 1 && p.Deliveries[0].Parts < len(post.Post.Parts) {
		delivered = fmt.Sprintf("delivered 1× (%d of %d parts)", p.Deliveries[0].Parts, len(post.Post.Parts))
	}
	var start, result *store.AuditEntry
	for i := range audit {
		e := &audit[i]
		if e.Channel != k.Channel {
			continue
		}
		if e.Event == string(release.EventStart) {
			start, result = e, nil
		} else if start != nil && result == nil {
			result = e
		}
	}
	if start == nil {
		c.Explanation = fmt.Sprintf("%s: %s without any attempt in the audit log; %s", k, post.State, delivered)
		return c
	}
	end := time.Now()
	if result != nil {
		end = result.At
	}
	if n == 1 && p.Deliveries[0].At.Before(start.At.Add(-time.Second)) {
		c.Explanation = fmt.Sprintf("%s: delivered at %s, before its last attempt started at %s", k, clock(p.Deliveries[0].At), clock(start.At))
		return c
	}
	kill := killAfter(lives, start.At)
	byKill := result == nil || strings.Contains(result.Detail, "interrupted between sending") || strings.Contains(result.Detail, "no result recorded")
	if byKill && kill != nil && kill.Killed.Before(end) {
		what := "killed after the attempt started and before the result was recorded"
		switch {
		case n > 0:
			what = "killed after the request was sent and before the result was recorded"
		case !requestBetween(p.Requests, start.At, kill.Killed):
			what = "killed after the attempt started (the post claimed) and before its request left: nothing reached the platform"
		}
		state := ""
		if post.State == release.StatusPublishing {
			state = "; still publishing (pressbot declares it uncertain after StaleAfter, 3 min)"
		}
		c.Explained = true
		c.Explanation = fmt.Sprintf("%s: %s (attempt started %s, serve killed %s%s); %s%s", k, what, clock(start.At),
			clock(kill.Killed), killNote(kill, k), delivered, state)
		return c
	}
	for _, f := range faults {
		if f.Release != k.Release || f.Channel != k.Channel || f.At.Before(start.At.Add(-100*time.Millisecond)) || f.At.After(end) {
			continue
		}
		var what string
		switch {
		case f.Kind == fault.KindDrop && k.Channel != "telegram":
			what = fmt.Sprintf("the platform read part %d and dropped the connection without posting it", f.Part)
		case f.Kind == fault.KindDrop || f.Kind == fault.KindDropApplied:
			what = fmt.Sprintf("the platform posted part %d and dropped the connection before answering", f.Part)
		case f.Part > 1:
			what = fmt.Sprintf("the platform answered %s to part %d after part 1 was posted", f.Kind, f.Part)
		default:
			continue
		}
		c.Explained = true
		c.Explanation = fmt.Sprintf("%s: %s (attempt started %s, fault at %s); %s", k, what, clock(start.At), clock(f.At), delivered)
		return c
	}
	detail := post.LastError
	if result != nil {
		detail = result.Detail
	}
	c.Explanation = fmt.Sprintf("%s: UNEXPLAINED: %s after the attempt started %s (%q); %s", k, post.State, clock(start.At), detail, delivered)
	return c
}

// requestBetween reports whether one of reqs arrived between from and to.
func requestBetween(reqs []soakFault, from, to time.Time) bool {
	for _, r := range reqs {
		if !r.At.Before(from) && !r.At.After(to) {
			return true
		}
	}
	return false
}

// killNote names the send a kill waited for: ", right after the platform
// carried out the call" when it was post k's, else which post's.
func killNote(l *soakLife, k postKey) string {
	post, ok := strings.CutPrefix(l.Why, "right after the platform carried out ")
	if !ok {
		return ""
	}
	post, _, _ = strings.Cut(post, ",")
	if strings.HasPrefix(post, k.String()+" ") {
		return ", right after the platform carried out the call"
	}
	return ", right after the platform carried out " + post
}

// String is the printed summary.
func (r *soakReport) String() string {
	var b strings.Builder
	kills, held := 0, 0
	for _, l := range r.lives {
		if !l.Killed.IsZero() {
			kills++
			if strings.HasPrefix(l.Why, "right after") {
				held++
			}
		}
	}
	mode := "off"
	if r.p.Faults {
		var parts []string
		for _, k := range []fault.Kind{fault.KindDrop, fault.KindDropApplied, fault.KindServerError, fault.KindRateLimited} {
			parts = append(parts, fmt.Sprintf("%d %s", r.faults[k], k))
		}
		mode = "on: " + strings.Join(parts, ", ")
	}
	db := "SQLite"
	if r.p.Postgres {
		db = "PostgreSQL"
	}
	fmt.Fprintf(&b, "pressbot crash soak: %d releases × %d channels = %d posts on %s, seed %d\n", r.p.Releases, len(soakChannels), r.posts, db, r.p.Seed)
	fmt.Fprintf(&b, "serve runs: %d, killed with SIGKILL %d times (%d at random moments, %d right after a platform carried out a send); last run drained and stopped by SIGTERM\n",
		len(r.lives), kills, kills-held, held)
	fmt.Fprintf(&b, "faults injected: %s\n", mode)
	fmt.Fprintf(&b, "time from the first slot to the end: %s\n\n", r.duration.Round(time.Second))
	once := 0
	var per []string
	for _, ch := range soakChannels {
		once += r.once[ch]
		per = append(per, fmt.Sprintf("%s %d", ch, r.once[ch]))
	}
	fmt.Fprintf(&b, "delivered exactly once: %d (%s)\n", once, strings.Join(per, ", "))
	fmt.Fprintf(&b, "duplicates:             %d\n", len(r.duplicates))
	fmt.Fprintf(&b, "lost:                   %d\n", len(r.lost))
	fmt.Fprintf(&b, "uncertain:              %d (%d explained)\n", len(r.uncertain), len(r.uncertain)-countUnexplained(r.uncertain))
	if len(r.delayed) > 0 {
		fmt.Fprintf(&b, "delayed:                %d (held by a killed worker until River's rescue, not waited for)\n", len(r.delayed))
	}
	if r.rescued > 0 {
		fmt.Fprintf(&b, "rescued:                %d posts held by killed workers went out after River's rescue, %d of them exactly once\n",
			r.rescued, r.rescuedOnce)
	}
	for _, l := range [][]string{r.duplicates, r.lost} {
		for _, s := range l {
			fmt.Fprintf(&b, "  %s\n", s)
		}
	}
	for _, l := range [][]soakCase{r.uncertain, r.delayed} {
		sort.Slice(l, func(i, j int) bool { return l[i].Post.String() < l[j].Post.String() })
		for _, c := range l {
			fmt.Fprintf(&b, "  %s\n", c.Explanation)
		}
	}
	verdict := "PASS"
	if !r.ok() {
		verdict = "FAIL"
	}
	fmt.Fprintf(&b, "\nresult: %s (duplicates and lost must be 0, every uncertain case explained)\n", verdict)
	return b.String()
}

func countUnexplained(cs []soakCase) int {
	n := 0
	for _, c := range cs {
		if !c.Explained {
			n++
		}
	}
	return n
}

// writeDeliveryLog writes what the fakes received, one JSON line per
// delivery, and the kills and faults, next to the database.
func (s *soak) writeDeliveryLog() {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	plat := s.platforms()
	keys := make([]postKey, 0, len(plat))
	for k := range plat {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
	for _, k := range keys {
		for _, d := range plat[k].Deliveries {
			_ = enc.Encode(map[string]any{"release": k.Release, "channel": k.Channel, "id": d.ID, "at": d.At, "parts": d.Parts})
		}
	}
	s.mu.Lock()
	for _, l := range s.lives {
		_ = enc.Encode(map[string]any{"serve_started": l.Started, "killed": l.Killed, "why": l.Why})
	}
	for _, f := range s.faults {
		_ = enc.Encode(map[string]any{"fault": f.Kind, "at": f.At, "release": f.Release, "channel": f.Channel, "part": f.Part})
	}
	s.mu.Unlock()
	if err := os.WriteFile(filepath.Join(s.dir, "deliveries.jsonl"), b.Bytes(), 0o644); err != nil {
		s.t.Error(err)
	}
}
