package release

import (
	"errors"
	"testing"
)

// events lists every event, for exhaustive checks.
var events = []Event{
	EventSubmit, EventApprove, EventReject, EventSchedule, EventStart,
	EventSucceed, EventRetry, EventFail, EventUncertain, EventChange,
	EventCancel, EventMarkPublished, EventWithdraw,
}

// allowed is the state machine of DESIGN.md written out as a table: every
// transition that must succeed, and where it leads.
var allowed = []struct {
	from Status
	ev   Event
	to   Status
}{
	{StatusNew, EventSubmit, StatusPendingApproval},
	{StatusNew, EventChange, StatusNew},
	{StatusNew, EventWithdraw, StatusWithdrawn},

	{StatusPendingApproval, EventApprove, StatusApproved},
	{StatusPendingApproval, EventReject, StatusRejected},
	{StatusPendingApproval, EventChange, StatusPendingApproval},
	{StatusPendingApproval, EventWithdraw, StatusWithdrawn},

	{StatusApproved, EventSchedule, StatusScheduled},
	{StatusApproved, EventChange, StatusPendingApproval}, // content changed after approval: ask again
	{StatusApproved, EventCancel, StatusPendingApproval},
	{StatusApproved, EventWithdraw, StatusWithdrawn},

	{StatusScheduled, EventStart, StatusPublishing},
	{StatusScheduled, EventChange, StatusPendingApproval}, // change cancels the schedule
	{StatusScheduled, EventCancel, StatusPendingApproval},
	{StatusScheduled, EventWithdraw, StatusWithdrawn},

	{StatusPublishing, EventSucceed, StatusPublished},
	{StatusPublishing, EventRetry, StatusScheduled},
	{StatusPublishing, EventFail, StatusFailed},
	{StatusPublishing, EventUncertain, StatusUncertain},

	{StatusPublished, EventChange, StatusPublished}, // asks whether to update; stays published
	{StatusPublished, EventWithdraw, StatusWithdrawn},

	{StatusRejected, EventChange, StatusPendingApproval},
	{StatusRejected, EventSubmit, StatusPendingApproval},
	{StatusRejected, EventWithdraw, StatusWithdrawn},

	{StatusFailed, EventRetry, StatusScheduled},
	{StatusFailed, EventMarkPublished, StatusPublished},
	{StatusFailed, EventCancel, StatusPendingApproval},
	{StatusFailed, EventChange, StatusPendingApproval},
	{StatusFailed, EventWithdraw, StatusWithdrawn},

	{StatusUncertain, EventRetry, StatusScheduled},
	{StatusUncertain, EventMarkPublished, StatusPublished},
	{StatusUncertain, EventCancel, StatusPendingApproval},
	{StatusUncertain, EventWithdraw, StatusWithdrawn},

	{StatusWithdrawn, EventSubmit, StatusPendingApproval},
}

// TestTransitionAllowed checks every allowed transition.
func TestTransitionAllowed(t *testing.T) {
	for _, tt := range allowed {
		t.Run(string(tt.from)+"/"+string(tt.ev), func(t *testing.T) {
			got, err := Transition(tt.from, tt.ev)
			if err != nil || got != tt.to {
				t.Errorf("Transition(%s, %s) = %q, %v; want %q", tt.from, tt.ev, got, err, tt.to)
			}
		})
	}
}

