// Package retry holds the module's one "may I try again?" contract: an
// error is retryable when it, or an error it wraps, has a Retryable() bool
// method that returns true.
package retry

import (
	"context"
	"errors"
)

// Retryable reports whether err, or an error in its tree, says to try
// again later (a Retryable() bool method returning true).
func Retryable(err error) bool {
	var r interface{ Retryable() bool }
	return errors.As(err, &r) && r.Retryable()
}

// Cut reports whether err is a context's cancellation or deadline: the
// attempt was cut off and its outcome is unknown, so it may be retried.
func Cut(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}

// Error marks err as retryable (or not). It keeps err's message and
// unwraps to it.
func Error(err error, retryable bool) error { return &marked{err, retryable} }

type marked struct {
	err       error
	retryable bool
}

func (m *marked) Error() string   { return m.err.Error() }
func (m *marked) Unwrap() error   { return m.err }
func (m *marked) Retryable() bool { return m.retryable }
