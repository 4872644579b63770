// Package fakefb is a fake Facebook Graph API server for tests. It speaks
// the wire format of https://developers.facebook.com/docs/graph-api on an
// httptest server: versioned paths (/v23.0/{node}/{edge}), parameters as
// application/x-www-form-urlencoded or multipart bodies or in the query,
// access_token and appsecret_proof verified against the tokens and app
// secret it knows, answers as JSON objects and errors as
// {"error":{"message","type","code","error_subcode","fbtrace_id"}}.
//
// It keeps Pages and their posts (feed posts and photo posts), answers
// /me, /debug_token, /{page-id}, /{page-id}/feed, /{page-id}/posts,
// /{page-id}/photos and /{post-id} (GET, POST to edit, DELETE), refuses
// repeated messages with code 506, records every call, and injects faults:
// any error code with usage headers, 5xx, answers held until the client
// gives up, and connections dropped after the request was read (optionally
// after carrying the call out, so the post exists but its answer is lost).
package fakefb

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/fake/fault"
)

// Credentials every Server starts with. They are only valid on the fake.
const (
	PageID    = "104000000000001"
	PageName  = "UN Office Test Page"
	PageToken = "EAAGfakePageTokenForTestsOnly0123456789abcdefZZ"
	AppID     = "900000000000001"
	AppSecret = "f4k3app53cr3t0123456789abcdef01"
)

// DefaultScopes are the permissions of a token added without scopes.
var DefaultScopes = []string{"pages_manage_posts", "pages_read_engagement", "pages_show_list"}

// Post is a post on a fake Page.
type Post struct {
	ID      string // {page-id}_{n}
	PageID  string
	PhotoID string // set for a photo post
	Message string // the feed message or the photo caption
	Link    string
	URL     string // the photo's url parameter
	Alt     string // alt_text_custom
	Created time.Time
	Edits   int
	Deleted bool
}

// Call is one request the server received.
type Call struct {
	Method  string
	Version string // e.g. "v23.0"
	Path    string // after the version, e.g. "/104000000000001/feed"
	// Query and Form are the query and body parameters as received
	// (including access_token and appsecret_proof).
	Query url.Values
	Form  url.Values
	// Status is the HTTP status answered (0 when the connection was
	// dropped or the answer held).
	Status int
}

// Param returns a parameter from the body, else from the query.
func (c Call) Param(k string) string {
	if v := c.Form.Get(k); v != "" {
		return v
	}
	return c.Query.Get(k)
}

// Fault is an injected misbehaviour for the next matching request.
type Fault struct {
	// Method and Path select requests: "" matches any; Path matches the
	// end of the path after the version (e.g. "/feed").
	Method string
	Path   string
	// After lets that many matching requests through first.
	After int

	// Code, Subcode, Type and Message make a Graph error answer; Status is
	// its HTTP status (default by code: 500 for 1 and 2, 403 for
	// permission codes, else 400). A Status without Code answers a bare
	// error of that status.
	Status  int
	Code    int
	Subcode int
	Type    string
	Message string
	// Header is added to the answer (e.g. X-App-Usage); a Fault with only
	// a Header adds it to a normal answer.
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

type tokenState struct {
	pageID    string
	appSecret string
	scopes    []string
	expired   bool
}

type page struct {
	id, name string
}

// Server is a running fake Graph API server.
type Server struct {
	// URL is the base URL to pass as the client's Graph host.
	URL string

	srv    *httptest.Server
	closed chan struct{}
	once   sync.Once

	mu            sync.Mutex
	tokens        map[string]*tokenState
	pages         map[string]*page
	posts         []*Post
	calls         []Call
	faults        []Fault
	hook          func(Call) (Fault, bool)
	nextPost      int
	nextPhoto     int
	nextTrace     int
	debugDisabled bool
	header        http.Header
}

// New starts a fake server with one Page (PageID, PageName) whose token is
// PageToken, issued to the app with AppSecret, with DefaultScopes. It is
// closed when the test ends.
func New(tb testing.TB) *Server {
	s := &Server{
		closed:    make(chan struct{}),
		tokens:    map[string]*tokenState{},
		pages:     map[string]*page{},
		nextPost:  1000000000000001,
		nextPhoto: 2000000000000001,
		header:    http.Header{},
	}
	s.AddPage(PageID, PageName, PageToken, AppSecret)
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

// AddPage adds a Page and a Page token for it issued to the app with
// appSecret, with DefaultScopes.
func (s *Server) AddPage(id, name, token, appSecret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[id] = &page{id: id, name: name}
	s.tokens[token] = &tokenState{pageID: id, appSecret: appSecret, scopes: slices.Clone(DefaultScopes)}
}

// SetScopes sets the permissions granted to token.
func (s *Server) SetScopes(token string, scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.tokens[token]; t != nil {
		t.scopes = scopes
	}
}

// ExpireToken makes token answer code 190 (subcode 463) from now on.
func (s *Server) ExpireToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.tokens[token]; t != nil {
		t.expired = true
	}
}

// DisableDebugToken makes /debug_token refuse to inspect Page tokens
// (code 100), as it may for tokens that are not an app's or a developer's.
func (s *Server) DisableDebugToken() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.debugDisabled = true
}

