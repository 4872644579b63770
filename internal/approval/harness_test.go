package approval_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/approval"
	"github.com/pressbot/pressbot/internal/channel/telegram"
	"github.com/pressbot/pressbot/internal/content"
	faketg "github.com/pressbot/pressbot/internal/fake/telegram"
	"github.com/pressbot/pressbot/internal/queue"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/render"
	"github.com/pressbot/pressbot/internal/store"
)

// Chats and people of the scenarios.
const (
	group   = int64(-1001234567890) // the approvers' chat
	channel = int64(-1009876543210) // the public channel @unpress
)

var (
	alice   = faketg.User{ID: 101, FirstName: "Alice", Username: "alice"}
	bob     = faketg.User{ID: 102, FirstName: "Bob", Username: "bob"}
	vera    = faketg.User{ID: 103, FirstName: "Vera", Username: "vera"}
	mallory = faketg.User{ID: 666, FirstName: "Mallory", Username: "mallory"}
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// wait bounds every wait of a scenario.
const wait = 20 * time.Second

// world is one scenario: a fake Bot API, a SQLite store, a River queue
// publishing to the fake's channel (telegram) and to recording fakes
// (facebook, x), and the bot under test.
type world struct {
	t      *testing.T
	ctx    context.Context
	tg     *faketg.Server
	st     *store.Store
	rnd    *render.Renderer
	bot    *approval.Bot
	cfg    approval.Config
	slots  *slots
	tgchan *telegram.Channel
	fb, x  *fakeChannel
	stop   func()
}

// option changes a world's bot configuration before it starts.
type option func(*approval.Config)

func required(n int, rules ...approval.Rule) option {
	return func(c *approval.Config) { c.Required, c.Rules = n, rules }
}

// newWorld builds and starts a scenario's parts; everything stops at the
// end of the test.
func newWorld(t *testing.T, opts ...option) *world {
	t.Helper()
	return newWorldQueue(t, queue.Options{}, opts...)
}

// newWorldQueue is newWorld with the queue's options qopts (its notifier,
// logger and poll interval are the world's).
func newWorldQueue(t *testing.T, qopts queue.Options, opts ...option) *world {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	w := &world{t: t, ctx: ctx, tg: faketg.New(t), slots: &slots{}}
	w.tg.AddChat(faketg.Chat{ID: group, Type: faketg.ChatSupergroup, Title: "Press officers"})
	w.tg.AddAdmin(group, w.tg.Token())
	w.tg.AddChat(faketg.Chat{ID: channel, Type: faketg.ChatChannel, Title: "UN Press", Username: "unpress"})
	w.tg.AddAdmin(channel, w.tg.Token())
	for _, u := range []faketg.User{alice, bob, vera, mallory} {
		w.tg.SetMember(group, u.ID, faketg.Member{Status: faketg.StatusMember})
	}
	var err error
	w.st, err = store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "pressbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.st.Close() })
	w.rnd, err = render.New(render.Config{BaseURL: "https://news.example.org", Zone: tashkent(),
		Channels: []render.Channel{{Name: "telegram", Kind: release.KindTelegram}, {Name: "facebook", Kind: release.KindFacebook},
			{Name: "x", Kind: release.KindX, Thread: true}}})
	if err != nil {
		t.Fatal(err)
	}
	w.tgchan, err = telegram.New(telegram.Config{Name: "telegram", Token: w.tg.Token(), ChatID: fmt.Sprint(channel), Username: "unpress",
		BaseURL: w.tg.URL, PerMinute: 10000, MinInterval: time.Microsecond, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	w.fb, w.x = newFakeChannel("facebook", "https://facebook.example/post/"), newFakeChannel("x", "https://x.example/unpress/status/")
	w.cfg = approval.Config{Token: w.tg.Token(), APIURL: w.tg.URL, ChatID: group, Zone: tashkent(),
		BaseURL: "https://news.example.org", PollTimeout: 2 * time.Second, Logger: quiet,
		Users: []approval.User{{ID: alice.ID, Name: "Alice", Role: approval.RoleApprover}, {ID: bob.ID, Name: "Bob", Role: approval.RoleApprover},
			{ID: vera.ID, Name: "Vera", Role: approval.RoleViewer}},
		Editor: editors{w}, Deleter: editors{w}}
	for _, o := range opts {
		o(&w.cfg)
	}
	w.bot = w.newBot()
	qopts.Notifier, qopts.Logger, qopts.FetchPollInterval = w.bot, quiet, 50*time.Millisecond
	q, err := queue.New(w.st, map[string]queue.Publisher{"telegram": w.tgchan, "facebook": w.fb, "x": w.x}, qopts)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = q.Stop(c)
	})
	if w.cfg.Mode != approval.ModeWebhook {
		w.stop = w.run(w.bot)
	}
	return w
}

// newBot builds a bot on the world's store, renderer and slots.
func (w *world) newBot() *approval.Bot {
	b, err := approval.New(w.cfg, w.st, w.rnd, w.slots)
	if err != nil {
		w.t.Fatal(err)
	}
	return b
}

// run runs b until the returned function (or the test's end) stops it.
func (w *world) run(b *approval.Bot) func() {
	ctx, cancel := context.WithCancel(w.ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := b.Run(ctx); err != nil {
			w.t.Errorf("Run: %v", err)
		}
	}()
	stop := func() { cancel(); <-done }
	w.t.Cleanup(stop)
	return stop
}

// tashkent is the office zone.
func tashkent() *time.Location {
	loc, err := time.LoadLocation("Asia/Tashkent")
	if err != nil {
		return time.FixedZone("Asia/Tashkent", 5*3600)
	}
	return loc
}

// source writes a release file with front matter fields and body.
func source(title, lang, key string, tags []string, body string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %q\ndate: 2024-05-14T09:00:00+05:00\nlocation: Tashkent, Uzbekistan\nlang: %s\n", title, lang)
	if key != "" {
		fmt.Fprintf(&b, "translation_key: %s\n", key)
	}
	if len(tags) > 0 {
		fmt.Fprintf(&b, "tags: [%s]\n", strings.Join(tags, ", "))
	}
	b.WriteString("image: https://img.example.org/office.jpg\nimage_alt: The new office\n---\n\n")
	b.WriteString(body)
	return b.String()
}

const body = `The United Nations opened a regional office in Tashkent on Tuesday to support sustainable development across Central Asia.

"This office brings us closer to the people we serve," said the Resident Coordinator. The office will host 40 staff & partners <from> five countries.

It will work on water, climate and trade.
`

// release parses a release file.
func (w *world) release(id, src string) release.Release {
	w.t.Helper()
	rel, problems := content.Parse(id+".md", id, []byte(src), content.Options{Zone: tashkent()})
	if content.HasErrors(problems) {
		w.t.Fatalf("release %s: %v", id, problems)
	}
	return rel
}

// offer stores rel as the content watcher would and offers it; it returns
// the change.
func (w *world) offer(rel release.Release) store.Change {
	w.t.Helper()
	ch, err := w.st.UpsertRelease(w.ctx, rel, store.ActorSystem)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.bot.Offer(w.ctx, rel, ch); err != nil {
		w.t.Fatalf("Offer: %v", err)
	}
	return ch
}

// posts renders rel.
func (w *world) posts(rel release.Release) map[string]release.Post {
	w.t.Helper()
	ps, err := w.rnd.Render(rel)
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[string]release.Post{}
	for _, p := range ps {
		out[p.Channel] = p
	}
	return out
}

// find waits until a message of chat satisfies ok and returns it.
func (w *world) find(chat int64, what string, ok func(faketg.Message) bool) faketg.Message {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(w.ctx, wait)
	defer cancel()
	for {
		n := len(w.tg.Calls())
		for _, m := range w.tg.Messages(chat) {
			if ok(m) {
				return m
			}
		}
		if _, err := w.tg.WaitCalls(ctx, "", n+1); err != nil {
			w.t.Fatalf("no message %s in chat %d: %v\nmessages:\n%s", what, chat, err, dump(w.tg.Messages(chat)))
		}
	}
}

// findText waits for a message of the approvers' chat containing all of
// parts.
func (w *world) findText(parts ...string) faketg.Message {
	w.t.Helper()
	return w.find(group, fmt.Sprintf("containing %q", parts), func(m faketg.Message) bool { return containsAll(m.Plain, parts...) })
}

// card waits for the newest control card (a message with buttons whose
// text has title) and returns it.
func (w *world) card(title string, after int) faketg.Message {
	w.t.Helper()
	return w.find(group, "card of "+title, func(m faketg.Message) bool {
		return m.ID > after && m.ReplyMarkup != "" && strings.HasPrefix(m.Plain, "📰 "+title)
	})
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// dump lists messages for failure output.
func dump(ms []faketg.Message) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "#%d reply_to=%d markup=%q\n%s\n---\n", m.ID, m.ReplyTo, m.ReplyMarkup, m.Plain)
	}
	return b.String()
}

