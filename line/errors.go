package line

import (
	"errors"
	"fmt"
	"strings"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/apiclient"
)

// Sentinel errors of the outbound half. Match them with errors.Is; the
// *Error values the client returns wrap the one that fits.
var (
	// ErrUnauthorized: LINE refused the channel access token (401). Issue
	// a new token in the LINE Developers Console and save it on the channel.
	ErrUnauthorized = errors.New("line: channel access token refused")
	// ErrForbidden: the token may not use this API (403), e.g. a plan limit.
	ErrForbidden = errors.New("line: not allowed for this channel")
	// ErrNotFound: LINE has no such user, message or content (404, 410).
	ErrNotFound = errors.New("line: not found")
	// ErrRateLimited: LINE answered 429 because too many requests were
	// sent; it is retryable.
	ErrRateLimited = errors.New("line: rate limit exceeded")
	// ErrMonthlyLimit: the account's monthly message quota is used up
	// (429 that no retry cures). Raise the plan or wait for next month.
	// It matches enquiry.ErrQuotaExhausted, so the desk marks the messages
	// enquiry.QuotaExhausted.
	ErrMonthlyLimit error = &wrapped{"line: monthly message limit reached", enquiry.ErrQuotaExhausted}
	// ErrInvalidReplyToken: the reply token was used or expired.
	ErrInvalidReplyToken = errors.New("line: invalid reply token")
	// ErrBadRequest: LINE refused the request as malformed (400, 413, 415).
	ErrBadRequest = errors.New("line: request refused as invalid")
	// ErrServer: LINE failed (5xx); it is retryable.
	ErrServer = errors.New("line: platform error")
	// ErrTransport: no answer from LINE (timeout, connection failure);
	// it is retryable.
	ErrTransport = errors.New("line: no answer from the platform")
	// ErrNotReady: video or audio content is still being prepared
	// (transcoding "processing", or 202); retry later.
	ErrNotReady = errors.New("line: content is still being prepared")
	// ErrContentFailed: LINE failed to prepare the content; it will never
	// be available.
	ErrContentFailed = errors.New("line: content preparation failed")
	// ErrDeliveryUncertain: a reply got no clear answer (5xx, timeout)
	// and the single-use reply token can no longer tell whether it went
	// through. The messages are not sent again, since they may have been
	// delivered; staff may resend them.
	ErrDeliveryUncertain = errors.New("line: delivery uncertain: LINE gave no clear answer to the reply; not sent again")
	// ErrNoRecipient: the outbound request names no customer.
	ErrNoRecipient = errors.New("line: outbound request has no customer")
	// ErrNotLINE: the channel is of another connector kind.
	ErrNotLINE = errors.New(`line: channel is not a LINE channel (Kind must be "line")`)
	// ErrNoToken: the channel has no access token.
	ErrNoToken = errors.New("line: channel has no access token")
	// ErrNoRetryKey: the outbound request has no valid retry key (a UUID),
	// so a retried push could be delivered twice.
	ErrNoRetryKey = errors.New("line: outbound request needs a UUID retry key")
	// ErrNoMessages: the outbound request has no messages.
	ErrNoMessages = errors.New("line: outbound request has no messages")
	// ErrTooManyMessages: the outbound request has more messages than
	// LINE takes in one request (MaxMessagesPerRequest); nothing was
	// sent. Split it into several Outbounds, each with its own retry key.
	ErrTooManyMessages = errors.New("line: outbound request has more than 5 messages, the most LINE takes in one request")
	// ErrUnsendable: a message cannot be sent on LINE (see MessageError).
	ErrUnsendable = errors.New("line: message cannot be sent")
)

// Detail is one item of the details LINE gives with an error: which
// property of the request was wrong and why.
type Detail = apiclient.Detail

// Error is a failed call to the LINE platform (an *apiclient.Error whose
// Service is "line"). It carries LINE's status, message, details and
// request ID, never the access token or the request body. Its Retryable
// reports whether trying again later may succeed: 5xx, rate limits (but
// not the monthly limit), timeouts and content not yet prepared are
// retryable; every other refusal is permanent. Its Err is the sentinel of
// this package that fits, or the transport error.
type Error = apiclient.Error

// classify reads LINE's error body ({"message":…,"details":[…]}) into e
// and sets its Err, Transient and Uncertain from the status and message.
// A body that is not LINE's JSON leaves the status text as the message;
// the body itself is never kept.
func classify(e *Error, body []byte) {
	if e.Status != 0 {
		e.ReadBody(body)
	}
	sentinels.Classify(e)
	switch s := e.Status; {
	case s == 202:
		e.Err, e.Message = ErrNotReady, msgNotReady
	case s == 429 && strings.Contains(strings.ToLower(e.Message), "monthly limit"):
		e.Transient, e.Err = false, ErrMonthlyLimit
	case s == 400 && strings.EqualFold(strings.TrimSpace(e.Message), "Invalid reply token"):
		e.Err = ErrInvalidReplyToken
	}
}

var sentinels = apiclient.Sentinels{Transport: ErrTransport, Unauthorized: ErrUnauthorized, Forbidden: ErrForbidden,
	NotFound: ErrNotFound, RateLimited: ErrRateLimited, Server: ErrServer, BadRequest: ErrBadRequest}

// service names LINE in errors (Error.Service) and logs.
const service = "line"

// msgNotReady says why content is not there yet (202, or "processing").
const msgNotReady = "LINE is still preparing the content"

// MessageError says which message of an outbound request cannot be sent
// and why. It matches ErrUnsendable with errors.Is, and the media refusal
// that caused it (a *media.Error) with errors.As. Nothing of the request
// was sent.
type MessageError struct {
	Index  int    // index in Outbound.Messages
	ID     string // the message's ID
	Reason string
	Err    error
}

// Error says which message cannot be sent and why.
func (e *MessageError) Error() string {
	return fmt.Sprintf("line: message %d (%s) cannot be sent: %s", e.Index, e.ID, e.Reason)
}

// Unwrap returns ErrUnsendable and the cause, if any.
func (e *MessageError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrUnsendable, e.Err}
	}
	return []error{ErrUnsendable}
}

// Retryable reports false: the message itself must change.
func (e *MessageError) Retryable() bool { return false }

// wrapped is a sentinel of this package that also matches a desk sentinel.
type wrapped struct {
	msg string
	err error
}

func (w *wrapped) Error() string { return w.msg }
func (w *wrapped) Unwrap() error { return w.err }
