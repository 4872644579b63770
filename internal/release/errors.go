package release

import (
	"errors"
	"fmt"
	"time"
)

// ErrorClass tells the queue what to do about a failed send.
type ErrorClass int

// Error classes a channel returns.
const (
	// ClassTransient: try again later with backoff (5xx, network error
	// before the request was written).
	ClassTransient ErrorClass = iota + 1
	// ClassRateLimited: try again exactly after RetryAfter.
	ClassRateLimited
	// ClassPermanent: never retry; a human must look (bad request, can't
	// parse entities).
	ClassPermanent
	// ClassAuth: the token is dead or lacks permission; alert the officers.
	ClassAuth
	// ClassUncertain: the platform may have received the request; never
	// retried automatically.
	ClassUncertain
)

// String returns the class name used in logs, metrics and the store.
func (c ErrorClass) String() string {
	switch c {
	case ClassTransient:
		return "transient"
	case ClassRateLimited:
		return "rate_limited"
	case ClassPermanent:
		return "permanent"
	case ClassAuth:
		return "auth"
	case ClassUncertain:
		return "uncertain"
	}
	return fmt.Sprintf("class(%d)", int(c))
}

// SendError is a classified error from a channel. Channels wrap the
// platform's error in it; callers read it with errors.As or Classify.
type SendError struct {
	Class ErrorClass
	// RetryAfter is how long to wait before the next try (ClassRateLimited).
	RetryAfter time.Duration
	// Done holds the receipt of the parts that did go out before the error,
	// for a multi-part post (nil if none).
	Done *Receipt
	Err  error
}

// Error implements error.
func (e *SendError) Error() string {
	if e.Class == ClassRateLimited {
		return fmt.Sprintf("%s (retry after %s): %v", e.Class, e.RetryAfter, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Class, e.Err)
}

// Unwrap returns the wrapped error.
func (e *SendError) Unwrap() error { return e.Err }

// Classify returns the class of err: its SendError's class, or
// ClassTransient for an unclassified error.
func Classify(err error) ErrorClass {
	var se *SendError
	if errors.As(err, &se) {
		return se.Class
	}
	return ClassTransient
}

// ErrNotSupported is returned (wrapped) by a channel that cannot do an
// operation, such as editing a post on X.
var ErrNotSupported = errors.New("not supported by this platform")
