package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/socialdesk/socialdesk/enquiry"
)

var _ enquiry.EventPruner = (*Store)(nil)

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
