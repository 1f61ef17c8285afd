package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/enquiry/postgres"
)

// lockWaiters counts the schema's sessions waiting for a lock in a call of
// socialdesk_receive.
func lockWaiters(ctx context.Context, pool *pgxpool.Pool, schema string) int {
	var n int
	err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
		WHERE application_name = $1 AND wait_event_type = 'Lock' AND query LIKE '%socialdesk_receive%'`, schema).Scan(&n)
	if err != nil {
		return -1
	}
	return n
}

// blockers numbers the messages of occupy's blockers, new in every call.
var blockers atomic.Int64

// occupy fills every Receive transaction of s with a message of a
// customer "blocker-i" of channel c (one per transaction: the store never
// runs two of one customer at once), each waiting for that customer's
// enquiry, which another session locks; Receive calls made until the
// returned release is called queue, so they form one batch. release lets
// the blockers finish.
func occupy(t *testing.T, s *postgres.Store, schema string) (release func()) {
	t.Helper()
	ctx := context.Background()
	pool := newPool(t, schema)
	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { tx.Rollback(ctx) })
	for i := range s.ReceiveLimit() {
		first, err := s.Receive(ctx, arrival("c", fmt.Sprint("blocker-", i), fmt.Sprint("blocker-", i, "-", blockers.Add(1)), t0))
		require.NoError(t, err)
		_, err = tx.Exec(ctx, "SELECT 1 FROM enquiries WHERE id = $1 FOR UPDATE", first.Enquiry.ID)
		require.NoError(t, err)
	}

	var wg sync.WaitGroup
	for i := range s.ReceiveLimit() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Receive(ctx, arrival("c", fmt.Sprint("blocker-", i), fmt.Sprint("blocker-", i, "-", blockers.Add(1)), t0))
			assert.NoError(t, err)
		}()
	}
	require.Eventually(t, func() bool { return lockWaiters(ctx, pool, schema) == s.ReceiveLimit() },
		10*time.Second, 5*time.Millisecond, "the blockers wait for their enquiries")
	require.Zero(t, s.Queued())
	return func() {
		require.NoError(t, tx.Commit(ctx))
		wg.Wait()
	}
}

// lockEnquiry begins a transaction in another session of schema that
// holds enquiry id's row lock, as a busy replica would: Receive calls of
// its customer wait until the caller commits it (the test's end rolls it
// back otherwise).
func lockEnquiry(t *testing.T, schema, id string) pgx.Tx {
	t.Helper()
	ctx := context.Background()
	tx, err := newPool(t, schema).Begin(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { tx.Rollback(ctx) })
	_, err = tx.Exec(ctx, "SELECT 1 FROM enquiries WHERE id = $1 FOR UPDATE", id)
	require.NoError(t, err)
	return tx
}

func TestReceiveFrom200GoroutinesForOneCustomerNumbersMessagesWithoutGaps(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, "c")
	const n = 200
	got := make([]enquiry.Received, n)
	errs := make([]error, n)
	parallel(n, func(i int) {
		got[i], errs[i] = s.Receive(ctx, arrival("c", "u1", fmt.Sprint("m", i), t0.Add(time.Duration(i)*time.Millisecond)))
	})
	opened := 0
	seqs := map[int64]string{}
	for i := range n {
		require.NoError(t, errs[i])
		assert.False(t, got[i].Duplicate)
		assert.Equal(t, got[0].Enquiry.ID, got[i].Enquiry.ID, "every message joins one enquiry")
		if got[i].Opened {
			opened++
		}
		seqs[got[i].Message.Seq] = got[i].Message.ID
	}
	assert.Equal(t, 1, opened, "exactly one Receive opened the enquiry")

	es, err := s.Enquiries(ctx, enquiry.Filter{Channel: "c"})
	require.NoError(t, err)
	require.Len(t, es, 1)
	msgs, err := s.Messages(ctx, got[0].Enquiry.ID, 0, 1000)
	require.NoError(t, err)
	require.Len(t, msgs, n)
	for i, m := range msgs {
		assert.Equal(t, int64(i+1), m.Seq)
		assert.Equal(t, seqs[m.Seq], m.ID, "each caller was told its own message's seq")
	}
}

func TestReceiveInOneBatchRunsMessagesAsIfOneAfterTheOther(t *testing.T) {
	ctx := context.Background()
	schema := newSchema(t)
	s := newStoreIn(t, schema, postgres.Options{})
	createChannels(t, s, "c")
	got, errs := receiveInOrder(t, s, schema, []enquiry.Arrival{
		arrival("c", "u1", "a", t0),
		arrival("c", "u2", "b", t0),
		arrival("c", "u1", "c", t0.Add(time.Second)),
	})
	for _, err := range errs {
		require.NoError(t, err)
	}
	assert.True(t, got[1].Opened)
	assert.Equal(t, int64(1), got[1].Message.Seq)
	assert.Equal(t, got[0].Enquiry.ID, got[2].Enquiry.ID, "u1's second message joins the enquiry its first opened")
	assert.NotEqual(t, got[0].Opened, got[2].Opened, "one of u1's messages opened the enquiry")
	assert.ElementsMatch(t, []int64{1, 2}, []int64{got[0].Message.Seq, got[2].Message.Seq})

	es, err := s.Enquiries(ctx, enquiry.Filter{Channel: "c", Customer: "u1"})
	require.NoError(t, err)
	require.Len(t, es, 1)
	msgs, err := s.Messages(ctx, es[0].ID, 0, 0)
	require.NoError(t, err)
	assert.Len(t, msgs, 2)
}

func TestReceiveInOneBatchRecordsARepeatedMessageOnce(t *testing.T) {
	ctx := context.Background()
	schema := newSchema(t)
	s := newStoreIn(t, schema, postgres.Options{})
	createChannels(t, s, "c")
	got, errs := receiveInOrder(t, s, schema, []enquiry.Arrival{
		arrival("c", "u1", "m1", t0),
		arrival("c", "u1", "m1", t0), // a redelivery, with fresh enquiry and message IDs
		arrival("c", "u2", "m2", t0),
		arrival("c", "u1", "m1", t0),
	})
	for _, err := range errs {
		require.NoError(t, err)
	}
	var first enquiry.Received
	firsts := 0
	for _, i := range []int{0, 1, 3} {
		if !got[i].Duplicate {
			firsts++
			first = got[i]
		}
	}
	require.Equal(t, 1, firsts, "one delivery records m1; the others are duplicates")
	assert.True(t, first.Opened)
	for _, i := range []int{0, 1, 3} {
		assert.Equal(t, first.Message.ID, got[i].Message.ID)
		assert.Equal(t, first.Enquiry.ID, got[i].Enquiry.ID)
		assert.Equal(t, int64(1), got[i].Message.Seq)
	}
	assert.False(t, got[2].Duplicate)
	assert.True(t, got[2].Opened)

	msgs, err := s.Messages(ctx, first.Enquiry.ID, 0, 0)
	require.NoError(t, err)
	assert.Len(t, msgs, 1)
	es, err := s.Enquiries(ctx, enquiry.Filter{Channel: "c", Customer: "u1"})
	require.NoError(t, err)
	assert.Len(t, es, 1, "no enquiry left over from a duplicate")
}

func TestReceiveInOneBatchFailsOnlyTheMessageForAnUnknownChannel(t *testing.T) {
	ctx := context.Background()
	schema := newSchema(t)
	s := newStoreIn(t, schema, postgres.Options{})
	createChannels(t, s, "c")
	got, errs := receiveInOrder(t, s, schema, []enquiry.Arrival{
		arrival("c", "u1", "m1", t0),
		arrival("gone", "u2", "m2", t0),
		arrival("c", "u3", "m3", t0),
	})
	require.ErrorIs(t, errs[1], enquiry.ErrNotFound)
	for _, i := range []int{0, 2} {
		require.NoError(t, errs[i])
		assert.True(t, got[i].Opened)
		assert.False(t, got[i].Duplicate)
		msgs, err := s.Messages(ctx, got[i].Enquiry.ID, 0, 0)
		require.NoError(t, err)
		require.Len(t, msgs, 1, "recorded once")
		assert.Equal(t, got[i].Message.ID, msgs[0].ID)
	}
}

func TestReceiveCancelledWhileQueuedRecordsNothing(t *testing.T) {
	ctx := context.Background()
	schema := newSchema(t)
	s := newStoreIn(t, schema, postgres.Options{})
	createChannels(t, s, "c")
	release := occupy(t, s, schema)

	cctx, cancel := context.WithCancel(ctx)
	cancelled := make(chan error)
	go func() {
		_, err := s.Receive(cctx, arrival("c", "u1", "cancelled", t0))
		cancelled <- err
	}()
	var (
		other    enquiry.Received
		otherErr error
		done     = make(chan struct{})
	)
	go func() {
		defer close(done)
		other, otherErr = s.Receive(ctx, arrival("c", "u2", "kept", t0))
	}()
	require.Eventually(t, func() bool { return s.Queued() == 2 }, 10*time.Second, time.Millisecond, "the calls queue")
	cancel()
	require.ErrorIs(t, <-cancelled, context.Canceled, "the caller stops waiting at once")
	release()
	<-done

	require.NoError(t, otherErr)
	assert.True(t, other.Opened)
	es, err := s.Enquiries(ctx, enquiry.Filter{Channel: "c", Customer: "u1"})
	require.NoError(t, err)
	assert.Empty(t, es, "the cancelled message was left out of the batch")
}

func TestReceiveCancelledInAFlightBatchLeavesTheOthersAlone(t *testing.T) {
	ctx := context.Background()
	schema := newSchema(t)
	s := newStoreIn(t, schema, postgres.Options{})
	createChannels(t, s, "c")
	// Customer u1's enquiry is locked by another session, so the batch
	// that holds u1's message waits in the database.
	u1, err := s.Receive(ctx, arrival("c", "u1", "m0", t0))
	require.NoError(t, err)
	pool := newPool(t, schema)
	tx := lockEnquiry(t, schema, u1.Enquiry.ID)

	release := occupy(t, s, schema)
	cctx, cancel := context.WithCancel(ctx)
	cancelled := make(chan error)
	go func() {
		_, err := s.Receive(cctx, arrival("c", "u1", "m1", t0))
		cancelled <- err
	}()
	var (
		other    enquiry.Received
		otherErr error
		done     = make(chan struct{})
	)
	go func() {
		defer close(done)
		other, otherErr = s.Receive(ctx, arrival("c", "u2", "m2", t0))
	}()
	require.Eventually(t, func() bool { return s.Queued() == 2 }, 10*time.Second, time.Millisecond, "the calls queue")
	release()
	require.Eventually(t, func() bool { return s.Queued() == 0 && lockWaiters(ctx, pool, schema) == 1 },
		10*time.Second, 5*time.Millisecond, "the batch waits for u1's enquiry")

	cancel()
	require.ErrorIs(t, <-cancelled, context.Canceled, "the caller stops waiting at once")
	select {
	case <-done:
		t.Fatal("the other caller's message was not committed yet")
	case <-time.After(50 * time.Millisecond):
	}
	require.NoError(t, tx.Commit(ctx))
	<-done
	require.NoError(t, otherErr)
	assert.True(t, other.Opened)

	// The batch went on for the other caller, so u1's message was
	// committed: its redelivery is a duplicate.
	again, err := s.Receive(ctx, arrival("c", "u1", "m1", t0))
	require.NoError(t, err)
	assert.True(t, again.Duplicate)
	assert.Equal(t, int64(2), again.Message.Seq)
}

func TestReceiveBatchWhoseCallersAllStopWaitingIsCancelled(t *testing.T) {
	ctx := context.Background()
	schema := newSchema(t)
	s := newStoreIn(t, schema, postgres.Options{})
	createChannels(t, s, "c")
	u1, err := s.Receive(ctx, arrival("c", "u1", "m0", t0))
	require.NoError(t, err)
	pool := newPool(t, schema)
	tx := lockEnquiry(t, schema, u1.Enquiry.ID)

	release := occupy(t, s, schema)
	cctx, cancel := context.WithCancel(ctx)
	errs := make(chan error, 2)
	for _, a := range []enquiry.Arrival{arrival("c", "u1", "m1", t0), arrival("c", "u2", "m2", t0)} {
		go func() {
			_, err := s.Receive(cctx, a)
			errs <- err
		}()
	}
	require.Eventually(t, func() bool { return s.Queued() == 2 }, 10*time.Second, time.Millisecond, "the calls queue")
	release()
	require.Eventually(t, func() bool { return s.Queued() == 0 && lockWaiters(ctx, pool, schema) == 1 },
		10*time.Second, 5*time.Millisecond, "the batch waits for u1's enquiry")

	cancel()
	require.ErrorIs(t, <-errs, context.Canceled)
	require.ErrorIs(t, <-errs, context.Canceled)
	require.Eventually(t, func() bool { return lockWaiters(ctx, pool, schema) == 0 },
		10*time.Second, 5*time.Millisecond, "the batch stops waiting while the lock is held")
	require.NoError(t, tx.Commit(ctx))

	es, err := s.Enquiries(ctx, enquiry.Filter{Channel: "c", Customer: "u2"})
	require.NoError(t, err)
	assert.Empty(t, es, "the cancelled batch was rolled back")
	msgs, err := s.Messages(ctx, u1.Enquiry.ID, 0, 0)
	require.NoError(t, err)
	assert.Len(t, msgs, 1)
}
