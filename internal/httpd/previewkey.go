package httpd

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// PreviewKeys makes and checks the keys of preview links. A key is the
// first 16 bytes of HMAC-SHA256(secret, id) in unpadded base64url: it
// opens one release's preview and cannot be derived from the release ID,
// so an embargoed release cannot be read by guessing its path.
type PreviewKeys struct{ secret []byte }

// NewPreviewKeys returns keys made with secret (at least 32 random bytes).
func NewPreviewKeys(secret []byte) PreviewKeys { return PreviewKeys{secret: secret} }

// Key returns the key of release id's preview link.
func (k PreviewKeys) Key(id string) string {
	m := hmac.New(sha256.New, k.secret)
	m.Write([]byte(id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// Valid reports, in constant time, whether key is the key of id.
func (k PreviewKeys) Valid(id, key string) bool {
	return hmac.Equal([]byte(k.Key(id)), []byte(key))
}
