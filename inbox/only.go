package inbox

import (
	"context"
	"time"
)

// Only returns s as Workers of one connector must see it when several
// connectors share one store: the events of channels for which keep
// returns false are left alone, neither handed over nor leased, so
// another connector's Workers handle them. Appending, marking done and
// pruning pass through. The result is a Leaser when s is one, and a
// Pruner. keep must be safe for concurrent use; the result is, when s is.
//
// A sweep reads at most Options.QueueSize pending events before leaving
// out other channels' ones: while more than that many of theirs are
// pending, this connector's wait for the next sweep after those are done.
func Only(s Store, keep func(channel string) bool) Store {
	o := only{s: s, keep: keep}
	if l, ok := s.(Leaser); ok {
		return onlyLeaser{o, l}
	}
	return o
}

type only struct {
	s    Store
	keep func(channel string) bool
}

func (o only) AppendEvents(ctx context.Context, events []Record) ([]Record, error) {
	return o.s.AppendEvents(ctx, events)
}

func (o only) EventDone(ctx context.Context, channel, id string) error {
	return o.s.EventDone(ctx, channel, id)
}

func (o only) PendingEvents(ctx context.Context, before time.Time, limit int) ([]Record, error) {
	evs, err := o.s.PendingEvents(ctx, before, limit)
	return o.filter(evs), err
}

// PruneEvents implements Pruner when the store is one.
func (o only) PruneEvents(ctx context.Context, before time.Time) (int64, error) {
	if p, ok := o.s.(Pruner); ok {
		return p.PruneEvents(ctx, before)
	}
	return 0, nil
}

func (o only) filter(evs []Record) []Record {
	kept := evs[:0:0]
	for _, ev := range evs {
		if o.keep(ev.Channel) {
			kept = append(kept, ev)
		}
	}
	return kept
}

type onlyLeaser struct {
	only
	l Leaser
}

func (o onlyLeaser) LeaseKey(ctx context.Context, k Key, owner string, now, until time.Time, limit int) ([]Record, bool, error) {
	if !o.keep(k.Channel) {
		return nil, false, nil
	}
	return o.l.LeaseKey(ctx, k, owner, now, until, limit)
}

func (o onlyLeaser) ReleaseKey(ctx context.Context, k Key, owner string, limit int) ([]Record, error) {
	return o.l.ReleaseKey(ctx, k, owner, limit)
}

func (o onlyLeaser) RenewKeys(ctx context.Context, owner string, keys []Key, until time.Time) error {
	return o.l.RenewKeys(ctx, owner, keys, until)
}

func (o onlyLeaser) PendingUnleased(ctx context.Context, owner string, now, before time.Time, limit int) ([]Record, error) {
	evs, err := o.l.PendingUnleased(ctx, owner, now, before, limit)
	return o.filter(evs), err
}
