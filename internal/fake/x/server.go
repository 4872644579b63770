// Package fakex is a fake X API v2 server for tests. It speaks the wire
// format of https://docs.x.com/x-api on an httptest server: OAuth 1.0a
// user-context requests whose HMAC-SHA1 signature it verifies against the
// consumer and token secrets it knows (independently of any client
// library), JSON bodies for POST /2/tweets and POST /2/media/metadata, a
// multipart body for POST /2/media/upload, answers as {"data":…} and errors
// in X's problem shape {"title","detail","type","status"} or
// {"errors":[…],"title","detail","type"}, with x-rate-limit-* headers on
// every answer.
//
// It keeps posts (with their reply chains) and uploaded media, refuses
// duplicate content and over-long text with 403 as X does, records every
// call, and injects faults: 429 with x-rate-limit-reset, 5xx, any status
// and problem, answers held until the client gives up, and connections
// dropped after the request was read (optionally after carrying the call
// out, so the post exists but its answer is lost).
package fakex

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/fake/fault"
	"github.com/pressbot/pressbot/internal/render/textlen"
)

// Credentials every Server starts with. They are only valid on the fake.
const (
	ConsumerKey    = "fakeConsumerKey0123456789"
	ConsumerSecret = "fakeConsumerSecret0123456789abcdefghijklmnopqr"
	AccessToken    = "1500000000000000001-fakeAccessToken0123456789abcdef"
	AccessSecret   = "fakeAccessSecret0123456789abcdefghijklmnopqrstu"
	UserID         = "1500000000000000001"
	Username       = "pressbot_test"
)

// MaxWeight is the weighted length X allows in a post.
const MaxWeight = 280

// Tweet is a post on the fake.
type Tweet struct {
	ID        string
	AuthorID  string
	Text      string
	InReplyTo string
	MediaIDs  []string
	Created   time.Time
	Deleted   bool
}

// Media is an uploaded picture.
type Media struct {
	ID       string
	Key      string
	Category string
	Type     string // sniffed content type
	Data     []byte
	Alt      string
	OwnerID  string
}

// Call is one request the server received.
type Call struct {
	Method string
	Path   string
	// ContentType and Body are the request's, as received.
	ContentType string
	Body        []byte
	// OAuth holds the parsed Authorization header parameters.
	OAuth map[string]string
	// Status is the HTTP status answered (0 when the connection was
	// dropped or the answer held).
	Status int
}

// Fault is an injected misbehaviour for the next matching request.
type Fault struct {
	// Method and Path select requests: "" matches any; Path matches the
	// start of the path (e.g. "/2/tweets").
	Method string
	Path   string
	// After lets that many matching requests through first.
	After int

	// Status answers with that HTTP status and a problem body made of
	// Title, Detail and Type (defaults from the status). For 429 the
	// x-rate-limit-reset header is Reset (default: the clock + 15 min).
	Status int
	Title  string
	Detail string
	Type   string
	Reset  time.Time
	// Header is added to the answer.
	Header http.Header

	// Hang holds the answer until the client gives up.
	Hang bool
	// Drop closes the connection after the request was read, without an
	// answer.
	Drop bool
	// Apply carries the call out before a Hang or Drop: the post is made
	// but its answer is lost.
	Apply bool
}

type account struct {
	id, username, name string
	secret             string // token secret
	accessLevel        string // x-access-level: read, read-write, …
	revoked            bool
}

// Option configures a Server.
type Option func(*Server)

// WithClock makes the server read time from now (default time.Now) for
// rate-limit headers and post times. OAuth timestamps are always checked
// against the wall clock, as the signer uses it.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// Server is a running fake X API server.
type Server struct {
	// URL is the base URL to pass as the client's API and upload host.
	URL string

	srv    *httptest.Server
	closed chan struct{}
	once   sync.Once
	now    func() time.Time

	mu        sync.Mutex
	consumers map[string]string   // key → secret
	accounts  map[string]*account // access token → account
	nonces    map[string]bool
	tweets    []*Tweet
	media     map[string]*Media
	calls     []Call
	faults    []Fault
	hook      func(Call) (Fault, bool)
	nextID    int64
}

// New starts a fake server that knows one app (ConsumerKey,
// ConsumerSecret) and one account (@Username, AccessToken, AccessSecret,
// read-write). It is closed when the test ends.
func New(tb testing.TB, opts ...Option) *Server {
	s := &Server{
		closed:    make(chan struct{}),
		now:       time.Now,
		consumers: map[string]string{ConsumerKey: ConsumerSecret},
		accounts:  map[string]*account{},
		nonces:    map[string]bool{},
		media:     map[string]*Media{},
		nextID:    1800000000000000001,
	}
	for _, o := range opts {
		o(s)
	}
	s.AddAccount(AccessToken, AccessSecret, UserID, Username)
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.srv.URL
	tb.Cleanup(s.Close)
	return s
}