// tap presses the button labelled label on message id as user and returns
// the bot's answer.
func (w *world) tap(user faketg.User, id int, label string) faketg.CallbackAnswer {
	w.t.Helper()
	cb, err := w.tg.TapText(user, group, id, label)
	if err != nil {
		w.t.Fatalf("%v\nmessage: %+v", err, w.message(id))
	}
	return w.answer(cb)
}

// inject delivers a callback with any data (a forged or old button).
func (w *world) inject(user faketg.User, id int, data string) faketg.CallbackAnswer {
	w.t.Helper()
	cb, err := w.tg.InjectCallback(user, group, id, data)
	if err != nil {
		w.t.Fatal(err)
	}
	return w.answer(cb)
}

// answer waits for the answer to callback query cb.
func (w *world) answer(cb string) faketg.CallbackAnswer {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(w.ctx, wait)
	defer cancel()
	for {
		n := len(w.tg.Calls("answerCallbackQuery"))
		if a, ok := w.tg.CallbackAnswer(cb); ok {
			return a
		}
		if _, err := w.tg.WaitCalls(ctx, "answerCallbackQuery", n+1); err != nil {
			w.t.Fatalf("callback %s not answered: %v", cb, err)
		}
	}
}

// buttonData returns the callback data of the button labelled label.
func (w *world) buttonData(id int, label string) string {
	w.t.Helper()
	m := w.message(id)
	i := strings.Index(m.ReplyMarkup, `"text":"`+label+`"`)
	if i < 0 {
		w.t.Fatalf("message %d has no button %q: %s", id, label, m.ReplyMarkup)
	}
	rest := m.ReplyMarkup[i:]
	j := strings.Index(rest, `"callback_data":"`) + len(`"callback_data":"`)
	return rest[j : j+strings.IndexByte(rest[j:], '"')]
}

