package whatsapp

import (
	"encoding/json"
	"errors"
	"strconv"

	"github.com/socialdesk/socialdesk/internal/apiclient"
)

// Sentinel errors of the sending side. Match them with errors.Is; the
// *Error values the Client returns wrap the one that fits.
var (
	// ErrUnauthorized: Meta refused the access token (401, code 190), or
	// it is not valid for the phone number. Generate a new system user
	// token and save it on the channel.
	ErrUnauthorized = errors.New("whatsapp: access token refused")
	// ErrBadRequest: Meta refused the request as invalid (400, e.g. code
	// 100, invalid parameter).
	ErrBadRequest = errors.New("whatsapp: request refused as invalid")
	// ErrWindowClosed: the customer's last message is more than 24 hours
	// old (code 131047, "Re-engagement message"); only an approved
	// template may be sent until they write again. It is not retryable.
	ErrWindowClosed = errors.New("whatsapp: window_closed: the customer last wrote more than 24 hours ago; only a template message may be sent")
	// ErrThrottled: the phone number's throughput (code 130429) or the
	// number's pair limit with one customer (131056) was reached, or
	// another rate limit (429, code 4 or 80007); it is retryable.
	ErrThrottled = errors.New("whatsapp: rate limit reached")
	// ErrMediaRefused: Meta could not use the media of a send (code
	// 131053, or 131052 for a download).
	ErrMediaRefused = errors.New("whatsapp: media refused")
	// ErrServer: Meta failed (5xx, or code 131000 / 1 / 2); retryable
	// where the request is idempotent.
	ErrServer = errors.New("whatsapp: platform error")
	// ErrTransport: no answer from Meta (timeout, connection failure).
	ErrTransport = errors.New("whatsapp: no answer from the platform")
	// ErrDeliveryUncertain: a send got no clear answer (5xx, timeout):
	// it may have been delivered. The Cloud API has no idempotency key,
	// so the Client does not send it again; the caller (or staff) decides.
	ErrDeliveryUncertain = errors.New("whatsapp: delivery uncertain: no clear answer to the send; not sent again")
	// ErrNotFound: Meta has no such object (a media ID; code 100 with
	// subcode 33, or 404).
	ErrNotFound = errors.New("whatsapp: not found")
)

// Error is a failed call to the Cloud API (an *apiclient.Error whose
// Service is "whatsapp"). It carries the HTTP status, Meta's message and
// details and its fbtrace_id as RequestID, never the access token or a
// body. Its Err is a *CodeError holding Meta's error code and the
// sentinel of this package that fits, or the transport error.
type Error = apiclient.Error

// CodeError is Meta's error code and subcode of a refusal; it unwraps to
// the sentinel of this package that fits the code. It is immutable and
// safe for concurrent use.
type CodeError struct {
	Code, Subcode int
	Err           error
}

// Error names the code and the sentinel.
func (e *CodeError) Error() string {
	s := "code " + strconv.Itoa(e.Code)
	if e.Subcode != 0 {
		s += "/" + strconv.Itoa(e.Subcode)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the sentinel.
func (e *CodeError) Unwrap() error { return e.Err }

// ErrorCode returns Meta's error code and subcode carried by err (0, 0
// when it has none).
func ErrorCode(err error) (code, subcode int) {
	var c *CodeError
	if errors.As(err, &c) {
		return c.Code, c.Subcode
	}
	return 0, 0
}

// service names WhatsApp in errors (Error.Service) and logs.
const service = "whatsapp"

// metaErrorBody is the Graph API's error body.
type metaErrorBody struct {
	Error struct {
		Message   string `json:"message"`
		Type      string `json:"type"`
		Code      int    `json:"code"`
		Subcode   int    `json:"error_subcode"`
		ErrorData struct {
			Details string `json:"details"`
		} `json:"error_data"`
		TraceID string `json:"fbtrace_id"`
	} `json:"error"`
}

// classify reads Meta's error body into e and sets its Err, Transient
// and Uncertain from the status and code. The body itself is never kept.
func classify(e *Error, body []byte) {
	var b metaErrorBody
	if e.Status != 0 && json.Unmarshal(body, &b) == nil && b.Error.Code != 0 {
		e.Message = b.Error.Message
		if d := b.Error.ErrorData.Details; d != "" {
			e.Details = []apiclient.Detail{{Message: d}}
		}
		if e.RequestID == "" {
			e.RequestID = b.Error.TraceID
		}
	}
	sentinels.Classify(e)
	if e.Status == 0 {
		return
	}
	code, sub := b.Error.Code, b.Error.Subcode
	switch {
	case code == 190:
		e.Err = ErrUnauthorized
	case code == 131047:
		e.Err, e.Transient = ErrWindowClosed, false
	case code == 130429 || code == 131056 || code == 80007 || code == 4:
		e.Err, e.Transient, e.Uncertain = ErrThrottled, true, false
	case code == 131053 || code == 131052:
		e.Err = ErrMediaRefused
	case code == 100 && sub == 33:
		e.Err = ErrNotFound
	case code == 131000 || code == 1 || code == 2:
		e.Err, e.Transient, e.Uncertain = ErrServer, true, true
	}
	e.Err = &CodeError{Code: code, Subcode: sub, Err: e.Err}
}

var sentinels = apiclient.Sentinels{Transport: ErrTransport, Unauthorized: ErrUnauthorized, NotFound: ErrNotFound,
	RateLimited: ErrThrottled, Server: ErrServer, BadRequest: ErrBadRequest}