// Close releases held answers and stops the server.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.closed)
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
}

// AddAccount adds an account reachable with token and its secret.
func (s *Server) AddAccount(token, secret, id, username string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accounts[token] = &account{id: id, username: username, name: "Test " + username, secret: secret, accessLevel: "read-write"}
}

// SetAccessLevel sets a token's access level; "read" makes every write
// answer 403 (oauth1-permissions), as for an app without Write permission.
func (s *Server) SetAccessLevel(token, level string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.accounts[token]; a != nil {
		a.accessLevel = level
	}
}

// Revoke makes token answer 401 from now on.
func (s *Server) Revoke(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.accounts[token]; a != nil {
		a.revoked = true
	}
}

// Fail queues a fault for the next request that matches it.
func (s *Server) Fail(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// SetHook makes the server ask hook about every request that no queued
// fault matches: hook returns a fault to apply, or false to answer
// normally. A soak test draws random faults this way. The hook is called
// without the server's lock held (it may call the server) and concurrently
// for concurrent requests. Nil removes it.
func (s *Server) SetHook(hook func(Call) (Fault, bool)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hook = hook
}

// Calls returns the requests received so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// Tweets returns copies of every post made (deleted ones too), oldest
// first.
func (s *Server) Tweets() []Tweet {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Tweet, len(s.tweets))
	for i, t := range s.tweets {
		out[i] = *t
		out[i].MediaIDs = slices.Clone(t.MediaIDs)
	}
	return out
}

// Media returns a copy of an uploaded picture, or nil.
func (s *Server) Media(id string) *Media {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.media[id]
	if m == nil {
		return nil
	}
	cp := *m
	return &cp
}

// AddTweet puts a post on the account as if it had been made earlier, and
// returns its id.
func (s *Server) AddTweet(text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addTweet(&Tweet{AuthorID: UserID, Text: text})
}

func (s *Server) addTweet(t *Tweet) string {
	t.ID = s.newID()
	t.Created = s.now().UTC()
	s.tweets = append(s.tweets, t)
	return t.ID
}

func (s *Server) newID() string {
	id := strconv.FormatInt(s.nextID, 10)
	s.nextID++
	return id
}

// problem is an error answer.
type problem struct {
	Status int               `json:"status"`
	Title  string            `json:"title"`
	Detail string            `json:"detail"`
	Type   string            `json:"type"`
	Errors []json.RawMessage `json:"errors,omitempty"`
	header http.Header
}

func newProblem(status int, detail string) *problem {
	return &problem{Status: status, Title: http.StatusText(status), Detail: detail, Type: "about:blank"}
}

func invalidRequest(param, msg string) *problem {
	e, _ := json.Marshal(map[string]any{"parameters": map[string]any{param: []string{}}, "message": msg})
	return &problem{Status: http.StatusBadRequest, Title: "Invalid Request", Detail: "One or more parameters to your request was invalid.",
		Type: "https://api.twitter.com/2/problems/invalid-request", Errors: []json.RawMessage{e}}
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	r.Body = io.NopCloser(bytes.NewReader(body))
	oauth, _ := oauthParams(r.Header.Get("Authorization"))
	call := Call{Method: r.Method, Path: r.URL.Path, ContentType: r.Header.Get("Content-Type"), Body: body, OAuth: oauth}
	s.mu.Lock()
	idx := len(s.calls)
	s.calls = append(s.calls, call)
	f, faulted := s.takeFault(call)
	hook := s.hook
	s.mu.Unlock()
	if !faulted && hook != nil {
		f, faulted = hook(call)
	}
	setStatus := func(st int) {
		s.mu.Lock()
		s.calls[idx].Status = st
		s.mu.Unlock()
	}
	if faulted && f.Status != 0 && !f.Hang && !f.Drop {
		setStatus(s.writeProblem(w, s.faultProblem(f), f.Header))
		return
	}
	var (
		status = http.StatusOK
		result any
		prob   *problem
	)
	if !faulted || f.Apply || (!f.Hang && !f.Drop) {
		status, result, prob = s.handle(w, r)
	}
	if faulted && (f.Hang || f.Drop) {
		fault.Misbehave(w, r, f.Hang, s.closed)
		return
	}
	if prob != nil {
		setStatus(s.writeProblem(w, prob, f.Header))
		return
	}
	setStatus(s.writeJSON(w, status, map[string]any{"data": result}, f.Header))
}

