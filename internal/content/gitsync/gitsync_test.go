package gitsync

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMain keeps git away from the user's and the system's configuration
// (signing, hooks, credential helpers) so the tests behave the same
// everywhere.
func TestMain(m *testing.M) {
	home, err := os.MkdirTemp("", "gitsync-home-")
	if err != nil {
		panic(err)
	}
	for k, v := range map[string]string{
		"HOME": home, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.DevNull,
		"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t",
	} {
		os.Setenv(k, v)
	}
	code := m.Run()
	os.RemoveAll(home)
	os.Exit(code)
}

// needGit returns the git binary; without it the test fails in CI and is
// skipped elsewhere.
func needGit(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("git")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("git is required in CI: %v", err)
		}
		t.Skipf("git not installed: %v", err)
	}
	return bin
}

// remote is a bare repository plus a working clone that makes commits.
type remote struct {
	t          *testing.T
	bare, work string
	url        string
}

// newRemote creates an empty bare repository and a clone of it.
func newRemote(t *testing.T) *remote {
	t.Helper()
	needGit(t)
	root := t.TempDir()
	r := &remote{t: t, bare: filepath.Join(root, "remote.git"), work: filepath.Join(root, "work")}
	r.url = "file://" + filepath.ToSlash(r.bare)
	gitT(t, root, "init", "--quiet", "--bare", "--initial-branch=main", r.bare)
	gitT(t, root, "init", "--quiet", "--initial-branch=main", r.work)
	gitT(t, r.work, "remote", "add", "origin", r.url)
	return r
}

// gitT runs git in dir and fails the test on error.
func gitT(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// commit applies the edits (path → content; "" deletes; "old=>new" in the
// key renames) and pushes the branch.
func (r *remote) commit(edits map[string]string) string {
	r.t.Helper()
	for p, body := range edits {
		if from, to, ok := strings.Cut(p, "=>"); ok {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(r.work, to)), 0o755); err != nil {
				r.t.Fatal(err)
			}
			gitT(r.t, r.work, "mv", from, to)
			continue
		}
		full := filepath.Join(r.work, p)
		if body == "" {
			gitT(r.t, r.work, "rm", "--quiet", p)
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			r.t.Fatal(err)
		}
		gitT(r.t, r.work, "add", p)
	}
	gitT(r.t, r.work, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "--allow-empty", "-m", "edit")
	gitT(r.t, r.work, "push", "--quiet", "--force", "origin", "main")
	return gitT(r.t, r.work, "rev-parse", "HEAD")
}

