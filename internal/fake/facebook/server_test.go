package fakefb

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// post sends a form to the fake without any client library and decodes
// the answer.
func post(t *testing.T, s *Server, path string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(s.URL+path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

func proof(secret, token string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(token))
	return hex.EncodeToString(m.Sum(nil))
}

func TestWireFormat(t *testing.T) {
	s := New(t)
	auth := func(p string) url.Values {
		return url.Values{"access_token": {PageToken}, "appsecret_proof": {p}, "message": {"Hello"}}
	}
	tests := []struct {
		name, path string
		form       url.Values
		status     int
		code       float64 // error code, 0 for success
		keys       []string
	}{
		{"feed", "/v23.0/" + PageID + "/feed", auth(proof(AppSecret, PageToken)), 200, 0, []string{"id"}},
		{"duplicate", "/v23.0/" + PageID + "/feed", auth(proof(AppSecret, PageToken)), 400, 506, nil},
		{"photo", "/v23.0/" + PageID + "/photos", func() url.Values {
			f := auth(proof(AppSecret, PageToken))
			f.Set("url", "https://example.org/p.jpg")
			return f
		}(), 200, 0, []string{"id", "post_id"}},
		{"proof keyed with the token", "/v23.0/" + PageID + "/feed", auth(proof(PageToken, AppSecret)), 400, 100, nil},
		{"no proof", "/v23.0/" + PageID + "/feed", url.Values{"access_token": {PageToken}, "message": {"x"}}, 400, 100, nil},
		{"no token", "/v23.0/" + PageID + "/feed", url.Values{"message": {"x"}}, 400, 104, nil},
		{"bad token", "/v23.0/" + PageID + "/feed", url.Values{"access_token": {"nope"}, "message": {"x"}}, 400, 190, nil},
		{"unversioned", "/" + PageID + "/feed", auth(proof(AppSecret, PageToken)), 400, 2500, nil},
	}
	for _, tc := range tests {
		status, body := post(t, s, tc.path, tc.form)
		if status != tc.status {
			t.Errorf("%s: status %d, want %d: %v", tc.name, status, tc.status, body)
		}
		if tc.code != 0 {
			e, _ := body["error"].(map[string]any)
			if e == nil || e["code"] != tc.code || e["fbtrace_id"] == "" || e["message"] == "" || e["type"] == "" {
				t.Errorf("%s: error %v, want code %v with message, type and fbtrace_id", tc.name, body, tc.code)
			}
			continue
		}
		for _, k := range tc.keys {
			if v, _ := body[k].(string); v == "" {
				t.Errorf("%s: answer %v lacks %q", tc.name, body, k)
			}
		}
	}
	if id := s.Posts()[0].ID; !strings.HasPrefix(id, PageID+"_") {
		t.Errorf("post id %q is not {page-id}_{n}", id)
	}
	if n := len(s.Calls()); n != len(tests) {
		t.Errorf("%d calls recorded, want %d", n, len(tests))
	}
}

func TestHookDecidesFaults(t *testing.T) {
	s := New(t)
	form := func(msg string) url.Values {
		return url.Values{"access_token": {PageToken}, "appsecret_proof": {proof(AppSecret, PageToken)}, "message": {msg}}
	}
	s.SetHook(func(c Call) (Fault, bool) {
		switch c.Param("message") {
		case "throttled":
			return Fault{Code: 4, Message: "(#4) Application request limit reached", Header: http.Header{"X-App-Usage": {`{"call_count":100}`}}}, true
		case "lost answer":
			return Fault{Drop: true, Apply: true}, true
		}
		return Fault{}, false
	})
	if status, body := post(t, s, "/v23.0/"+PageID+"/feed", form("throttled")); status != 400 || body["error"].(map[string]any)["code"] != float64(4) {
		t.Errorf("throttled: %d %v", status, body)
	}
	resp, err := http.PostForm(s.URL+"/v23.0/"+PageID+"/feed", form("lost answer"))
	if err == nil {
		resp.Body.Close()
		t.Error("dropped connection answered")
	}
	if status, _ := post(t, s, "/v23.0/"+PageID+"/feed", form("fine")); status != 200 {
		t.Errorf("fine: %d", status)
	}
	var msgs []string
	for _, p := range s.Posts() {
		msgs = append(msgs, p.Message)
	}
	if strings.Join(msgs, "|") != "lost answer|fine" {
		t.Errorf("posts %q, want the dropped (applied) one and the fine one", msgs)
	}
}