func (s *Server) faultProblem(f Fault) *problem {
	p := newProblem(f.Status, f.Detail)
	if f.Title != "" {
		p.Title = f.Title
	}
	if f.Type != "" {
		p.Type = f.Type
	}
	if p.Detail == "" {
		p.Detail = p.Title
	}
	if f.Status == http.StatusTooManyRequests {
		reset := f.Reset
		if reset.IsZero() {
			reset = s.now().Add(15 * time.Minute)
		}
		p.header = http.Header{}
		p.header.Set("x-rate-limit-limit", "100")
		p.header.Set("x-rate-limit-remaining", "0")
		p.header.Set("x-rate-limit-reset", strconv.FormatInt(reset.Unix(), 10))
	}
	return p
}

// takeFault removes and returns the first queued fault matching c.
// Callers hold s.mu.
func (s *Server) takeFault(c Call) (Fault, bool) {
	return fault.Take(&s.faults, func(f *Fault) bool {
		return (f.Method == "" || strings.EqualFold(f.Method, c.Method)) && strings.HasPrefix(c.Path, f.Path)
	}, func(f *Fault) *int { return &f.After })
}

// rateHeaders are the x-rate-limit-* headers of a successful answer.
func (s *Server) rateHeaders(h http.Header) {
	if h.Get("x-rate-limit-reset") != "" {
		return
	}
	h.Set("x-rate-limit-limit", "100")
	h.Set("x-rate-limit-remaining", "99")
	h.Set("x-rate-limit-reset", strconv.FormatInt(s.now().Add(15*time.Minute).Unix(), 10))
}

func (s *Server) writeProblem(w http.ResponseWriter, p *problem, h http.Header) int {
	for k, v := range p.header {
		w.Header()[k] = v
	}
	return s.writeJSON(w, p.Status, p, h)
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, v any, h http.Header) int {
	for k, vs := range h {
		w.Header()[k] = vs
	}
	s.rateHeaders(w.Header())
	ctype := "application/json; charset=utf-8"
	if _, ok := v.(*problem); ok {
		ctype = "application/problem+json"
	}
	w.Header().Set("Content-Type", ctype)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
	return status
}

// handle authenticates and carries out a call. It may set headers on w.
func (s *Server) handle(w http.ResponseWriter, r *http.Request) (int, any, *problem) {
	var form url.Values
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		_ = r.ParseForm()
		form = r.PostForm
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	acct, err := s.verify(r, form)
	if err != nil {
		return 0, nil, newProblem(http.StatusUnauthorized, "Unauthorized")
	}
	if r.Method != http.MethodGet && !strings.Contains(acct.accessLevel, "write") {
		return 0, nil, &problem{Status: http.StatusForbidden, Title: "Forbidden",
			Detail: "Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.",
			Type:   "https://api.twitter.com/2/problems/oauth1-permissions"}
	}
	path := r.URL.Path
	switch {
	case r.Method == http.MethodGet && path == "/2/users/me":
		w.Header().Set("x-access-level", acct.accessLevel)
		return http.StatusOK, map[string]any{"id": acct.id, "name": acct.name, "username": acct.username}, nil
	case r.Method == http.MethodPost && path == "/2/tweets":
		return s.createTweet(r, acct)
	case r.Method == http.MethodDelete && strings.HasPrefix(path, "/2/tweets/"):
		return s.deleteTweet(strings.TrimPrefix(path, "/2/tweets/"), acct)
	case r.Method == http.MethodPost && path == "/2/media/upload":
		return s.upload(r, acct)
	case r.Method == http.MethodPost && path == "/2/media/metadata":
		return s.metadata(r, acct)
	}
	return 0, nil, newProblem(http.StatusNotFound, "Sorry, that page does not exist")
}

// decodeJSON decodes a JSON body strictly, as X rejects unknown fields.
func decodeJSON(r *http.Request, v any) *problem {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		return invalidRequest("body", "Content-Type must be application/json")
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return invalidRequest("body", err.Error())
	}
	return nil
}

type tweetBody struct {
	Text  string `json:"text"`
	Reply *struct {
		InReplyToTweetID string `json:"in_reply_to_tweet_id"`
	} `json:"reply"`
	Media *struct {
		MediaIDs []string `json:"media_ids"`
	} `json:"media"`
}

