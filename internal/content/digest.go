package content

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/pressbot/pressbot/internal/filestamp"
)

// digests remembers the digest of each picture read, by its path and file
// stamp: loading a folder again reads only the pictures that changed.
var digests sync.Map // path → digestEntry

// digestEntry is a picture's digest and the file stamp it was read at.
type digestEntry struct {
	stamp filestamp.Stamp
	sum   string
}

// imageDigest returns the hex SHA-256 of the bytes of local image img, a
// slash path inside dir, that openImage opened as f.
func imageDigest(dir, img string, f *os.File) (string, error) {
	rel := filepath.FromSlash(strings.TrimLeft(img, "/"))
	st, err := f.Stat()
	if err != nil {
		return "", err
	}
	key, stamp := filepath.Join(dir, rel), filestamp.Of(st)
	if v, ok := digests.Load(key); ok {
		if e := v.(digestEntry); e.stamp == stamp {
			return e.sum, nil
		}
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read: %w", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	digests.Store(key, digestEntry{stamp: stamp, sum: sum})
	return sum, nil
}
