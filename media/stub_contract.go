// Package media judges content. (Temporary contract stub: replaced by the real package.)
package media

import (
	"errors"
	"io"
	"unicode/utf16"
)

// Kind is a media kind.
type Kind string

// Kinds.
const (
	KindImage Kind = "image"
	KindAudio Kind = "audio"
	KindVideo Kind = "video"
)

// Format is a detected format.
type Format string

// Verdict is a judgement.
type Verdict struct {
	Kind   Kind
	Format Format
	Size   int64
}

// Policy holds limits.
type Policy struct {
	MaxImageBytes, MaxAudioBytes, MaxVideoBytes int64
	MaxTextUnits                                int
}

// Code is a refusal code.
type Code string

// Error is a refusal.
type Error struct {
	Code   Code
	Reason string
}

func (e *Error) Error() string { return "media: " + e.Reason }

// Sentinels.
var (
	ErrTooLarge    = errors.New("media: too large")
	ErrTextTooLong = errors.New("media: text too long")
	ErrEmptyText   = errors.New("media: empty text")
)

// UTF16Len counts UTF-16 units.
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		n += len(utf16.Encode([]rune{r}))
	}
	return n
}

// CheckText checks text.
func CheckText(s string) error {
	if s == "" {
		return &Error{Code: "empty_text", Reason: "empty"}
	}
	if UTF16Len(s) > 4999 {
		return &Error{Code: "text_too_long", Reason: "too long"}
	}
	return nil
}

// Check judges content.
func Check(r io.ReaderAt, size int64) (Verdict, error) { return Verdict{}, nil }

// CheckReader judges streamed content.
func CheckReader(r io.Reader) (Verdict, error) { return Verdict{}, nil }

// CheckKind refuses never-sendable kinds.
func CheckKind(kind string) error { return nil }

// CheckText checks text under p.
func (p Policy) CheckText(s string) error { return CheckText(s) }

// Check judges content under p.
func (p Policy) Check(r io.ReaderAt, size int64) (Verdict, error) { return Check(r, size) }
