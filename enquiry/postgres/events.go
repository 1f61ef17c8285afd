package postgres

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/inbox"
)

var (
	_ inbox.Store  = (*Store)(nil)
	_ inbox.Leaser = (*Store)(nil)
	_ inbox.Pruner = (*Store)(nil)
)

// AppendEvents records events in order and returns the ones not seen
// before (by Channel and ID) with Seq set; a redelivered event is dropped.
// It fails as a whole or succeeds as a whole. The inserts go to the
// database in one round trip.
func (s *Store) AppendEvents(ctx context.Context, events []inbox.Record) ([]inbox.Record, error) {
	if len(events) == 0 {
		return nil, nil
	}
	var fresh []inbox.Record
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		fresh = fresh[:0]
		b := &pgx.Batch{}
		for _, ev := range events {
			payload := ev.Payload
			if payload == nil {
				payload = []byte{}
			}
			b.Queue(`INSERT INTO events (channel, id, key, received, payload) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (channel, id) DO NOTHING RETURNING seq`,
				ev.Channel, ev.ID, ev.Key, tz(ev.Received), payload)
		}
		res := tx.SendBatch(ctx, b)
		for _, ev := range events {
			err := res.QueryRow().Scan(&ev.Seq)
			if err == pgx.ErrNoRows {
				continue // seen before
			}
			if err != nil {
				res.Close()
				return err
			}
			fresh = append(fresh, ev)
		}
		return res.Close()
	})
	if err != nil {
		return nil, wrap(err, "appending events")
	}
	return fresh, nil
}

// EventDone marks an event processed: enquiry.ErrNotFound if it was never
// appended.
func (s *Store) EventDone(ctx context.Context, channel, id string) error {
	tag, err := s.pool.Exec(ctx, "UPDATE events SET done = true WHERE channel = $1 AND id = $2", channel, id)
	if err != nil {
		return wrap(err, "marking an event done")
	}
	if tag.RowsAffected() == 0 {
		return enquiry.ErrNotFound
	}
	return nil
}

