package fakex

import (
	"crypto/tls"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestSignatureVector checks the verifier against the worked example of
// X's "Creating a signature" page (RFC 5849 HMAC-SHA1), so that the fake
// does not merely agree with the client's signer.
func TestSignatureVector(t *testing.T) {
	body := "status=" + url.QueryEscape("Hello Ladies + Gentlemen, a signed OAuth request!")
	r, err := http.NewRequest("POST", "https://api.twitter.com/1.1/statuses/update.json?include_entities=true", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Host = "api.twitter.com"
	r.TLS = &tls.ConnectionState{} // as the server sees an https request
	form, _ := url.ParseQuery(body)
	oauth := map[string]string{
		"oauth_consumer_key":     "xvz1evFS4wEEPTGEFPHBog",
		"oauth_nonce":            "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
		"oauth_signature_method": "HMAC-SHA1",
		"oauth_timestamp":        "1318622958",
		"oauth_token":            "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
		"oauth_version":          "1.0",
		"oauth_signature":        "ignored",
	}
	base := signatureBase(r, form, oauth)
	wantBase := "POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521"
	if base != wantBase {
		t.Errorf("base string\n got %s\nwant %s", base, wantBase)
	}
	got := sign(base, "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw", "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE")
	if want := "hCtSmYh+iHYCEqBWrE7C7hYmtUk="; got != want {
		t.Errorf("signature %s, want %s", got, want)
	}
}

func TestOAuthParams(t *testing.T) {
	p, err := oauthParams(`OAuth oauth_consumer_key="a%2Bb", oauth_nonce="n+1", realm="x"`)
	if err != nil {
		t.Fatal(err)
	}
	if p["oauth_consumer_key"] != "a+b" || p["oauth_nonce"] != "n+1" || p["realm"] != "x" {
		t.Errorf("parsed %v", p)
	}
	for _, bad := range []string{"", "Bearer abc", `OAuth a=b`, `OAuth a="1", a="2"`, `OAuth a="%zz"`} {
		if _, err := oauthParams(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func FuzzOAuthParams(f *testing.F) {
	f.Add(`OAuth oauth_consumer_key="k", oauth_signature="s%3D"`)
	f.Add(`OAuth ,,, a=""`)
	f.Fuzz(func(t *testing.T, h string) {
		p, err := oauthParams(h)
		if err == nil && p == nil {
			t.Error("nil map without error")
		}
	})
}

func TestPercentEncode(t *testing.T) {
	for in, want := range map[string]string{
		"Ladies + Gentlemen": "Ladies%20%2B%20Gentlemen",
		"An encoded string!": "An%20encoded%20string%21",
		"Dogs, Cats & Mice":  "Dogs%2C%20Cats%20%26%20Mice",
		"☃":                  "%E2%98%83",
		"-._~":               "-._~",
	} {
		if got := percentEncode(in); got != want {
			t.Errorf("percentEncode(%q) = %s, want %s", in, got, want)
		}
	}
}
