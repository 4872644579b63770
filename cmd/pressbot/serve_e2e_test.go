package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"text/template"
	"time"

	fakefb "github.com/pressbot/pressbot/internal/fake/facebook"
	faketg "github.com/pressbot/pressbot/internal/fake/telegram"
	fakex "github.com/pressbot/pressbot/internal/fake/x"
)

// Chats and people of the end-to-end test.
const (
	e2eGroup   = int64(-1001000000001) // the approvers' chat
	e2eChannel = int64(-1001000000002) // the public channel @e2enews
	e2eTitle   = "Regional office opens a water project"
	e2eWait    = 20 * time.Second // bound of every wait
)

var (
	e2eAlice   = faketg.User{ID: 101, FirstName: "Alice", Username: "alice"}
	e2eMallory = faketg.User{ID: 666, FirstName: "Mallory", Username: "mallory"}
)

// e2e is one running `pressbot serve` and the fakes it talks to.
type e2e struct {
	t       *testing.T
	dir     string // working folder of the subprocess
	base    string // http://127.0.0.1:port
	tg      *faketg.Server
	fb      *fakefb.Server
	x       *fakex.Server
	cmd     *exec.Cmd
	logPath string
	done    chan struct{} // closed when the subprocess has exited
	waitErr error         // cmd.Wait's result, once done is closed
	http    *http.Client
}

