// Package faketg is a fake Telegram Bot API server for tests. It speaks the
// wire format of https://core.telegram.org/bots/api on an httptest server:
// POST or GET /bot<token>/<method> with multipart/form-data (what
// github.com/go-telegram/bot sends), application/x-www-form-urlencoded or
// JSON bodies, answered with {"ok":true,"result":…} or
// {"ok":false,"error_code":…,"description":…,"parameters":{…}}.
//
// It keeps bots, chats, members and messages; validates parse_mode=HTML
// text and lengths as Telegram does; records every call; optionally
// enforces the per-chat flood limits; injects faults (429 with retry_after,
// 5xx, slow answers, dropped connections); and lets a test inject user
// messages and button taps that getUpdates (long polling) or a webhook
// delivers.
package faketg

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/fake/fault"
)

// DefaultToken is the token of the bot every Server starts with. It has the
// shape of a real token (id:secret) and is only valid on the fake.
const DefaultToken = "7000001:AAfakeTokenForTestsOnly-0123456789ab"

// Clock tells the fake what time it is: call times, message dates and the
// flood limits use it. Tests that pace against a manual clock pass the same
// clock to the client and the fake.
type Clock interface{ Now() time.Time }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// Option configures a Server.
type Option func(*Server)

// WithClock makes the server read time from c (default: the wall clock).
func WithClock(c Clock) Option { return func(s *Server) { s.clock = c } }

// WithFloodLimits makes the server answer 429 with retry_after, as Telegram
// does, when a bot sends to one chat more than perMinute messages in any 60
// seconds or two sends less than minInterval apart
// (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this).
// A media group counts one send and one message per item.
func WithFloodLimits(perMinute int, minInterval time.Duration) Option {
	return func(s *Server) { s.perMinute, s.minInterval = perMinute, minInterval }
}

// Server is a running fake Bot API server.
type Server struct {
	// URL is the base URL to pass as the client's server URL
	// (bot.WithServerURL); requests go to URL/bot<token>/<method>.
	URL string

	srv    *httptest.Server
	clock  Clock
	closed chan struct{}
	once   sync.Once

	perMinute   int
	minInterval time.Duration

	mu        sync.Mutex
	bots      map[string]*botState // by token
	users     map[int64]User
	chats     map[int64]*chatState
	usernames map[string]int64 // lower-case chat username → id
	calls     []Call
	called    chan struct{} // closed and replaced when a call is recorded
	faults    []Fault
	hook      func(Call) (Fault, bool)
	callbacks map[string]*callbackState
	nextCB    int
	nextFile  int
}

// New starts a fake server with one bot (DefaultToken, @pressbot_test_bot)
// and no chats. It is closed when the test ends.
func New(tb testing.TB, opts ...Option) *Server {
	s := &Server{
		clock:     realClock{},
		closed:    make(chan struct{}),
		bots:      map[string]*botState{},
		users:     map[int64]User{},
		chats:     map[int64]*chatState{},
		usernames: map[string]int64{},
		callbacks: map[string]*callbackState{},
		called:    make(chan struct{}),
	}
	for _, o := range opts {
		o(s)
	}
	s.AddBot(DefaultToken, "pressbot_test_bot")
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.srv.URL
	tb.Cleanup(s.Close)
	return s
}

// Token returns DefaultToken.
func (s *Server) Token() string { return DefaultToken }

// Close ends long polls and hung answers and stops the server.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.closed)
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
}

// apiError is a Bot API error answer.
type apiError struct {
	Code        int
	Description string
	RetryAfter  int
}

func errBadRequest(format string, args ...any) *apiError {
	return &apiError{Code: 400, Description: "Bad Request: " + fmt.Sprintf(format, args...)}
}

func errForbidden(desc string) *apiError {
	return &apiError{Code: 403, Description: "Forbidden: " + desc}
}

func errTooMany(wait time.Duration) *apiError {
	secs := int(math.Ceil(wait.Seconds()))
	if secs < 1 {
		secs = 1
	}
	return &apiError{Code: 429, Description: fmt.Sprintf("Too Many Requests: retry after %d", secs), RetryAfter: secs}
}

// request is one parsed API call.
type request struct {
	method string
	bot    *botState
	params map[string]string
	files  map[string][]byte
}

func (r *request) str(k string) string { return r.params[k] }

func (r *request) int64(k string) (int64, bool) {
	v, err := strconv.ParseInt(strings.TrimSpace(r.params[k]), 10, 64)
	return v, err == nil
}

