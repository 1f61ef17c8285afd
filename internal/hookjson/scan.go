package hookjson

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// Scanner is a fast path for reading a few fields of a webhook body: in
// one pass over its bytes and without reflection, where encoding/json
// takes several passes. It reads a strict subset of what encoding/json
// reads, and says so (false) whenever a body leaves that subset: invalid
// JSON, nesting deeper than MaxDepth, a key with an escape or a byte
// beyond ASCII, a value of another type than asked for (null included),
// or a key that only encoding/json's case-insensitive matching would take
// for a known one (Key). The caller then decodes the body with
// encoding/json, which decides. So where the fast path answers, it
// answers as encoding/json would; where it cannot, nothing changes.
//
// The caller walks the value it expects: Object and Array call back for
// each field or element, and the callback reads that value with exactly
// one of String, Int64, Bool, Skip, Object or Array. The zero Scanner
// reads nothing; Reset gives it a body. A Scanner is not safe for
// concurrent use.
type Scanner struct {
	b     []byte
	i     int
	depth int
}

// MaxDepth is the deepest nesting a Scanner reads; encoding/json reads
// up to 10,000 levels, which webhook bodies never need.
const MaxDepth = 64

// Reset makes s read b from its start.
func (s *Scanner) Reset(b []byte) { *s = Scanner{b: b} }

// End reports whether only whitespace is left: a body must be one value.
func (s *Scanner) End() bool {
	s.space()
	return s.i == len(s.b)
}

// Next skips whitespace and returns the offset of the next value.
func (s *Scanner) Next() int {
	s.space()
	return s.i
}

// Offset returns the offset of the byte after the last value read.
func (s *Scanner) Offset() int { return s.i }

// Object reads an object, calling f with each key (valid until the next
// call of s); f reads the key's value and reports whether to go on.
func (s *Scanner) Object(f func(key []byte) bool) bool {
	s.space()
	if s.i >= len(s.b) || s.b[s.i] != '{' || s.depth >= MaxDepth {
		return false
	}
	s.depth++
	s.i++
	s.space()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		s.depth--
		return true
	}
	for {
		s.space()
		key, ok := s.str()
		if !ok || !plainKey(key) {
			return false
		}
		s.space()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return false
		}
		s.i++
		if !f(key) {
			return false
		}
		s.space()
		if s.i >= len(s.b) {
			return false
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case '}':
			s.i++
			s.depth--
			return true
		default:
			return false
		}
	}
}

// Array reads an array, calling f for each element; f reads the element
// and reports whether to go on.
func (s *Scanner) Array(f func() bool) bool {
	s.space()
	if s.i >= len(s.b) || s.b[s.i] != '[' || s.depth >= MaxDepth {
		return false
	}
	s.depth++
	s.i++
	s.space()
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		s.depth--
		return true
	}
	for {
		if !f() {
			return false
		}
		s.space()
		if s.i >= len(s.b) {
			return false
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case ']':
			s.i++
			s.depth--
			return true
		default:
			return false
		}
	}
}

// Skip reads any value and returns its bytes.
func (s *Scanner) Skip() ([]byte, bool) {
	s.space()
	start := s.i
	ok := s.skip()
	return s.b[start:s.i], ok
}

// String reads a string as encoding/json decodes it into a Go string.
func (s *Scanner) String() (string, bool) {
	s.space()
	start := s.i
	inner, ok := s.str()
	if !ok {
		return "", false
	}
	escaped, ascii := false, true
	for _, c := range inner {
		if c == '\\' {
			escaped = true
			break
		}
		if c >= utf8.RuneSelf {
			ascii = false
		}
	}
	if !escaped && (ascii || utf8.Valid(inner)) {
		return string(inner), true
	}
	// Escapes, or bytes that are not UTF-8: encoding/json's own rules.
	var v string
	if json.Unmarshal(s.b[start:s.i], &v) != nil {
		return "", false
	}
	return v, true
}

// StringOf is String for a field that mostly holds one of a few values
// (a type, a mode): one of those is returned without a copy.
func (s *Scanner) StringOf(common []string) (string, bool) {
	s.space()
	start := s.i
	if inner, ok := s.str(); ok {
		for _, c := range common {
			if string(inner) == c {
				return c, true
			}
		}
	}
	s.i = start
	return s.String()
}

