package site

import (
	"bytes"
	"compress/gzip"
	"strconv"
	"strings"
)

// minGzip is the smallest file Handler compresses: below it the gzip
// header and trailer eat most of the saving.
const minGzip = 512

// gzipped returns the gzip encoding of b, the snapshot's file key, made the
// first time a client asks for it and then kept with the snapshot: the
// newsroom's pages and feeds shrink four to eight times, and a file nobody
// asks for costs nothing.
func (snap *snapshot) gzipped(key string, b []byte) []byte {
	if v, ok := snap.gz.Load(key); ok {
		return v.([]byte)
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // a valid level: no error
	zw.Write(b)                                              // into memory: no error
	zw.Close()
	v, _ := snap.gz.LoadOrStore(key, buf.Bytes())
	return v.([]byte)
}

// acceptsGzip reports whether an Accept-Encoding header value allows gzip
// (RFC 9110, section 12.5.3): "gzip" (or "x-gzip") with a weight above 0,
// or else "*" with one.
func acceptsGzip(header string) bool {
	star := false
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "gzip", "x-gzip":
			return weighted(params)
		case "*":
			star = weighted(params)
		}
	}
	return star
}

// weighted reports whether the parameters of an Accept-Encoding entry give
// it a weight above 0 (no q parameter: weight 1).
func weighted(params string) bool {
	for p := range strings.SplitSeq(params, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.EqualFold(name, "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
			return err == nil && q > 0
		}
	}
	return true
}
