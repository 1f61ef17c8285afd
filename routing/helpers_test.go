package routing_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/routing"
)

// directory is a Directory over a map; absent IDs are unknown staff.
type directory map[string]routing.Staff

func (d directory) Staff(id string) (routing.Staff, bool) {
	s, ok := d[id]
	return s, ok
}

// available returns a directory where every listed staff member is
// available with no load.
func available(ids ...string) directory {
	d := make(directory, len(ids))
	for _, id := range ids {
		d[id] = routing.Staff{Presence: routing.Available}
	}
	return d
}

// valid validates r, failing the test on error, and returns it.
func valid(t testing.TB, r routing.Rule) *routing.Rule {
	t.Helper()
	noError(t, r.Validate())
	return &r
}

// at parses an RFC 3339 time.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	noError(t, err)
	return v
}

// first returns the first step's target, for counting splits.
func first(p routing.Plan) string {
	if len(p.Steps) == 0 {
		return ""
	}
	s := p.Steps[0]
	return s.Staff + s.Team + s.Bot
}

// equal fails the test when got is not deeply equal to want.
func equal(t testing.TB, want, got any, msg ...any) {
	t.Helper()
	if !reflect.DeepEqual(want, got) {
		t.Errorf("%sgot  %#v\nwant %#v", prefix(msg), got, want)
	}
}

// noError stops the test when err is not nil.
func noError(t testing.TB, err error, msg ...any) {
	t.Helper()
	if err != nil {
		t.Fatalf("%sunexpected error: %v", prefix(msg), err)
	}
}

func prefix(msg []any) string {
	if len(msg) == 0 {
		return ""
	}
	return fmt.Sprint(msg...) + ":\n"
}
