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
