package automsg

import (
	"fmt"
	"strconv"
)

// Kind names one of the three auto-messages a channel sends on its own.
// Its zero value is Welcome. Kind is marshalled as its String form
// ("welcome", "away", "close") in JSON and other text encodings.
// A Kind is a plain value, safe for concurrent use.
type Kind int

const (
	// Welcome is sent when a customer's first message opens a new enquiry.
	Welcome Kind = iota
	// Away is sent when no staff member can answer a new enquiry.
	Away
	// Close is sent when staff or the system closes an enquiry.
	Close

	numKinds = 3

	// Canned is the kind errors name for a text compiled on its own with
	// Parse: a canned reply, which staff insert into a message of their
	// own. It is none of the three auto-messages: Kinds, Settings,
	// Preview and the text encodings do not take it.
	Canned Kind = numKinds
)

var kindNames = [numKinds]string{"welcome", "away", "close"}

// Kinds returns the three kinds in their natural order: Welcome, Away, Close.
// Each call returns a new slice; it is safe for concurrent use.
func Kinds() []Kind { return []Kind{Welcome, Away, Close} }

func (k Kind) valid() bool { return k >= 0 && k < numKinds }

// String returns "welcome", "away", "close" or, for Canned, "canned", or
// "Kind(n)" for a value that is none of them.
func (k Kind) String() string {
	if k == Canned {
		return "canned"
	}
	if !k.valid() {
		return "Kind(" + strconv.Itoa(int(k)) + ")"
	}
	return kindNames[k]
}

// MarshalText encodes k as "welcome", "away" or "close". It fails with
// ErrUnknownKind for any other value, Canned included.
func (k Kind) MarshalText() ([]byte, error) {
	if !k.valid() {
		return nil, fmt.Errorf("%w: %d", ErrUnknownKind, int(k))
	}
	return []byte(kindNames[k]), nil
}

// UnmarshalText decodes "welcome", "away" or "close". It fails with
// ErrUnknownKind for any other text.
func (k *Kind) UnmarshalText(b []byte) error {
	for i, name := range kindNames {
		if string(b) == name {
			*k = Kind(i)
			return nil
		}
	}
	return fmt.Errorf("%w: %q (want \"welcome\", \"away\" or \"close\")", ErrUnknownKind, clipForError(string(b)))
}

// NameFormat says how a staff member's name appears where a message writes
// {staff}: not at all, first name only, or first and last name.
// Its zero value is NameNone. NameFormat is marshalled as "none", "first"
// or "full". A NameFormat is a plain value, safe for concurrent use.
type NameFormat int

const (
	// NameNone never shows a staff name: {staff} always renders its neutral
	// fallback and {if staff} sections are always skipped.
	NameNone NameFormat = iota
	// NameFirst shows the staff member's first name (or, if it is empty,
	// the last name).
	NameFirst
	// NameFull shows the first and last name separated by one space
	// (or whichever of the two is not empty).
	NameFull

	numNameFormats = 3
)

var nameFormatNames = [numNameFormats]string{"none", "first", "full"}

func (f NameFormat) valid() bool { return f >= 0 && f < numNameFormats }

// String returns "none", "first" or "full", or "NameFormat(n)" for a value
// that is none of them.
func (f NameFormat) String() string {
	if !f.valid() {
		return "NameFormat(" + strconv.Itoa(int(f)) + ")"
	}
	return nameFormatNames[f]
}

// MarshalText encodes f as "none", "first" or "full". It fails with
// ErrUnknownNameFormat for any other value.
func (f NameFormat) MarshalText() ([]byte, error) {
	if !f.valid() {
		return nil, fmt.Errorf("%w: %d", ErrUnknownNameFormat, int(f))
	}
	return []byte(nameFormatNames[f]), nil
}

// UnmarshalText decodes "none", "first" or "full". It fails with
// ErrUnknownNameFormat for any other text.
func (f *NameFormat) UnmarshalText(b []byte) error {
	for i, name := range nameFormatNames {
		if string(b) == name {
			*f = NameFormat(i)
			return nil
		}
	}
	return fmt.Errorf("%w: %q (want \"none\", \"first\" or \"full\")", ErrUnknownNameFormat, clipForError(string(b)))
}

// subject is what an error calls the text of kind k: "welcome message",
// "canned reply".
func (k Kind) subject() string {
	if k == Canned {
		return "canned reply"
	}
	return k.String() + " message"
}