// newSyncer returns a Syncer of r's main branch with a fresh checkout.
func newSyncer(t *testing.T, r *remote, subdir string) *Syncer {
	t.Helper()
	s, err := New(Config{URL: r.url, Dir: filepath.Join(t.TempDir(), "checkout"), Subdir: subdir, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sync1 runs Sync and fails the test on error.
func sync1(t *testing.T, s *Syncer, last string) Changes {
	t.Helper()
	c, err := s.Sync(t.Context(), last)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// lists compares the three lists of c with want.
func lists(t *testing.T, step string, c Changes, want [3][]string) {
	t.Helper()
	got := [3][]string{c.Added, c.Changed, c.Removed}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: added/changed/removed = %q, want %q", step, got, want)
	}
}

func TestSyncSequence(t *testing.T) {
	t.Parallel()
	r := newRemote(t)
	c1 := r.commit(map[string]string{
		"content/2020/a.md": "a", "content/2020/b.md": "b", "content/notes.txt": "not a release",
		"content/_index.md": "Hugo section", "content/.drafts/x.md": "hidden", "README.md": "outside content",
	})
	s := newSyncer(t, r, "content")
	if s.Head() != "" {
		t.Fatalf("Head before the first sync = %q", s.Head())
	}
	first := sync1(t, s, "")
	lists(t, "first sync", first, [3][]string{{"2020/a.md", "2020/b.md"}, nil, nil})
	if first.From != "" || first.To != c1 || s.Head() != c1 {
		t.Fatalf("first sync From/To/Head = %q/%q/%q, want \"\"/%s/%s", first.From, first.To, s.Head(), c1, c1)
	}
	if b, err := os.ReadFile(filepath.Join(s.ContentDir(), "2020", "a.md")); err != nil || string(b) != "a" {
		t.Fatalf("checkout content: %q, %v", b, err)
	}

	steps := []struct {
		name  string
		edits map[string]string
		want  [3][]string
	}{
		{"add", map[string]string{"content/2021/c.md": "c"}, [3][]string{{"2021/c.md"}, nil, nil}},
		{"modify", map[string]string{"content/2020/a.md": "a2"}, [3][]string{nil, {"2020/a.md"}, nil}},
		{"delete", map[string]string{"content/2020/b.md": ""}, [3][]string{nil, nil, {"2020/b.md"}}},
		{"rename", map[string]string{"content/2021/c.md=>content/2022/c.md": ""}, [3][]string{{"2022/c.md"}, nil, {"2021/c.md"}}},
		{"non-release files", map[string]string{"content/notes.txt": "v2", "content/img/x.png": "png", "README.md": "v2", "content/_index.md": "v2"}, [3][]string{nil, nil, nil}},
		{"outside subdir", map[string]string{"other/z.md": "z"}, [3][]string{nil, nil, nil}},
		{"rename into content", map[string]string{"other/z.md=>content/z.md": ""}, [3][]string{{"z.md"}, nil, nil}},
		{"txt renamed to md", map[string]string{"content/notes.txt=>content/notes.md": ""}, [3][]string{{"notes.md"}, nil, nil}},
		{"nothing", map[string]string{}, [3][]string{nil, nil, nil}},
	}
	last := first.To
	for _, st := range steps {
		head := r.commit(st.edits)
		c := sync1(t, s, last)
		lists(t, st.name, c, st.want)
		if c.From != last || c.To != head || s.Head() != head {
			t.Errorf("%s: From/To/Head = %q/%q/%q, want %s/%s/%s", st.name, c.From, c.To, s.Head(), last, head, head)
		}
		last = c.To
	}
	if _, err := os.Stat(filepath.Join(s.ContentDir(), "2020", "b.md")); !os.IsNotExist(err) {
		t.Errorf("deleted file still in the checkout: %v", err)
	}
	if got := sync1(t, s, last); !got.Empty() || got.From != last || got.To != last {
		t.Errorf("sync without a new commit = %+v", got)
	}
}

func TestSyncRootAndReuse(t *testing.T) {
	t.Parallel()
	r := newRemote(t)
	r.commit(map[string]string{"a.md": "a", "docs/b.md": "b", ".github/c.md": "hidden"})
	s := newSyncer(t, r, "")
	lists(t, "root", sync1(t, s, ""), [3][]string{{"a.md", "docs/b.md"}, nil, nil})

	// Local damage is undone; a second Syncer reuses the checkout.
	if err := os.WriteFile(filepath.Join(s.ContentDir(), "a.md"), []byte("local edit"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.ContentDir(), "stray.md"), []byte("untracked"), 0o644); err != nil {
		t.Fatal(err)
	}
	head := r.commit(map[string]string{"d.md": "d"})
	s2, err := New(Config{URL: r.url, Dir: s.cfg.Dir})
	if err != nil {
		t.Fatal(err)
	}
	c := sync1(t, s2, s.Head())
	lists(t, "reuse", c, [3][]string{{"d.md"}, nil, nil})
	if b, _ := os.ReadFile(filepath.Join(s2.ContentDir(), "a.md")); string(b) != "a" {
		t.Errorf("local edit survived the sync: %q", b)
	}
	if _, err := os.Stat(filepath.Join(s2.ContentDir(), "stray.md")); !os.IsNotExist(err) {
		t.Errorf("untracked file survived the sync: %v", err)
	}
	if got := s2.CommitOf("d.md"); got != head {
		t.Errorf("CommitOf(d.md) = %q, want %s", got, head)
	}
	if got := s2.CommitOf("missing.md"); got != "" {
		t.Errorf("CommitOf(missing.md) = %q, want \"\"", got)
	}
}

func TestForcePush(t *testing.T) {
	t.Parallel()
	r := newRemote(t)
	r.commit(map[string]string{"content/a.md": "a", "content/b.md": "b"})
	old := r.commit(map[string]string{"content/c.md": "c"})
	s := newSyncer(t, r, "content")
	sync1(t, s, "")

	// Rewrite history: a new root commit with different files.
	gitT(t, r.work, "checkout", "--quiet", "--orphan", "rewrite")
	gitT(t, r.work, "rm", "-r", "--quiet", "--cached", ".")
	for _, f := range []string{"content/a.md", "content/b.md", "content/c.md"} {
		os.Remove(filepath.Join(r.work, f))
	}
	gitT(t, r.work, "branch", "--quiet", "-D", "main")
	gitT(t, r.work, "checkout", "--quiet", "-b", "main")
	head := r.commit(map[string]string{"content/a.md": "a2", "content/x.md": "x"})

	// The old checkout still has the old commit: the diff is exact.
	c := sync1(t, s, old)
	lists(t, "known old commit", c, [3][]string{{"x.md"}, {"a.md"}, {"b.md", "c.md"}})

	// A fresh checkout has never seen it: everything is offered again.
	fresh := newSyncer(t, r, "content")
	c = sync1(t, fresh, old)
	lists(t, "unknown old commit", c, [3][]string{{"a.md", "x.md"}, nil, nil})
	if c.From != "" || c.To != head {
		t.Errorf("From/To = %q/%q, want \"\"/%s", c.From, c.To, head)
	}
	for _, bogus := range []string{"0123456789abcdef0123456789abcdef01234567", "--output=/tmp/x", "HEAD~1", "zz"} {
		lists(t, "bogus last "+bogus, sync1(t, fresh, bogus), [3][]string{{"a.md", "x.md"}, nil, nil})
	}
}

func TestBrokenCheckout(t *testing.T) {
	t.Parallel()
	r := newRemote(t)
	r.commit(map[string]string{"a.md": "a"})
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "keep.txt"), []byte("user data"), 0o644); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(r.work, "sub") // a folder inside another repository
	if err := os.MkdirAll(filepath.Join(sub, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, sub} {
		s, err := New(Config{URL: r.url, Dir: d})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Sync(t.Context(), "")
		if err == nil || !strings.Contains(err.Error(), "delete the folder") || !strings.HasPrefix(err.Error(), "gitsync: ") {
			t.Errorf("Sync in %s: err = %v, want a gitsync error telling to delete the folder", d, err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "keep.txt")); string(b) != "user data" {
		t.Error("a folder that is not a checkout was modified")
	}
}

func TestNewValidation(t *testing.T) {
	needGit(t)
	tests := []struct {
		name string
		cfg  Config
		want string // substring of the error; "" = valid
	}{
		{"ok", Config{URL: "file:///x", Dir: "d"}, ""},
		{"ok nested branch", Config{URL: "file:///x", Dir: "d", Branch: "release/2025"}, ""},
		{"no url", Config{Dir: "d"}, "content.git.url"},
		{"url option", Config{URL: "--upload-pack=touch /tmp/x", Dir: "d"}, `starts with "-"`},
		{"no dir", Config{URL: "file:///x"}, "Dir"},
		{"branch option", Config{URL: "file:///x", Dir: "d", Branch: "-oops"}, `starts with "-"`},
		{"branch option long", Config{URL: "file:///x", Dir: "d", Branch: "--upload-pack=x"}, `starts with "-"`},
		{"branch range", Config{URL: "file:///x", Dir: "d", Branch: "a..b"}, `".."`},
		{"branch space", Config{URL: "file:///x", Dir: "d", Branch: "a b"}, "space"},
		{"branch colon", Config{URL: "file:///x", Dir: "d", Branch: "a:b"}, "space or one of"},
		{"branch lock", Config{URL: "file:///x", Dir: "d", Branch: "x.lock"}, ".lock"},
		{"branch hidden", Config{URL: "file:///x", Dir: "d", Branch: "a/.b"}, `starting with "."`},
		{"branch slash", Config{URL: "file:///x", Dir: "d", Branch: "a/"}, "empty path component"},
		{"branch control", Config{URL: "file:///x", Dir: "d", Branch: "a\nb"}, "control"},
		{"subdir escape", Config{URL: "file:///x", Dir: "d", Subdir: "../etc"}, "inside the repository"},
		{"subdir absolute", Config{URL: "file:///x", Dir: "d", Subdir: "/etc"}, "inside the repository"},
		{"git missing", Config{URL: "file:///x", Dir: "d", Git: "/nonexistent/git"}, "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(tt.cfg)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				if s.cfg.Branch == "" || s.cfg.Interval != DefaultInterval || !filepath.IsAbs(s.cfg.Dir) {
					t.Errorf("defaults not applied: %+v", s.cfg)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "gitsync: ") {
				t.Fatalf("New: err = %v, want gitsync error containing %q", err, tt.want)
			}
		})
	}
	s, err := New(Config{URL: "file:///x", Dir: "d", Subdir: "./content/"})
	if err != nil || s.ContentDir() != filepath.Join(s.cfg.Dir, "content") {
		t.Errorf("ContentDir = %q, %v", s.ContentDir(), err)
	}
}

func TestFetchErrors(t *testing.T) {
	t.Parallel()
	r := newRemote(t)
	r.commit(map[string]string{"a.md": "a"})
	tests := []struct {
		name, url, branch string
		want              string
	}{
		{"missing branch", r.url, "nope", "gitsync: fetch: "},
		{"missing repo", r.url + "-gone", "main", "gitsync: fetch: "},
	}
	for _, tt := range tests {
		s, err := New(Config{URL: tt.url, Branch: tt.branch, Dir: filepath.Join(t.TempDir(), "c")})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Sync(t.Context(), "")
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) || !strings.Contains(err.Error(), "fatal") {
			t.Errorf("%s: err = %v, want %q with git's message", tt.name, err, tt.want)
		}
		if s.Head() != "" {
			t.Errorf("%s: Head after a failed first sync = %q", tt.name, s.Head())
		}
	}
}

