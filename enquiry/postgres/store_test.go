package postgres_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/enquiry/postgres"
	"github.com/socialdesk/socialdesk/inbox"
	"github.com/socialdesk/socialdesk/internal/uuid"
	"github.com/socialdesk/socialdesk/routing"
)

var t0 = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

// arrival is a customer's text message as the desk hands it to Receive.
func arrival(channel, customer, externalID string, at time.Time) enquiry.Arrival {
	return enquiry.Arrival{
		Enquiry: enquiry.Enquiry{
			ID: uuid.New(), Channel: channel, Customer: enquiry.Customer{ID: customer, Name: "Ann"},
			State: enquiry.Ringing, Plan: routing.Plan{Steps: []routing.Step{{Staff: "s1", Timeout: time.Minute}}},
			Ringing: []string{"s1"}, Deadline: at.Add(time.Minute), Timer: enquiry.RingTimer,
			Reply: enquiry.Reply{Handle: "rt-" + externalID, At: at}, Opened: at, Updated: at, LastActivity: at,
		},
		Message: enquiry.Message{
			ID: uuid.New(), Channel: channel, Direction: enquiry.In,
			Author: enquiry.Author{Kind: enquiry.AuthorCustomer, ID: customer}, Time: at,
			Content: enquiry.Content{Kind: enquiry.Text, Text: "hello " + externalID}, ExternalID: externalID,
		},
	}
}

// parallel runs fn(i) for i in [0, n) at once and waits for them.
func parallel(n int, fn func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			fn(i)
		}()
	}
	close(start)
	wg.Wait()
}

func TestMigrateTwiceAndConcurrentlyAppliesEachMigrationOnce(t *testing.T) {
	ctx := context.Background()
	schema := newSchema(t)
	stores := make([]*postgres.Store, 4)
	for i := range stores {
		stores[i] = postgres.New(newPool(t, schema), postgres.Options{})
	}
	errs := make([]error, len(stores))
	parallel(len(stores), func(i int) { errs[i] = stores[i].Migrate(ctx) })
	for i, err := range errs {
		require.NoError(t, err, "replica %d", i)
	}
	require.NoError(t, stores[0].Migrate(ctx), "a second Migrate")

	var applied, versions int
	pool := newPool(t, schema)
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*), count(DISTINCT version) FROM schema_migrations").Scan(&applied, &versions))
	files, err := filepath.Glob(filepath.Join("migrations", "*.sql"))
	require.NoError(t, err)
	assert.Equal(t, len(files), applied, "each migration file recorded once")
	assert.Equal(t, len(files), versions)

	// The store works after all that.
	createChannels(t, stores[1], "c")
	r, err := stores[1].Receive(ctx, arrival("c", "u", "m1", t0))
	require.NoError(t, err)
	assert.True(t, r.Opened)
}

func TestReceiveFrom50GoroutinesOpensOneEnquiry(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, "c")
	const n = 50
	got := make([]enquiry.Received, n)
	errs := make([]error, n)
	parallel(n, func(i int) {
		got[i], errs[i] = s.Receive(ctx, arrival("c", "u1", fmt.Sprint("m", i), t0.Add(time.Duration(i)*time.Millisecond)))
	})
	opened := 0
	seqs := map[int64]bool{}
	for i := range n {
		require.NoError(t, errs[i])
		assert.Equal(t, got[0].Enquiry.ID, got[i].Enquiry.ID, "every message joins one enquiry")
		assert.False(t, got[i].Duplicate)
		assert.Equal(t, got[i].Enquiry.ID, got[i].Message.Enquiry)
		if got[i].Opened {
			opened++
		}
		seqs[got[i].Message.Seq] = true
	}
	assert.Equal(t, 1, opened, "exactly one Receive opened the enquiry")
	for seq := int64(1); seq <= n; seq++ {
		assert.True(t, seqs[seq], "seq %d assigned", seq)
	}

	open, err := s.Enquiries(ctx, enquiry.Filter{Channel: "c", Customer: "u1", States: []enquiry.State{enquiry.Ringing, enquiry.Attending, enquiry.Missed}})
	require.NoError(t, err)
	require.Len(t, open, 1)
	assert.Equal(t, int64(1), open[0].Version, "a joining message leaves the version alone")

	msgs, err := s.Messages(ctx, got[0].Enquiry.ID, 0, 1000)
	require.NoError(t, err)
	require.Len(t, msgs, n)
	for i, m := range msgs {
		assert.Equal(t, int64(i+1), m.Seq)
	}
}

