package inbox

import (
	"context"
	"errors"
	"time"
)

// Store is the durable inbox: the queue of record for events a webhook
// accepted. Implementations are safe for concurrent use; enquiry.MemStore
// and enquiry/postgres are two. Every implementation must pass the suite
// in inbox/inboxtest.
type Store interface {
	// AppendEvents records events in order and returns the ones not seen
	// before (by Channel and ID) with Seq set; a redelivered event is
	// dropped. It fails as a whole or succeeds as a whole.
	AppendEvents(ctx context.Context, events []Record) ([]Record, error)
	// EventDone marks an event handled. It is kept, without need of its
	// payload, so that its redeliveries are dropped.
	EventDone(ctx context.Context, channel, id string) error
	// PendingEvents returns unhandled events received before `before`,
	// oldest first, at most limit: what a restarted process must still do.
	PendingEvents(ctx context.Context, before time.Time, limit int) ([]Record, error)
}

// Leaser is a Store shared by several processes (replicas) that lets one
// process at a time handle a key's events, so that each customer's events
// are handled once at a time and in order, whichever replica recorded
// them. A lease lasts until released or until its expiry, so a process
// that dies holds nothing for long. Workers use it when their store is one.
type Leaser interface {
	// LeaseKey gives the key to owner until `until`, unless another owner
	// holds it past `now`. When granted, it returns the key's pending
	// events, oldest first, at most limit; ok reports whether it was.
	LeaseKey(ctx context.Context, k Key, owner string, now, until time.Time, limit int) (pending []Record, ok bool, err error)
	// ReleaseKey gives up owner's lease on the key if the key has no
	// pending events. Otherwise owner keeps the lease and gets the key's
	// pending events, oldest first, at most limit, to handle before
	// releasing again. ErrLeaseLost if owner no longer held the lease.
	ReleaseKey(ctx context.Context, k Key, owner string, limit int) ([]Record, error)
	// RenewKeys extends owner's leases on keys until `until`; keys owner
	// no longer holds are skipped.
	RenewKeys(ctx context.Context, owner string, keys []Key, until time.Time) error
	// PendingUnleased is PendingEvents without the events of keys that
	// another owner holds past `now`: what owner may take on.
	PendingUnleased(ctx context.Context, owner string, now, before time.Time, limit int) ([]Record, error)
}

// Pruner is a Store that can forget handled events, which are kept only
// so that redeliveries are dropped. Workers prune with it now and then.
type Pruner interface {
	// PruneEvents deletes handled events received before `before` and
	// returns how many it deleted. Pending events are always kept.
	PruneEvents(ctx context.Context, before time.Time) (int64, error)
}

// ErrLeaseLost is returned by Leaser.ReleaseKey when the key's lease
// expired and another owner took it: that owner handles the key's events now.
var ErrLeaseLost = errors.New("inbox: lease on the key was lost to another owner")
