package postgres

import "github.com/socialdesk/socialdesk/enquiry"

// MaxEach is the most Receive calls a batch joins one statement each.
const MaxEach = maxEach

// ReceiveLimit returns how many Receive transactions s runs at once.
func (s *Store) ReceiveLimit() int { return s.rx.limit }

// Queued returns how many Receive calls wait for a transaction, for tests
// that build a batch.
func (s *Store) Queued() int {
	s.rx.mu.Lock()
	defer s.rx.mu.Unlock()
	return len(s.rx.queue)
}

// ReceiveArgs returns the 35 arguments of the SQL function
// socialdesk_receive for a, for tests that call an older migration's
// version of it.
func ReceiveArgs(a enquiry.Arrival) []any { return receiveArgs(&a) }

// Transactions returns how many Receive transactions the store has begun
// and how many messages they carried (a retried one counts again; the
// second call that reports a concurrent duplicate is not counted).
func (s *Store) Transactions() (txs, msgs int64) { return s.rx.txs.Load(), s.rx.msgs.Load() }
