package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialdesk/socialdesk/enquiry/postgres"
	"github.com/socialdesk/socialdesk/inbox"
)

// ReleaseKey looks for pending events only once it holds the lease's row
// lock. Here B's release waits for that lock (a FOR KEY SHARE lock widens
// the window) while replica A records the customer's next event and is
// refused the key: B's release must see A's event and keep the key, or
// the event would sit pending with no replica holding it.
func TestReleaseKeySeesAnEventRecordedWhileItWaits(t *testing.T) {
	ctx := context.Background()
	schema := newSchema(t)
	a := newStoreIn(t, schema, postgres.Options{})
	b := newStoreIn(t, schema, postgres.Options{})
	pool := newPool(t, schema)
	k := inbox.Key{Channel: "c", Key: "u"}
	now := time.Now()
	_, ok, err := b.LeaseKey(ctx, k, "B", now, now.Add(time.Minute), 32)
	require.NoError(t, err)
	require.True(t, ok)

	x, err := pool.Begin(ctx)
	require.NoError(t, err)
	_, err = x.Exec(ctx, "SELECT 1 FROM event_keys WHERE channel = 'c' AND key = 'u' FOR KEY SHARE")
	require.NoError(t, err)
	type result struct {
		evs []inbox.Record
		err error
	}
	released := make(chan result, 1)
	go func() { evs, err := b.ReleaseKey(ctx, k, "B", 32); released <- result{evs, err} }()
	time.Sleep(200 * time.Millisecond) // B's release is under way, waiting for the row

	_, err = a.AppendEvents(ctx, []inbox.Record{{Channel: "c", ID: "e1", Key: "u", Received: now, Payload: []byte(`{}`)}})
	require.NoError(t, err)
	_, ok, err = a.LeaseKey(ctx, k, "A", time.Now(), time.Now().Add(time.Minute), 32)
	require.NoError(t, err)
	require.False(t, ok, "B holds the key")

	require.NoError(t, x.Commit(ctx))
	r := <-released
	require.NoError(t, r.err)
	require.Len(t, r.evs, 1, "B's release returns the event A recorded, and B keeps the key")
	assert.Equal(t, "e1", r.evs[0].ID)
	_, ok, err = a.LeaseKey(ctx, k, "A", time.Now(), time.Now().Add(time.Minute), 32)
	require.NoError(t, err)
	assert.False(t, ok, "B still holds the key")
}
