package later

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// desk records what the queue fills in.
type desk struct {
	mu          sync.Mutex
	names       map[string]string
	attached    map[string]enquiry.MediaRef
	unavailable map[string]enquiry.UnsupportedNote
	pending     []enquiry.Message
}

func newDesk() *desk {
	return &desk{names: map[string]string{}, attached: map[string]enquiry.MediaRef{}, unavailable: map[string]enquiry.UnsupportedNote{}}
}

func (d *desk) SetCustomerName(ctx context.Context, channel, customer, name string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.names[customer] = name
	return nil
}

func (d *desk) AttachContent(ctx context.Context, message string, ref enquiry.MediaRef) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.attached[message] = ref
	return nil
}

func (d *desk) ContentUnavailable(ctx context.Context, message string, why enquiry.UnsupportedNote) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.unavailable[message] = why
	return nil
}

func (d *desk) PendingContent(ctx context.Context, limit int) ([]enquiry.Message, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.pending, nil
}

type channels map[string]enquiry.Channel

func (c channels) Channel(ctx context.Context, id string) (enquiry.Channel, error) {
	if ch, ok := c[id]; ok {
		return ch, nil
	}
	return enquiry.Channel{}, enquiry.ErrNotFound
}

var errDown = errors.New("platform down")

type retryable struct{ error }

func (retryable) Retryable() bool { return true }

func TestQueue(t *testing.T) {
	d := newDesk()
	gate := make(chan struct{})
	var lookups, fetches atomic.Int32
	q := New(Config{
		Desk: d, Channels: channels{"c": {ID: "c", Kind: "k"}, "other": {ID: "other", Kind: "else"}}, Kind: "k",
		Name: func(ctx context.Context, ch enquiry.Channel, customer string) (string, error) {
			lookups.Add(1)
			<-gate
			return "Name of " + customer, nil
		},
		Content: func(ctx context.Context, ch enquiry.Channel, src Source, key string) (enquiry.MediaRef, error) {
			fetches.Add(1)
			if src.ExternalID == "down" {
				return enquiry.MediaRef{}, retryable{errDown}
			}
			return enquiry.MediaRef{Kind: "image", Format: "png", Size: 3}, nil
		},
		Reasons: Reasons{Failed: "failed", External: "external", NotReady: "not ready", Lost: "lost"},
		Sleep:   func(ctx context.Context, d time.Duration) error { return ctx.Err() },
	})
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { q.Run(ctx); close(stopped) }()
	defer func() { cancel(); <-stopped }()

	q.Name("c", "U1")
	q.Name("c", "U1") // queued or running: looked up once
	q.Content("c", "U1", "m1", Source{ExternalID: "x", Kind: "image", Duration: time.Second})
	q.Content("c", "U1", "m2", Source{ExternalID: "down", Kind: "image", URL: "https://elsewhere.example/x"})
	q.Content("other", "U2", "m3", Source{ExternalID: "y", Kind: "image"})
	close(gate)
	if err := q.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}

	t.Run("a name is looked up once, given to the desk and known after", func(t *testing.T) {
		if n := lookups.Load(); n != 1 {
			t.Errorf("%d look-ups, want 1", n)
		}
		if d.names["U1"] != "Name of U1" {
			t.Errorf("desk has name %q", d.names["U1"])
		}
		if n, ok := q.Known("c", "U1"); !ok || n != "Name of U1" {
			t.Errorf("Known = %q, %v", n, ok)
		}
		q.Forget("c", "U1")
		if _, ok := q.Known("c", "U1"); ok {
			t.Error("a forgotten name is known")
		}
	})
	t.Run("content is attached under its key, with what was known before", func(t *testing.T) {
		ref := d.attached["m1"]
		if ref.Key != "k/c/x" || ref.Duration != time.Second || ref.Format != "png" {
			t.Errorf("attached %+v", ref)
		}
	})
	t.Run("content that keeps failing is given up on, in the external provider's words", func(t *testing.T) {
		if why := d.unavailable["m2"]; why.Reason != "external" || why.Kind != "image" {
			t.Errorf("unavailable %+v", why)
		}
	})
	t.Run("content of another kind's channel is left alone", func(t *testing.T) {
		_, attached := d.attached["m3"]
		_, gone := d.unavailable["m3"]
		if attached || gone {
			t.Error("the queue settled another connector's message")
		}
		if n := fetches.Load(); n != 1+contentAttempts {
			t.Errorf("%d fetches, want %d (one, and the failing one's attempts)", n, 1+contentAttempts)
		}
	})
}

// The sweep at start hands a pending message's PlatformID back to
// Content; a queue with StrictKind leaves channels with no kind alone,
// one without takes them as its kind's.
func TestSweepAtStart(t *testing.T) {
	tests := []struct {
		name    string
		strict  bool
		fetched []string // external IDs, in order
	}{
		{"a strict queue fetches only its kind's", true, []string{"mine"}},
		{"a queue that is not strict fetches the kind-less channel's too", false, []string{"kindless", "mine"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newDesk()
			now := time.Now()
			msg := func(channel, id, platformID string) enquiry.Message {
				return enquiry.Message{ID: "m-" + id, Channel: channel, ExternalID: id, Time: now, Author: enquiry.Author{ID: "U"},
					Content: enquiry.Content{Kind: enquiry.Image, State: enquiry.ContentPending, Media: &enquiry.MediaRef{Kind: "image", PlatformID: platformID}}}
			}
			// One fetcher takes them in this order: when "mine" is in, the
			// others were looked at.
			d.pending = []enquiry.Message{msg("plain", "kindless", "media-2"), msg("other", "theirs", "media-3"), msg("c", "mine", "media-1")}
			var mu sync.Mutex
			var fetched []string
			ids := map[string]string{}
			q := New(Config{
				Desk: d, Channels: channels{"c": {ID: "c", Kind: "k"}, "plain": {ID: "plain"}, "other": {ID: "other", Kind: "else"}},
				Kind: "k", StrictKind: tc.strict, Fetchers: 1,
				Content: func(ctx context.Context, ch enquiry.Channel, src Source, key string) (enquiry.MediaRef, error) {
					mu.Lock()
					defer mu.Unlock()
					fetched, ids[src.ExternalID] = append(fetched, src.ExternalID), src.PlatformID
					return enquiry.MediaRef{Kind: "image", Format: "png", Size: 3}, nil
				},
				Sleep: func(ctx context.Context, d time.Duration) error { <-ctx.Done(); return ctx.Err() },
			})
			ctx, cancel := context.WithCancel(context.Background())
			stopped := make(chan struct{})
			go func() { q.Run(ctx); close(stopped) }()
			defer func() { cancel(); <-stopped }()
			for end := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
				d.mu.Lock()
				_, in := d.attached["m-mine"]
				d.mu.Unlock()
				if in {
					break
				}
				if time.Now().After(end) {
					t.Fatal("the pending message of the queue's kind was never fetched")
				}
			}
			if err := q.Drain(t.Context()); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if fmt.Sprint(fetched) != fmt.Sprint(tc.fetched) {
				t.Errorf("fetched %v, want %v", fetched, tc.fetched)
			}
			if ids["mine"] != "media-1" {
				t.Errorf("Content was given platform ID %q, want the pending message's media-1", ids["mine"])
			}
		})
	}
}