func TestReceiveRedeliveredConcurrentlyRecordsTheMessageOnce(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, "c")
	const n = 20
	got := make([]enquiry.Received, n)
	errs := make([]error, n)
	parallel(n, func(i int) {
		a := arrival("c", "u1", "same", t0) // each with fresh enquiry and message IDs
		got[i], errs[i] = s.Receive(ctx, a)
	})
	var first enquiry.Received
	firsts := 0
	for i := range n {
		require.NoError(t, errs[i])
		if !got[i].Duplicate {
			firsts++
			first = got[i]
		}
	}
	require.Equal(t, 1, firsts, "one delivery records the message; the rest are duplicates")
	assert.True(t, first.Opened)
	for i := range n {
		assert.Equal(t, first.Message.ID, got[i].Message.ID)
		assert.Equal(t, first.Enquiry.ID, got[i].Enquiry.ID)
		if got[i].Duplicate {
			assert.False(t, got[i].Opened)
		}
	}
	es, err := s.Enquiries(ctx, enquiry.Filter{Channel: "c"})
	require.NoError(t, err)
	assert.Len(t, es, 1, "no enquiry left over from a losing delivery")
	msgs, err := s.Messages(ctx, first.Enquiry.ID, 0, 0)
	require.NoError(t, err)
	assert.Len(t, msgs, 1)
}

func TestReceiveJoinsOpenEnquiryAndOpensANewOneAfterClose(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, "c", "other")
	r1, err := s.Receive(ctx, arrival("c", "u", "m1", t0))
	require.NoError(t, err)
	require.True(t, r1.Opened)
	assert.Equal(t, int64(1), r1.Enquiry.Version)
	assert.Equal(t, int64(1), r1.Message.Seq)
	assert.Equal(t, t0, r1.Message.Time)
	assert.Equal(t, enquiry.Reply{Handle: "rt-m1", At: t0}, r1.Enquiry.Reply)

	r2, err := s.Receive(ctx, arrival("c", "u", "m2", t0.Add(time.Second)))
	require.NoError(t, err)
	assert.False(t, r2.Opened)
	assert.Equal(t, r1.Enquiry.ID, r2.Enquiry.ID)
	assert.Equal(t, int64(2), r2.Message.Seq)
	assert.Equal(t, enquiry.Reply{Handle: "rt-m2", At: t0.Add(time.Second)}, r2.Enquiry.Reply, "the latest message's reply handle")
	assert.Equal(t, t0.Add(time.Second), r2.Enquiry.LastActivity)

	dup, err := s.Receive(ctx, arrival("c", "u", "m1", t0.Add(2*time.Second)))
	require.NoError(t, err)
	assert.True(t, dup.Duplicate)
	assert.Equal(t, r1.Message.ID, dup.Message.ID)
	assert.Equal(t, r2.Enquiry, dup.Enquiry, "a duplicate changes nothing")

	closed := r2.Enquiry
	closed.State, closed.Closed = enquiry.Closed, t0.Add(3*time.Second)
	_, _, err = s.Update(ctx, enquiry.Change{Enquiry: closed})
	require.NoError(t, err)

	r3, err := s.Receive(ctx, arrival("c", "u", "m3", t0.Add(4*time.Second)))
	require.NoError(t, err)
	assert.True(t, r3.Opened)
	assert.NotEqual(t, r1.Enquiry.ID, r3.Enquiry.ID)
	assert.Equal(t, int64(1), r3.Message.Seq)

	// Another channel's message with the same external ID is its own.
	r4, err := s.Receive(ctx, arrival("other", "u", "m1", t0))
	require.NoError(t, err)
	assert.False(t, r4.Duplicate)
}

func TestUpdateFromConcurrentAttendsHasOneWinner(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, "c")
	r, err := s.Receive(ctx, arrival("c", "u", "m1", t0))
	require.NoError(t, err)
	const n = 20
	errs := make([]error, n)
	parallel(n, func(i int) {
		e := r.Enquiry
		e.State, e.Staff, e.Ringing, e.Deadline, e.Timer = enquiry.Attending, fmt.Sprint("staff", i), nil, time.Time{}, enquiry.NoTimer
		_, _, errs[i] = s.Update(ctx, enquiry.Change{
			Enquiry:    e,
			Transition: &enquiry.Transition{From: enquiry.Ringing, To: enquiry.Attending, By: e.Staff, At: t0},
		})
	})
	winner := -1
	for i, err := range errs {
		if err == nil {
			require.Equal(t, -1, winner, "two staff attended")
			winner = i
		} else {
			assert.ErrorIs(t, err, enquiry.ErrConflict)
		}
	}
	require.NotEqual(t, -1, winner)
	got, err := s.Enquiry(ctx, r.Enquiry.ID)
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprint("staff", winner), got.Staff)
	assert.Equal(t, r.Enquiry.Version+1, got.Version)
	ts, err := s.Transitions(ctx, r.Enquiry.ID)
	require.NoError(t, err)
	require.Len(t, ts, 2, "the opening, then only the winner's transition")
	assert.Equal(t, enquiry.Transition{Enquiry: r.Enquiry.ID, To: enquiry.Ringing, By: enquiry.ByCustomer, At: t0, Note: "opened"}, ts[0])
	assert.Equal(t, got.Staff, ts[1].By)

	_, _, err = s.Update(ctx, enquiry.Change{Enquiry: enquiry.Enquiry{ID: "nope", Version: 1}})
	assert.ErrorIs(t, err, enquiry.ErrNotFound)
}

