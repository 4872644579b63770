package fault

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

type testFault struct {
	Path  string
	After int
}

func TestTakeMatchesAndCountsAfter(t *testing.T) {
	fs := []testFault{{Path: "/a", After: 1}, {Path: "/b"}}
	match := func(p string) func(*testFault) bool { return func(f *testFault) bool { return f.Path == p } }
	after := func(f *testFault) *int { return &f.After }
	if _, ok := Take(&fs, match("/c"), after); ok {
		t.Fatal("took a fault for an unmatched request")
	}
	if _, ok := Take(&fs, match("/a"), after); ok {
		t.Fatal("took /a before its After count ran out")
	}
	if f, ok := Take(&fs, match("/a"), after); !ok || f.Path != "/a" {
		t.Fatalf("second /a: %+v %v", f, ok)
	}
	if f, ok := Take(&fs, match("/b"), nil); !ok || f.Path != "/b" || len(fs) != 0 {
		t.Fatalf("/b: %+v %v, left %v", f, ok, fs)
	}
}

func TestRandomIsRepeatableAndFollowsRates(t *testing.T) {
	rates := Rates{Drop: 0.1, DropApplied: 0.1, ServerError: 0.2, RateLimited: 0.1}
	a, b := NewRandom(42, rates), NewRandom(42, rates)
	counts := map[Kind]int{}
	const n = 20000
	for range n {
		k := a.Draw()
		if k2 := b.Draw(); k2 != k {
			t.Fatal("two sources with one seed differ")
		}
		counts[k]++
	}
	want := map[Kind]float64{None: 0.5, KindDrop: 0.1, KindDropApplied: 0.1, KindServerError: 0.2, KindRateLimited: 0.1}
	for k, p := range want {
		if got := float64(counts[k]) / n; got < p-0.02 || got > p+0.02 {
			t.Errorf("%q drawn %.3f of the time, want about %.2f", k, got, p)
		}
	}
	for range 100 {
		if d := a.Between(time.Second, 2*time.Second); d < time.Second || d > 2*time.Second {
			t.Fatalf("Between gave %s", d)
		}
	}
	if NewRandom(1, Rates{}).Draw() != None {
		t.Error("zero rates drew a fault")
	}
}

func TestDropAndHang(t *testing.T) {
	closed := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Misbehave(w, r, r.URL.Path == "/hang", closed)
	}))
	defer srv.Close()
	if _, err := http.Get(srv.URL + "/drop"); err == nil {
		t.Error("a dropped connection gave an answer")
	}
	client := &http.Client{Timeout: 100 * time.Millisecond}
	if _, err := client.Get(srv.URL + "/hang"); err == nil {
		t.Error("a held answer arrived")
	}
	close(closed)
}
