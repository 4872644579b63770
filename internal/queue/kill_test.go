package queue_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/queue"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
	"github.com/pressbot/pressbot/internal/store/storetest"
)

// Environment of the helper process (a re-exec of this test binary).
const (
	envHelperDB  = "PRESSBOT_QUEUE_HELPER_DB"
	envHelperURL = "PRESSBOT_QUEUE_HELPER_URL"
)

// helperOptions are the publish process's options in the kill test: the
// send timeout is far longer than the test needs to kill the process
// mid-send, and a send older than StaleAfter is declared uncertain.
var helperOptions = queue.Options{Workers: 1, PublishTimeout: 5 * time.Second, StaleAfter: 6 * time.Second,
	RescueAfter: time.Minute, SweepEvery: 100 * time.Millisecond}

func TestMain(m *testing.M) {
	if db := os.Getenv(envHelperDB); db != "" {
		runHelper(db, os.Getenv(envHelperURL))
		return
	}
	os.Exit(m.Run())
}

// runHelper is the publish process: a queue whose publisher POSTs each post
// to url. It runs until it is killed.
func runHelper(db, url string) {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	s, err := store.Open(context.Background(), db)
	if err != nil {
		log.Error("helper: open", slog.Any("err", err))
		os.Exit(3)
	}
	opts := helperOptions
	opts.Logger = log
	q, err := queue.New(s, map[string]queue.Publisher{"web": httpPublisher{url: url}}, opts)
	if err == nil {
		err = q.Start(context.Background())
	}
	if err != nil {
		log.Error("helper: queue", slog.Any("err", err))
		os.Exit(3)
	}
	select {}
}

// httpPublisher posts the post as JSON to a loopback fake platform.
type httpPublisher struct{ url string }

// Publish implements queue.Publisher.
func (h httpPublisher) Publish(ctx context.Context, p release.Post) (release.Receipt, error) {
	body, _ := json.Marshal(p)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(body))
	if err != nil {
		return release.Receipt{}, &release.SendError{Class: release.ClassPermanent, Err: err}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		// The request may have been written: never blindly retried.
		return release.Receipt{}, &release.SendError{Class: release.ClassUncertain, Err: err}
	}
	defer resp.Body.Close()
	var out struct{ ID string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return release.Receipt{}, &release.SendError{Class: release.ClassUncertain, Err: err}
	}
	return release.Receipt{RemoteIDs: []string{out.ID}}, nil
}

// fakePlatform counts the posts it received per release; a post of the
// release named hang is read in full and then never answered.
type fakePlatform struct {
	hang    string
	mu      sync.Mutex
	got     map[string]int
	hung    chan struct{} // closed when the hanging request has arrived
	release chan struct{} // closed at the end of the test
}

func (f *fakePlatform) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var p release.Post
	if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.got[p.Release]++
	n := f.got[p.Release]
	f.mu.Unlock()
	if p.Release == f.hang && n == 1 {
		close(f.hung)
		select {
		case <-f.release:
		case <-r.Context().Done():
		}
		return
	}
	fmt.Fprintf(w, `{"id":"%s-%d"}`, p.Release, n)
}

func (f *fakePlatform) count(id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.got[id]
}

// helper starts the publish process on db.
func helper(t *testing.T, db, url string, stderr io.Writer) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), envHelperDB+"="+db, envHelperURL+"="+url)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd
}

func TestKilledMidSendEndsUncertain(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			url := storetest.URL(t, d)
			s, err := store.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			fake := &fakePlatform{hang: "2024/first", got: map[string]int{}, hung: make(chan struct{}), release: make(chan struct{})}
			srv := httptest.NewServer(fake)
			defer srv.Close()
			defer close(fake.release)
			now := time.Now()
			schedule(t, s, "2024/first", now.Add(-time.Second), "web")
			schedule(t, s, "2024/second", now, "web") // waits: the process has one worker

			logs := &syncWriter{w: &bytes.Buffer{}}
			cmd := helper(t, url, srv.URL, logs)
			select {
			case <-fake.hung:
			case <-time.After(30 * time.Second):
				t.Fatalf("the publish process never sent; its log:\n%s", logs.String())
			}
			if err := cmd.Process.Kill(); err != nil { // SIGKILL, mid-send
				t.Fatal(err)
			}
			_ = cmd.Wait()
			if p := post(t, s, "2024/first"); p.State != release.StatusPublishing {
				t.Fatalf("killed send is %s, want publishing", p.State)
			}
			if p := post(t, s, "2024/second"); p.State != release.StatusScheduled {
				t.Fatalf("waiting post is %s, want scheduled", p.State)
			}

			helper(t, url, srv.URL, logs) // restart
			waitPost(t, s, "2024/second", "web", release.StatusPublished, 30*time.Second)
			p := waitPost(t, s, "2024/first", "web", release.StatusUncertain, 30*time.Second)
			if n := fake.count("2024/first"); n != 1 {
				t.Errorf("interrupted post sent %d times, want 1", n)
			}
			if n := fake.count("2024/second"); n != 1 {
				t.Errorf("waiting post sent %d times, want 1", n)
			}
			if p.LastError == "" {
				t.Error("uncertain post has no reason")
			}
		})
	}
}

// post returns release id's only post.
func post(t *testing.T, s *store.Store, id string) store.PostRecord {
	t.Helper()
	rec, err := s.Get(ctx, id)
	if err != nil || len(rec.Posts) != 1 {
		t.Fatalf("get %s: %v %+v", id, err, rec.Posts)
	}
	return rec.Posts[0]
}

// syncWriter serialises writes from two processes' log pipes.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

// String returns what was written.
func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprint(s.w)
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