// TestServeE2E runs the whole loop through the binary: a release written to
// the content folder is offered in the approvers' chat, refused to a
// stranger, published by an approver to fake Telegram, Facebook and X, shown
// in the feed and the metrics, reported back with links; an edit then asks
// again and updates the published posts; SIGTERM stops the process cleanly.
func TestServeE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	e := startE2E(t, buildPressbot(t))
	e.waitReady()

	path := filepath.Join(e.dir, "content", "2026", "e2e.md")
	writeFile(t, filepath.Join(e.dir, "content", e2eImage), e2ePNG)
	writeFile(t, path, e2eRelease("Tuesday"))

	card := e.card(0)
	// The picture is served while the release awaits approval: Telegram
	// fetches the preview's photo, and then the platforms theirs, before
	// the release is in the newsroom.
	preview := e.find("the preview photo", func(m faketg.Message) bool { return m.Photo != "" })
	if want := e.base + "/media/" + e2eImage; preview.Photo != want {
		t.Errorf("preview photo %q, want %q", preview.Photo, want)
	}
	if code, body := e.get("/media/" + e2eImage); code != http.StatusOK || body != e2ePNG {
		t.Errorf("GET the pending release's picture: %d, %d bytes", code, len(body))
	}
	if code, _ := e.get("/media/images/2026/unused.png"); code != http.StatusNotFound {
		t.Errorf("GET a picture no release names: %d, want 404", code)
	}
	if !strings.Contains(card.Plain, "2026/e2e") {
		t.Errorf("card does not name the release id:\n%s", card.Plain)
	}
	if a := e.tap(e2eMallory, card.ID, "⚡ Publish now"); !a.ShowAlert || !strings.Contains(a.Text, "only the press office's approvers") {
		t.Errorf("stranger's tap answered %+v, want a refusal alert", a)
	}
	if n := len(e.fb.Posts()) + len(e.x.Tweets()) + len(e.tg.Messages(e2eChannel)); n != 0 {
		t.Fatalf("%d posts made after a stranger's tap", n)
	}
	// X fetches the page a post links to as it receives the post, for its
	// card (Facebook and Telegram do the same for their previews): the
	// page must answer by then, with the release's own title.
	page := "/releases/2026/e2e/"
	var card1 sync.Once
	cardFetch := make(chan string, 1)
	e.x.SetHook(func(c fakex.Call) (fakex.Fault, bool) {
		if c.Method == http.MethodPost && c.Path == "/2/tweets" && strings.Contains(string(c.Body), e.base+page) {
			card1.Do(func() {
				code, body := e.get(page)
				cardFetch <- fmt.Sprintf("%d %v", code, strings.Contains(body, `<meta property="og:title" content="`+e2eTitle+`">`))
			})
		}
		return fakex.Fault{}, false
	})
	if a := e.tap(e2eAlice, card.ID, "⚡ Publish now"); a.ShowAlert {
		t.Fatalf("approver's tap refused: %+v", a)
	}

	// The posts reach every platform.
	e.until("a post in the Telegram channel", func() bool { return len(e.tg.Messages(e2eChannel)) > 0 })
	e.until("a Facebook post", func() bool { return len(e.fb.Posts()) > 0 })
	e.until("a post on X", func() bool { return len(e.x.Tweets()) > 0 })
	tgPost, fbPost, tweet := e.tg.Messages(e2eChannel)[0], e.fb.Posts()[0], e.x.Tweets()[0]
	if got := <-cardFetch; got != "200 true" {
		t.Errorf("the page the post links to, fetched as X received the post: %s, want 200 with the release's og:title", got)
	}
	if len(tweet.MediaIDs) != 1 {
		t.Errorf("tweet has %d pictures, want 1 (X fetches it from the newsroom)", len(tweet.MediaIDs))
	} else if m := e.x.Media(tweet.MediaIDs[0]); m == nil || m.Type != "image/png" {
		t.Errorf("tweet's picture %+v, want the release's PNG", m)
	}
	if tgPost.Photo != e.base+"/media/"+e2eImage {
		t.Errorf("Telegram post photo %q", tgPost.Photo)
	}
	for name, text := range map[string]string{"telegram": tgPost.Plain, "facebook": fbPost.Message, "x": tweet.Text} {
		if !strings.Contains(text, e2eTitle) {
			t.Errorf("%s post lacks the headline: %q", name, text)
		}
		if !strings.Contains(text, "#Water") || strings.Contains(text, "Sensitive") {
			t.Errorf("%s post: want #Water and not the approval rule's tag: %q", name, text)
		}
	}
	// The approvers saw the same posts, without the private tag.
	for _, m := range e.tg.Messages(e2eGroup) {
		if strings.Contains(m.Plain, "Sensitive") {
			t.Errorf("the approvers' chat shows the private tag:\n%s", m.Plain)
		}
	}

	// The approvers get the links.
	links := e.findText("📣 Published: "+e2eTitle,
		fmt.Sprintf("https://t.me/e2enews/%d", tgPost.ID), tweet.ID, strings.TrimPrefix(fbPost.ID, fakefb.PageID+"_"))
	if links.ReplyTo != card.ID {
		t.Errorf("links reply to message %d, want the card %d", links.ReplyTo, card.ID)
	}

	// The newsroom and the metrics follow.
	feed := e.untilGet("/feed.xml", func(body string) bool {
		return strings.Contains(body, e2eTitle) && strings.Contains(body, e.base+"/releases/2026/e2e")
	})
	if !strings.Contains(feed, "<category>water</category>") || strings.Contains(strings.ToLower(feed), "sensitive") {
		t.Errorf("feed: want the category water and not the private tag:\n%s", feed)
	}
	if code, _ := e.get("/tags/sensitive/"); code != http.StatusNotFound {
		t.Errorf("GET /tags/sensitive/: %d, want 404", code)
	}
	// The archive answers where a reader trims the page's address.
	for p, want := range map[string]string{"/releases/": `<a href="2026/">2026 `, "/releases/2026/": `<a href="../../releases/2026/e2e/">`} {
		if code, body := e.get(p); code != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("GET %s: %d, want 200 with %s:\n%s", p, code, want, body)
		}
	}
	e.untilGet("/metrics", func(body string) bool {
		for _, ch := range []string{"telegram", "facebook", "x"} {
			if !strings.Contains(body, `pressbot_publish_attempts_total{channel="`+ch+`",result="published"} 1`) {
				return false
			}
		}
		return true
	})

	// An edit after publishing asks again, and the update reaches the posts.
	writeFile(t, path, e2eRelease("Wednesday"))
	again := e.card(links.ID)
	if !strings.Contains(again.Plain, "Update the published posts?") {
		t.Errorf("card after the edit:\n%s", again.Plain)
	}
	if a := e.tap(e2eMallory, again.ID, "✏️ Update published posts"); !a.ShowAlert {
		t.Errorf("stranger could update: %+v", a)
	}
	e.tap(e2eAlice, again.ID, "✏️ Update published posts")
	report := e.findText("Update of the published posts, by Alice", "telegram: edited", "facebook: edited")
	if m, _ := e.tg.Message(e2eChannel, tgPost.ID); !strings.Contains(m.Plain, "Wednesday") {
		t.Errorf("channel post not edited: %q", m.Plain)
	}
	if p := e.fb.Posts()[0]; p.Edits != 1 || !strings.Contains(p.Message, "Wednesday") {
		t.Errorf("facebook post after the update: %d edits, %q", p.Edits, p.Message)
	}
	// The newsroom follows the update at once (not at its next minute).
	e.untilGet("/feed.xml", func(body string) bool {
		return strings.Contains(body, "Wednesday") && !strings.Contains(body, "Tuesday")
	})

	// Withdrawn, the release leaves the newsroom at once (within e2eWait,
	// not at the minute's check), and its page answers 410 Gone.
	writeFile(t, path, strings.Replace(e2eRelease("Wednesday"), "lang: en\n", "lang: en\nwithdrawn: true\n", 1))
	e.until("the withdrawn release's page to answer 410", func() bool {
		code, _ := e.get(page)
		return code == http.StatusGone
	})
	if _, body := e.get("/feed.xml"); strings.Contains(body, e2eTitle) {
		t.Error("the withdrawn release is still in the feed")
	}

	e.stop()

	// X cannot edit: the update is a correction reply to the thread.
	if !strings.Contains(report.Plain, "x: correction reply posted") {
		t.Errorf("update report:\n%s", report.Plain)
	}
	var reply bool
	for _, tw := range e.x.Tweets() {
		reply = reply || (tw.InReplyTo != "" && strings.Contains(tw.Text, "Wednesday"))
	}
	if !reply {
		t.Errorf("no correction reply on X: %+v", e.x.Tweets())
	}
}

