package apiclient

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Detail is one item of the details a platform gives with an error: which
// property of the request was wrong and why.
type Detail struct {
	Message  string `json:"message,omitempty"`
	Property string `json:"property,omitempty"`
}

// Error is a failed call to a platform. It carries the platform's status,
// message, details and request ID, never the access token or a request or
// answer body. Retryable reports whether trying again later may succeed.
// An Error is not modified after it is returned; reading it from several
// goroutines is safe.
type Error struct {
	// Service names the platform ("line"); it starts the message.
	Service string
	// Op is the operation: "reply", "push", "profile", "content", …
	Op string
	// Status is the HTTP status; 0 when no answer came (see Err).
	Status int
	// Message and Details are the platform's words.
	Message string
	Details []Detail
	// RequestID is the platform's request ID, for support tickets.
	RequestID string
	// RetryAfter is the wait the platform asked for with Retry-After.
	RetryAfter time.Duration
	// Err is the cause: a transport error, or the sentinel that fits.
	Err error
	// Transient reports that the same request may succeed later (see
	// Retryable).
	Transient bool
	// Uncertain reports that the request may have been carried out
	// although no success came back (5xx, no answer).
	Uncertain bool
}

// Error says what failed, with the status, message, details and request ID.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Service != "" {
		b.WriteString(e.Service)
		b.WriteString(": ")
	}
	b.WriteString(e.Op)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": %d", e.Status)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	} else if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	for i, d := range e.Details {
		if i == 0 {
			b.WriteString(" (")
		} else {
			b.WriteString("; ")
		}
		if d.Property != "" {
			b.WriteString(d.Property)
			b.WriteString(": ")
		}
		b.WriteString(d.Message)
		if i == len(e.Details)-1 {
			b.WriteString(")")
		}
	}
	if e.RequestID != "" {
		b.WriteString(" [request ")
		b.WriteString(e.RequestID)
		b.WriteString("]")
	}
	return b.String()
}

// Unwrap returns the cause: the sentinel for the status, or the transport error.
func (e *Error) Unwrap() error { return e.Err }

// Retryable reports whether the same request may succeed later; it is the
// internal/retry contract.
func (e *Error) Retryable() bool { return e.Transient }

// AsUncertain returns e as the failure of a send that may have been
// carried out although no success came back: it is not retryable, so
// nothing goes twice; it matches sentinel (the connector's
// ErrDeliveryUncertain) as well as e's cause, and its message says so.
func (e *Error) AsUncertain(sentinel error) *Error {
	u := *e
	u.Transient, u.Err = false, &uncertainError{sentinel, e.Err}
	if u.Message != "" {
		u.Message += "; " + strings.TrimPrefix(sentinel.Error(), e.Service+": ")
	}
	return &u
}

// uncertainError is the cause of an Error after AsUncertain.
type uncertainError struct{ sentinel, cause error }

func (e *uncertainError) Error() string {
	if e.cause == nil {
		return e.sentinel.Error()
	}
	return e.sentinel.Error() + " (" + e.cause.Error() + ")"
}

// Unwrap returns the sentinel and the cause (errors.Is and As skip a nil one).
func (e *uncertainError) Unwrap() []error { return []error{e.sentinel, e.cause} }

// Classify sets Transient and Uncertain from the status, as most
// platforms mean it: no answer and 5xx may have been carried out and may
// succeed later; 429 (and 202, not ready yet) may succeed later; every
// other refusal is permanent. Connectors call it before their own rules.
func Classify(e *Error) {
	switch s := e.Status; {
	case s == 0, s >= 500:
		e.Transient, e.Uncertain = true, true
	case s == http.StatusTooManyRequests, s == http.StatusAccepted:
		e.Transient = true
	}
}

// Sentinels are a connector's errors for the outcomes every platform has;
// Classify gives an Error the one its status calls for.
type Sentinels struct {
	Transport    error // no answer came (the transport error is wrapped in it)
	Unauthorized error // 401
	Forbidden    error // 403; nil: BadRequest
	NotFound     error // 404, 410
	RateLimited  error // 429
	Server       error // 5xx
	BadRequest   error // every other refusal
}

// Classify sets e's Transient and Uncertain (as the package's Classify)
// and its Err from the status, so that a connector only adds the rules
// its platform's messages or codes call for.
func (s Sentinels) Classify(e *Error) {
	Classify(e)
	switch st := e.Status; {
	case st == 0:
		e.Err = fmt.Errorf("%w: %w", s.Transport, e.Err)
	case st == http.StatusUnauthorized:
		e.Err = s.Unauthorized
	case st == http.StatusForbidden && s.Forbidden != nil:
		e.Err = s.Forbidden
	case st == http.StatusNotFound, st == http.StatusGone:
		e.Err = s.NotFound
	case st == http.StatusTooManyRequests:
		e.Err = s.RateLimited
	case st >= 500:
		e.Err = s.Server
	default:
		e.Err = s.BadRequest
	}
}

// ReadBody decodes a platform's usual JSON error body,
// {"message":…,"details":[{"message":…,"property":…}]}, into e's Message
// and Details (at most 20), leaving them as they were when the body is
// not of that form. It never keeps the body itself.
func (e *Error) ReadBody(body []byte) {
	var eb struct {
		Message string   `json:"message"`
		Details []Detail `json:"details"`
	}
	if json.Unmarshal(body, &eb) != nil {
		return
	}
	e.Message, e.Details = eb.Message, eb.Details
	if len(e.Details) > maxDetails {
		e.Details = e.Details[:maxDetails]
	}
}

// Bounds on what an error keeps: platforms list at most a few details,
// and ask for waits of seconds, not days.
const (
	maxDetails    = 20
	maxRetryAfter = 3600
)

// RetryAfter reads a Retry-After header (seconds or an HTTP date, judged
// from now), capped at an hour; 0 when there is none or it is invalid.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	ra := h.Get("Retry-After")
	if ra == "" {
		return 0
	}
	if s, err := strconv.Atoi(ra); err == nil && s >= 0 {
		return time.Duration(min(s, maxRetryAfter)) * time.Second
	}
	if t, err := http.ParseTime(ra); err == nil {
		return min(max(t.Sub(now), 0), maxRetryAfter*time.Second)
	}
	return 0
}
