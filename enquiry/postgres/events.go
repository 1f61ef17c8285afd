package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/socialdesk/socialdesk/enquiry"
)

var (
	_ enquiry.EventPruner = (*Store)(nil)
	_ enquiry.KeyLeaser   = (*Store)(nil)
)

// AppendEvents records events in order and returns the ones not seen
// before (by Channel and ID) with Seq set; a redelivered event is dropped.
// It fails as a whole or succeeds as a whole. The inserts go to the
// database in one round trip.
func (s *Store) AppendEvents(ctx context.Context, events []enquiry.Event) ([]enquiry.Event, error) {
	if len(events) == 0 {
		return nil, nil
	}
	var fresh []enquiry.Event
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
// events, oldest first, at most limit (enquiry.KeyLeaser). One round trip.
func (s *Store) LeaseKey(ctx context.Context, k enquiry.EventKey, owner string, now, until time.Time, limit int) ([]enquiry.Event, bool, error) {
	rows, _ := s.pool.Query(ctx, `WITH lease AS (
			INSERT INTO event_keys (channel, key, owner, until) VALUES ($1, $2, $3, $5)
			ON CONFLICT (channel, key) DO UPDATE SET owner = EXCLUDED.owner, until = EXCLUDED.until
				WHERE event_keys.owner = EXCLUDED.owner OR event_keys.until <= $4
			RETURNING true AS ok)
		SELECT lease.ok, e.channel, e.id, e.key, e.received, e.payload, e.seq
		FROM lease LEFT JOIN LATERAL (
			SELECT * FROM events WHERE channel = $1 AND key = $2 AND NOT done ORDER BY seq LIMIT $6
		) e ON true`, k.Channel, k.Key, owner, now, until, limitArg(limit))
	evs, ok, err := collectKeyEvents(rows)
	return evs, ok, wrap(err, "leasing an event key")
}

// ReleaseKey gives up owner's lease on the key if the key has no pending
// events, or else keeps it and returns them (enquiry.KeyLeaser). One
// round trip.
func (s *Store) ReleaseKey(ctx context.Context, k enquiry.EventKey, owner string, limit int) ([]enquiry.Event, error) {
	rows, _ := s.pool.Query(ctx, `WITH pending AS (
			SELECT * FROM events WHERE channel = $1 AND key = $2 AND NOT done ORDER BY seq LIMIT $4
		), held AS (
			SELECT true AS ok FROM event_keys WHERE channel = $1 AND key = $2 AND owner = $3
		), released AS (
			DELETE FROM event_keys WHERE channel = $1 AND key = $2 AND owner = $3
				AND NOT EXISTS (SELECT 1 FROM pending)
		)
		SELECT held.ok, e.channel, e.id, e.key, e.received, e.payload, e.seq
		FROM held LEFT JOIN pending e ON true`, k.Channel, k.Key, owner, limitArg(limit))
	evs, held, err := collectKeyEvents(rows)
	if err == nil && !held {
		err = enquiry.ErrLeaseLost
	}
	return evs, wrap(err, "releasing an event key")
}

// RenewKeys extends owner's leases on keys until `until`
// (enquiry.KeyLeaser).
func (s *Store) RenewKeys(ctx context.Context, owner string, keys []enquiry.EventKey, until time.Time) error {
	if len(keys) == 0 {
		return nil
	}
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

// collectKeyEvents reads rows of (ok, event columns…): no row means not
// ok; an ok row with a NULL event means no events.
func collectKeyEvents(rows pgx.Rows) ([]enquiry.Event, bool, error) {
	defer rows.Close()
	var (
		evs []enquiry.Event
		ok  bool
	)
	for rows.Next() {
		var (
			channel, id, key *string
			received         pgtype.Timestamptz
			payload          []byte
			seq              *int64
		)
		if err := rows.Scan(&ok, &channel, &id, &key, &received, &payload, &seq); err != nil {
			return nil, false, err
		}
		if id != nil {
			evs = append(evs, enquiry.Event{Channel: *channel, ID: *id, Key: *key, Received: goTime(received), Payload: payload, Seq: *seq})
		}
	}
	return evs, ok, rows.Err()
}

// PendingEvents returns unprocessed events received before `before`,
// oldest first, at most limit (0: all).
func (s *Store) PendingEvents(ctx context.Context, before time.Time, limit int) ([]enquiry.Event, error) {
	rows, _ := s.pool.Query(ctx, `SELECT channel, id, key, received, payload, seq FROM events
		WHERE NOT done AND received < $1 ORDER BY seq LIMIT $2`, before, limitArg(limit))
	evs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (enquiry.Event, error) {
		var (
			ev       enquiry.Event
			received pgtype.Timestamptz
		)
		err := row.Scan(&ev.Channel, &ev.ID, &ev.Key, &received, &ev.Payload, &ev.Seq)
		ev.Received = goTime(received)
		return ev, err
	})
	return evs, wrap(err, "reading pending events")
}

// PruneEvents deletes processed events received before `before` and
// returns how many it deleted (enquiry.EventPruner). Processed events are
// kept only to drop redeliveries; line.Webhook calls it now and then
// (WebhookConfig.KeepEvents).
func (s *Store) PruneEvents(ctx context.Context, before time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, "DELETE FROM events WHERE done AND received < $1", before)
	return tag.RowsAffected(), wrap(err, "pruning events")
}
