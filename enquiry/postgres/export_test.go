package postgres

// MaxInFlight is how many Receive transactions a Store runs at once.
const MaxInFlight = maxInFlight

// Queued returns how many Receive calls wait for a transaction, for tests
// that build a batch.
func (s *Store) Queued() int {
	s.rx.mu.Lock()
	defer s.rx.mu.Unlock()
	return len(s.rx.queue)
}
