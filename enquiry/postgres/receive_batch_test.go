package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/enquiry/postgres"
	"github.com/socialdesk/socialdesk/media"
)

// receiveInOrder queues arrivals one after the other behind occupied
// transactions, so that they form one batch in this order, and returns
// each call's result.
func receiveInOrder(t *testing.T, s *postgres.Store, schema string, arrivals []enquiry.Arrival) ([]enquiry.Received, []error) {
	t.Helper()
	return receiveInOrderWhile(t, s, schema, arrivals, func() {})
}

// receiveInOrderWhile is receiveInOrder, calling meanwhile once the batch
// may run and before waiting for its results.
func receiveInOrderWhile(t *testing.T, s *postgres.Store, schema string, arrivals []enquiry.Arrival, meanwhile func()) ([]enquiry.Received, []error) {
	t.Helper()
	release := occupy(t, s, schema)
	got := make([]enquiry.Received, len(arrivals))
	errs := make([]error, len(arrivals))
	var wg sync.WaitGroup
	for i, a := range arrivals {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = s.Receive(context.Background(), a)
		}()
		require.Eventually(t, func() bool { return s.Queued() == i+1 }, 10*time.Second, time.Millisecond, "call %d queues", i)
	}
	release()
	meanwhile()
	wg.Wait()
	return got, errs
}

// A batch joins the messages of customers with an open enquiry in one
// statement (more than postgres.MaxEach of them) or one statement each
// (up to MaxEach), and the store builds their results from what it sent:
// each is what the same call returns alone, in a store that received the
// batch's messages one at a time, down to the microsecond, the
// replacement of U+0000 and of bytes that are not UTF-8, and the
// delivery fields Receive does not write. A duplicate's enquiry is the
// enquiry as the batch left it.
func TestReceiveInOneBatchReturnsWhatLoneCallsReturn(t *testing.T) {
	t.Run("in one statement", func(t *testing.T) { testBatchAsAlone(t, 0) })
	t.Run("one statement each", func(t *testing.T) { testBatchAsAlone(t, postgres.MaxEach) })
}

