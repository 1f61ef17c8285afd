package routing

import (
	"errors"
	"fmt"
)

// Sentinel errors. Validation failures are [*RuleError] values that wrap one
// of these, so callers can use errors.Is to tell the cause and errors.As to
// find where in the rule it is.
var (
	// ErrEmpty: a rule, list or team that must name something names nothing.
	ErrEmpty = errors.New("routing: nothing to route to")
	// ErrAmbiguous: a rule sets more than one kind, or a destination more
	// than one target.
	ErrAmbiguous = errors.New("routing: more than one choice set")
	// ErrPercent: a Percentage rule's share is not a percentage from 0 to
	// 100, or its shares do not total exactly 100.
	ErrPercent = errors.New("routing: percentages must total 100")
	// ErrHours: a time condition has no days or malformed or empty hours.
	ErrHours = errors.New("routing: invalid hours")
	// ErrOverlap: two time conditions cover the same time on the same day.
	ErrOverlap = errors.New("routing: hours overlap")
	// ErrZone: the time zone is missing or not a known IANA name.
	ErrZone = errors.New("routing: unknown time zone")
	// ErrDate: a holiday is not a valid YYYY-MM-DD date.
	ErrDate = errors.New("routing: invalid date")
	// ErrUnknownTeam: a destination names a team the rule does not define.
	ErrUnknownTeam = errors.New("routing: unknown team")
	// ErrMethod: a team's distribution method is not one of the defined ones.
	ErrMethod = errors.New("routing: unknown team method")
	// ErrPresence: a presence is not one of the defined ones.
	ErrPresence = errors.New("routing: unknown presence")
	// ErrDuplicate: a team, member, day or holiday is listed twice.
	ErrDuplicate = errors.New("routing: listed twice")
	// ErrDuration: a timeout or window is malformed, negative or too long.
	ErrDuration = errors.New("routing: invalid duration")
	// ErrTooLarge: the rule is nested too deeply or expands to too many steps.
	ErrTooLarge = errors.New("routing: rule too large")
	// ErrJSON: the rule's JSON form is malformed (syntax, types, unknown
	// fields). The json package's error is wrapped too.
	ErrJSON = errors.New("routing: invalid rule JSON")
)

// RuleError reports what is wrong with a rule and where.
//
// It is a plain value: safe for concurrent use while nobody modifies it.
type RuleError struct {
	// Path locates the problem in the rule's JSON form, for example
	// "time.conditions[1].then.percentage[0]"; empty for the whole rule.
	Path string
	// Msg says what is wrong and what to do, in words for whoever edits
	// the rule.
	Msg string
	// Err is the sentinel the problem belongs to, such as ErrOverlap.
	Err error
}

// Error returns "routing: invalid rule at PATH: MSG".
func (e *RuleError) Error() string {
	if e.Path == "" {
		return "routing: invalid rule: " + e.Msg
	}
	return "routing: invalid rule at " + e.Path + ": " + e.Msg
}

// Unwrap returns the sentinel error.
func (e *RuleError) Unwrap() error { return e.Err }

func invalid(path string, sentinel error, format string, args ...any) *RuleError {
	return &RuleError{Path: path, Msg: fmt.Sprintf(format, args...), Err: sentinel}
}