// Int64 reads a number as encoding/json decodes it into an int64: an
// integer that fits one.
func (s *Scanner) Int64() (int64, bool) {
	s.space()
	start := s.i
	if s.i >= len(s.b) || (s.b[s.i] != '-' && (s.b[s.i] < '0' || s.b[s.i] > '9')) || !s.number() {
		return 0, false
	}
	n, err := strconv.ParseInt(string(s.b[start:s.i]), 10, 64)
	return n, err == nil
}

// Bool reads true or false.
func (s *Scanner) Bool() (bool, bool) {
	s.space()
	switch {
	case s.literal("true"):
		return true, true
	case s.literal("false"):
		return false, true
	}
	return false, false
}

// Fields reads an object of which the caller knows some keys (at most
// 64): f reads the value of each known key, given its index in known;
// the values of other keys are skipped. It gives up (false) where
// encoding/json would read the object otherwise: a known key repeated
// (encoding/json keeps the last) or one that encoding/json's
// case-insensitive matching would take for a known key (Key).
func (s *Scanner) Fields(known []string, f func(i int) bool) bool {
	var seen uint64
	return s.Object(func(key []byte) bool {
		i, ok := Key(key, known)
		switch {
		case !ok:
			return false
		case i < 0:
			_, ok = s.Skip()
			return ok
		case seen&(1<<i) != 0:
			return false
		}
		seen |= 1 << i
		return f(i)
	})
}

// Key tells what a key is to a reader that knows the given keys: the
// index of the one it is exactly, or -1 when it is none of them; ok is
// false when encoding/json would take it for one of them all the same
// (it matches keys without regard to case), which the fast path leaves
// to encoding/json.
func Key(key []byte, known []string) (index int, ok bool) {
	for i, k := range known {
		if string(key) == k {
			return i, true
		}
		if foldASCII(key, k) {
			return -1, false
		}
	}
	return -1, true
}

// foldASCII reports whether the ASCII key equals k but for case.
func foldASCII(key []byte, k string) bool {
	if len(key) != len(k) {
		return false
	}
	for i, c := range key {
		if lower(c) != lower(k[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// plainKey reports whether key (a string's contents) has no escape and
// only ASCII: a key encoding/json matches exactly or by ASCII case alone.
func plainKey(key []byte) bool {
	for _, c := range key {
		if c == '\\' || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func (s *Scanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

// skip reads any value at s.i.
func (s *Scanner) skip() bool {
	if s.i >= len(s.b) {
		return false
	}
	switch c := s.b[s.i]; {
	case c == '{':
		return s.Object(func([]byte) bool { return s.skipNext() })
	case c == '[':
		return s.Array(s.skipNext)
	case c == '"':
		_, ok := s.str()
		return ok
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	}
	return false
}

func (s *Scanner) skipNext() bool {
	s.space()
	return s.skip()
}

// special marks the bytes that end a string's plain run: the quote, the
// backslash and control characters.
var special = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// str reads a string at s.i and returns its contents, still escaped.
func (s *Scanner) str() ([]byte, bool) {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return nil, false
	}
	s.i++
	start := s.i
	for {
		for s.i < len(s.b) && !special[s.b[s.i]] {
			s.i++
		}
		if s.i >= len(s.b) {
			return nil, false
		}
		switch s.b[s.i] {
		case '"':
			s.i++
			return s.b[start : s.i-1], true
		case '\\':
			s.i++
			if s.i >= len(s.b) {
				return nil, false
			}
			switch s.b[s.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i++
			case 'u':
				if len(s.b)-s.i < 5 {
					return nil, false
				}
				for _, h := range s.b[s.i+1 : s.i+5] {
					if !isHex(h) {
						return nil, false
					}
				}
				s.i += 5
			default:
				return nil, false
			}
		default: // a control character
			return nil, false
		}
	}
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// number reads a number at s.i, in JSON's grammar.
func (s *Scanner) number() bool {
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.b) && s.b[s.i] == '0':
		s.i++
	case s.i < len(s.b) && s.b[s.i] >= '1' && s.b[s.i] <= '9':
		s.digits()
	default:
		return false
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if !s.digits() {
			return false
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if !s.digits() {
			return false
		}
	}
	return true
}

// digits reads one or more digits.
func (s *Scanner) digits() bool {
	start := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i > start
}

func (s *Scanner) literal(lit string) bool {
	if len(s.b)-s.i < len(lit) || string(s.b[s.i:s.i+len(lit)]) != lit {
		return false
	}
	s.i += len(lit)
	return true
}
