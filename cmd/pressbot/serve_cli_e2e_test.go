package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"text/template"
	"time"

	fakex "github.com/pressbot/pressbot/internal/fake/x"
)

// e2eCLIConfig is e2eConfig without an approvers' chat: approval and every
// officer's word are given on the command line.
var e2eCLIConfig = template.Must(template.New("cfg").Parse(e2eConfigHead + e2eConfigChannels))

// TestServeCLIE2E runs an office without an approvers' chat through the
// binary: approve on the command line; X drops the connection, so the post
// is uncertain and serve logs the command that settles it; the officer
// finds no tweet and retries it; an edit after publishing is then pushed
// to the posts with update (an edit on Telegram and Facebook, a correction
// reply on X),
// and the live newsroom shows it within seconds, though it came from
// another process.
func TestServeCLIE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildPressbot(t)
	e := startE2EWith(t, bin, e2eCLIConfig)
	e.waitReady()
	cli := func(wantOK bool, args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, append(args, "-config", "pressbot.yaml")...)
		cmd.Dir, cmd.Env = e.dir, cleanEnv()
		out, err := cmd.CombinedOutput()
		if (err == nil) != wantOK {
			t.Fatalf("pressbot %s: %v, want success %v:\n%s", strings.Join(args, " "), err, wantOK, out)
		}
		return string(out)
	}
	path := e.dir + "/content/2026/e2e.md"
	writeFile(t, e.dir+"/content/"+e2eImage, e2ePNG)
	writeFile(t, path, e2eRelease("Tuesday"))
	e.untilLog(`"msg":"release awaits approval`)

	// X reads the request and drops the connection: the tweet is not
	// made, but pressbot cannot know that.
	e.x.Fail(fakex.Fault{Method: "POST", Path: "/2/tweets", Drop: true})
	cli(true, "approve", "2026/e2e", "-at", "now")
	e.untilLog(`"msg":"post needs an officer's word: the post may or may not have gone out`)
	if out := cli(true, "status", "2026/e2e"); !strings.Contains(out, "needs a word: x. Check the channel, then: pressbot resolve 2026/e2e retry|published|skip -channels x") {
		t.Errorf("status does not say what x needs:\n%s", out)
	}
	if n := len(e.x.Tweets()); n != 0 {
		t.Fatalf("X has %d tweets, want none", n)
	}
	cli(false, "approve", "2026/e2e", "-at", "now") // refused while x needs a word
	// The officer looks at the account, sees no tweet, and sends it again.
	cli(true, "resolve", "2026/e2e", "retry")
	e.until("the thread sent again", func() bool { return len(e.x.Tweets()) == 2 }) // headline and lead
	e.untilGet("/releases/2026/e2e/", func(b string) bool { return strings.Contains(b, "on Tuesday") })

	// An edit after publishing: serve records it, then update pushes it.
	// (A second later: the feeds give times to the second.)
	time.Sleep(1100 * time.Millisecond)
	writeFile(t, path, e2eRelease("Wednesday"))
	e.untilLog(`"msg":"published release changed`)
	if out := cli(true, "update", "2026/e2e"); !strings.Contains(out, "2026/e2e on telegram: edited") ||
		!strings.Contains(out, "2026/e2e on facebook: edited") || !strings.Contains(out, "2026/e2e on x: correction reply posted") {
		t.Errorf("update said:\n%s", out)
	}
	if msgs := e.tg.Messages(e2eChannel); len(msgs) != 1 || !strings.Contains(msgs[0].Plain, "on Wednesday") || msgs[0].Edits != 1 {
		t.Errorf("the channel's post was not edited once to Wednesday: %+v", msgs)
	}
	if tw := e.x.Tweets(); len(tw) != 3 || tw[2].InReplyTo != tw[1].ID {
		t.Errorf("X has %+v, want the thread and a correction replying to its end", tw)
	}
	// The live newsroom follows within seconds, though the change was
	// recorded by another process.
	e.untilGet("/releases/2026/e2e/", func(b string) bool { return strings.Contains(b, "on Wednesday") })
	// The feeds say when: date_modified is the update, not the publication.
	var feed struct {
		Items []struct {
			DatePublished time.Time `json:"date_published"`
			DateModified  time.Time `json:"date_modified"`
		} `json:"items"`
	}
	if _, body := e.get("/feed.json"); json.Unmarshal([]byte(body), &feed) != nil || len(feed.Items) != 1 ||
		!feed.Items[0].DateModified.After(feed.Items[0].DatePublished) {
		t.Errorf("feed.json items %+v, want date_modified after date_published:\n%s", feed.Items, body)
	}
	cli(true, "update", "2026/e2e") // nothing left to update
	if n := len(e.x.Tweets()); n != 3 {
		t.Errorf("X has %d tweets, want still 3: nothing is sent twice", n)
	}
	e.stop()
}

// untilLog waits until the serve log holds s.
func (e *e2e) untilLog(s string) {
	e.t.Helper()
	e.until("the log line "+s, func() bool {
		b, err := os.ReadFile(e.logPath)
		return err == nil && strings.Contains(string(b), s)
	})
}