func TestUpdateAppendsMessagesInOrder(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, "c")
	r, err := s.Receive(ctx, arrival("c", "u", "m1", t0))
	require.NoError(t, err)
	batch := uuid.New()
	var out []enquiry.Message
	for i := range 3 {
		id := batch
		if i > 0 {
			id = uuid.New()
		}
		out = append(out, enquiry.Message{ID: id, Direction: enquiry.Out, Batch: batch,
			Author: enquiry.Author{Kind: enquiry.AuthorBot, ID: "welcome"}, Time: t0.Add(time.Duration(i) * time.Nanosecond),
			Content:  enquiry.Content{Kind: enquiry.Text, Text: fmt.Sprint("reply ", i)},
			Delivery: &enquiry.Delivery{State: enquiry.Pending}})
	}
	e, appended, err := s.Update(ctx, enquiry.Change{Enquiry: r.Enquiry, Append: out})
	require.NoError(t, err)
	assert.Equal(t, r.Enquiry.Version+1, e.Version)
	stored, err := s.Messages(ctx, e.ID, 1, 0)
	require.NoError(t, err)
	require.Len(t, stored, 3)
	assert.Equal(t, appended, stored, "Update returns the messages as stored")
	for i, m := range stored {
		assert.Equal(t, int64(i+2), m.Seq)
		assert.Equal(t, e.ID, m.Enquiry)
		assert.Equal(t, "c", m.Channel)
	}

	// The next inbound message follows them.
	r2, err := s.Receive(ctx, arrival("c", "u", "m2", t0))
	require.NoError(t, err)
	assert.Equal(t, int64(5), r2.Message.Seq)
}

func TestMessagesPagesByKeyset(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, "c")
	var id string
	for i := range 25 {
		r, err := s.Receive(ctx, arrival("c", "u", fmt.Sprint("m", i), t0))
		require.NoError(t, err)
		id = r.Enquiry.ID
	}
	var seqs []int64
	after := int64(0)
	for {
		page, err := s.Messages(ctx, id, after, 10)
		require.NoError(t, err)
		if len(page) == 0 {
			break
		}
		assert.LessOrEqual(t, len(page), 10)
		for _, m := range page {
			seqs = append(seqs, m.Seq)
		}
		after = page[len(page)-1].Seq
	}
	require.Len(t, seqs, 25)
	assert.True(t, slices.IsSorted(seqs))
	_, err := s.Messages(ctx, "no-such-enquiry", 0, 10)
	assert.ErrorIs(t, err, enquiry.ErrNotFound)
}

func TestClaimDueFromTwoReplicasNeverHandsOutOneEnquiryTwice(t *testing.T) {
	ctx := context.Background()
	schema := newSchema(t)
	a, b := newStoreIn(t, schema, postgres.Options{}), newStoreIn(t, schema, postgres.Options{})
	createChannels(t, a, "c")
	const n = 40
	for i := range n {
		_, err := a.Receive(ctx, arrival("c", fmt.Sprint("u", i), fmt.Sprint("m", i), t0))
		require.NoError(t, err)
	}
	// Deadlines are t0+1m: none is due before.
	early, err := a.ClaimDue(ctx, "desk-1", t0, time.Minute, 100)
	require.NoError(t, err)
	assert.Empty(t, early)

	now := t0.Add(2 * time.Minute)
	var mu sync.Mutex
	claims := map[string]int{}
	parallel(4, func(i int) {
		s := []*postgres.Store{a, b}[i%2]
		for {
			es, err := s.ClaimDue(ctx, "desk-1", now, time.Minute, 3)
			if !assert.NoError(t, err) || len(es) == 0 {
				return
			}
			mu.Lock()
			for _, e := range es {
				claims[e.ID]++
			}
			mu.Unlock()
		}
	})
	assert.Len(t, claims, n, "every due enquiry is claimed")
	for id, k := range claims {
		assert.Equal(t, 1, k, "enquiry %s claimed %d times within one lease", id, k)
	}

	// Within the lease nobody claims again; after it, they are due again.
	again, err := b.ClaimDue(ctx, "desk-1", now.Add(59*time.Second), time.Minute, 100)
	require.NoError(t, err)
	assert.Empty(t, again)
	again, err = b.ClaimDue(ctx, "desk-1", now.Add(time.Minute), time.Minute, 100)
	require.NoError(t, err)
	assert.Len(t, again, n, "a claimant that died loses nothing")
}