// SetHeader adds a header to every answer (e.g. X-App-Usage).
func (s *Server) SetHeader(k, v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.header.Set(k, v)
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

// Posts returns copies of every post made (deleted ones too), oldest first.
func (s *Server) Posts() []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Post, len(s.posts))
	for i, p := range s.posts {
		out[i] = *p
	}
	return out
}

// AddPost puts a post on a Page as if it had been made earlier, and returns
// its id.
func (s *Server) AddPost(pageID, message string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addPost(&Post{PageID: pageID, Message: message})
}

func (s *Server) addPost(p *Post) string {
	p.ID = fmt.Sprintf("%s_%d", p.PageID, s.nextPost)
	s.nextPost++
	p.Created = time.Now().UTC()
	s.posts = append(s.posts, p)
	return p.ID
}

// graphError is an error answer.
type graphError struct {
	Status  int
	Code    int
	Subcode int
	Type    string
	Message string
}

func errParam(format string, args ...any) *graphError {
	return &graphError{Code: 100, Type: "OAuthException", Message: "(#100) " + fmt.Sprintf(format, args...)}
}

func errNoObject(method, id string) *graphError {
	return &graphError{Code: 100, Subcode: 33, Type: "GraphMethodException", Message: fmt.Sprintf(
		"Unsupported %s request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation.",
		strings.ToLower(method), id)}
}

func errPermission() *graphError {
	return &graphError{Code: 200, Type: "OAuthException", Message: "(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts as an admin with sufficient administrative permission"}
}

func defaultStatus(code int) int {
	switch {
	case code == 1 || code == 2:
		return http.StatusInternalServerError
	case code == 10 || (code >= 200 && code <= 299):
		return http.StatusForbidden
	}
	return http.StatusBadRequest
}

var versionRE = regexp.MustCompile(`^/(v[0-9]+\.[0-9]+)(/.*)$`)

// request is one parsed call.
type request struct {
	method string
	path   string
	parts  []string
	params url.Values // body over query
	token  *tokenState
}

func (s *Server) serveHTTP(w http.ResponseWriter, hr *http.Request) {
	call := Call{Method: hr.Method, Path: hr.URL.Path, Query: hr.URL.Query()}
	form, perr := parseBody(hr)
	call.Form = form
	m := versionRE.FindStringSubmatch(hr.URL.Path)
	if m != nil {
		call.Version, call.Path = m[1], m[2]
	}
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
	if faulted && !f.Hang && !f.Drop && (f.Code != 0 || f.Status != 0) {
		ge := &graphError{Status: f.Status, Code: f.Code, Subcode: f.Subcode, Type: f.Type, Message: f.Message}
		setStatus(s.writeError(w, ge, f.Header))
		return
	}
	var (
		result any
		ge     *graphError
	)
	switch {
	case perr != nil:
		ge = errParam("%v", perr)
	case m == nil:
		ge = &graphError{Code: 2500, Type: "OAuthException", Message: "Unknown path components: the fake Graph API wants a pinned version, e.g. /v23.0/me"}
	default:
		params := url.Values{}
		for k, v := range call.Query {
			params[k] = v
		}
		for k, v := range form {
			params[k] = v
		}
		req := &request{method: hr.Method, path: call.Path, parts: strings.Split(strings.Trim(call.Path, "/"), "/"), params: params}
		if !faulted || f.Apply || (!f.Hang && !f.Drop) {
			result, ge = s.handle(req)
		}
	}
	if faulted && (f.Hang || f.Drop) {
		fault.Misbehave(w, hr, f.Hang, s.closed)
		return
	}
	if ge != nil {
		setStatus(s.writeError(w, ge, f.Header))
		return
	}
	setStatus(s.writeJSON(w, http.StatusOK, result, f.Header))
}

// parseBody parses a form or multipart body.
func parseBody(hr *http.Request) (url.Values, error) {
	ct := hr.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "multipart/form-data"):
		if err := hr.ParseMultipartForm(10 << 20); err != nil {
			return url.Values{}, err
		}
		return url.Values(hr.MultipartForm.Value), nil
	case hr.Method == http.MethodPost || hr.Method == http.MethodDelete:
		if err := hr.ParseForm(); err != nil {
			return url.Values{}, err
		}
		return hr.PostForm, nil
	}
	return url.Values{}, nil
}