// createTweet answers POST /2/tweets.
func (s *Server) createTweet(r *http.Request, acct *account) (int, any, *problem) {
	var b tweetBody
	if p := decodeJSON(r, &b); p != nil {
		return 0, nil, p
	}
	if b.Text == "" && (b.Media == nil || len(b.Media.MediaIDs) == 0) {
		return 0, nil, invalidRequest("text", "a post needs text or media")
	}
	if textlen.XWeight(b.Text) > MaxWeight {
		return 0, nil, newProblem(http.StatusForbidden, "Your Tweet text is too long. For more information on how X determines text length see https://github.com/twitter/twitter-text.")
	}
	t := &Tweet{AuthorID: acct.id, Text: b.Text}
	if b.Reply != nil {
		parent := s.find(b.Reply.InReplyToTweetID)
		if parent == nil {
			return 0, nil, invalidRequest("reply.in_reply_to_tweet_id", fmt.Sprintf("The `reply.in_reply_to_tweet_id` query parameter value [%s] does not exist", b.Reply.InReplyToTweetID))
		}
		t.InReplyTo = parent.ID
	}
	if b.Media != nil {
		if len(b.Media.MediaIDs) > 4 {
			return 0, nil, invalidRequest("media.media_ids", "at most 4 media ids")
		}
		for _, id := range b.Media.MediaIDs {
			if m := s.media[id]; m == nil || m.OwnerID != acct.id {
				return 0, nil, invalidRequest("media.media_ids", fmt.Sprintf("Your media IDs are invalid: %s", id))
			}
		}
		t.MediaIDs = slices.Clone(b.Media.MediaIDs)
	}
	if b.Text != "" {
		for _, old := range s.tweets {
			if old.AuthorID == acct.id && !old.Deleted && old.Text == b.Text {
				return 0, nil, newProblem(http.StatusForbidden, "You are not allowed to create a Tweet with duplicate content.")
			}
		}
	}
	s.addTweet(t)
	return http.StatusCreated, map[string]any{"id": t.ID, "text": t.Text, "edit_history_tweet_ids": []string{t.ID}}, nil
}

// find returns the live post with id, or nil.
func (s *Server) find(id string) *Tweet {
	for _, t := range s.tweets {
		if t.ID == id && !t.Deleted {
			return t
		}
	}
	return nil
}

// deleteTweet answers DELETE /2/tweets/{id}.
func (s *Server) deleteTweet(id string, acct *account) (int, any, *problem) {
	t := s.find(id)
	if t == nil {
		return 0, nil, &problem{Status: http.StatusNotFound, Title: "Not Found Error", Type: "https://api.twitter.com/2/problems/resource-not-found",
			Detail: fmt.Sprintf("Could not find tweet with id: [%s].", id)}
	}
	if t.AuthorID != acct.id {
		return 0, nil, newProblem(http.StatusForbidden, "You are not authorized to delete this Tweet.")
	}
	t.Deleted = true
	return http.StatusOK, map[string]any{"deleted": true}, nil
}

// mediaCategories are the values media_category takes.
var mediaCategories = []string{"tweet_image", "tweet_gif", "tweet_video", "dm_image", "dm_gif", "dm_video", "subtitles"}

// upload answers the one-request POST /2/media/upload with a multipart
// body: the picture in "media", and media_category.
func (s *Server) upload(r *http.Request, acct *account) (int, any, *problem) {
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return 0, nil, invalidRequest("media", "want a multipart/form-data body: "+err.Error())
	}
	cat := r.FormValue("media_category")
	if cat == "" {
		cat = "tweet_image"
	}
	if !slices.Contains(mediaCategories, cat) {
		return 0, nil, invalidRequest("media_category", "unknown media_category "+cat)
	}
	f, _, err := r.FormFile("media")
	if err != nil {
		return 0, nil, invalidRequest("media", "the media field is missing")
	}
	defer f.Close()
	data, _ := io.ReadAll(f)
	ctype := http.DetectContentType(data)
	if !strings.HasPrefix(ctype, "image/") || len(data) > 5<<20 {
		return 0, nil, invalidRequest("media", "media type unrecognized or too large: "+ctype)
	}
	id := s.newID()
	s.media[id] = &Media{ID: id, Key: "3_" + id, Category: cat, Type: ctype, Data: data, OwnerID: acct.id}
	return http.StatusOK, map[string]any{"id": id, "media_key": "3_" + id, "size": len(data), "expires_after_secs": 86400,
		"image": map[string]any{"image_type": ctype}}, nil
}

// metadata answers POST /2/media/metadata (alt text).
func (s *Server) metadata(r *http.Request, acct *account) (int, any, *problem) {
	var b struct {
		ID       string `json:"id"`
		Metadata struct {
			AltText *struct {
				Text string `json:"text"`
			} `json:"alt_text"`
		} `json:"metadata"`
	}
	if p := decodeJSON(r, &b); p != nil {
		return 0, nil, p
	}
	m := s.media[b.ID]
	if m == nil || m.OwnerID != acct.id {
		return 0, nil, invalidRequest("id", "unknown media id "+b.ID)
	}
	if b.Metadata.AltText != nil {
		if n := len([]rune(b.Metadata.AltText.Text)); n > 1000 {
			return 0, nil, invalidRequest("metadata.alt_text.text", fmt.Sprintf("alt text is %d characters; at most 1000", n))
		}
		m.Alt = b.Metadata.AltText.Text
	}
	return http.StatusOK, map[string]any{"id": m.ID, "associated_metadata": b.Metadata}, nil
}