func TestUpdateOfTheDeadlineEndsTheLease(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, "c")
	r, err := s.Receive(ctx, arrival("c", "u", "m1", t0))
	require.NoError(t, err)
	now := t0.Add(time.Minute)
	due, err := s.ClaimDue(ctx, "desk-1", now, time.Hour, 10)
	require.NoError(t, err)
	require.Len(t, due, 1)
	e := due[0]
	e.Step, e.Deadline = 1, now.Add(time.Minute)
	_, _, err = s.Update(ctx, enquiry.Change{Enquiry: e})
	require.NoError(t, err)
	due, err = s.ClaimDue(ctx, "desk-1", now.Add(time.Minute), time.Hour, 10)
	require.NoError(t, err)
	require.Len(t, due, 1, "the next step's deadline is claimable when due")
	assert.Equal(t, r.Enquiry.ID, due[0].ID)
}

func TestTakeReplyGivesTheHandleOnce(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, "c")
	r, err := s.Receive(ctx, arrival("c", "u", "m1", t0))
	require.NoError(t, err)
	const n = 20
	tokens := make([]string, n)
	parallel(n, func(i int) {
		r, err := s.TakeReply(ctx, r.Enquiry.ID)
		assert.NoError(t, err)
		if !r.IsZero() {
			assert.Equal(t, t0, r.At)
		}
		tokens[i] = r.Handle
	})
	got := slices.DeleteFunc(tokens, func(s string) bool { return s == "" })
	assert.Equal(t, []string{"rt-m1"}, got)

	// A stale Update does not bring the used handle back.
	_, _, err = s.Update(ctx, enquiry.Change{Enquiry: r.Enquiry})
	require.NoError(t, err)
	taken, err := s.TakeReply(ctx, r.Enquiry.ID)
	require.NoError(t, err)
	assert.Zero(t, taken)

	_, err = s.TakeReply(ctx, "nope")
	assert.ErrorIs(t, err, enquiry.ErrNotFound)
}

func TestOpenReturnsTheOpenEnquiry(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, "c")
	e := arrival("c", "u", "", t0).Enquiry
	opened, ok, err := s.Open(ctx, e)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, e.ID, opened.ID)

	again, ok, err := s.Open(ctx, arrival("c", "u", "", t0).Enquiry)
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Equal(t, opened, again)

	r, err := s.Receive(ctx, arrival("c", "u", "m1", t0))
	require.NoError(t, err)
	assert.Equal(t, e.ID, r.Enquiry.ID)
}

