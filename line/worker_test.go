package line_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/inbox"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
	"github.com/socialdesk/socialdesk/media"
)

func hookCustomer(i int) string { return fmt.Sprintf("U%032x", i+1) }

// inOrder checks that each customer's texts arrived as "0", "1", … once each.
func inOrder(t *testing.T, calls []deskCall, customers, per int) {
	t.Helper()
	next := map[string]int{}
	for _, c := range calls {
		want := strconv.Itoa(next[c.Customer])
		if c.In.Content.Text != want {
			t.Fatalf("customer %s: got message %q, want %q", c.Customer, c.In.Content.Text, want)
		}
		next[c.Customer]++
	}
	wantEq(t, customers, len(next), "customers")
	for u, n := range next {
		wantEq(t, per, n, u)
	}
}

func TestWorkersKeepEachCustomersOrder(t *testing.T) {
	const customers, per = 8, 40
	h := newHookHarness(t, func(c *line.WebhookConfig) { c.Inbox.Workers = 4 })
	h.desk.hook = func(deskCall) error {
		if rand.IntN(3) == 0 {
			runtime.Gosched() // shake the interleaving
		}
		return nil
	}
	h.start(t)
	var wg sync.WaitGroup
	for u := range customers {
		wg.Go(func() {
			for i := range per {
				res := h.post(linetest.NewWebhookRequest(hookSecret, hookURL, linetest.TextEvent(hookCustomer(u), strconv.Itoa(i))))
				if res.StatusCode != 200 {
					t.Errorf("status %d", res.StatusCode)
				}
			}
		})
	}
	wg.Wait()
	inOrder(t, h.desk.wait(t, customers*per), customers, per)
}

func TestWorkersKeepOrderWithinOneBatch(t *testing.T) {
	h := newHookHarness(t, func(c *line.WebhookConfig) { c.Inbox.Workers = 8 })
	h.start(t)
	var events []json.RawMessage
	for i := range 20 {
		events = append(events, linetest.TextEvent(hookCustomer(i%2), strconv.Itoa(i/2)))
	}
	h.post(linetest.NewWebhookRequest(hookSecret, hookURL, events...))
	inOrder(t, h.desk.wait(t, 20), 2, 10)
}

func TestWorkersServeCustomersInParallel(t *testing.T) {
	release := make(chan struct{})
	h := newHookHarness(t, func(c *line.WebhookConfig) { c.Inbox.Workers = 2 })
	h.desk.hook = func(c deskCall) error {
		if c.Customer == hookCustomer(0) {
			<-release
		}
		return nil
	}
	h.start(t)
	h.post(linetest.NewWebhookRequest(hookSecret, hookURL, linetest.TextEvent(hookCustomer(0), "slow")))
	h.post(linetest.NewWebhookRequest(hookSecret, hookURL, linetest.TextEvent(hookCustomer(1), "fast")))
	wantEq(t, hookCustomer(1), h.desk.wait(t, 1)[0].Customer, "the second customer is not held up by the first")
	close(release)
	wantEq(t, hookCustomer(0), h.desk.wait(t, 1)[0].Customer)
}

func TestWorkersHandleConcurrentDeliveriesAndRedeliveriesOnce(t *testing.T) {
	const senders, per = 8, 30
	h := newHookHarness(t, func(c *line.WebhookConfig) { c.Inbox.Workers = 4; c.Inbox.QueueSize = 16 })
	h.start(t)
	var wg sync.WaitGroup
	for s := range senders {
		wg.Go(func() {
			var sent []json.RawMessage
			for i := range per {
				ev := linetest.TextEvent(hookCustomer(s), strconv.Itoa(i))
				sent = append(sent, ev)
				h.post(linetest.NewWebhookRequest(hookSecret, hookURL, ev))
				if i%3 == 0 { // LINE redelivers an earlier event
					h.post(linetest.NewWebhookRequest(hookSecret, hookURL, sent[rand.IntN(len(sent))]))
				}
			}
		})
	}
	wg.Wait()
	calls := h.desk.wait(t, senders*per)
	inOrder(t, calls, senders, per)
	seen := map[string]bool{}
	for _, c := range calls {
		wantTrue(t, !seen[c.ExternalID], "message handed to the desk twice: ", c.ExternalID)
		seen[c.ExternalID] = true
	}
}

func TestWorkersOverflowWaitsInTheStoreAndKeepsOrder(t *testing.T) {
	const customers, per = 3, 10
	release := make(chan struct{})
	h := newHookHarness(t, func(c *line.WebhookConfig) { c.Inbox.Workers = 2; c.Inbox.QueueSize = 4 })
	h.desk.hook = func(deskCall) error { <-release; return nil }
	h.start(t)
	for i := range per {
		for u := range customers {
			res := h.post(linetest.NewWebhookRequest(hookSecret, hookURL, linetest.TextEvent(hookCustomer(u), strconv.Itoa(i))))
			needEq(t, 200, res.StatusCode, "a full queue never refuses LINE")
		}
	}
	wantEq(t, customers*per, h.store.pending())
	close(release)
	inOrder(t, h.desk.wait(t, customers*per), customers, per)
}

