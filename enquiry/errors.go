package enquiry

import (
	"errors"
	"fmt"
)

// Sentinel errors. Match them with errors.Is; the typed errors below wrap
// them with details.
var (
	// ErrNotFound: no channel, enquiry or message with that ID.
	ErrNotFound = errors.New("enquiry: not found")
	// ErrConflict: the record changed since it was read (a concurrent
	// update won). Stores return it from conditional updates; the desk
	// retries or turns it into a more precise error.
	ErrConflict = errors.New("enquiry: changed concurrently")
	// ErrAlreadyAttended: another staff member attends the enquiry; see
	// AttendedError for who.
	ErrAlreadyAttended = errors.New("enquiry: already attended by another staff member")
	// ErrClosed: the enquiry is closed; a new customer message opens a new one.
	ErrClosed = errors.New("enquiry: enquiry is closed")
	// ErrNotOwner: only the staff member attending an enquiry (or one
	// invited into it) may send in it or close it; attend it first.
	ErrNotOwner = errors.New("enquiry: staff member does not attend this enquiry")
	// ErrAccountTaken: the external account is connected to another
	// channel; see AccountTakenError for which.
	ErrAccountTaken = errors.New("enquiry: account already connected to another channel")
	// ErrChannelExists: a channel with that ID exists.
	ErrChannelExists = errors.New("enquiry: channel ID already in use")
	// ErrOpenEnquiries: the channel has open enquiries; delete with force
	// to close them first.
	ErrOpenEnquiries = errors.New("enquiry: channel has open enquiries")
	// ErrInvalid: a value failed validation; see ValidationError.
	ErrInvalid = errors.New("enquiry: invalid")
	// ErrReadOnly: the platform lets the desk only read the conversation
	// now (another app answers the customer; Enquiry.ReadOnly), so nothing
	// may be sent.
	ErrReadOnly = errors.New("enquiry: the platform lets the desk only read this conversation now (another app answers the customer); nothing may be sent")
	// ErrSuspended: the channel is suspended; nothing is sent until it is resumed.
	ErrSuspended = errors.New("enquiry: channel is suspended")
	// ErrBlocked: the customer blocked the channel's account on the
	// platform; nothing can be delivered to them until they add it again.
	ErrBlocked = errors.New("enquiry: blocked: the customer has blocked this account; nothing can be delivered until they add it as a friend again")
	// ErrQuotaExhausted: the platform refused to send because the
	// account's message quota for the period (e.g. the month's messages)
	// is used up. Retrying does not help: raise the plan's limit, or wait
	// for the next period. A Sender's error that matches it marks the
	// messages QuotaExhausted.
	ErrQuotaExhausted = errors.New("enquiry: not sent: the account's message quota for this period is used up; raise the plan's limit or wait for the next period")
)

// AttendedError says who already attends an enquiry. It matches
// ErrAlreadyAttended with errors.Is.
type AttendedError struct {
	Enquiry string
	Staff   string
}

func (e *AttendedError) Error() string {
	return fmt.Sprintf("enquiry: %s is already attended by %s", e.Enquiry, e.Staff)
}

// Unwrap returns ErrAlreadyAttended.
func (e *AttendedError) Unwrap() error { return ErrAlreadyAttended }

// AccountTakenError says which channel holds an external account. It
// matches ErrAccountTaken with errors.Is.
type AccountTakenError struct {
	Kind    string // connector kind
	Account string // the platform's ID of the account
	Channel string // the channel that holds it
}

func (e *AccountTakenError) Error() string {
	return fmt.Sprintf("enquiry: %s account %s is already connected to channel %q; disconnect it there first", e.Kind, e.Account, e.Channel)
}

// Unwrap returns ErrAccountTaken.
func (e *AccountTakenError) Unwrap() error { return ErrAccountTaken }

// ValidationError names the field that failed and why. It matches
// ErrInvalid with errors.Is; an error from automsg, routing or media that
// caused it is available through errors.As as well.
type ValidationError struct {
	Field  string
	Reason string
	Err    error
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("enquiry: invalid %s: %s", e.Field, e.Reason)
}

// Unwrap returns ErrInvalid and the underlying error, if any.
func (e *ValidationError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrInvalid, e.Err}
	}
	return []error{ErrInvalid}
}

func invalid(field, reason string, err error) error {
	return &ValidationError{Field: field, Reason: reason, Err: err}
}

// Permanent reports whether err, from a Desk call a connector makes for
// a platform's event, says the call can never succeed as it was made:
// there is no such channel or enquiry (ErrNotFound), a value is invalid
// (ErrInvalid), or the enquiry is closed (ErrClosed). A connector records
// such an event as handled, logging why, instead of retrying it; any other
// error may pass (a store that failed for now), so the event is retried.
func Permanent(err error) bool {
	return errors.Is(err, ErrNotFound) || errors.Is(err, ErrInvalid) || errors.Is(err, ErrClosed)
}
