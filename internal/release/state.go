package release

import "fmt"

// Status is the state of a release, or of one post of it on one channel.
type Status string

// The states of DESIGN.md.
const (
	StatusNew             Status = "new"
	StatusPendingApproval Status = "pending_approval"
	StatusApproved        Status = "approved"
	StatusScheduled       Status = "scheduled"
	StatusPublishing      Status = "publishing"
	StatusPublished       Status = "published"
	StatusRejected        Status = "rejected"
	StatusFailed          Status = "failed"
	StatusUncertain       Status = "uncertain"
	StatusWithdrawn       Status = "withdrawn"
)

// Statuses lists every status in flow order.
var Statuses = []Status{
	StatusNew, StatusPendingApproval, StatusApproved, StatusScheduled,
	StatusPublishing, StatusPublished, StatusRejected, StatusFailed,
	StatusUncertain, StatusWithdrawn,
}

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	for _, k := range Statuses {
		if s == k {
			return true
		}
	}
	return false
}

// Event is something that happens to a release or post.
type Event string

// Events that move a release or post between states.
const (
	// EventSubmit offers a new release for approval.
	EventSubmit Event = "submit"
	// EventApprove records an approval bound to the current hash.
	EventApprove Event = "approve"
	// EventReject refuses the release.
	EventReject Event = "reject"
	// EventSchedule queues approved posts at their slot.
	EventSchedule Event = "schedule"
	// EventStart marks the worker beginning a send.
	EventStart Event = "start"
	// EventSucceed records a receipt.
	EventSucceed Event = "succeed"
	// EventRetry returns a send that failed transiently to the schedule.
	EventRetry Event = "retry"
	// EventFail records a permanent failure that needs a human.
	EventFail Event = "fail"
	// EventUncertain records a send whose outcome is unknown.
	EventUncertain Event = "uncertain"
	// EventChange records a content change (new hash): ask again.
	EventChange Event = "change"
	// EventCancel takes an approved or scheduled release back to review.
	EventCancel Event = "cancel"
	// EventMarkPublished is an officer's word that an uncertain or failed
	// send did reach the platform.
	EventMarkPublished Event = "mark_published"
	// EventWithdraw withdraws the release everywhere.
	EventWithdraw Event = "withdraw"
)

// transitions is the state machine: from → event → to.
var transitions = map[Status]map[Event]Status{
	StatusNew: {
		EventSubmit:   StatusPendingApproval,
		EventChange:   StatusNew,
		EventWithdraw: StatusWithdrawn,
	},
	StatusPendingApproval: {
		EventApprove:  StatusApproved,
		EventReject:   StatusRejected,
		EventChange:   StatusPendingApproval,
		EventWithdraw: StatusWithdrawn,
	},
	StatusApproved: {
		EventSchedule: StatusScheduled,
		EventChange:   StatusPendingApproval,
		EventCancel:   StatusPendingApproval,
		EventWithdraw: StatusWithdrawn,
	},
	StatusScheduled: {
		EventStart:    StatusPublishing,
		EventChange:   StatusPendingApproval,
		EventCancel:   StatusPendingApproval,
		EventWithdraw: StatusWithdrawn,
	},
	StatusPublishing: {
		EventSucceed:   StatusPublished,
		EventRetry:     StatusScheduled,
		EventFail:      StatusFailed,
		EventUncertain: StatusUncertain,
	},
	StatusPublished: {
		// A change after publishing asks whether to update the posts; the
		// post stays published until an edit or withdrawal happens.
		EventChange:   StatusPublished,
		EventWithdraw: StatusWithdrawn,
	},
	StatusRejected: {
		EventChange:   StatusPendingApproval,
		EventSubmit:   StatusPendingApproval,
		EventWithdraw: StatusWithdrawn,
	},
	StatusFailed: {
		EventRetry:         StatusScheduled,
		EventMarkPublished: StatusPublished,
		EventCancel:        StatusPendingApproval,
		EventChange:        StatusPendingApproval,
		EventWithdraw:      StatusWithdrawn,
	},
	StatusUncertain: {
		EventRetry:         StatusScheduled,
		EventMarkPublished: StatusPublished,
		EventCancel:        StatusPendingApproval,
		EventWithdraw:      StatusWithdrawn,
	},
	StatusWithdrawn: {
		EventSubmit: StatusPendingApproval,
	},
}

// TransitionError reports an event that is not allowed in a state.
type TransitionError struct {
	From  Status
	Event Event
}

// Error implements error.
func (e *TransitionError) Error() string {
	return fmt.Sprintf("release: cannot %s a release that is %s", e.Event, e.From)
}

// UnknownStatusError reports a status that is not one of Statuses.
type UnknownStatusError struct{ Status Status }

// Error implements error.
func (e *UnknownStatusError) Error() string {
	return fmt.Sprintf("release: unknown status %q", string(e.Status))
}

// Transition returns the state that event ev leads to from state from, or a
// *UnknownStatusError or *TransitionError when there is none.
func Transition(from Status, ev Event) (Status, error) {
	next, ok := transitions[from]
	if !ok {
		return "", &UnknownStatusError{Status: from}
	}
	to, ok := next[ev]
	if !ok {
		return "", &TransitionError{From: from, Event: ev}
	}
	return to, nil
}

// Terminal reports whether s needs no further action from the system:
// published, rejected or withdrawn.
func (s Status) Terminal() bool {
	return s == StatusPublished || s == StatusRejected || s == StatusWithdrawn
}