// buildPressbot builds the binary once into a temporary folder.
func buildPressbot(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "pressbot")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startE2E starts the fakes and `pressbot serve` against them.
func startE2E(t *testing.T, bin string) *e2e {
	t.Helper()
	return startE2EWith(t, bin, e2eConfig)
}

// startE2EWith is startE2E with the configuration made by cfgTmpl.
func startE2EWith(t *testing.T, bin string, cfgTmpl *template.Template) *e2e {
	t.Helper()
	e := &e2e{t: t, dir: t.TempDir(), tg: faketg.New(t), fb: fakefb.New(t), x: fakex.New(t),
		done: make(chan struct{}), http: &http.Client{Timeout: 5 * time.Second}}
	e.tg.AddChat(faketg.Chat{ID: e2eGroup, Type: faketg.ChatSupergroup, Title: "Press officers"})
	e.tg.AddAdmin(e2eGroup, e.tg.Token())
	e.tg.AddChat(faketg.Chat{ID: e2eChannel, Type: faketg.ChatChannel, Title: "E2E News", Username: "e2enews"})
	e.tg.AddAdmin(e2eChannel, e.tg.Token())
	for _, u := range []faketg.User{e2eAlice, e2eMallory} {
		e.tg.SetMember(e2eGroup, u.ID, faketg.Member{Status: faketg.StatusMember})
	}
	e.base = "http://" + freeAddr(t)
	if err := os.MkdirAll(filepath.Join(e.dir, "content"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(e.dir, "pressbot.yaml")
	writeFile(t, cfg, e.config(cfgTmpl))

	e.logPath = filepath.Join(e.dir, "serve.log")
	logf, err := os.Create(e.logPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { logf.Close() })
	e.cmd = exec.Command(bin, "serve", "-config", cfg, "-log-format", "json", "-log-level", "debug")
	e.cmd.Dir, e.cmd.Stdout, e.cmd.Stderr = e.dir, logf, logf
	e.cmd.Env = cleanEnv()
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
			b, _ := os.ReadFile(e.logPath)
			t.Logf("pressbot serve log:\n%s", b)
		}
	})
	return e
}