func TestWorkersReplayPendingEventsOnStart(t *testing.T) {
	h := newHookHarness(t, nil)
	// A previous process recorded these and crashed before handling them.
	var recs []inbox.Record
	for i := range 5 {
		recs = append(recs, inbox.Record{Channel: hookChannel, ID: fmt.Sprint("old-", i), Key: hookUser,
			Received: time.Now().Add(-time.Hour), Payload: linetest.TextEvent(hookUser, strconv.Itoa(i))})
	}
	_, err := h.store.AppendEvents(context.Background(), recs)
	needNoErr(t, err)
	h.store.doneCh = make(chan string, 5)
	h.start(t)
	inOrder(t, h.desk.wait(t, 5), 1, 5)
	for range 5 {
		<-h.store.doneCh
	}
	wantEq(t, 0, h.store.pending())
}

func TestWorkersRetryWhenTheDeskFailsForNow(t *testing.T) {
	var mu sync.Mutex
	failures := 4 // more than one worker's attempts in a row
	h := newHookHarness(t, func(c *line.WebhookConfig) { c.Inbox.RetryInterval = 5 * time.Millisecond })
	h.desk.hook = func(c deskCall) error {
		mu.Lock()
		defer mu.Unlock()
		if c.In.Content.Text == "0" && failures > 0 {
			failures--
			return errors.New("database is restarting")
		}
		return nil
	}
	h.start(t)
	h.post(linetest.NewWebhookRequest(hookSecret, hookURL, linetest.TextEvent(hookUser, "0")))
	h.post(linetest.NewWebhookRequest(hookSecret, hookURL, linetest.TextEvent(hookUser, "1")))
	inOrder(t, h.desk.wait(t, 2), 1, 2)
	wantEq(t, 0, failures)
}

func TestWorkersDoNotRetryWhatCannotSucceed(t *testing.T) {
	var mu sync.Mutex
	attempts := 0
	h := newHookHarness(t, nil)
	h.store.doneCh = make(chan string, 1)
	h.desk.hook = func(c deskCall) error {
		mu.Lock()
		attempts++
		mu.Unlock()
		return &enquiry.ValidationError{Field: "customer", Reason: "bad"}
	}
	h.start(t)
	h.post(linetest.NewWebhookRequest(hookSecret, hookURL, linetest.TextEvent(hookUser, "x")))
	<-h.store.doneCh
	mu.Lock()
	defer mu.Unlock()
	wantEq(t, 1, attempts)
}

func TestWorkersWaitForContentLINEIsStillProcessing(t *testing.T) {
	h := newHookHarness(t, nil)
	h.content.result = func(src line.ContentSource, attempt int) (enquiry.MediaRef, error) {
		if attempt <= 3 {
			return enquiry.MediaRef{}, fmt.Errorf("video: %w", stillProcessing{})
		}
		return enquiry.MediaRef{Kind: media.KindVideo, Format: "mp4", Size: 99}, nil
	}
	h.start(t)
	h.post(linetest.NewWebhookRequest(hookSecret, hookURL, linetest.VideoEvent(hookUser, 5*time.Second)))
	needEq(t, enquiry.Video, h.desk.wait(t, 1)[0].In.Content.Kind)
	ref := h.desk.waitLateOp(t, "attach").Ref
	wantEq(t, int64(99), ref.Size)
	wantEq(t, 5*time.Second, ref.Duration)
	wantEq(t, 4, h.content.fetchCount())
	wantEq(t, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}, drainChan(h.sleeps))
}

func TestWorkersGiveUpOnContentThatNeverComes(t *testing.T) {
	h := newHookHarness(t, nil)
	h.content.result = func(line.ContentSource, int) (enquiry.MediaRef, error) { return enquiry.MediaRef{}, stillProcessing{} }
	h.start(t)
	h.post(linetest.NewWebhookRequest(hookSecret, hookURL, linetest.AudioEvent(hookUser, time.Second)))
	wantEq(t, enquiry.ContentPending, h.desk.wait(t, 1)[0].In.Content.State)
	why := h.desk.waitLateOp(t, "unavailable").Why
	wantEq(t, "audio", why.Kind)
	wantIn(t, why.Reason, "in time")
	// 1+2+4+8+16 s, then 30 s steps until 3 minutes have passed.
	wantEq(t, 11, h.content.fetchCount())
}

