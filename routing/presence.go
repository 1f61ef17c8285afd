package routing

import (
	"fmt"
	"time"
)

// Presence is a staff member's availability as the host reports it. Only
// Available staff are offered enquiries. The zero value is Offline.
//
// It is a plain value: safe for concurrent use while nobody modifies it.
type Presence int

// The presences a staff member may have. Their JSON form is the lower-case
// name: "offline", "available", "busy", "idle".
const (
	Offline   Presence = iota // not signed in; never rung
	Available                 // receives enquiries
	Busy                      // signed in but does not receive enquiries
	Idle                      // no activity for a while; not rung
)

var presenceNames = [...]string{"offline", "available", "busy", "idle"}

// String returns the presence's JSON name, or "Presence(n)" for a value
// outside the defined ones.
func (p Presence) String() string {
	if p >= 0 && int(p) < len(presenceNames) {
		return presenceNames[p]
	}
	return fmt.Sprintf("Presence(%d)", int(p))
}

// MarshalText returns the presence's name; it fails for an undefined value.
func (p Presence) MarshalText() ([]byte, error) {
	if p < 0 || int(p) >= len(presenceNames) {
		return nil, fmt.Errorf("%w: %d", ErrPresence, int(p))
	}
	return []byte(presenceNames[p]), nil
}

// UnmarshalText sets the presence from its name ("offline", "available",
// "busy", "idle").
func (p *Presence) UnmarshalText(b []byte) error {
	for i, n := range presenceNames {
		if string(b) == n {
			*p = Presence(i)
			return nil
		}
	}
	return fmt.Errorf("%w: %q (want offline, available, busy or idle)", ErrPresence, b)
}

// Staff is what the host knows about one staff member at the moment of a
// decision.
//
// It is a plain value: safe for concurrent use while nobody modifies it.
type Staff struct {
	// Presence says whether the staff member receives enquiries.
	Presence Presence `json:"presence"`
	// Open is the number of enquiries the staff member is attending now.
	Open int `json:"open"`
	// Capacity is the most enquiries the staff member attends at once;
	// zero (or less) means unlimited.
	Capacity int `json:"capacity,omitempty"`
	// LastAssigned is when the staff member last took an enquiry; the zero
	// time means never. The most-idle method prefers the oldest.
	LastAssigned time.Time `json:"last_assigned,omitzero"`
}

// CanTake reports whether the staff member may be offered an enquiry now:
// Available, with spare capacity.
func (s Staff) CanTake() bool {
	return s.Presence == Available && (s.Capacity <= 0 || s.Open < s.Capacity)
}

// Directory answers for staff presence and load. The host implements it;
// the package never stores staff. Staff reports false for an unknown staff
// member, who is treated as offline. Implementations must be safe for
// concurrent use when the rule is used from several goroutines, and should be
// fast: a team's method asks once per member.
type Directory interface {
	Staff(id string) (Staff, bool)
}

// DirectoryFunc adapts a function to a [Directory]. It is safe for
// concurrent use if the function is.
type DirectoryFunc func(id string) (Staff, bool)

// Staff calls f(id).
func (f DirectoryFunc) Staff(id string) (Staff, bool) { return f(id) }

// lookup returns the staff member's state and whether they can take an
// enquiry now.
func lookup(dir Directory, id string) (Staff, bool) {
	if dir == nil {
		return Staff{}, false
	}
	s, ok := dir.Staff(id)
	return s, ok && s.CanTake()
}