// TestTransitionRefused checks transitions that must be refused with a
// *TransitionError naming the state and event.
func TestTransitionRefused(t *testing.T) {
	refused := []struct {
		from Status
		ev   Event
		why  string
	}{
		{StatusNew, EventApprove, "nothing to approve before it is offered"},
		{StatusNew, EventStart, "cannot send what was never approved"},
		{StatusPendingApproval, EventSchedule, "scheduling needs an approval"},
		{StatusPendingApproval, EventStart, "sending needs an approval"},
		{StatusApproved, EventStart, "sending needs a schedule"},
		{StatusApproved, EventApprove, "approved twice"},
		{StatusScheduled, EventSucceed, "success needs a send"},
		{StatusPublishing, EventChange, "a send in flight is settled first"},
		{StatusPublishing, EventWithdraw, "a send in flight is settled first"},
		{StatusPublishing, EventCancel, "a send in flight cannot be cancelled"},
		{StatusPublished, EventStart, "never sent twice"},
		{StatusPublished, EventRetry, "never sent twice"},
		{StatusPublished, EventApprove, "already out"},
		{StatusRejected, EventApprove, "rejected must be offered again"},
		{StatusRejected, EventStart, "rejected must be offered again"},
		{StatusUncertain, EventStart, "an uncertain send is never blindly retried"},
		{StatusUncertain, EventSucceed, "only an officer settles an uncertain send"},
		{StatusUncertain, EventChange, "settle the uncertain send first"},
		{StatusFailed, EventSucceed, "only an officer marks a failed send published"},
		{StatusWithdrawn, EventApprove, "withdrawn must be offered again"},
		{StatusWithdrawn, EventStart, "withdrawn is never sent"},
		{StatusWithdrawn, EventWithdraw, "withdrawn once"},
	}
	for _, tt := range refused {
		t.Run(string(tt.from)+"/"+string(tt.ev), func(t *testing.T) {
			got, err := Transition(tt.from, tt.ev)
			var te *TransitionError
			if !errors.As(err, &te) {
				t.Fatalf("Transition(%s, %s) = %q, %v; want a *TransitionError (%s)", tt.from, tt.ev, got, err, tt.why)
			}
			if te.From != tt.from || te.Event != tt.ev || got != "" {
				t.Errorf("error %+v and state %q; want From=%s Event=%s and no state", te, got, tt.from, tt.ev)
			}
		})
	}
}

// TestTransitionExhaustive checks every (status, event) pair: allowed ones
// lead where the table says, all others are refused with a *TransitionError.
func TestTransitionExhaustive(t *testing.T) {
	want := map[[2]string]Status{}
	for _, a := range allowed {
		want[[2]string{string(a.from), string(a.ev)}] = a.to
	}
	for _, s := range Statuses {
		for _, ev := range events {
			got, err := Transition(s, ev)
			to, ok := want[[2]string{string(s), string(ev)}]
			var te *TransitionError
			switch {
			case ok && (err != nil || got != to):
				t.Errorf("Transition(%s, %s) = %q, %v; want %q", s, ev, got, err, to)
			case !ok && !errors.As(err, &te):
				t.Errorf("Transition(%s, %s) = %q, %v; want refused", s, ev, got, err)
			}
		}
	}
}

// TestTransitionUnknownStatus checks the typed error for a status that is
// not in Statuses, and that unknown events are refused.
func TestTransitionUnknownStatus(t *testing.T) {
	_, err := Transition("archived", EventSubmit)
	var ue *UnknownStatusError
	if !errors.As(err, &ue) || ue.Status != "archived" {
		t.Errorf("err = %v, want *UnknownStatusError for archived", err)
	}
	var te *TransitionError
	if errors.As(err, &te) {
		t.Error("unknown status also reported as a TransitionError")
	}
	if _, err := Transition(StatusNew, "explode"); !errors.As(err, &te) {
		t.Errorf("unknown event: err = %v, want *TransitionError", err)
	}
	if msg := (&TransitionError{From: StatusPublished, Event: EventStart}).Error(); msg != "release: cannot start a release that is published" {
		t.Errorf("message = %q", msg)
	}
}

// TestStatusValidTerminal checks Valid and Terminal for every status.
func TestStatusValidTerminal(t *testing.T) {
	terminal := map[Status]bool{StatusPublished: true, StatusRejected: true, StatusWithdrawn: true}
	for _, s := range Statuses {
		if !s.Valid() {
			t.Errorf("%s.Valid() = false", s)
		}
		if s.Terminal() != terminal[s] {
			t.Errorf("%s.Terminal() = %v, want %v", s, s.Terminal(), terminal[s])
		}
	}
	if Status("archived").Valid() {
		t.Error("archived is valid")
	}
}