func TestChannels(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	ch := enquiry.Channel{ID: "b", Name: "Shop", Kind: "chat", Account: "Ubot1",
		Credentials: enquiry.Credentials{Secret: "sec", Token: "tok"},
		Routing:     &routing.Rule{Node: routing.Node{Alternative: []routing.Destination{routing.ToStaff("s1")}}}, CustomInfo: "VIP", CustomInfoOn: true,
		State: enquiry.Active, Created: t0, Updated: t0}
	require.NoError(t, s.CreateChannel(ctx, ch))
	got, err := s.Channel(ctx, "b")
	require.NoError(t, err)
	assertSameChannel(t, ch, got)

	assert.ErrorIs(t, s.CreateChannel(ctx, ch), enquiry.ErrChannelExists)

	other := enquiry.Channel{ID: "a", Name: "Other", Kind: "chat", Account: "Ubot1", State: enquiry.Active}
	err = s.CreateChannel(ctx, other)
	var taken *enquiry.AccountTakenError
	require.ErrorAs(t, err, &taken)
	assert.Equal(t, enquiry.AccountTakenError{Kind: "chat", Account: "Ubot1", Channel: "b"}, *taken)

	other.Account = ""
	require.NoError(t, s.CreateChannel(ctx, other), "channels without an account do not collide")
	other.ID = "c"
	require.NoError(t, s.CreateChannel(ctx, other))
	other.Account = "Ubot1"
	require.ErrorAs(t, s.UpdateChannel(ctx, other), &taken)
	assert.Equal(t, "b", taken.Channel)

	byAccount, err := s.ChannelByAccount(ctx, "chat", "Ubot1")
	require.NoError(t, err)
	assert.Equal(t, "b", byAccount.ID)
	_, err = s.ChannelByAccount(ctx, "chat", "")
	assert.ErrorIs(t, err, enquiry.ErrNotFound)

	all, err := s.Channels(ctx)
	require.NoError(t, err)
	var ids []string
	for _, c := range all {
		ids = append(ids, c.ID)
	}
	assert.Equal(t, []string{"a", "b", "c"}, ids)

	ch.Name, ch.Routing = "Shop 2", nil
	require.NoError(t, s.UpdateChannel(ctx, ch))
	got, err = s.Channel(ctx, "b")
	require.NoError(t, err)
	assertSameChannel(t, ch, got)
	assert.ErrorIs(t, s.UpdateChannel(ctx, enquiry.Channel{ID: "zz", Name: "x", Kind: "chat"}), enquiry.ErrNotFound)

	r, err := s.Receive(ctx, arrival("b", "u", "m1", t0))
	require.NoError(t, err)
	_, err = s.AppendEvents(ctx, []inbox.Record{{Channel: "b", ID: "e1", Key: "u", Received: t0, Payload: []byte(`{}`)}})
	require.NoError(t, err)
	require.NoError(t, s.DeleteChannel(ctx, "b"))
	_, err = s.Channel(ctx, "b")
	assert.ErrorIs(t, err, enquiry.ErrNotFound)
	_, err = s.Enquiry(ctx, r.Enquiry.ID)
	assert.ErrorIs(t, err, enquiry.ErrNotFound, "the channel's enquiries go with it")
	pending, err := s.PendingEvents(ctx, t0.Add(time.Hour), 10)
	require.NoError(t, err)
	assert.Empty(t, pending, "and its events")
	assert.ErrorIs(t, s.DeleteChannel(ctx, "b"), enquiry.ErrNotFound)
}

func TestCredentialsAreStoredThroughTheHook(t *testing.T) {
	ctx := context.Background()
	schema := newSchema(t)
	// A toy cipher: the test is about where the hook is called.
	xor := func(b []byte) ([]byte, error) {
		out := make([]byte, len(b))
		for i := range b {
			out[i] = b[i] ^ 0x5a
		}
		return out, nil
	}
	s := newStoreIn(t, schema, postgres.Options{Encrypt: xor, Decrypt: xor})
	ch := enquiry.Channel{ID: "b", Name: "Shop", Kind: "chat", State: enquiry.Active,
		Credentials: enquiry.Credentials{Secret: "the-channel-secret", Token: "the-access-token"}}
	require.NoError(t, s.CreateChannel(ctx, ch))

	var raw []byte
	require.NoError(t, newPool(t, schema).QueryRow(ctx, "SELECT credentials FROM channels WHERE id = 'b'").Scan(&raw))
	assert.False(t, bytes.Contains(raw, []byte("the-channel-secret")), "secret stored in plain text")
	assert.False(t, bytes.Contains(raw, []byte("the-access-token")), "token stored in plain text")

	got, err := s.Channel(ctx, "b")
	require.NoError(t, err)
	assert.Equal(t, ch.Credentials, got.Credentials)

	// A store with the wrong key says so without quoting anything.
	bad := newStoreIn(t, schema, postgres.Options{Decrypt: func(b []byte) ([]byte, error) { return b, nil }})
	_, err = bad.Channel(ctx, "b")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "the-channel-secret")

	failing := newStoreIn(t, schema, postgres.Options{Encrypt: func([]byte) ([]byte, error) { return nil, errors.New("kms down") }})
	err = failing.CreateChannel(ctx, enquiry.Channel{ID: "c", Name: "x", Kind: "chat", State: enquiry.Active})
	assert.ErrorContains(t, err, "kms down")
}

func TestAppendEventsDropsRedeliveries(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	ev := func(id string, at time.Time) inbox.Record {
		return inbox.Record{Channel: "c", ID: id, Key: "u", Received: at, Payload: []byte(`{"id":"` + id + `"}`)}
	}
	fresh, err := s.AppendEvents(ctx, []inbox.Record{ev("e1", t0), ev("e2", t0), ev("e1", t0)})
	require.NoError(t, err)
	require.Len(t, fresh, 2, "a duplicate within one batch is dropped")
	assert.Less(t, fresh[0].Seq, fresh[1].Seq)

	fresh, err = s.AppendEvents(ctx, []inbox.Record{ev("e2", t0), ev("e3", t0.Add(time.Second))})
	require.NoError(t, err)
	require.Len(t, fresh, 1)
	assert.Equal(t, "e3", fresh[0].ID)

	// Concurrent redeliveries: each event is fresh exactly once.
	var mu sync.Mutex
	seen := map[string]int{}
	parallel(10, func(i int) {
		f, err := s.AppendEvents(ctx, []inbox.Record{ev("x1", t0), ev("x2", t0), ev("x3", t0)})
		assert.NoError(t, err)
		mu.Lock()
		for _, e := range f {
			seen[e.ID]++
		}
		mu.Unlock()
	})
	assert.Equal(t, map[string]int{"x1": 1, "x2": 1, "x3": 1}, seen)

	require.NoError(t, s.EventDone(ctx, "c", "e1"))
	assert.ErrorIs(t, s.EventDone(ctx, "c", "nope"), enquiry.ErrNotFound)
	pending, err := s.PendingEvents(ctx, t0.Add(time.Second), 2)
	require.NoError(t, err)
	require.Len(t, pending, 2)
	assert.Equal(t, "e2", pending[0].ID, "oldest first, done ones and later ones left out")
	assert.Equal(t, []byte(`{"id":"e2"}`), pending[0].Payload)
	assert.Equal(t, t0, pending[0].Received)
}