// testBatchAsAlone receives a batch of messages in batches of size (all
// in one if 0) and checks each result against a lone call's.
func testBatchAsAlone(t *testing.T, size int) {
	ctx := context.Background()
	at := t0.Add(time.Hour + 123456789*time.Nanosecond)
	msg := func(customer, external string, at time.Time, edit func(a *enquiry.Arrival)) enquiry.Arrival {
		a := arrival("c", customer, external, at)
		edit(&a)
		return a
	}
	keep := func(*enquiry.Arrival) {}
	before := []enquiry.Arrival{
		arrival("c", "u1", "p1", t0), arrival("c", "u2", "p2", t0), arrival("c", "u3", "p3", t0),
		arrival("c", "u2", "shared", t0),
	}
	batch := []enquiry.Arrival{
		msg("u1", "b1", at, func(a *enquiry.Arrival) { a.Enquiry.Customer.Name = "Alice" }),
		msg("u2", "b2", at.Add(time.Second), func(a *enquiry.Arrival) {
			a.Enquiry.ReadOnly, a.Enquiry.Reply = true, enquiry.Reply{}
			a.Enquiry.Customer.Name = "Bo\x00b"
			a.Message.Content.Text = "nul \x00 and \xff not UTF-8"
		}),
		msg("u1", "b3", t0.Add(time.Second), func(a *enquiry.Arrival) { // older than b1
			a.Enquiry.Customer.Name, a.Enquiry.Reply, a.Enquiry.ReadOnly = "", enquiry.Reply{}, true
		}),
		msg("u3", "shared", at, keep), // u2's external ID
		msg("u2", "p2", at, keep),     // recorded before
		msg("u4", "b4", at, keep),     // opens
		msg("u4", "b5", at.Add(time.Second), keep),
		msg("u1", "b1", at, keep), // a redelivery within the batch
		msg("u1", "b6", at.Add(2*time.Second), func(a *enquiry.Arrival) {
			a.Message.Author.Via = "session"
			a.Message.Batch, a.Message.Unsent = "bx", true
			a.Message.Delivery = &enquiry.Delivery{State: enquiry.Pending, Reason: "r", RequestID: "q", At: at,
				Attempts: 2, LeaseUntil: at.Add(time.Minute), Owner: "me", Reply: enquiry.Reply{Handle: "h", At: at}}
			a.Message.Content = enquiry.Content{Kind: enquiry.Image, State: enquiry.ContentPending,
				Media:   &enquiry.MediaRef{Kind: media.KindImage, Size: 10, Duration: time.Second},
				Sticker: &enquiry.StickerRef{Package: "p", ID: "s", Keywords: []string{}},
				Quote:   &enquiry.Quote{ExternalID: "p1"}}
		}),
		msg("u1", "b7", at.Add(3*time.Second), func(a *enquiry.Arrival) { a.Message.Delivery = &enquiry.Delivery{Owner: "me"} }),
		arrival("gone", "u5", "b8", at),
	}

	alone := newStore(t, "c")
	schema := newSchema(t)
	batched := newStoreIn(t, schema, postgres.Options{})
	createChannels(t, batched, "c")
	for _, a := range before {
		_, err := alone.Receive(ctx, a)
		require.NoError(t, err)
		_, err = batched.Receive(ctx, a)
		require.NoError(t, err)
	}
	_, msgs := batched.Transactions()
	if size == 0 {
		size = len(batch)
	}
	require.Greater(t, len(batch), postgres.MaxEach, "the whole batch is one statement")
	var (
		got  []enquiry.Received
		errs []error
	)
	for part := range slices.Chunk(batch, size) {
		g, e := receiveInOrder(t, batched, schema, part)
		got, errs = append(got, g...), append(errs, e...)
	}
	_, msgs2 := batched.Transactions()
	require.Greater(t, msgs2-msgs, int64(len(batch)), "the batch ran (and its left-overs after)")

	for i, a := range batch {
		want, wantErr := alone.Receive(ctx, a)
		if wantErr != nil {
			assert.ErrorIs(t, errs[i], enquiry.ErrNotFound, "message %d", i)
			assert.ErrorIs(t, wantErr, enquiry.ErrNotFound, "message %d", i)
			continue
		}
		require.NoError(t, errs[i], "message %d", i)
		if want.Duplicate {
			assert.True(t, got[i].Duplicate, "message %d", i)
			assert.Equal(t, want.Message, got[i].Message, "message %d", i)
			assert.Equal(t, want.Enquiry.ID, got[i].Enquiry.ID, "message %d", i)
			continue
		}
		assert.Equal(t, want, got[i], "message %d", i)
	}
	assert.True(t, got[3].ReusedID, "another customer's external ID is reported")
	assert.True(t, got[4].Duplicate && got[7].Duplicate)
	assert.Equal(t, "Alice", got[2].Enquiry.Customer.Name, "an empty name keeps the one before")
	assert.Equal(t, "rt-b1", got[2].Enquiry.Reply.Handle, "no handle keeps the one before")
	assert.Equal(t, at.Truncate(time.Microsecond), got[2].Enquiry.LastActivity, "an older message leaves the last activity")
	assert.Equal(t, int64(4), got[8].Message.Seq)

	// Both stores hold the same.
	for _, customer := range []string{"u1", "u2", "u3", "u4"} {
		want, err := alone.Enquiries(ctx, enquiry.Filter{Channel: "c", Customer: customer})
		require.NoError(t, err)
		have, err := batched.Enquiries(ctx, enquiry.Filter{Channel: "c", Customer: customer})
		require.NoError(t, err)
		require.Len(t, want, 1)
		assert.Equal(t, want, have, customer)
		wantMsgs, err := alone.Messages(ctx, want[0].ID, 0, 0)
		require.NoError(t, err)
		haveMsgs, err := batched.Messages(ctx, want[0].ID, 0, 0)
		require.NoError(t, err)
		assert.Equal(t, wantMsgs, haveMsgs, customer)
	}
}