// message returns message id of the approvers' chat.
func (w *world) message(id int) faketg.Message {
	w.t.Helper()
	m, ok := w.tg.Message(group, id)
	if !ok {
		w.t.Fatalf("no message %d", id)
	}
	return m
}

// record reads release id from the store.
func (w *world) record(id string) store.Record {
	w.t.Helper()
	rec, err := w.st.Get(w.ctx, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return rec
}

// waitState waits until release id's post on channel is in state.
func (w *world) waitPost(id, ch string, state release.Status) store.PostRecord {
	w.t.Helper()
	deadline := time.Now().Add(wait)
	for {
		for _, p := range w.record(id).Posts {
			if p.Channel == ch && p.State == state {
				return p
			}
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("post %s on %s never became %s: %+v", id, ch, state, w.record(id).Posts)
		}
		ctx, cancel := context.WithTimeout(w.ctx, 200*time.Millisecond)
		_, _ = w.tg.WaitCalls(ctx, "", len(w.tg.Calls())+1) // wake on any activity
		cancel()
	}
}

// slots is the test's posting policy: each channel's slots are the given
// offsets from now (none: the bot publishes as soon as approved).
type slots struct {
	mu      sync.Mutex
	offsets []time.Duration
}

func (s *slots) set(offsets ...time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offsets = offsets
}

// Slots implements approval.Slots.
func (s *slots) Slots(_ context.Context, _ string, after, embargo time.Time, n int) []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := after
	if embargo.After(start) {
		start = embargo
	}
	var out []time.Time
	for _, o := range s.offsets {
		if len(out) < n {
			out = append(out, start.Add(o).Truncate(time.Minute))
		}
	}
	return out
}

// fakeChannel is a recording publisher, editor and deleter for facebook
// and x; replies[i] is the error of send i (nil: success).
type fakeChannel struct {
	name, url string
	mu        sync.Mutex
	replies   []error
	sent      []release.Post
	edits     []release.Post
	deleted   []release.Receipt
	deleteErr error // what Delete answers (nil: success)
}

func newFakeChannel(name, url string) *fakeChannel { return &fakeChannel{name: name, url: url} }

// failNext makes the next sends fail with errs, in order.
func (f *fakeChannel) failNext(errs ...error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.replies = append(f.replies, errs...)
}

// Publish implements queue.Publisher.
func (f *fakeChannel) Publish(_ context.Context, p release.Post) (release.Receipt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, p)
	if len(f.replies) > 0 {
		err := f.replies[0]
		f.replies = f.replies[1:]
		if err != nil {
			return release.Receipt{}, err
		}
	}
	id := fmt.Sprint(len(f.sent))
	return release.Receipt{Channel: f.name, RemoteIDs: []string{id}, URL: f.url + id}, nil
}

// sends returns the posts sent so far.
func (f *fakeChannel) sends() []release.Post {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]release.Post(nil), f.sent...)
}

// editors routes the bot's edits and deletions to the world's channels.
type editors struct{ w *world }

// Edit implements approval.Editor.
func (e editors) Edit(ctx context.Context, ch string, r release.Receipt, p release.Post) error {
	switch ch {
	case "telegram":
		return e.w.tgchan.Edit(ctx, r, p)
	case "facebook", "x":
		f := map[string]*fakeChannel{"facebook": e.w.fb, "x": e.w.x}[ch]
		f.mu.Lock()
		defer f.mu.Unlock()
		f.edits = append(f.edits, p)
		return nil
	}
	return errors.New("no such channel")
}

// Delete implements approval.Deleter; x cannot delete here.
func (e editors) Delete(ctx context.Context, ch string, r release.Receipt) error {
	switch ch {
	case "telegram":
		return e.w.tgchan.Delete(ctx, r)
	case "facebook":
		e.w.fb.mu.Lock()
		defer e.w.fb.mu.Unlock()
		if e.w.fb.deleteErr != nil {
			return e.w.fb.deleteErr
		}
		e.w.fb.deleted = append(e.w.fb.deleted, r)
		return nil
	}
	return fmt.Errorf("x: delete: %w", release.ErrNotSupported)
}

// uncertain and permanent are classified send errors.
var (
	uncertain = &release.SendError{Class: release.ClassUncertain, Err: errors.New("POST /2/tweets: read: connection reset by peer")}
	permanent = &release.SendError{Class: release.ClassPermanent, Err: errors.New("graph: (#100) Invalid parameter")}
)

// httpClient is a client for the webhook tests.
var httpClient = &http.Client{Timeout: 10 * time.Second}
