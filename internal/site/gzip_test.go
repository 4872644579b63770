package site

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// TestAcceptsGzip checks the reading of Accept-Encoding.
func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"":                      false,
		"gzip":                  true,
		"GZIP":                  true,
		"gzip, deflate, br":     true,
		"br;q=1.0, gzip;q=0.8":  true,
		"x-gzip":                true,
		"gzip;q=0":              false,
		"gzip; q=0.000":         false,
		"gzip;Q=0, *":           false, // named gzip wins over *
		"*":                     true,
		"*;q=0":                 false,
		"*;q=0, gzip":           true,
		"identity":              false,
		"deflate, br":           false,
		"gzip;q=nonsense":       false,
		" gzip ; level=1 ; q=1": true,
	} {
		if got := acceptsGzip(header); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", header, got, want)
		}
	}
}

// TestHandlerGzip checks that a client that accepts gzip gets the same
// bytes compressed, with their own ETag, that others get them plain, and
// that both learn the answer varies with Accept-Encoding.
func TestHandlerGzip(t *testing.T) {
	s := newSite(t, testConfig())
	if err := s.Update(fixture(t)); err != nil {
		t.Fatal(err)
	}
	get := func(path, accept, ifNoneMatch string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		if ifNoneMatch != "" {
			req.Header.Set("If-None-Match", ifNoneMatch)
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		return rec
	}
	for _, path := range []string{"/feed.xml", "/", "/releases/2020/imts-success/"} {
		plain := get(path, "", "")
		zipped := get(path, "gzip, br", "")
		if plain.Code != 200 || zipped.Code != 200 {
			t.Fatalf("%s: status %d and %d", path, plain.Code, zipped.Code)
		}
		if plain.Header().Get("Content-Encoding") != "" || zipped.Header().Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: Content-Encoding %q plain, %q with gzip", path, plain.Header().Get("Content-Encoding"), zipped.Header().Get("Content-Encoding"))
		}
		for _, rec := range []*httptest.ResponseRecorder{plain, zipped} {
			if rec.Header().Get("Vary") != "Accept-Encoding" {
				t.Errorf("%s: Vary %q", path, rec.Header().Get("Vary"))
			}
			if cl := rec.Header().Get("Content-Length"); cl != strconv.Itoa(rec.Body.Len()) {
				t.Errorf("%s: Content-Length %q for %d bytes", path, cl, rec.Body.Len())
			}
			if cc := rec.Header().Get("Cache-Control"); cc != "no-cache" {
				t.Errorf("%s: Cache-Control %q, want no-cache", path, cc)
			}
		}
		zr, err := gzip.NewReader(zipped.Body)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		unzipped, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(unzipped, plain.Body.Bytes()) {
			t.Errorf("%s: the gzip body does not unpack to the plain one (%v)", path, err)
		}
		if zipped.Body.Len() >= plain.Body.Len() {
			t.Errorf("%s: gzip %d bytes, plain %d", path, zipped.Body.Len(), plain.Body.Len())
		}
		etag := zipped.Header().Get("ETag")
		if etag == "" || etag == plain.Header().Get("ETag") {
			t.Errorf("%s: gzip ETag %q, plain %q: want two different ones", path, etag, plain.Header().Get("ETag"))
		}
		if rec := get(path, "gzip", etag); rec.Code != http.StatusNotModified {
			t.Errorf("%s: revalidating the gzip ETag: %d, want 304", path, rec.Code)
		}
	}
	if rec := get("/robots.txt", "gzip", ""); rec.Header().Get("Content-Encoding") != "" {
		t.Error("a file under minGzip bytes was compressed")
	}
}
