package main

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeRenameE2E runs serve with no configuration (./content, SQLite,
// dry-run outbox) and renames the file of a published release while it
// runs, then while it is stopped: the release moves to its new ID, nothing
// is offered again and the outbox gets no second post.
func TestServeRenameE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildPressbot(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "content/2025/a.md"),
		"---\ntitle: Office opens\ndate: 2025-03-01T10:00:00+05:00\nlang: en\n---\n\nThe office opened today.\n")
	addr := freeAddr(t)
	start := func(log string) *e2e {
		e := &e2e{t: t, dir: dir, done: make(chan struct{}), http: &http.Client{Timeout: 5 * time.Second}, base: "http://" + addr}
		e.logPath = filepath.Join(dir, log)
		logf, err := os.Create(e.logPath)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { logf.Close() })
		e.cmd = exec.Command(bin, "serve", "-http", addr, "-log-format", "json")
		e.cmd.Dir, e.cmd.Stdout, e.cmd.Stderr, e.cmd.Env = dir, logf, logf, cleanEnv()
		if err := e.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { e.waitErr = e.cmd.Wait(); close(e.done) }()
		t.Cleanup(func() {
			select {
			case <-e.done:
			default:
				_ = e.cmd.Process.Kill()
				<-e.done
			}
			if t.Failed() {
				noRedirect := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
				e.until("the old page address redirects to the new one", func() bool {
					resp, err := noRedirect.Get(e.base + "/releases/2025/a/")
					if err != nil {
						return false
					}
					resp.Body.Close()
					return resp.StatusCode == http.StatusMovedPermanently && resp.Header.Get("Location") == "../../../releases/2025/b/"
				})
				b, _ := os.ReadFile(e.logPath)
				t.Logf("pressbot serve log %s:\n%s", log, b)
			}
		})
		return e
	}
	cli := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir, cmd.Env = dir, cleanEnv()
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("pressbot %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	outbox := func() []string {
		files, _ := filepath.Glob(filepath.Join(dir, "outbox", "*", "*.json"))
		return files
	}

	e := start("serve1.log")
	e.untilLog(`"msg":"release awaits approval`)
	cli("approve", "2025/a", "-at", "now")
	e.until("three posts in the outbox", func() bool { return len(outbox()) == 3 })
	e.untilLog(`"msg":"content synced"`)

	// Renamed while serve runs, then a rescan.
	if err := os.Rename(filepath.Join(dir, "content/2025/a.md"), filepath.Join(dir, "content/2025/b.md")); err != nil {
		t.Fatal(err)
	}
	e.untilLog(`"msg":"release file renamed`)
	if err := os.Chtimes(filepath.Join(dir, "content/2025/b.md"), time.Now(), time.Now()); err != nil {
		t.Fatal(err) // a rescan sees it changed, and finds it unchanged
	}
	time.Sleep(2 * time.Second)
	if out := cli("queue"); !strings.Contains(out, "(nothing queued)") {
		t.Errorf("queue after the rename:\n%s", out)
	}
	if out := cli("status", "2025/b"); !strings.Contains(out, "renamed:  from 2025/a") || !strings.Contains(out, "state:    published") {
		t.Errorf("status 2025/b after the rename:\n%s", out)
	}
	noRedirect := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	e.until("the old page address redirects to the new one", func() bool {
		resp, err := noRedirect.Get(e.base + "/releases/2025/a/")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusMovedPermanently && resp.Header.Get("Location") == "../../../releases/2025/b/"
	})
	b, _ := os.ReadFile(e.logPath)
	if strings.Contains(string(b), `"msg":"release awaits approval (no Telegram approvers' chat configured): approve schedules it at each channel's next free slot, or with -at now at once","release":"2025/b"`) {
		t.Error("2025/b was offered for approval")
	}

	// Renamed again while serve is stopped: the start moves it.
	e.stop()
	if err := os.Rename(filepath.Join(dir, "content/2025/b.md"), filepath.Join(dir, "content/2025/c.md")); err != nil {
		t.Fatal(err)
	}
	e = start("serve2.log")
	e.untilLog(`"msg":"release file renamed`)
	e.untilLog(`"msg":"content synced"`)
	if out := cli("queue"); !strings.Contains(out, "(nothing queued)") {
		t.Errorf("queue after the rename while stopped:\n%s", out)
	}
	if out := cli("status", "2025/a"); !strings.Contains(out, "2025/a was renamed: it is 2025/c now") {
		t.Errorf("status 2025/a:\n%s", out)
	}
	if files := outbox(); len(files) != 3 {
		t.Errorf("the outbox has %d posts, want the 3 of the first publication: %v", len(files), files)
	}
}