func TestClaimPendingLeasesOutboundMessages(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, "c")
	r, err := s.Receive(ctx, arrival("c", "u", "m1", t0))
	require.NoError(t, err)
	var out []enquiry.Message
	for i := range 5 {
		out = append(out, enquiry.Message{ID: uuid.New(), Direction: enquiry.Out, Time: t0.Add(time.Duration(i) * time.Second),
			Author: enquiry.Author{Kind: enquiry.AuthorStaff, ID: "s1"}, Content: enquiry.Content{Kind: enquiry.Text, Text: "hi"},
			Delivery: &enquiry.Delivery{State: enquiry.Pending}})
	}
	_, _, err = s.Update(ctx, enquiry.Change{Enquiry: r.Enquiry, Append: out})
	require.NoError(t, err)

	now := t0.Add(time.Minute)
	first, err := s.ClaimPending(ctx, "desk-1", now, time.Minute, 3)
	require.NoError(t, err)
	require.Len(t, first, 3)
	for i, m := range first {
		assert.Equal(t, out[i].ID, m.ID, "oldest first")
		assert.Equal(t, now.Add(time.Minute), m.Delivery.LeaseUntil)
	}
	rest, err := s.ClaimPending(ctx, "desk-1", now, time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, rest, 2, "leased ones are not claimed again")

	require.NoError(t, s.SetDelivery(ctx, first[0].ID, enquiry.Delivery{State: enquiry.Sent, RequestID: "req1", At: now, Attempts: 1}))
	later, err := s.ClaimPending(ctx, "desk-1", now.Add(time.Minute), time.Minute, 10)
	require.NoError(t, err)
	assert.Len(t, later, 4, "after the lease all but the sent one are due again")
	assert.ErrorIs(t, s.SetDelivery(ctx, "nope", enquiry.Delivery{State: enquiry.Sent}), enquiry.ErrNotFound)

	msgs, err := s.Messages(ctx, r.Enquiry.ID, 1, 1)
	require.NoError(t, err)
	assert.Equal(t, &enquiry.Delivery{State: enquiry.Sent, RequestID: "req1", At: now, Attempts: 1}, msgs[0].Delivery)
}

func TestUnsendMarksTheInboundMessage(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, "c")
	r, err := s.Receive(ctx, arrival("c", "u", "m1", t0))
	require.NoError(t, err)
	m, err := s.Unsend(ctx, "c", "u", "m1")
	require.NoError(t, err)
	assert.Equal(t, r.Message.ID, m.ID)
	assert.True(t, m.Unsent)
	_, err = s.Unsend(ctx, "c", "u", "m2")
	assert.ErrorIs(t, err, enquiry.ErrNotFound)
	_, err = s.Unsend(ctx, "other", "u", "m1")
	assert.ErrorIs(t, err, enquiry.ErrNotFound)
}

func TestLastServedAndEngagement(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, "c")
	staff, _, err := s.LastServed(ctx, "c", "u")
	require.NoError(t, err)
	assert.Empty(t, staff)

	r, err := s.Receive(ctx, arrival("c", "u", "m1", t0))
	require.NoError(t, err)
	e := r.Enquiry
	e.State, e.Staff, e.Closed = enquiry.Closed, "s7", t0.Add(time.Hour)
	_, _, err = s.Update(ctx, enquiry.Change{Enquiry: e})
	require.NoError(t, err)
	staff, at, err := s.LastServed(ctx, "c", "u")
	require.NoError(t, err)
	assert.Equal(t, "s7", staff)
	assert.Equal(t, t0.Add(time.Hour), at)

	staff, _, err = s.Engagement(ctx, "c", "u")
	require.NoError(t, err)
	assert.Empty(t, staff)
	require.NoError(t, s.Engage(ctx, "c", "u", "s1", t0))
	require.NoError(t, s.Engage(ctx, "c", "u", "s2", t0.Add(time.Second)))
	staff, at, err = s.Engagement(ctx, "c", "u")
	require.NoError(t, err)
	assert.Equal(t, "s2", staff)
	assert.Equal(t, t0.Add(time.Second), at)
}

