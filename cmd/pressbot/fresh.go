package main

import "sync"

// freshness lets callers share updates: Wait returns once an update that
// began after the call has ended. Callers that arrive while one runs
// share the next, so sends claimed together cost two newsroom updates at
// most, not one each.
type freshness struct {
	mu       sync.Mutex
	cond     sync.Cond
	started  int   // updates begun
	finished int   // the number of the last update that ended
	running  bool  // an update is running
	err      error // what the last update that ended returned
}

// Wait runs update, or waits for a run of it that began after the call,
// and returns that run's error.
func (f *freshness) Wait(update func() error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cond.L == nil {
		f.cond.L = &f.mu
	}
	need := f.started + 1 // a running update began before this call
	for f.finished < need {
		if f.running {
			f.cond.Wait()
			continue
		}
		f.running = true
		f.started++
		n := f.started
		f.mu.Unlock()
		err := update()
		f.mu.Lock()
		f.running, f.finished, f.err = false, n, err
		f.cond.Broadcast()
	}
	return f.err
}