// LeaseKey gives the key to owner until `until` unless another owner
// holds it past `now`, and when it does, returns the key's pending
// events, oldest first, at most limit (inbox.Leaser). The events are
// read by a second statement, after the lease is won, so that they
// include everything the previous holder left pending and nothing it
// finished. One round trip.
func (s *Store) LeaseKey(ctx context.Context, k inbox.Key, owner string, now, until time.Time, limit int) ([]inbox.Record, bool, error) {
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO event_keys (channel, key, owner, until) VALUES ($1, $2, $3, $5)
		ON CONFLICT (channel, key) DO UPDATE SET owner = EXCLUDED.owner, until = EXCLUDED.until
			WHERE event_keys.owner = EXCLUDED.owner OR event_keys.until <= $4
		RETURNING true`, k.Channel, k.Key, owner, now, until)
	b.Queue(pendingOfKey+` AND EXISTS (SELECT 1 FROM event_keys WHERE channel = $1 AND key = $2 AND owner = $3)
		ORDER BY seq LIMIT $4`, k.Channel, k.Key, owner, limitArg(limit))
	ok, evs, err := s.flagThenEvents(ctx, b)
	if err != nil {
		return nil, false, wrap(err, "leasing an event key")
	}
	return evs, ok, nil
}

// ReleaseKey gives up owner's lease on the key if the key has no pending
// events, or else keeps it and returns them (inbox.Leaser). It locks
// the lease first and only then looks for pending events, in a second
// statement: an event recorded meanwhile by a process whose LeaseKey this
// lease refused is either seen here (and kept) or recorded after the
// release (and then that process's next LeaseKey wins). One round trip.
func (s *Store) ReleaseKey(ctx context.Context, k inbox.Key, owner string, limit int) ([]inbox.Record, error) {
	b := &pgx.Batch{}
	b.Queue(`SELECT owner = $3 FROM event_keys WHERE channel = $1 AND key = $2 FOR UPDATE`, k.Channel, k.Key, owner)
	b.Queue(`WITH pending AS (`+pendingOfKey+` ORDER BY seq LIMIT $4),
		released AS (
			DELETE FROM event_keys WHERE channel = $1 AND key = $2 AND owner = $3
				AND NOT EXISTS (SELECT 1 FROM pending)
		)
		SELECT * FROM pending`, k.Channel, k.Key, owner, limitArg(limit))
	held, evs, err := s.flagThenEvents(ctx, b)
	switch {
	case err != nil:
		return nil, wrap(err, "releasing an event key")
	case !held:
		return nil, inbox.ErrLeaseLost
	}
	return evs, nil
}

// flagThenEvents sends b, a statement that returns a boolean (false when
// it returns no row) then one that returns events, as one implicit
// transaction: its statements run in order, each with a fresh snapshot,
// and the locks the first takes are held to the end. One round trip.
func (s *Store) flagThenEvents(ctx context.Context, b *pgx.Batch) (flag bool, evs []inbox.Record, err error) {
	err = s.retry(ctx, func() error {
		flag, evs = false, nil
		res := s.pool.SendBatch(ctx, b)
		defer res.Close()
		if err := res.QueryRow().Scan(&flag); err != nil && err != pgx.ErrNoRows {
			return err
		}
		rows, err := res.Query()
		if err != nil {
			return err
		}
		evs, err = pgx.CollectRows(rows, scanEvent)
		return err
	})
	return flag, evs, err
}

// pendingOfKey selects the pending events of key ($1, $2), in scanEvent's
// column order; callers add conditions, ORDER BY and LIMIT.
const pendingOfKey = `SELECT channel, id, key, received, payload, seq FROM events WHERE channel = $1 AND key = $2 AND NOT done`

func scanEvent(row pgx.CollectableRow) (inbox.Record, error) {
	var (
		ev       inbox.Record
		received pgtype.Timestamptz
	)
	err := row.Scan(&ev.Channel, &ev.ID, &ev.Key, &received, &ev.Payload, &ev.Seq)
	ev.Received = goTime(received)
	return ev, err
}

// RenewKeys extends owner's leases on keys until `until`
// (inbox.Leaser).
func (s *Store) RenewKeys(ctx context.Context, owner string, keys []inbox.Key, until time.Time) error {
	if len(keys) == 0 {
		return nil
	}
	// Rows are locked in key order, so two renewals never deadlock.
	keys = slices.SortedFunc(slices.Values(keys), func(a, b inbox.Key) int {
		return cmp.Or(cmp.Compare(a.Channel, b.Channel), cmp.Compare(a.Key, b.Key))
	})
	channels, names := make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		channels[i], names[i] = k.Channel, k.Key
	}
	_, err := s.pool.Exec(ctx, `UPDATE event_keys SET until = $2
		FROM unnest($3::text[], $4::text[]) AS k (channel, key)
		WHERE event_keys.owner = $1 AND event_keys.channel = k.channel AND event_keys.key = k.key`,
		owner, until, channels, names)
	return wrap(err, "renewing event key leases")
}

// PendingUnleased is PendingEvents without the events of keys another
// owner holds past now (inbox.Leaser).
func (s *Store) PendingUnleased(ctx context.Context, owner string, now, before time.Time, limit int) ([]inbox.Record, error) {
	rows, _ := s.pool.Query(ctx, `SELECT channel, id, key, received, payload, seq FROM events e
		WHERE NOT done AND received < $1 AND NOT EXISTS (
			SELECT 1 FROM event_keys k WHERE k.channel = e.channel AND k.key = e.key AND k.owner <> $3 AND k.until > $4)
		ORDER BY seq LIMIT $2`, before, limitArg(limit), owner, now)
	evs, err := pgx.CollectRows(rows, scanEvent)
	return evs, wrap(err, "reading pending events")
}

// PendingEvents returns unprocessed events received before `before`,
// oldest first, at most limit (0: all).
func (s *Store) PendingEvents(ctx context.Context, before time.Time, limit int) ([]inbox.Record, error) {
	rows, _ := s.pool.Query(ctx, `SELECT channel, id, key, received, payload, seq FROM events
		WHERE NOT done AND received < $1 ORDER BY seq LIMIT $2`, before, limitArg(limit))
	evs, err := pgx.CollectRows(rows, scanEvent)
	return evs, wrap(err, "reading pending events")
}

// PruneEvents deletes processed events received before `before` and
// returns how many it deleted (inbox.Pruner). Processed events are
// kept only to drop redeliveries; a connector's inbox calls it now and
// then (inbox.Options.KeepEvents).
func (s *Store) PruneEvents(ctx context.Context, before time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, "DELETE FROM events WHERE done AND received < $1", before)
	return tag.RowsAffected(), wrap(err, "pruning events")
}