// cleanEnv is the test's environment without PRESSBOT_* overrides.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PRESSBOT_") {
			env = append(env, kv)
		}
	}
	return env
}

// freeAddr returns a loopback address that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// e2eConfigHead, e2eConfigApproval and e2eConfigChannels make up the
// configuration of the end-to-end tests, with every platform at a fake.
const (
	e2eConfigHead = `office:
  zone: Asia/Tashkent
content:
  dir: content
  rescan: 1s
db: sqlite:{{.Dir}}/pressbot.db
http:
  addr: {{.Addr}}
site:
  base_url: {{.Base}}
`
	e2eConfigApproval = `approval:
  telegram:
    token: "{{.TGToken}}"
    chat_id: {{.Group}}
    mode: polling
    api_url: {{.TG}}
  users:
    - id: {{.Alice}}
      name: Alice
      role: approver
  required_approvals: 1
  rules:
    - {tag: sensitive, required: 1} # a workflow tag: never published
`
	e2eConfigChannels = `channels:
  - name: telegram
    kind: telegram
    token: "{{.TGToken}}"
    chat_id: "{{.Channel}}"
    username: e2enews
    api_url: {{.TG}}
    schedule: {slots: "Mon-Sun 09:30", min_gap: 1h}
  - name: facebook
    kind: facebook
    page_id: "{{.PageID}}"
    page_token: "{{.PageToken}}"
    app_secret: "{{.AppSecret}}"
    graph_version: v23.0
    api_url: {{.FB}}
    schedule: {slots: "Mon-Sun 10:00", min_gap: 1h}
  - name: x
    kind: x
    thread: true
    consumer_key: "{{.CK}}"
    consumer_secret: "{{.CS}}"
    access_token: "{{.AT}}"
    access_secret: "{{.AS}}"
    api_url: {{.X}}
    schedule: {slots: "Mon-Sun 09:45", min_gap: 1h}
`
)

// e2eConfig is the configuration with an approvers' chat.
var e2eConfig = template.Must(template.New("cfg").Parse(e2eConfigHead + e2eConfigApproval + e2eConfigChannels))