func TestEnquiriesFiltersAndPagesNewestFirst(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, "c", "d")
	for i := range 5 {
		_, err := s.Receive(ctx, arrival("c", fmt.Sprint("u", i), fmt.Sprint("m", i), t0.Add(time.Duration(i)*time.Minute)))
		require.NoError(t, err)
	}
	_, err := s.Receive(ctx, arrival("d", "u0", "x", t0))
	require.NoError(t, err)

	page, err := s.Enquiries(ctx, enquiry.Filter{Channel: "c", Limit: 2})
	require.NoError(t, err)
	require.Len(t, page, 2)
	assert.Equal(t, "u4", page[0].Customer.ID)
	assert.Equal(t, "u3", page[1].Customer.ID)
	page, err = s.Enquiries(ctx, enquiry.Filter{Channel: "c", Before: page[1].Opened})
	require.NoError(t, err)
	require.Len(t, page, 3)
	assert.Equal(t, "u2", page[0].Customer.ID)

	byCustomer, err := s.Enquiries(ctx, enquiry.Filter{Customer: "u0"})
	require.NoError(t, err)
	assert.Len(t, byCustomer, 2)
	none, err := s.Enquiries(ctx, enquiry.Filter{States: []enquiry.State{enquiry.Closed}})
	require.NoError(t, err)
	assert.Empty(t, none)
}

func TestOpenConnectsAndCloseClosesItsPool(t *testing.T) {
	ctx := context.Background()
	schema := newSchema(t)
	dsn := testDSN(t)
	if strings.Contains(dsn, "?") {
		dsn += "&search_path=" + schema
	} else {
		dsn += "?search_path=" + schema
	}
	s, err := postgres.Open(ctx, dsn, postgres.Options{})
	require.NoError(t, err)
	require.NoError(t, s.Migrate(ctx))
	createChannels(t, s, "c")
	_, err = s.Receive(ctx, arrival("c", "u", "m1", t0))
	require.NoError(t, err)
	s.Close()
	_, err = s.Enquiries(ctx, enquiry.Filter{})
	assert.Error(t, err, "the pool is closed")

	_, err = postgres.Open(ctx, "postgres://desk:hunter2@127.0.0.1:5432/x?sslmode=bogus", postgres.Options{})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter2", "a DSN's password never appears in an error")
}

// assertSameChannel compares channels, their routing rules by JSON (a
// rule keeps compiled state that JSON does not carry).
func assertSameChannel(t *testing.T, want, got enquiry.Channel) {
	t.Helper()
	wantRule, err := json.Marshal(want.Routing)
	require.NoError(t, err)
	gotRule, err := json.Marshal(got.Routing)
	require.NoError(t, err)
	assert.JSONEq(t, string(wantRule), string(gotRule))
	want.Routing, got.Routing = nil, nil
	assert.Equal(t, want, got)
}

func TestReceiveOfOneMessageByTwoBlockedCallersRecordsItOnce(t *testing.T) {
	// Both deliveries pass the duplicate check before either appends: a
	// transaction holding the enquiry's row lock keeps them waiting there.
	// They come through two stores on one schema, as from two replicas:
	// one store runs one customer's messages one transaction at a time.
	ctx := context.Background()
	schema := newSchema(t)
	s := newStoreIn(t, schema, postgres.Options{})
	replicas := []*postgres.Store{s, postgres.New(newPool(t, schema), postgres.Options{})}
	createChannels(t, s, "c")
	first, err := s.Receive(ctx, arrival("c", "u", "m1", t0))
	require.NoError(t, err)

	pool := newPool(t, schema)
	tx := lockEnquiry(t, schema, first.Enquiry.ID)

	results := make(chan enquiry.Received, 2)
	for _, s := range replicas {
		go func() {
			r, err := s.Receive(ctx, arrival("c", "u", "m2", t0))
			assert.NoError(t, err)
			results <- r
		}()
	}
	require.Eventually(t, func() bool {
		return lockWaiters(ctx, pool, schema) == 2
	}, 10*time.Second, 10*time.Millisecond, "both deliveries wait for the enquiry")
	require.NoError(t, tx.Commit(ctx))

	a, b := <-results, <-results
	assert.True(t, a.Duplicate != b.Duplicate, "one delivery records the message, the other is a duplicate: %v %v", a.Duplicate, b.Duplicate)
	assert.Equal(t, a.Message.ID, b.Message.ID)
	msgs, err := s.Messages(ctx, first.Enquiry.ID, 0, 0)
	require.NoError(t, err)
	require.Len(t, msgs, 2)
	assert.Equal(t, int64(2), msgs[1].Seq)
	e, err := s.Enquiry(ctx, first.Enquiry.ID)
	require.NoError(t, err)
	assert.Equal(t, first.Enquiry.Version, e.Version)
	var lastSeq int64
	require.NoError(t, pool.QueryRow(ctx, "SELECT last_seq FROM enquiries WHERE id = $1", e.ID).Scan(&lastSeq))
	assert.Equal(t, int64(2), lastSeq, "the losing delivery left no trace")
}

