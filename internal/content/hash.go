package content

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"sync"
	"time"

	"github.com/pressbot/pressbot/internal/release"
)

// hashVersion is mixed into every hash; bump it when the normal form
// changes, so that old approvals no longer match.
const hashVersion = "pressbot-content-v1"

// Hash returns the hex SHA-256 content hash of r: its front matter values
// in a fixed order and normal form (dates as UTC instants, lists in
// order) and its body with LF line endings and no trailing white space.
// The digests of local pictures (ImageDigest, then BodyImages), when the
// loader read them, come last, so the hash of a release without any is as
// before they existed.
// It does not cover ID, Path, BodyLine, Hash or Commit, so the same release
// written in YAML or TOML, with CRLF or a BOM, or with keys in another order
// hashes the same.
func Hash(r release.Release) string {
	bp := hashBufs.Get().(*[]byte)
	w := hashWriter{buf: (*bp)[:0]}
	w.str(hashVersion)
	w.str(r.Title)
	w.time(r.Date)
	w.str(r.Location)
	w.str(r.Lang)
	w.str(r.TranslationKey)
	w.str(r.Summary)
	w.list(r.Tags)
	w.str(r.Image)
	w.str(r.ImageAlt)
	w.list(r.Channels)
	w.time(r.PublishAt)
	w.bool(r.Draft)
	w.bool(r.Withdrawn)
	w.str(normalBody(r.Body))
	if r.ImageDigest != "" {
		w.str("image-sha256")
		w.str(r.ImageDigest)
	}
	for _, im := range r.BodyImages {
		w.str("body-image-sha256")
		w.str(im.Path)
		w.str(im.Digest)
	}
	sum := sha256.Sum256(w.buf)
	if cap(w.buf) <= maxPooledHashBuf {
		*bp = w.buf
		hashBufs.Put(bp)
	}
	var out [2 * sha256.Size]byte
	hex.Encode(out[:], sum[:])
	return string(out[:])
}

// hashBufs holds buffers for Hash, which hashes all values in one call.
var hashBufs = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledHashBuf is the largest buffer kept for reuse.
const maxPooledHashBuf = 256 << 10

// normalBody returns body with LF line endings and no trailing white space.
func normalBody(body string) string {
	if strings.IndexByte(body, '\r') >= 0 {
		body = strings.ReplaceAll(body, "\r\n", "\n")
	}
	return strings.TrimRight(body, " \t\n")
}

// hashWriter appends length-prefixed values to buf, so that no two
// different sequences of values produce the same bytes.
type hashWriter struct {
	buf []byte
}

func (w *hashWriter) str(s string) {
	w.buf = binary.AppendUvarint(w.buf, uint64(len(s)))
	w.buf = append(w.buf, s...)
}

// bytes writes b as str writes a string.
func (w *hashWriter) bytes(b []byte) {
	w.buf = binary.AppendUvarint(w.buf, uint64(len(b)))
	w.buf = append(w.buf, b...)
}

func (w *hashWriter) list(l []string) {
	w.buf = binary.AppendUvarint(w.buf, uint64(len(l)))
	for _, s := range l {
		w.str(s)
	}
}

func (w *hashWriter) time(t time.Time) {
	if t.IsZero() {
		w.str("")
		return
	}
	var b [64]byte
	w.bytes(t.UTC().AppendFormat(b[:0], time.RFC3339Nano))
}

func (w *hashWriter) bool(b bool) {
	if b {
		w.str("1")
	} else {
		w.str("0")
	}
}