func (s *Server) serveHTTP(w http.ResponseWriter, hr *http.Request) {
	token, method, ok := splitPath(hr.URL.Path)
	if !ok {
		writeJSON(w, http.StatusNotFound, errorBody(&apiError{Code: 404, Description: "Not Found"}))
		return
	}
	params, files, err := parseParams(hr)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody(errBadRequest("%v", err)))
		return
	}
	s.mu.Lock()
	b := s.bots[token]
	s.mu.Unlock()
	call := Call{Method: method, ChatID: params["chat_id"], Params: params, Time: s.clock.Now()}
	call.fill(params)
	if b == nil {
		ae := &apiError{Code: 401, Description: "Unauthorized"}
		s.finish(w, hr, &call, nil, ae, Fault{})
		return
	}
	call.BotID = b.user.ID
	req := &request{method: strings.ToLower(method), bot: b, params: params, files: files}
	f := s.takeFault(call)
	if f.Status != 0 {
		s.finish(w, hr, &call, nil, &apiError{Code: f.Status, Description: f.description(), RetryAfter: f.RetryAfter}, f)
		return
	}
	result, ae := s.dispatch(hr, req, &call)
	s.finish(w, hr, &call, result, ae, f)
}

// splitPath splits /bot<token>/<method>.
func splitPath(p string) (token, method string, ok bool) {
	rest, ok := strings.CutPrefix(p, "/bot")
	if !ok {
		return "", "", false
	}
	token, method, ok = strings.Cut(rest, "/")
	return token, method, ok && token != "" && method != "" && !strings.Contains(method, "/")
}

// finish records the call and answers it, applying the fault's delay,
// hang or drop after the request was processed.
func (s *Server) finish(w http.ResponseWriter, hr *http.Request, call *Call, result any, ae *apiError, f Fault) {
	status, body := http.StatusOK, []byte(nil)
	if ae != nil {
		status = ae.Code
		call.Description = ae.Description
		body = errorBody(ae)
	} else {
		body, _ = json.Marshal(map[string]any{"ok": true, "result": result})
	}
	if f.RawBody != "" {
		body = []byte(f.RawBody)
	}
	call.Status = status
	if f.Drop {
		call.Status = 0
	}
	s.mu.Lock()
	s.calls = append(s.calls, *call)
	close(s.called)
	s.called = make(chan struct{})
	s.mu.Unlock()
	switch {
	case f.Drop:
		fault.Drop(w)
		return
	case f.Hang:
		fault.Hang(hr, s.closed)
		return
	case f.Delay > 0:
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-hr.Context().Done():
			return
		case <-s.closed:
			return
		}
	}
	writeRaw(w, status, body, f.RawBody == "")
}

func errorBody(ae *apiError) []byte {
	m := map[string]any{"ok": false, "error_code": ae.Code, "description": ae.Description}
	if ae.RetryAfter > 0 {
		m["parameters"] = map[string]any{"retry_after": ae.RetryAfter}
	}
	b, _ := json.Marshal(m)
	return b
}

func writeJSON(w http.ResponseWriter, status int, body []byte) { writeRaw(w, status, body, true) }

func writeRaw(w http.ResponseWriter, status int, body []byte, isJSON bool) {
	if isJSON {
		w.Header().Set("Content-Type", "application/json")
	} else {
		w.Header().Set("Content-Type", "text/html")
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// parseParams reads the parameters of a call from the query string and a
// multipart, url-encoded or JSON body. JSON objects and arrays are kept as
// their JSON text, as they arrive in forms.
func parseParams(r *http.Request) (map[string]string, map[string][]byte, error) {
	params := map[string]string{}
	files := map[string][]byte{}
	for k, v := range r.URL.Query() {
		params[k] = v[0]
	}
	ct, ctParams, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		return parseMultipart(r, ctParams["boundary"], params, files)
	case "application/x-www-form-urlencoded":
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, nil, err
		}
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, nil, fmt.Errorf("malformed form: %w", err)
		}
		for k, v := range vals {
			params[k] = v[0]
		}
	case "application/json":
		if err := parseJSONBody(r.Body, params); err != nil {
			return nil, nil, err
		}
	default:
		_, _ = io.Copy(io.Discard, r.Body)
	}
	return params, files, nil
}

func parseMultipart(r *http.Request, boundary string, params map[string]string, files map[string][]byte) (map[string]string, map[string][]byte, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, nil, err
	}
	// go-telegram/bot sends a call without parameters (getMe) as an empty
	// multipart body; Telegram accepts it.
	if len(bytes.TrimSpace(body)) == 0 {
		return params, files, nil
	}
	if boundary == "" {
		return nil, nil, fmt.Errorf("multipart body without boundary")
	}
	form, err := multipart.NewReader(bytes.NewReader(body), boundary).ReadForm(32 << 20)
	if err != nil {
		return nil, nil, fmt.Errorf("malformed multipart body: %w", err)
	}
	defer func() { _ = form.RemoveAll() }()
	for k, v := range form.Value {
		params[k] = v[0]
	}
	for k, fhs := range form.File {
		f, err := fhs[0].Open()
		if err != nil {
			return nil, nil, err
		}
		data, err := io.ReadAll(f)
		_ = f.Close()
		if err != nil {
			return nil, nil, err
		}
		files[k] = data
	}
	return params, files, nil
}

func parseJSONBody(body io.Reader, params map[string]string) error {
	data, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("malformed JSON body: %w", err)
	}
	for k, raw := range m {
		var str string
		if json.Unmarshal(raw, &str) == nil {
			params[k] = str
			continue
		}
		params[k] = string(raw)
	}
	return nil
}
