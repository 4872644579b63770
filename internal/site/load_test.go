package site

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// loadServer serves a newsroom of the fixture plus n generated releases on
// a loopback httptest server.
func loadServer(t testing.TB, n int) (*httptest.Server, string) {
	t.Helper()
	entries := fixture(t)
	base := entries[0]
	for i := range n {
		e := base
		e.Release.ID = fmt.Sprintf("2026/load-%04d", i)
		e.Release.TranslationKey = ""
		e.Published = e.Published.Add(time.Duration(i) * time.Minute)
		entries = append(entries, e)
	}
	s, err := New(Config{BaseURL: testBase, Title: "Load"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update(entries); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv, "/releases/2026/load-0001/"
}

// hammer sends total GET requests over paths with at most conc in flight
// through a client bounded to conc connections, and returns the failures.
// The requests accept gzip, as browsers and feed readers do, and the client
// reads the bodies as they come: what is measured is the server.
func hammer(t testing.TB, base string, paths []string, total, conc int) []string {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxConnsPerHost: conc, MaxIdleConnsPerHost: conc, DisableCompression: true}}
	defer client.CloseIdleConnections()
	var (
		mu    sync.Mutex
		fails []string
		next  atomic.Int64
		wg    sync.WaitGroup
	)
	for range conc {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(total); i = next.Add(1) - 1 {
				p := paths[int(i)%len(paths)]
				resp, err := getGzip(client, base+p)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				if err != nil {
					mu.Lock()
					fails = append(fails, p+": "+err.Error())
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return fails
}

// getGzip sends a GET request for url that accepts gzip.
func getGzip(client *http.Client, url string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept-Encoding", "gzip")
	return client.Do(req)
}

// TestConcurrentLoad serves 1,000 concurrent requests for feeds and pages
// on loopback with no error.
func TestConcurrentLoad(t *testing.T) {
	srv, page := loadServer(t, 200)
	paths := []string{"/feed.xml", page, "/atom.xml", "/feed.json", "/", "/en/feed.xml"}
	if fails := hammer(t, srv.URL, paths, 1000, 1000); len(fails) > 0 {
		t.Fatalf("%d of 1000 requests failed, first: %s", len(fails), fails[0])
	}
}

// BenchmarkServeFeed reports requests per second for /feed.xml.
func BenchmarkServeFeed(b *testing.B) { benchServe(b, "/feed.xml") }

// BenchmarkServePage reports requests per second for a release page.
func BenchmarkServePage(b *testing.B) { benchServe(b, "") }

// benchServe measures one path (a release page when path is "") with 64
// requests in flight.
func benchServe(b *testing.B, path string) {
	srv, page := loadServer(b, 1000)
	if path == "" {
		path = page
	}
	b.ResetTimer()
	start := time.Now()
	if fails := hammer(b, srv.URL, []string{path}, b.N, 64); len(fails) > 0 {
		b.Fatalf("%d failures, first: %s", len(fails), fails[0])
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}