func TestWorkersRecordRefusedContent(t *testing.T) {
	for _, tt := range []struct {
		name   string
		err    error
		code   string
		reason string
	}{
		{"refused by media", fmt.Errorf("fetch: %w", &media.Error{Code: "image_too_large", Reason: "Images may be at most 10 MB."}), "image_too_large", "Images may be at most 10 MB."},
		{"download failed", errors.New("gone"), "", "could not be downloaded"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHookHarness(t, nil)
			h.content.result = func(line.ContentSource, int) (enquiry.MediaRef, error) { return enquiry.MediaRef{}, tt.err }
			h.start(t)
			h.post(linetest.NewWebhookRequest(hookSecret, hookURL, linetest.ImageEvent(hookUser)))
			h.desk.wait(t, 1)
			why := h.desk.waitLateOp(t, "unavailable").Why
			wantEq(t, "image", why.Kind)
			wantEq(t, tt.code, why.Code)
			wantIn(t, why.Reason, tt.reason)
			wantEq(t, 1, h.content.fetchCount())
		})
	}
}

func TestWorkersLookUpEachCustomersNameOnce(t *testing.T) {
	h := newHookHarness(t, nil)
	h.start(t)
	for i := range 3 {
		h.post(linetest.NewWebhookRequest(hookSecret, hookURL, linetest.TextEvent(hookUser, strconv.Itoa(i))))
	}
	h.desk.wait(t, 3)
	n := h.desk.waitLateOp(t, "name")
	wantEq(t, lateCall{Op: "name", Channel: hookChannel, Customer: hookUser, Text: "Name of U4af4"}, n)
	// Once the name is known, the customer's messages carry it.
	h.post(linetest.NewWebhookRequest(hookSecret, hookURL, linetest.TextEvent(hookUser, "3")))
	wantEq(t, "Name of U4af4", h.desk.wait(t, 1)[0].In.Customer.Name)
	wantEq(t, 1, h.content.profileCount())
}

func TestShutdownFinishesQueuedWorkAndTakesNoMore(t *testing.T) {
	release, entered := make(chan struct{}), make(chan struct{}, 3)
	h := newHookHarness(t, func(c *line.WebhookConfig) { c.Inbox.Workers = 1 })
	h.desk.hook = func(deskCall) error { entered <- struct{}{}; <-release; return nil }
	h.start(t)
	// The first event is being worked on (so the first sweep is done and
	// new events are queued at once); the other two are queued behind it.
	h.post(linetest.NewWebhookRequest(hookSecret, hookURL, linetest.TextEvent(hookUser, "0")))
	<-entered
	for i := 1; i < 3; i++ {
		h.post(linetest.NewWebhookRequest(hookSecret, hookURL, linetest.TextEvent(hookUser, strconv.Itoa(i))))
	}
	shut := make(chan error, 1)
	go func() { shut <- h.hook.Shutdown(context.Background()) }()
	// Shutdown cannot finish while work is queued.
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned %v with work queued", err)
	case <-time.After(20 * time.Millisecond):
	}
	close(release)
	inOrder(t, h.desk.wait(t, 3), 1, 3)
	needNoErr(t, <-shut)
	// Still answered and recorded; processed by the next start.
	res := h.post(linetest.NewWebhookRequest(hookSecret, hookURL, linetest.TextEvent(hookUser, "3")))
	wantEq(t, 200, res.StatusCode)
	wantEq(t, 1, h.store.pending())
}

func TestShutdownGivesUpWhenItsContextEnds(t *testing.T) {
	stuck, release := make(chan struct{}, 1), make(chan struct{})
	h := newHookHarness(t, nil)
	h.desk.hook = func(deskCall) error { stuck <- struct{}{}; <-release; return nil }
	h.start(t)
	t.Cleanup(func() { close(release) }) // before the harness stops (cleanups run last first)
	h.post(linetest.NewWebhookRequest(hookSecret, hookURL, linetest.TextEvent(hookUser, "stuck")))
	<-stuck
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	wantTrue(t, errors.Is(h.hook.Shutdown(ctx), context.Canceled), "Shutdown returns the context's error")
}

func TestEventsArrivingBeforeTheFirstSweepWaitBehindOlderPendingOnes(t *testing.T) {
	h := newHookHarness(t, func(c *line.WebhookConfig) { c.Inbox.Workers = 1 })
	// Recorded, never processed: what a stopped process left.
	for i := range 3 {
		h.post(linetest.NewWebhookRequest(hookSecret, hookURL, linetest.TextEvent(hookUser, strconv.Itoa(i))))
	}
	h.start(t)
	h.post(linetest.NewWebhookRequest(hookSecret, hookURL, linetest.TextEvent(hookUser, "3")))
	inOrder(t, h.desk.wait(t, 4), 1, 4)
}

func TestRunTwiceIsAnError(t *testing.T) {
	h := newHookHarness(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	results := make(chan error, 2)
	for range 2 {
		go func() { results <- h.hook.Run(ctx) }()
	}
	wantTrue(t, errors.Is(<-results, inbox.ErrRunning), "the second Run returns ErrRunning at once")
	cancel()
	needNoErr(t, <-results)
}

func drainChan[T any](ch chan T) []T {
	var out []T
	for {
		select {
		case v := <-ch:
			out = append(out, v)
		default:
			return out
		}
	}
}