// takeFault removes and returns the first queued fault matching c.
// Callers hold s.mu.
func (s *Server) takeFault(c Call) (Fault, bool) {
	return fault.Take(&s.faults, func(f *Fault) bool {
		return (f.Method == "" || strings.EqualFold(f.Method, c.Method)) && strings.HasSuffix(c.Path, f.Path)
	}, func(f *Fault) *int { return &f.After })
}

func (s *Server) writeError(w http.ResponseWriter, ge *graphError, h http.Header) int {
	status := ge.Status
	if status == 0 {
		status = defaultStatus(ge.Code)
	}
	if ge.Code == 0 {
		// A bare HTTP error, as from a proxy in front of Graph.
		for k, v := range h {
			w.Header()[k] = v
		}
		http.Error(w, http.StatusText(status), status)
		return status
	}
	s.mu.Lock()
	s.nextTrace++
	trace := fmt.Sprintf("AfakeTrace%06d", s.nextTrace)
	s.mu.Unlock()
	typ := ge.Type
	if typ == "" {
		typ = "OAuthException"
	}
	body := map[string]any{"message": ge.Message, "type": typ, "code": ge.Code, "fbtrace_id": trace}
	if ge.Subcode != 0 {
		body["error_subcode"] = ge.Subcode
	}
	if ge.Code == 190 || ge.Code == 102 {
		w.Header().Set("WWW-Authenticate", `OAuth "Facebook Platform" "invalid_token" "`+ge.Message+`"`)
	}
	return s.writeJSON(w, status, map[string]any{"error": body}, h)
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, v any, h http.Header) int {
	s.mu.Lock()
	for k, vs := range s.header {
		w.Header()[k] = slices.Clone(vs)
	}
	s.mu.Unlock()
	for k, vs := range h {
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
	return status
}

// authenticate checks access_token and appsecret_proof.
func (s *Server) authenticate(req *request) *graphError {
	tok := req.params.Get("access_token")
	if tok == "" {
		return &graphError{Code: 104, Type: "OAuthException", Message: "An access token is required to request this resource."}
	}
	t := s.tokens[tok]
	switch {
	case t == nil:
		return &graphError{Code: 190, Type: "OAuthException", Message: "Invalid OAuth access token - Cannot parse access token"}
	case t.expired:
		return &graphError{Code: 190, Subcode: 463, Type: "OAuthException", Message: "Error validating access token: Session has expired on Monday, 01-Jan-24 00:00:00 PST. The current time is later."}
	}
	proof := req.params.Get("appsecret_proof")
	if proof == "" {
		return &graphError{Code: 100, Type: "GraphMethodException", Message: "API calls from the server require an appsecret_proof argument"}
	}
	m := hmac.New(sha256.New, []byte(t.appSecret))
	m.Write([]byte(tok))
	want := hex.EncodeToString(m.Sum(nil))
	if !hmac.Equal([]byte(strings.ToLower(proof)), []byte(want)) {
		return &graphError{Code: 100, Type: "GraphMethodException", Message: "Invalid appsecret_proof provided in the API argument"}
	}
	req.token = t
	return nil
}

// handle carries out an authenticated call.
func (s *Server) handle(req *request) (any, *graphError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ge := s.authenticate(req); ge != nil {
		return nil, ge
	}
	p := req.parts
	switch {
	case len(p) == 1 && p[0] == "me" && req.method == http.MethodGet:
		pg := s.pages[req.token.pageID]
		return map[string]any{"id": pg.id, "name": pg.name}, nil
	case len(p) == 1 && p[0] == "debug_token" && req.method == http.MethodGet:
		return s.debugToken(req)
	case len(p) == 1 && s.pages[p[0]] != nil && req.method == http.MethodGet:
		pg := s.pages[p[0]]
		return map[string]any{"id": pg.id, "name": pg.name}, nil
	case len(p) == 2 && s.pages[p[0]] != nil:
		return s.edge(req, p[0], p[1])
	case len(p) == 1:
		return s.node(req, p[0])
	}
	return nil, &graphError{Code: 2500, Type: "OAuthException", Message: "Unknown path components: " + req.path}
}

// debugToken answers /debug_token about input_token.
func (s *Server) debugToken(req *request) (any, *graphError) {
	if s.debugDisabled {
		return nil, errParam("You must provide an app access token, or a user access token that is an owner or developer of the app")
	}
	t := s.tokens[req.params.Get("input_token")]
	if t == nil {
		return map[string]any{"data": map[string]any{"is_valid": false, "error": map[string]any{"code": 190, "message": "Invalid OAuth access token."}}}, nil
	}
	return map[string]any{"data": map[string]any{
		"app_id": AppID, "type": "PAGE", "application": "pressbot test", "is_valid": !t.expired,
		"scopes": t.scopes, "profile_id": t.pageID, "expires_at": 0, "data_access_expires_at": 0,
	}}, nil
}

// mayPost reports whether the token may publish on page id.
func (s *Server) mayPost(req *request, pageID string) bool {
	return req.token.pageID == pageID && slices.Contains(req.token.scopes, "pages_manage_posts")
}

// edge answers /{page-id}/{edge}.
func (s *Server) edge(req *request, pageID, edge string) (any, *graphError) {
	switch {
	case edge == "feed" && req.method == http.MethodPost:
		if !s.mayPost(req, pageID) {
			return nil, errPermission()
		}
		msg, link := req.params.Get("message"), req.params.Get("link")
		if msg == "" && link == "" {
			return nil, errParam("Missing message or attachment")
		}
		if msg != "" && s.isDuplicate(pageID, msg) {
			return nil, &graphError{Code: 506, Type: "OAuthException", Message: "(#506) Duplicate status message"}
		}
		id := s.addPost(&Post{PageID: pageID, Message: msg, Link: link})
		return map[string]any{"id": id}, nil
	case edge == "photos" && req.method == http.MethodPost:
		if !s.mayPost(req, pageID) {
			return nil, errPermission()
		}
		u := req.params.Get("url")
		if pu, err := url.Parse(u); u == "" || err != nil || !pu.IsAbs() {
			return nil, errParam("Invalid parameter: url must be an absolute URL of a picture")
		}
		caption := req.params.Get("caption")
		if caption == "" {
			caption = req.params.Get("message")
		}
		photo := strconv.Itoa(s.nextPhoto)
		s.nextPhoto++
		id := s.addPost(&Post{PageID: pageID, PhotoID: photo, Message: caption, URL: u, Alt: req.params.Get("alt_text_custom")})
		return map[string]any{"id": photo, "post_id": id}, nil
	case (edge == "posts" || edge == "feed") && req.method == http.MethodGet:
		return s.list(req, pageID)
	}
	return nil, &graphError{Code: 100, Type: "OAuthException", Message: fmt.Sprintf("(#100) Tried accessing nonexisting field (%s) on node type (Page)", edge)}
}

// isDuplicate reports whether the Page has a live post with message msg.
func (s *Server) isDuplicate(pageID, msg string) bool {
	for _, p := range s.posts {
		if p.PageID == pageID && !p.Deleted && p.Message == msg {
			return true
		}
	}
	return false
}

// list answers /{page-id}/posts: newest first, up to limit (default 25).
func (s *Server) list(req *request, pageID string) (any, *graphError) {
	limit := 25
	if v := req.params.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, errParam("Param limit must be a positive number")
		}
		limit = min(n, 100)
	}
	data := []map[string]any{}
	for i := len(s.posts) - 1; i >= 0 && len(data) < limit; i-- {
		p := s.posts[i]
		if p.PageID != pageID || p.Deleted {
			continue
		}
		item := map[string]any{"id": p.ID, "created_time": p.Created.Format("2006-01-02T15:04:05-0700")}
		if p.Message != "" {
			item["message"] = p.Message
		}
		data = append(data, item)
	}
	return map[string]any{"data": data}, nil
}

// node answers /{post-id}: read, edit (POST message) and delete.
func (s *Server) node(req *request, id string) (any, *graphError) {
	var post *Post
	for _, p := range s.posts {
		if (p.ID == id || p.PhotoID == id) && !p.Deleted {
			post = p
		}
	}
	if post == nil {
		return nil, errNoObject(req.method, id)
	}
	switch req.method {
	case http.MethodGet:
		return map[string]any{"id": post.ID, "message": post.Message, "permalink_url": "https://www.facebook.com/" + post.ID}, nil
	case http.MethodPost:
		if !s.mayPost(req, post.PageID) {
			return nil, errPermission()
		}
		msg, ok := req.params["message"]
		if !ok {
			return nil, errParam("No fields to update")
		}
		post.Message = msg[0]
		post.Edits++
		return map[string]any{"success": true}, nil
	case http.MethodDelete:
		if !s.mayPost(req, post.PageID) {
			return nil, errPermission()
		}
		post.Deleted = true
		return map[string]any{"success": true}, nil
	}
	return nil, errNoObject(req.method, id)
}