func TestMigrateRefusesASchemaThatIsNotItsOwn(t *testing.T) {
	ctx := context.Background()
	schema := newSchema(t)
	pool := newPool(t, schema)
	// Another tool's migrations table, as golang-migrate makes it.
	_, err := pool.Exec(ctx, "CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL)")
	require.NoError(t, err)
	err = postgres.New(pool, postgres.Options{}).Migrate(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "schema of its own")

	missing := newPool(t, "no_such_schema")
	err = postgres.New(missing, postgres.Options{}).Migrate(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "CREATE SCHEMA")

	other := newSchema(t)
	pool = newPool(t, other)
	_, err = pool.Exec(ctx, "CREATE TABLE messages (id int)")
	require.NoError(t, err)
	err = postgres.New(pool, postgres.Options{}).Migrate(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "schema of its own")
	var tables int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = $1", other).Scan(&tables))
	assert.Equal(t, 1, tables, "a failed migration leaves the schema as it was")
}

func TestReceiveStoresTextPostgreSQLCannotHold(t *testing.T) {
	// PostgreSQL text and jsonb cannot hold U+0000; a customer who sends
	// it must not lose the message.
	ctx := context.Background()
	s := newStore(t, "c")
	a := arrival("c", "u", "m1", t0)
	a.Enquiry.Customer.Name = "Y\x00ui"
	a.Message.Content.Text = `a` + "\x00" + `b \u0000 \\u0000 \` + "\x00"
	r, err := s.Receive(ctx, a)
	require.NoError(t, err)
	msgs, err := s.Messages(ctx, r.Enquiry.ID, 0, 0)
	require.NoError(t, err)
	assert.Equal(t, `a`+"\uFFFD"+`b \u0000 \\u0000 \`+"\uFFFD", msgs[0].Content.Text, "NUL replaced, look-alike text kept")
	assert.Equal(t, r.Message.Content, msgs[0].Content, "Receive returns what is stored")
	assert.Equal(t, "Y\uFFFDui", r.Enquiry.Customer.Name)
}

func TestClaimPendingFromTwoReplicasNeverHandsOutOneMessageTwice(t *testing.T) {
	ctx := context.Background()
	schema := newSchema(t)
	a, b := newStoreIn(t, schema, postgres.Options{}), newStoreIn(t, schema, postgres.Options{})
	createChannels(t, a, "c")
	const n = 40
	for i := range n / 4 {
		r, err := a.Receive(ctx, arrival("c", fmt.Sprint("u", i), fmt.Sprint("m", i), t0))
		require.NoError(t, err)
		var out []enquiry.Message
		for j := range 4 {
			out = append(out, enquiry.Message{ID: uuid.New(), Direction: enquiry.Out, Time: t0.Add(time.Duration(j) * time.Second),
				Author: enquiry.Author{Kind: enquiry.AuthorStaff, ID: "s1"}, Content: enquiry.Content{Kind: enquiry.Text, Text: "hi"},
				Delivery: &enquiry.Delivery{State: enquiry.Pending}})
		}
		_, _, err = a.Update(ctx, enquiry.Change{Enquiry: r.Enquiry, Append: out})
		require.NoError(t, err)
	}
	now := t0.Add(time.Minute)
	var mu sync.Mutex
	claims := map[string]int{}
	parallel(4, func(i int) {
		s := []*postgres.Store{a, b}[i%2]
		for {
			ms, err := s.ClaimPending(ctx, "desk-1", now, time.Minute, 3)
			if !assert.NoError(t, err) || len(ms) == 0 {
				return
			}
			mu.Lock()
			for _, m := range ms {
				claims[m.ID]++
			}
			mu.Unlock()
		}
	})
	assert.Len(t, claims, n, "every pending message is claimed")
	for id, k := range claims {
		assert.Equal(t, 1, k, "message %s claimed %d times within one lease", id, k)
	}
}
