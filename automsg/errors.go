package automsg

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Sentinel errors. Compile, Preview and the text decoders wrap them, so
// callers test for them with errors.Is.
var (
	// ErrUnknownPlaceholder means a tag is not {customer}, {staff},
	// {channel}, {back}, {if NAME}, {else} or {end}.
	ErrUnknownPlaceholder = errors.New("automsg: unknown placeholder (known: {customer}, {staff}, {channel}, {back}, {if …}, {else}, {end})")
	// ErrUnclosedBrace means a '{' has no '}' after it on the same line.
	ErrUnclosedBrace = errors.New("automsg: '{' is not closed by '}' on the same line; write '{{' for a literal '{'")
	// ErrStrayBrace means a '}' closes nothing.
	ErrStrayBrace = errors.New("automsg: '}' has no matching '{'; write '}}' for a literal '}'")
	// ErrUnclosedSection means an {if NAME} has no {end}.
	ErrUnclosedSection = errors.New("automsg: {if …} has no matching {end}")
	// ErrStraySection means an {else} or {end} is outside any section.
	ErrStraySection = errors.New("automsg: {else} or {end} without a matching {if …}")
	// ErrDuplicateElse means a section has two {else}.
	ErrDuplicateElse = errors.New("automsg: a section has more than one {else}")
	// ErrTooDeep means sections are nested more than MaxDepth deep.
	ErrTooDeep = errors.New("automsg: {if …} sections are nested too deep (at most 8)")
	// ErrInvalidUTF8 means a message's text is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("automsg: text is not valid UTF-8")
	// ErrBlank means that, with some names unknown, a message would render
	// as nothing but white space, which LINE refuses.
	ErrBlank = errors.New("automsg: message may render blank; put some text outside the {if …} sections")
	// ErrTooLong means that, with the longest names, a message could
	// exceed MaxUnits UTF-16 units.
	ErrTooLong = errors.New("automsg: message may exceed 4,999 UTF-16 units")
	// ErrUnknownKind means a Kind is not Welcome, Away or Close.
	ErrUnknownKind = errors.New("automsg: unknown message kind")
	// ErrUnknownNameFormat means a NameFormat is not NameNone, NameFirst
	// or NameFull.
	ErrUnknownNameFormat = errors.New("automsg: unknown name format")
)

// SyntaxError reports a mistake in a message's text at a position, so a UI
// can point at it. Err is one of ErrUnknownPlaceholder, ErrUnclosedBrace,
// ErrStrayBrace, ErrUnclosedSection, ErrStraySection, ErrDuplicateElse,
// ErrTooDeep or ErrInvalidUTF8. A SyntaxError is not modified after it is
// returned and is safe for concurrent use.
type SyntaxError struct {
	Kind   Kind   // the message the text belongs to
	Offset int    // byte offset of the mistake in the text, from 0
	Line   int    // line of the mistake, from 1
	Column int    // column of the mistake in characters (code points), from 1
	Tag    string // the placeholder as written, braces included (possibly shortened); "" if none
	Err    error  // the sentinel saying what is wrong
}

// Error says which message, where, and what is wrong, e.g.
// `automsg: welcome message, line 1, column 4: unknown placeholder "{staf}" (known: …)`.
func (e *SyntaxError) Error() string {
	what := strings.TrimPrefix(e.Err.Error(), "automsg: ")
	if e.Tag != "" && errors.Is(e.Err, ErrUnknownPlaceholder) {
		what = fmt.Sprintf("unknown placeholder %q%s", e.Tag, strings.TrimPrefix(what, "unknown placeholder"))
	} else if e.Tag != "" {
		what = fmt.Sprintf("%s (at %q)", what, e.Tag)
	}
	return fmt.Sprintf("automsg: %s, line %d, column %d: %s", e.Kind.subject(), e.Line, e.Column, what)
}

// Unwrap returns the sentinel error.
func (e *SyntaxError) Unwrap() error { return e.Err }

// TooLongError reports a message whose longest possible rendering exceeds
// MaxUnits. It unwraps to ErrTooLong. It is safe for concurrent use.
type TooLongError struct {
	Kind  Kind // the message
	Units int  // UTF-16 units of the longest possible rendering
	Max   int  // the limit, MaxUnits
}

// Error says how long the message may become and what to do about it.
func (e *TooLongError) Error() string {
	return fmt.Sprintf("automsg: %s may reach %d UTF-16 units with the longest names (limit %d; each placeholder reserves %d); shorten the text or use fewer placeholders",
		e.Kind.subject(), e.Units, e.Max, MaxValueUnits)
}

// Unwrap returns ErrTooLong.
func (e *TooLongError) Unwrap() error { return ErrTooLong }

// BlankError reports a message that, with some names unknown, would render
// as nothing but white space. It unwraps to ErrBlank. It is safe for
// concurrent use.
type BlankError struct {
	Kind Kind // the message
}

// Error says which message may render blank and what to do about it.
func (e *BlankError) Error() string {
	return fmt.Sprintf("automsg: %s may render blank; put some text outside the {if …} sections", e.Kind.subject())
}

// Unwrap returns ErrBlank.
func (e *BlankError) Unwrap() error { return ErrBlank }

// newSyntaxError locates off in src as a line and column.
func newSyntaxError(k Kind, src string, off int, tag string, err error) *SyntaxError {
	line := 1 + strings.Count(src[:off], "\n")
	lineStart := strings.LastIndexByte(src[:off], '\n') + 1
	return &SyntaxError{
		Kind:   k,
		Offset: off,
		Line:   line,
		Column: 1 + utf8.RuneCountInString(src[lineStart:off]),
		Tag:    clipForError(tag),
		Err:    err,
	}
}

// clipForError keeps user text quoted in an error short.
func clipForError(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
