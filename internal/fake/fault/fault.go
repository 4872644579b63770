// Package fault is what the fake platforms (internal/fake/telegram,
// facebook and x) share to misbehave: taking one-shot faults from a queue,
// holding an answer or dropping a connection, and drawing faults at random
// from a seeded source for soak tests.
package fault

import (
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Take removes and returns the first fault of *faults for which match
// returns true. A matching fault whose *after(f) is still positive is not
// taken: the count goes down by one and the request passes it. A nil after
// means the faults have no such count.
func Take[F any](faults *[]F, match func(*F) bool, after func(*F) *int) (F, bool) {
	for i := range *faults {
		f := &(*faults)[i]
		if !match(f) {
			continue
		}
		if after != nil {
			if n := after(f); n != nil && *n > 0 {
				*n--
				continue
			}
		}
		out := *f
		*faults = slices.Delete(*faults, i, i+1)
		return out, true
	}
	var zero F
	return zero, false
}

// Hang holds the answer to r until the client gives up (or its connection
// closes) or closed is closed.
func Hang(r *http.Request, closed <-chan struct{}) {
	select {
	case <-r.Context().Done():
	case <-closed:
	}
}

// Drop closes the connection of w without an answer: the client has sent
// the whole request and reads EOF. It panics when w cannot be hijacked
// (never for an httptest server).
func Drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("fault: the response writer cannot hijack its connection")
	}
	if conn, _, err := hj.Hijack(); err == nil {
		_ = conn.Close()
	}
}

// Misbehave hangs (hang) or drops the connection (otherwise).
func Misbehave(w http.ResponseWriter, r *http.Request, hang bool, closed <-chan struct{}) {
	if hang {
		Hang(r, closed)
		return
	}
	Drop(w)
}

// Kind is a kind of fault a Random draws.
type Kind string

// Kinds of random faults. A fake maps each to its platform's own answer.
const (
	None Kind = ""
	// KindDrop closes the connection after reading the request, without
	// carrying the call out (for Telegram, whose fake drops only after
	// processing, it is KindDropApplied).
	KindDrop Kind = "drop"
	// KindDropApplied carries the call out, then closes the connection: the
	// post exists but the client never hears of it.
	KindDropApplied Kind = "drop-applied"
	// KindServerError answers 5xx without carrying the call out.
	KindServerError Kind = "5xx"
	// KindRateLimited answers the platform's rate-limit error with its wait
	// header, without carrying the call out.
	KindRateLimited Kind = "429"
)

// Rates are the probabilities (0 to 1) that a request draws each kind.
type Rates struct {
	Drop, DropApplied, ServerError, RateLimited float64
}

// Random draws faults and durations from a seeded source, so that a run can
// be repeated. It is safe for concurrent use.
type Random struct {
	mu    sync.Mutex
	rng   *rand.Rand
	rates Rates
}

// NewRandom returns a Random seeded with seed.
func NewRandom(seed uint64, rates Rates) *Random {
	return &Random{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), rates: rates}
}

// Draw returns the fault for one request (None most of the time).
func (r *Random) Draw() Kind {
	r.mu.Lock()
	defer r.mu.Unlock()
	x := r.rng.Float64()
	for _, k := range []struct {
		kind Kind
		p    float64
	}{{KindDrop, r.rates.Drop}, {KindDropApplied, r.rates.DropApplied},
		{KindServerError, r.rates.ServerError}, {KindRateLimited, r.rates.RateLimited}} {
		if x < k.p {
			return k.kind
		}
		x -= k.p
	}
	return None
}

// Between returns a duration drawn uniformly from [lo, hi].
func (r *Random) Between(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return lo + time.Duration(r.rng.Int64N(int64(hi-lo)+1))
}

// Float64 returns a number drawn uniformly from [0, 1).
func (r *Random) Float64() float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rng.Float64()
}

// IntN returns a number drawn uniformly from [0, n).
func (r *Random) IntN(n int) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rng.IntN(n)
}