// Calls of one customer never run in two transactions at once: the
// second waits in the queue, and joins the first's successor.
func TestReceiveRunsOneCustomersCallsInOneTransactionAtATime(t *testing.T) {
	ctx := context.Background()
	schema := newSchema(t)
	s := newStoreIn(t, schema, postgres.Options{})
	createChannels(t, s, "c")
	first, err := s.Receive(ctx, arrival("c", "u1", "m0", t0))
	require.NoError(t, err)
	pool := newPool(t, schema)
	tx := lockEnquiry(t, schema, first.Enquiry.ID)

	errs := make(chan error, 3)
	receive := func(customer, external string) {
		go func() {
			_, err := s.Receive(ctx, arrival("c", customer, external, t0))
			errs <- err
		}()
	}
	receive("u1", "m1")
	require.Eventually(t, func() bool { return lockWaiters(ctx, pool, schema) == 1 }, 10*time.Second, 5*time.Millisecond,
		"the first call waits for the enquiry")
	receive("u1", "m2")
	require.Eventually(t, func() bool { return s.Queued() == 1 }, 10*time.Second, time.Millisecond,
		"the second waits in the queue, though a transaction is free")
	receive("u2", "m3")
	require.NoError(t, <-errs, "another customer's call runs at once")
	assert.Equal(t, 1, s.Queued())
	assert.Equal(t, 1, lockWaiters(ctx, pool, schema))

	require.NoError(t, tx.Commit(ctx))
	require.NoError(t, <-errs)
	require.NoError(t, <-errs)
	msgs, err := s.Messages(ctx, first.Enquiry.ID, 0, 0)
	require.NoError(t, err)
	var ids []string
	for _, m := range msgs {
		ids = append(ids, fmt.Sprint(m.Seq, m.ExternalID))
	}
	assert.Equal(t, []string{"1m0", "2m1", "3m2"}, ids)
}

// A customer's messages keep their order of arrival when the customer's
// open enquiry is closed and another opened while a batch waits for it:
// the first message, which then finds none of its own to join, is not
// overtaken by the second, which would find the new one.
func TestReceiveKeepsACustomersOrderWhenItsEnquiryIsReplacedMidBatch(t *testing.T) {
	ctx := context.Background()
	schema := newSchema(t)
	s := newStoreIn(t, schema, postgres.Options{})
	createChannels(t, s, "c")
	first, err := s.Receive(ctx, arrival("c", "u1", "m0", t0))
	require.NoError(t, err)
	tx := lockEnquiry(t, schema, first.Enquiry.ID)

	pool := newPool(t, schema)
	got, errs := receiveInOrderWhile(t, s, schema, []enquiry.Arrival{
		arrival("c", "u1", "m1", t0.Add(time.Second)), arrival("c", "u1", "m2", t0.Add(2*time.Second)),
	}, func() {
		require.Eventually(t, func() bool { return lockWaiters(ctx, pool, schema) == 1 }, 10*time.Second, 5*time.Millisecond,
			"the batch waits for u1's enquiry")
		for _, q := range []string{
			`UPDATE enquiries SET state = 'closed' WHERE id = '` + first.Enquiry.ID + `'`,
			`CREATE TEMP TABLE replacement ON COMMIT DROP AS SELECT * FROM enquiries WHERE id = '` + first.Enquiry.ID + `'`,
			`UPDATE replacement SET id = 'e2', state = 'ringing', last_seq = 0, n = (SELECT max(n) + 1 FROM enquiries)`,
			`INSERT INTO enquiries OVERRIDING SYSTEM VALUE SELECT * FROM replacement`,
		} {
			_, err := tx.Exec(ctx, q)
			require.NoError(t, err, q)
		}
		require.NoError(t, tx.Commit(ctx))
	})
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	assert.Equal(t, "e2", got[0].Enquiry.ID)
	assert.Equal(t, "e2", got[1].Enquiry.ID)
	assert.Equal(t, []int64{1, 2}, []int64{got[0].Message.Seq, got[1].Message.Seq}, "m1 before m2")
}
