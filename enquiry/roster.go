package enquiry

import (
	"sync"
	"time"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/routing"
)

// Roster is a simple in-memory Directory for hosts without a staff system
// of their own: staff names, presence and capacity set by the host, and
// open-enquiry counts kept from the desk's assignments (it is a
// LoadTracker). It is safe for concurrent use. The zero value is ready.
type Roster struct {
	mu    sync.RWMutex
	staff map[string]*rosterEntry
}

type rosterEntry struct {
	name  automsg.Staff
	state routing.Staff
}

var (
	_ Directory   = (*Roster)(nil)
	_ LoadTracker = (*Roster)(nil)
)

// Add adds or renames a staff member, offline until SetPresence.
func (r *Roster) Add(id string, name automsg.Staff, capacity int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.staff == nil {
		r.staff = map[string]*rosterEntry{}
	}
	if e, ok := r.staff[id]; ok {
		e.name, e.state.Capacity = name, capacity
		return
	}
	r.staff[id] = &rosterEntry{name: name, state: routing.Staff{Capacity: capacity}}
}

// SetPresence sets a staff member's presence; false if unknown.
func (r *Roster) SetPresence(id string, p routing.Presence) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.staff[id]
	if ok {
		e.state.Presence = p
	}
	return ok
}

// IDs returns the staff IDs in no particular order.
func (r *Roster) IDs() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	ids := make([]string, 0, len(r.staff))
	for id := range r.staff {
		ids = append(ids, id)
	}
	return ids
}

// Staff implements routing.Directory.
func (r *Roster) Staff(id string) (routing.Staff, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if e, ok := r.staff[id]; ok {
		return e.state, true
	}
	return routing.Staff{}, false
}

// Name implements Directory.
func (r *Roster) Name(id string) (automsg.Staff, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if e, ok := r.staff[id]; ok {
		return e.name, true
	}
	return automsg.Staff{}, false
}

// Assigned implements LoadTracker.
func (r *Roster) Assigned(id string, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.staff[id]; ok {
		e.state.Open++
		e.state.LastAssigned = at
	}
}

// Released implements LoadTracker.
func (r *Roster) Released(id string, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.staff[id]; ok && e.state.Open > 0 {
		e.state.Open--
	}
}