// config returns the YAML configuration made by tmpl, pointing every
// platform at a fake.
func (e *e2e) config(tmpl *template.Template) string {
	var b bytes.Buffer
	err := tmpl.Execute(&b, map[string]any{
		"Dir": e.dir, "Addr": strings.TrimPrefix(e.base, "http://"), "Base": e.base,
		"TGToken": e.tg.Token(), "Group": e2eGroup, "Channel": e2eChannel, "TG": e.tg.URL, "Alice": e2eAlice.ID,
		"PageID": fakefb.PageID, "PageToken": fakefb.PageToken, "AppSecret": fakefb.AppSecret, "FB": e.fb.URL,
		"CK": fakex.ConsumerKey, "CS": fakex.ConsumerSecret, "AT": fakex.AccessToken, "AS": fakex.AccessSecret, "X": e.x.URL,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return b.String()
}

// e2eImage is the release's picture, under content/; e2ePNG its bytes
// (enough of a PNG for X's type check).
const (
	e2eImage = "images/2026/water.png"
	e2ePNG   = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR picture"
)

// e2eRelease is the release file; day varies between versions.
func e2eRelease(day string) string {
	return `---
title: "` + e2eTitle + `"
date: 2026-05-14T09:00:00+05:00
location: Tashkent, Uzbekistan
lang: en
image: ` + e2eImage + `
image_alt: A canal in the Fergana valley
tags: [Sensitive, water]
---

The regional office opened a water project in Tashkent on ` + day + ` to help farmers across Central Asia.

"Water is the region's future," said the Representative.
`
}

// writeFile writes data to path, creating its folder.
func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// until polls ok until it holds; it fails the test when the deadline
// passes or the subprocess exits.
func (e *e2e) until(what string, ok func() bool) {
	e.t.Helper()
	deadline := time.NewTimer(e2eWait)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !ok() {
		select {
		case <-e.done:
			e.t.Fatalf("waiting for %s: pressbot serve exited: %v", what, e.waitErr)
		case <-deadline.C:
			e.t.Fatalf("waiting for %s: no luck after %s", what, e2eWait)
		case <-tick.C:
		}
	}
}

// get fetches path from the subprocess; status 0 means no answer.
func (e *e2e) get(path string) (int, string) {
	resp, err := e.http.Get(e.base + path)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// untilGet polls path until it answers 200 with a body that satisfies ok.
func (e *e2e) untilGet(path string, ok func(body string) bool) string {
	e.t.Helper()
	var last string
	var code int
	defer func() {
		if e.t.Failed() {
			e.t.Logf("last answer of %s (%d):\n%s", path, code, last)
		}
	}()
	e.until("GET "+path, func() bool {
		code, last = e.get(path)
		return code == http.StatusOK && ok(last)
	})
	return last
}

// waitReady waits until /readyz answers 200.
func (e *e2e) waitReady() {
	e.t.Helper()
	e.untilGet("/readyz", func(string) bool { return true })
	if code, _ := e.get("/healthz"); code != http.StatusOK {
		e.t.Errorf("/healthz answered %d", code)
	}
}

// find waits for a message of the approvers' chat that satisfies ok.
func (e *e2e) find(what string, ok func(faketg.Message) bool) faketg.Message {
	e.t.Helper()
	var found faketg.Message
	defer func() {
		if e.t.Failed() && found.ID == 0 {
			e.t.Logf("approvers' chat:\n%s", e2eDump(e.tg.Messages(e2eGroup)))
		}
	}()
	e.until(what, func() bool {
		for _, m := range e.tg.Messages(e2eGroup) {
			if ok(m) {
				found = m
				return true
			}
		}
		return false
	})
	return found
}

// findText waits for a message of the approvers' chat containing parts.
func (e *e2e) findText(parts ...string) faketg.Message {
	e.t.Helper()
	return e.find(fmt.Sprintf("a message with %q", parts), func(m faketg.Message) bool {
		for _, p := range parts {
			if !strings.Contains(m.Plain, p) {
				return false
			}
		}
		return true
	})
}

// card waits for a control card of the release newer than message after.
func (e *e2e) card(after int) faketg.Message {
	e.t.Helper()
	return e.find("the card of "+e2eTitle, func(m faketg.Message) bool {
		return m.ID > after && m.ReplyMarkup != "" && strings.HasPrefix(m.Plain, "📰 "+e2eTitle)
	})
}

// tap presses the button labelled label on message id as user and waits
// for the bot's answer.
func (e *e2e) tap(user faketg.User, id int, label string) faketg.CallbackAnswer {
	e.t.Helper()
	cb, err := e.tg.TapText(user, e2eGroup, id, label)
	if err != nil {
		m, _ := e.tg.Message(e2eGroup, id)
		e.t.Fatalf("tap %q: %v\nmessage: %+v", label, err, m)
	}
	var a faketg.CallbackAnswer
	e.until("the answer to "+user.FirstName+"'s tap", func() bool {
		var ok bool
		a, ok = e.tg.CallbackAnswer(cb)
		return ok
	})
	return a
}

// stop sends SIGTERM and checks that the process exits with status 0.
func (e *e2e) stop() {
	e.t.Helper()
	if err := e.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		e.t.Fatal(err)
	}
	select {
	case <-e.done:
	case <-time.After(e2eWait):
		e.t.Fatal("pressbot serve did not stop within 20 s of SIGTERM")
	}
	if e.waitErr != nil { // an *exec.ExitError for a status other than 0
		e.t.Fatalf("pressbot serve after SIGTERM: %v", e.waitErr)
	}
	b, err := os.ReadFile(e.logPath)
	if err != nil {
		e.t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"msg":"stopped cleanly"`)) {
		e.t.Errorf("log lacks the clean stop")
	}
}

// e2eDump lists messages for failure output.
func e2eDump(ms []faketg.Message) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "#%d reply_to=%d markup=%q\n%s\n---\n", m.ID, m.ReplyTo, m.ReplyMarkup, m.Plain)
	}
	return b.String()
}
