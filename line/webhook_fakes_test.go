package line_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/inbox"
	"github.com/socialdesk/socialdesk/line"
)

const (
	hookSecret  = "8f8a5ab1e6d4c6b9a3f0d2c1b4e7a9c3"
	hookChannel = "ch1"
	hookUser    = "U4af4980629a0e4ea1c0a1b2c3d4e5f60"
	hookURL     = "/webhook/line/" + hookChannel
)

// memEvents is an in-memory inbox.Store for these tests.
type memEvents struct {
	mu     sync.Mutex
	seq    int64
	events []inbox.Record
	seen   map[[2]string]int
	done   map[[2]string]bool
	fail   error
	doneCh chan string // receives IDs as they are marked done, if set
}

func newMemEvents() *memEvents {
	return &memEvents{seen: map[[2]string]int{}, done: map[[2]string]bool{}}
}

func (m *memEvents) AppendEvents(ctx context.Context, events []inbox.Record) ([]inbox.Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return nil, m.fail
	}
	var fresh []inbox.Record
	for _, ev := range events {
		k := [2]string{ev.Channel, ev.ID}
		if _, ok := m.seen[k]; ok {
			continue
		}
		m.seq++
		ev.Seq = m.seq
		ev.Payload = bytes.Clone(ev.Payload)
		m.seen[k] = len(m.events)
		m.events = append(m.events, ev)
		fresh = append(fresh, ev)
	}
	return fresh, nil
}

func (m *memEvents) EventDone(ctx context.Context, channel, id string) error {
	m.mu.Lock()
	m.done[[2]string{channel, id}] = true
	ch := m.doneCh
	m.mu.Unlock()
	if ch != nil {
		ch <- id
	}
	return nil
}

func (m *memEvents) PendingEvents(ctx context.Context, before time.Time, limit int) ([]inbox.Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []inbox.Record
	for _, ev := range m.events {
		if len(out) == limit {
			break
		}
		if !m.done[[2]string{ev.Channel, ev.ID}] && ev.Received.Before(before) {
			out = append(out, ev)
		}
	}
	return out, nil
}

func (m *memEvents) recorded() []inbox.Record {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.events)
}

func (m *memEvents) pending() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, ev := range m.events {
		if !m.done[[2]string{ev.Channel, ev.ID}] {
			n++
		}
	}
	return n
}

// hookChannels is an enquiry.ChannelLookup over a fixed set.
type hookChannels map[string]enquiry.Channel

func (c hookChannels) Channel(ctx context.Context, id string) (enquiry.Channel, error) {
	if ch, ok := c[id]; ok {
		return ch, nil
	}
	return enquiry.Channel{}, fmt.Errorf("channel %q: %w", id, enquiry.ErrNotFound)
}

func hookChannelSet() hookChannels {
	return hookChannels{
		hookChannel: {ID: hookChannel, Name: "Shop", Kind: "line", State: enquiry.Active,
			Credentials: enquiry.Credentials{Secret: hookSecret, Token: "token"}},
		"paused": {ID: "paused", Name: "Paused", Kind: "line", State: enquiry.Suspended,
			Credentials: enquiry.Credentials{Secret: hookSecret, Token: "token"}},
	}
}

// deskCall is one call the fake desk received.
type deskCall struct {
	Op         string // "receive", "unsend" or "notice"
	In         enquiry.Inbound
	Channel    string
	Customer   string
	ExternalID string
	Text       string
}

// fakeDesk records calls. hook, when set, runs first and may block or
// fail. What the webhook fills in after Receive (names, content) is
// recorded apart, in late.
type fakeDesk struct {
	mu    sync.Mutex
	calls []deskCall
	hook  func(deskCall) error
	ch    chan deskCall
	// late are the Completer calls: Op "name" (Text is the name),
	// "attach" (Ref) or "unavailable" (Why), for Message.
	late    []lateCall
	lateCh  chan lateCall
	pending []enquiry.Message // what PendingContent returns
}

// lateCall is one Completer call the fake desk received.
type lateCall struct {
	Op, Channel, Customer, Message, Text string
	Ref                                  enquiry.MediaRef
	Why                                  enquiry.UnsupportedNote
}

func newFakeDesk() *fakeDesk {
	return &fakeDesk{ch: make(chan deskCall, 4096), lateCh: make(chan lateCall, 4096)}
}

func (d *fakeDesk) recordLate(c lateCall) error {
	d.mu.Lock()
	d.late = append(d.late, c)
	d.mu.Unlock()
	d.lateCh <- c
	return nil
}

func (d *fakeDesk) SetCustomerName(ctx context.Context, channel, customer, name string) error {
	return d.recordLate(lateCall{Op: "name", Channel: channel, Customer: customer, Text: name})
}

func (d *fakeDesk) AttachContent(ctx context.Context, message string, ref enquiry.MediaRef) error {
	return d.recordLate(lateCall{Op: "attach", Message: message, Ref: ref})
}

func (d *fakeDesk) ContentUnavailable(ctx context.Context, message string, why enquiry.UnsupportedNote) error {
	return d.recordLate(lateCall{Op: "unavailable", Message: message, Why: why})
}

func (d *fakeDesk) PendingContent(ctx context.Context, limit int) ([]enquiry.Message, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.pending), nil
}

// waitLate returns the next n Completer calls, failing the test if they
// do not come.
func (d *fakeDesk) waitLate(t testing.TB, n int) []lateCall {
	t.Helper()
	var got []lateCall
	deadline := time.After(10 * time.Second)
	for len(got) < n {
		select {
		case c := <-d.lateCh:
			got = append(got, c)
		case <-deadline:
			t.Fatalf("got %d late desk calls, want %d: %+v", len(got), n, got)
		}
	}
	return got
}

