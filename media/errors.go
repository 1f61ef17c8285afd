package media

import "errors"

// Code is the stable, machine-readable reason for a refusal. Programs switch
// on it; people read Error.Reason. It is a plain value, safe for concurrent
// use.
type Code string

// The refusal codes. They never change meaning once released.
//
//   - CodeTooLarge: over the size limit of the content's kind.
//   - CodeUnsupportedFormat: a format the platform does not carry (on LINE: GIF, Ogg, WebM, text, ...).
//   - CodeUnsupportedCodec: an allowed container holding another codec than H.264/AAC (or PCM in WAV).
//   - CodeMultipleAudio: a video with more than one audio stream.
//   - CodeMalformed: empty, damaged or cut-short content.
//   - CodeTextTooLong, CodeEmptyText: text over the limit, or empty.
//   - CodeUnsupportedKind: a message kind the desk never sends or downloads.
const (
	CodeTooLarge          Code = "too_large"
	CodeUnsupportedFormat Code = "unsupported_format"
	CodeUnsupportedCodec  Code = "unsupported_codec"
	CodeMultipleAudio     Code = "multiple_audio_streams"
	CodeMalformed         Code = "malformed"
	CodeTextTooLong       Code = "text_too_long"
	CodeEmptyText         Code = "empty_text"
	CodeUnsupportedKind   Code = "unsupported_kind"
)

// Sentinel errors, one per Code; they are never returned themselves. Every *Error matches the sentinel of its
// code with errors.Is, so callers can write errors.Is(err, media.ErrTooLarge).
var (
	ErrTooLarge          = errors.New("media: content is larger than allowed")
	ErrUnsupportedFormat = errors.New("media: format is not allowed")
	ErrUnsupportedCodec  = errors.New("media: codec is not allowed")
	ErrMultipleAudio     = errors.New("media: more than one audio stream")
	ErrMalformed         = errors.New("media: content is damaged or cut short")
	ErrTextTooLong       = errors.New("media: text is too long")
	ErrEmptyText         = errors.New("media: text is empty")
	ErrUnsupportedKind   = errors.New("media: message kind cannot be sent")
)

var sentinels = map[Code]error{
	CodeTooLarge:          ErrTooLarge,
	CodeUnsupportedFormat: ErrUnsupportedFormat,
	CodeUnsupportedCodec:  ErrUnsupportedCodec,
	CodeMultipleAudio:     ErrMultipleAudio,
	CodeMalformed:         ErrMalformed,
	CodeTextTooLong:       ErrTextTooLong,
	CodeEmptyText:         ErrEmptyText,
	CodeUnsupportedKind:   ErrUnsupportedKind,
}

// Error is a refusal: which rule the content breaks (Code) and a sentence a
// staff member understands (Reason). It never contains the content itself.
// An *Error is immutable and safe for concurrent use.
type Error struct {
	// Code is the machine-readable rule that was broken.
	Code Code
	// Reason says, in plain words, what is wrong and, where it helps, what
	// to do instead.
	Reason string
	// Kind and Format are what the content was recognised as, when known.
	Kind   Kind
	Format Format
}

// Error returns the reason prefixed with the package name and code.
func (e *Error) Error() string {
	return "media: " + string(e.Code) + ": " + e.Reason
}

// Is reports whether target is the sentinel for e's Code, or an *Error with
// the same Code.
func (e *Error) Is(target error) bool {
	if t, ok := target.(*Error); ok {
		return t.Code == e.Code
	}
	s, ok := sentinels[e.Code]
	return ok && s == target
}

// Unwrap returns the sentinel error of e's Code (nil for an unknown code).
func (e *Error) Unwrap() error { return sentinels[e.Code] }

func refuse(c Code, reason string) *Error { return &Error{Code: c, Reason: reason} }
