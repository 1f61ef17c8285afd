// Package hookjson holds what every connector's webhook parser does alike
// with a JSON body from outside: find where it starts, say
// what is wrong with it without quoting it, give an ID to an item that
// has none, and keep the IDs of one body's items apart.
package hookjson

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
)

// FirstNonSpace returns the index of b's first byte that is not JSON
// whitespace, or -1 when there is none: where an object's '{' must be.
func FirstNonSpace(b []byte) int {
	for i, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
		default:
			return i
		}
	}
	return -1
}

// Error is a connector's refusal of a body that is not its platform's
// webhook body: where it stopped making sense and why, never any part of
// the body. It matches Err, the connector's ErrMalformed, with errors.Is;
// connectors export it as their MalformedError. It is immutable and safe
// for concurrent use.
type Error struct {
	// Offset is the byte offset at which the problem was found, when known.
	Offset int64
	// Reason is a short description, e.g. "not a JSON object".
	Reason string
	// Err is the connector's ErrMalformed, whose message starts Error's.
	Err error
}

func (e *Error) Error() string {
	prefix := "malformed webhook body"
	if e.Err != nil {
		prefix = e.Err.Error()
	}
	return prefix + ": " + e.Reason + " (at byte " + strconv.FormatInt(e.Offset, 10) + ")"
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// Object returns nil when body starts (after whitespace) as a JSON object
// does, and otherwise an *Error under sentinel: "not a JSON object".
func Object(body []byte, sentinel error) error {
	if i := FirstNonSpace(body); i < 0 || body[i] != '{' {
		return &Error{Offset: int64(max(i, 0)), Reason: "not a JSON object", Err: sentinel}
	}
	return nil
}

// Malformed is the *Error under sentinel of err, an error decoding the
// body, with Fault's offset and reason.
func Malformed(sentinel, err error) *Error {
	off, why := Fault(err)
	return &Error{Offset: off, Reason: why, Err: sentinel}
}

// Fault says where and how a decoding error found the body wrong, in
// words that never quote the body: a syntax error's message quotes the
// offending character, a type error's the offending number.
func Fault(err error) (offset int64, reason string) {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return syn.Offset, "invalid JSON"
	case errors.As(err, &typ):
		return typ.Offset, strconv.Quote(typ.Field) + " has the wrong JSON type"
	}
	return 0, "invalid JSON"
}

// DerivedID is the ID of an item that came without one: "sha256:" and
// the hex of the first half of the SHA-256 of its bytes as received, so
// a redelivery of the same bytes gets the same ID.
func DerivedID(raw []byte) string {
	sum := sha256.Sum256(raw)
	return "sha256:" + hex.EncodeToString(sum[:16])
}

// DedupeIDs gives a suffix ("#" and its index) to the ID of an item that
// repeats an earlier item's ID with other content; an identical repeat
// keeps its ID (it is the same item twice, and a store records it once).
// id returns a pointer to an item's ID, raw its bytes as received.
func DedupeIDs[T any](items []T, id func(*T) *string, raw func(*T) []byte) {
	if len(items) < 2 {
		return
	}
	first := make(map[string]int, len(items))
	for i := range items {
		p := id(&items[i])
		j, seen := first[*p]
		if !seen {
			first[*p] = i
			continue
		}
		if !bytes.Equal(raw(&items[j]), raw(&items[i])) {
			*p += "#" + strconv.Itoa(i)
		}
	}
}