// waitLateOp returns the next Completer call of kind op, skipping others.
func (d *fakeDesk) waitLateOp(t testing.TB, op string) lateCall {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case c := <-d.lateCh:
			if c.Op == op {
				return c
			}
		case <-deadline:
			t.Fatalf("no %s call on the desk", op)
		}
	}
}

func (d *fakeDesk) record(c deskCall) error {
	if d.hook != nil {
		if err := d.hook(c); err != nil {
			return err
		}
	}
	d.mu.Lock()
	d.calls = append(d.calls, c)
	d.mu.Unlock()
	d.ch <- c
	return nil
}

// Receive records the call and answers as a desk would: the message
// (its ID is "msg-" and its external ID) as recorded.
func (d *fakeDesk) Receive(ctx context.Context, in enquiry.Inbound) (enquiry.Received, error) {
	err := d.record(deskCall{Op: "receive", In: in, Channel: in.Channel, Customer: in.Customer.ID, ExternalID: in.ExternalID})
	if err != nil {
		return enquiry.Received{}, err
	}
	return enquiry.Received{
		Enquiry: enquiry.Enquiry{Channel: in.Channel, Customer: in.Customer},
		Message: enquiry.Message{ID: "msg-" + in.ExternalID, ExternalID: in.ExternalID, Content: in.Content},
	}, nil
}

func (d *fakeDesk) Unsend(ctx context.Context, channel, customer, externalID string) error {
	return d.record(deskCall{Op: "unsend", Channel: channel, Customer: customer, ExternalID: externalID})
}

func (d *fakeDesk) Notice(ctx context.Context, channel, customer, text string) error {
	return d.record(deskCall{Op: "notice", Channel: channel, Customer: customer, Text: text})
}

func (d *fakeDesk) all() []deskCall {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.calls)
}

// wait returns the next n calls, failing the test if they do not come.
func (d *fakeDesk) wait(t testing.TB, n int) []deskCall {
	t.Helper()
	var got []deskCall
	deadline := time.After(10 * time.Second)
	for len(got) < n {
		select {
		case c := <-d.ch:
			got = append(got, c)
		case <-deadline:
			t.Fatalf("got %d desk calls, want %d: %+v", len(got), n, got)
		}
	}
	return got
}

// fakeContent stands in for the LINE API client.
type fakeContent struct {
	mu       sync.Mutex
	fetches  []line.ContentSource
	profiles int
	// result decides FetchContent's answer for the n-th attempt (from 1).
	result func(src line.ContentSource, attempt int) (enquiry.MediaRef, error)
}

type stillProcessing struct{}

func (stillProcessing) Error() string   { return "content is still being processed" }
func (stillProcessing) Retryable() bool { return true }
func (stillProcessing) Unwrap() error   { return line.ErrNotReady }

func (f *fakeContent) fetchCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.fetches)
}

func (f *fakeContent) profileCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.profiles
}

func (f *fakeContent) FetchContent(ctx context.Context, ch enquiry.Channel, src line.ContentSource, blobs enquiry.BlobStore, key string) (enquiry.MediaRef, error) {
	f.mu.Lock()
	f.fetches = append(f.fetches, src)
	n := 0
	for _, s := range f.fetches {
		if s.MessageID == src.MessageID {
			n++
		}
	}
	f.mu.Unlock()
	if f.result != nil {
		return f.result(src, n)
	}
	return enquiry.MediaRef{Kind: "image", Format: "jpeg", Size: 1234, Key: key}, nil
}

func (f *fakeContent) Profile(ctx context.Context, ch enquiry.Channel, userID string) (line.Profile, error) {
	f.mu.Lock()
	f.profiles++
	f.mu.Unlock()
	return line.Profile{UserID: userID, DisplayName: "Name of " + userID[:min(5, len(userID))]}, nil
}

// blobs is a do-nothing BlobStore (the fake content client stores nothing).
type nullBlobs struct{}

func (nullBlobs) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	return io.Copy(io.Discard, r)
}

func (nullBlobs) Open(ctx context.Context, key string) (enquiry.Blob, error) {
	return nil, enquiry.ErrNotFound
}

// hookHarness is a running webhook with fakes around it.
type hookHarness struct {
	hook    *line.Webhook
	store   *memEvents
	desk    *fakeDesk
	content *fakeContent
	mux     *http.ServeMux
	sleeps  chan time.Duration
}

// newHarness builds a webhook; change edits the config first. It does not
// start Run: call start.
func newHookHarness(t testing.TB, change func(*line.WebhookConfig)) *hookHarness {
	t.Helper()
	h := &hookHarness{store: newMemEvents(), desk: newFakeDesk(), content: &fakeContent{}, mux: http.NewServeMux(),
		sleeps: make(chan time.Duration, 1000)}
	cfg := line.WebhookConfig{
		Channels: hookChannelSet(),
		Events:   h.store,
		Desk:     h.desk,
		Content:  h.content,
		Blobs:    nullBlobs{},
		Logger:   quietLogger(),
	}
	if change != nil {
		change(&cfg)
	}
	h.hook = line.NewWebhook(cfg)
	line.SetSleep(h.hook, func(ctx context.Context, d time.Duration) error {
		select {
		case h.sleeps <- d:
		default:
		}
		return ctx.Err()
	})
	h.mux.Handle("/webhook/line/{channel}", h.hook)
	return h
}

// start runs the workers until the test ends.
func (h *hookHarness) start(t testing.TB) {
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- h.hook.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-stopped; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
}

// post sends r through the mux and returns the response.
func (h *hookHarness) post(r *http.Request) *http.Response {
	rec := httptest.NewRecorder()
	h.mux.ServeHTTP(rec, r)
	return rec.Result()
}

var errStoreDown = errors.New("store unavailable")