func TestCredentialsRedacted(t *testing.T) {
	t.Parallel()
	needGit(t)
	const token = "s3cret-T0ken"
	// Port 1 on loopback refuses the connection at once; no traffic leaves.
	var logs syncBuffer
	s, err := New(Config{
		URL: "https://deploy:" + token + "@127.0.0.1:1/office/content.git", Dir: filepath.Join(t.TempDir(), "c"),
		Interval: time.Millisecond, Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Sync(t.Context(), "")
	if err == nil {
		t.Fatal("Sync of an unreachable remote succeeded")
	}
	if strings.Contains(err.Error(), token) || !strings.Contains(err.Error(), "[redacted]@127.0.0.1") {
		t.Errorf("error leaks or hides too much: %v", err)
	}
	if cfg, err := os.ReadFile(filepath.Join(s.cfg.Dir, ".git", "config")); err != nil || strings.Contains(string(cfg), token) {
		t.Errorf("checkout config holds the token or is missing (%v):\n%s", err, cfg)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- s.Run(ctx, "", make(chan Changes)) }()
	logs.waitFor(t, "sync failed")
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run returned %v after cancel", err)
	}
	if strings.Contains(logs.String(), token) {
		t.Errorf("log leaks the token:\n%s", logs.String())
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ url, in, want string }{
		{"https://user:tok%2Fen123@host/r.git", "fatal: https://user:tok%2Fen123@host/r.git and tok/en123 and tok%2Fen123",
			"fatal: https://[redacted]@host/r.git and [redacted] and [redacted]"},
		{"https://ghp_abcdefgh@github.com/o/r", "unable to access 'https://ghp_abcdefgh@github.com/o/r/'",
			"unable to access 'https://[redacted]@github.com/o/r/'"},
		{"https://git@host/r", "https://git@host/r: git failed", "https://[redacted]@host/r: git failed"},
		{"https://u:p@host/r", "https://u:p@host/r p", "https://[redacted]@host/r p"},
		{"git@github.com:o/r.git", "git@github.com:o/r.git", "git@github.com:o/r.git"},
		{"https://host/a@b", "https://host/a@b", "https://host/a@b"},
		{"file:///srv/content.git", "file:///srv/content.git", "file:///srv/content.git"},
	}
	for _, tt := range tests {
		r := runner{secrets: secretsOf(tt.url)}
		if got := r.redact(tt.in); got != tt.want {
			t.Errorf("redact(%q) with URL %q = %q, want %q", tt.in, tt.url, got, tt.want)
		}
	}
}

func TestRunRecoversAfterFetchFailure(t *testing.T) {
	t.Parallel()
	r := newRemote(t)
	first := r.commit(map[string]string{"a.md": "a"})
	var logs syncBuffer
	s, err := New(Config{URL: r.url, Dir: filepath.Join(t.TempDir(), "c"), Interval: 10 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	out := make(chan Changes)
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, "", out) }()

	c := receive(t, out)
	lists(t, "start", c, [3][]string{{"a.md"}, nil, nil})

	// The remote disappears: Run logs and keeps going.
	hidden := r.bare + ".away"
	if err := os.Rename(r.bare, hidden); err != nil {
		t.Fatal(err)
	}
	logs.waitFor(t, "sync failed")
	// It comes back with a new commit: Run picks it up from where it was.
	if err := os.Rename(hidden, r.bare); err != nil {
		t.Fatal(err)
	}
	head := r.commit(map[string]string{"b.md": "b"})
	c = receive(t, out)
	lists(t, "after recovery", c, [3][]string{{"b.md"}, nil, nil})
	if c.From != first || c.To != head {
		t.Errorf("From/To = %q/%q, want %s/%s", c.From, c.To, first, head)
	}
	logs.waitFor(t, "recovered")
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
}

// receive waits for one Changes; the limit only guards against a hang.
func receive(t *testing.T, out <-chan Changes) Changes {
	t.Helper()
	select {
	case c := <-out:
		return c
	case <-time.After(15 * time.Second):
		t.Fatal("no Changes from Run")
		return Changes{}
	}
}

// syncBuffer is a log sink that tests can wait on.
type syncBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor polls the log until it contains s; the limit only guards
// against a hang.
func (b *syncBuffer) waitFor(t *testing.T, s string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(b.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("log never said %q:\n%s", s, b.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestSyncCanceled(t *testing.T) {
	t.Parallel()
	r := newRemote(t)
	r.commit(map[string]string{"a.md": "a"})
	s := newSyncer(t, r, "")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s.Sync(ctx, ""); !errors.Is(err, context.Canceled) {
		t.Errorf("Sync with a canceled context: %v", err)
	}
}
