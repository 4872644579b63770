package fakex

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// This file verifies OAuth 1.0a HMAC-SHA1 signatures as RFC 5849 section
// 3.4 defines them, written independently of the client's signer so that
// a passing test means the client signs as X expects
// (https://docs.x.com/fundamentals/authentication/oauth-1-0a/creating-a-signature).

// oauthParams parses an "Authorization: OAuth k="v", …" header.
func oauthParams(h string) (map[string]string, error) {
	rest, ok := strings.CutPrefix(h, "OAuth ")
	if !ok {
		return nil, errors.New("no OAuth authorization header")
	}
	params := map[string]string{}
	for item := range strings.SplitSeq(rest, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		k, v, ok := strings.Cut(item, "=")
		if !ok || len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
			return nil, fmt.Errorf("malformed OAuth parameter %q", item)
		}
		key, err1 := percentDecode(k)
		val, err2 := percentDecode(v[1 : len(v)-1])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("bad percent-encoding in %q", item)
		}
		if _, dup := params[key]; dup {
			return nil, fmt.Errorf("repeated OAuth parameter %q", key)
		}
		params[key] = val
	}
	return params, nil
}

// percentDecode decodes %XX escapes; unlike query decoding, "+" stays "+".
func percentDecode(s string) (string, error) {
	return url.PathUnescape(s)
}

// percentEncode encodes s as RFC 5849 section 3.6 requires: every byte but
// ALPHA, DIGIT, "-", ".", "_" and "~" as %XX with upper-case hex.
func percentEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// baseStringURI is the scheme, host (without a default port) and path of
// the request, lower-cased where RFC 5849 section 3.4.1.2 says.
func baseStringURI(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := strings.ToLower(r.Host)
	if h, port, ok := strings.Cut(host, ":"); ok && (scheme == "http" && port == "80" || scheme == "https" && port == "443") {
		host = h
	}
	return scheme + "://" + host + r.URL.EscapedPath()
}

// signatureBase builds the signature base string of r: the method, the
// base string URI and the normalised parameters (query, form body, and the
// OAuth parameters but oauth_signature and realm), each percent-encoded,
// sorted by name then value.
func signatureBase(r *http.Request, form url.Values, oauth map[string]string) string {
	type pair struct{ k, v string }
	var pairs []pair
	add := func(vals url.Values) {
		for k, vs := range vals {
			for _, v := range vs {
				pairs = append(pairs, pair{percentEncode(k), percentEncode(v)})
			}
		}
	}
	add(r.URL.Query())
	add(form)
	for k, v := range oauth {
		if k != "oauth_signature" && k != "realm" {
			pairs = append(pairs, pair{percentEncode(k), percentEncode(v)})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	norm := make([]string, len(pairs))
	for i, p := range pairs {
		norm[i] = p.k + "=" + p.v
	}
	return strings.ToUpper(r.Method) + "&" + percentEncode(baseStringURI(r)) + "&" + percentEncode(strings.Join(norm, "&"))
}

// sign returns the base64 HMAC-SHA1 of base keyed with the two secrets.
func sign(base, consumerSecret, tokenSecret string) string {
	m := hmac.New(sha1.New, []byte(percentEncode(consumerSecret)+"&"+percentEncode(tokenSecret)))
	m.Write([]byte(base))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// maxSkew is how far oauth_timestamp may be from the server's clock.
const maxSkew = 5 * time.Minute

// verify checks r's OAuth 1.0a signature against the known consumers and
// tokens and returns the token's account. Callers hold s.mu.
func (s *Server) verify(r *http.Request, form url.Values) (*account, error) {
	p, err := oauthParams(r.Header.Get("Authorization"))
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"oauth_consumer_key", "oauth_token", "oauth_signature_method", "oauth_timestamp", "oauth_nonce", "oauth_signature"} {
		if p[k] == "" {
			return nil, fmt.Errorf("missing %s", k)
		}
	}
	if p["oauth_signature_method"] != "HMAC-SHA1" {
		return nil, fmt.Errorf("signature method %q, want HMAC-SHA1", p["oauth_signature_method"])
	}
	if v, ok := p["oauth_version"]; ok && v != "1.0" {
		return nil, fmt.Errorf("oauth_version %q, want 1.0", v)
	}
	ts, err := strconv.ParseInt(p["oauth_timestamp"], 10, 64)
	if err != nil {
		return nil, fmt.Errorf("bad oauth_timestamp %q", p["oauth_timestamp"])
	}
	if d := time.Since(time.Unix(ts, 0)); d > maxSkew || d < -maxSkew {
		return nil, fmt.Errorf("oauth_timestamp %d is off by %s", ts, d.Round(time.Second))
	}
	consumerSecret, ok := s.consumers[p["oauth_consumer_key"]]
	if !ok {
		return nil, errors.New("unknown consumer key")
	}
	acct := s.accounts[p["oauth_token"]]
	if acct == nil || acct.revoked {
		return nil, errors.New("unknown or revoked token")
	}
	want := sign(signatureBase(r, form, p), consumerSecret, acct.secret)
	if !hmac.Equal([]byte(want), []byte(p["oauth_signature"])) {
		return nil, errors.New("signature mismatch")
	}
	nonce := p["oauth_consumer_key"] + "/" + p["oauth_nonce"] + "/" + p["oauth_timestamp"]
	if s.nonces[nonce] {
		return nil, errors.New("nonce already used")
	}
	s.nonces[nonce] = true
	return acct, nil
}
