package main

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestFreshness checks that each caller of Wait returns after an update
// that began after its call, that callers arriving while an update runs
// share the next one, and that they get its error.
func TestFreshness(t *testing.T) {
	var (
		f        freshness
		begun    atomic.Int32 // updates begun
		lastDone atomic.Int32 // number of the last update ended
		gate     = make(chan struct{})
	)
	update := func() error {
		n := begun.Add(1)
		if n == 1 {
			<-gate // the first update runs until every caller has called
		}
		lastDone.Store(n)
		return errors.New("update failed")
	}
	const callers = 8
	var wg sync.WaitGroup
	var called sync.WaitGroup
	bad := make(chan string, callers+1)
	call := func() {
		defer wg.Done()
		before := begun.Load()
		called.Done()
		if err := f.Wait(update); err == nil || err.Error() != "update failed" {
			bad <- "error not passed on"
		}
		if lastDone.Load() <= before {
			bad <- "returned before an update that began after the call"
		}
	}
	wg.Add(callers + 1)
	called.Add(1)
	go call()
	for begun.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	called.Add(callers)
	for range callers {
		go call()
	}
	called.Wait()
	time.Sleep(20 * time.Millisecond) // let them reach Wait
	close(gate)
	wg.Wait()
	close(bad)
	for msg := range bad {
		t.Error(msg)
	}
	if n := begun.Load(); n >= callers {
		t.Errorf("%d updates for %d callers: they did not share", n, callers+1)
	}
}

// TestNewsroomWait checks the newsroom loop's wait between checks: 50
// times the last check, between 5 s and a minute.
func TestNewsroomWait(t *testing.T) {
	tests := []struct{ took, want time.Duration }{
		{0, 5 * time.Second},
		{20 * time.Millisecond, 5 * time.Second},
		{200 * time.Millisecond, 10 * time.Second},
		{time.Second, 50 * time.Second},
		{2 * time.Second, time.Minute},
	}
	for _, tt := range tests {
		if got := newsroomWait(tt.took); got != tt.want {
			t.Errorf("newsroomWait(%v) = %v, want %v", tt.took, got, tt.want)
		}
	}
}
