package whatsapp_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/clock"
	"github.com/socialdesk/socialdesk/routing"
	"github.com/socialdesk/socialdesk/whatsapp"
	"github.com/socialdesk/socialdesk/whatsapp/whatsapptest"
)

const (
	phoneID  = "106540352242922"
	customer = "16505551234"
)

// deskRig is one desk with a WhatsApp channel "wa" on a fake platform,
// its webhook served and both running (unless the rig was made with
// manualStart: then start runs them).
type deskRig struct {
	t        *testing.T
	platform *whatsapptest.Platform
	desk     *enquiry.Desk
	store    *enquiry.MemStore
	clock    *clock.Fake
	mux      *http.ServeMux
	blobs    *enquiry.MemBlobs
	hook     *whatsapp.Webhook
}

// rigSetup is what rig options change: the client's config (the rig sets
// its APIBase) and whether the test starts the rig itself.
type rigSetup struct {
	client whatsapp.Config
	manual bool
}

type rigOption func(*rigSetup)

// withClient makes the rig's client (the desk's sender's and the
// webhook's downloads) with cfg.
func withClient(cfg whatsapp.Config) rigOption { return func(s *rigSetup) { s.client = cfg } }

// manualStart leaves the webhook and the desk stopped until start.
func manualStart(s *rigSetup) { s.manual = true }

func newDeskRig(t *testing.T, opts ...rigOption) *deskRig {
	t.Helper()
	var setup rigSetup
	for _, o := range opts {
		o(&setup)
	}
	r := &deskRig{t: t, platform: whatsapptest.New(), store: enquiry.NewMemStore(), clock: clock.NewFake(time.Now())}
	t.Cleanup(r.platform.Close)
	r.platform.SetClock(r.clock.Now)
	r.platform.AddPhoneNumber(whatsapptest.PhoneNumber{ID: phoneID, Token: "wa-token", AppSecret: "app-secret"})
	setup.client.APIBase = r.platform.URL()
	client := whatsapp.NewClient(setup.client)
	roster := &enquiry.Roster{}
	roster.Add("alice", automsg.Staff{First: "Alice"}, 0)
	roster.SetPresence("alice", routing.Available)
	blobs := &enquiry.MemBlobs{}
	r.blobs = blobs
	var err error
	r.desk, err = enquiry.New(enquiry.Config{Store: r.store, Kinds: map[string]enquiry.Kind{whatsapp.ChannelKind: whatsapp.DeskKind(client, blobs)},
		Directory: roster, Blobs: blobs, Clock: r.clock, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	rule := &routing.Rule{}
	rule.Node.Alternative = append(rule.Node.Alternative, routing.ToStaff("alice"))
	if _, err := r.desk.CreateChannel(t.Context(), enquiry.Channel{
		ID: "wa", Name: "Acme on WhatsApp", Kind: whatsapp.ChannelKind, Account: phoneID,
		Credentials: enquiry.Credentials{Secret: "app-secret", Token: "wa-token"}, Routing: rule,
		AutoMessages: automsg.Settings{Welcome: automsg.Message{On: true, Text: "Welcome!"}},
	}); err != nil {
		t.Fatal(err)
	}
	r.hook = whatsapp.NewWebhook(whatsapp.WebhookConfig{
		Apps:   whatsapp.StaticApps{"wa": {AppSecret: "app-secret", VerifyToken: "verify-me"}},
		Events: r.store, Desk: r.desk, Content: client, Blobs: blobs, Channels: r.store, Logger: quiet(),
	})
	// The downloads' waits between attempts pass at once.
	whatsapp.SetSleep(r.hook, func(ctx context.Context, d time.Duration) error { return ctx.Err() })
	r.mux = http.NewServeMux()
	r.mux.Handle("/webhook/whatsapp/{channel}", r.hook)
	if !setup.manual {
		r.start()
	}
	return r
}

// start runs the webhook and the desk until the test ends.
func (r *deskRig) start() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { r.hook.Run(ctx); done <- struct{}{} }()
	go func() { r.desk.Run(ctx); done <- struct{}{} }()
	r.t.Cleanup(func() { cancel(); <-done; <-done })
}

// post delivers items to the webhook as the platform does, signed.
func (r *deskRig) post(items ...whatsapptest.Item) {
	r.t.Helper()
	rec := httptest.NewRecorder()
	r.mux.ServeHTTP(rec, r.platform.DeliverRequest(phoneID, "/webhook/whatsapp/wa", items...))
	if rec.Code != http.StatusOK {
		r.t.Fatalf("webhook answered %d", rec.Code)
	}
}

// eventually waits until cond holds, failing after 10 s.
func (r *deskRig) eventually(what string, cond func() bool) {
	r.t.Helper()
	for end := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(end) {
			r.t.Fatalf("never: %s", what)
		}
	}
}

// transcript is the customer's open enquiry and its messages.
func (r *deskRig) transcript() (enquiry.Enquiry, []enquiry.Message) {
	es, err := r.desk.Enquiries(r.t.Context(), enquiry.Filter{Channel: "wa", Customer: customer})
	if err != nil || len(es) == 0 {
		return enquiry.Enquiry{}, nil
	}
	ms, err := r.desk.Transcript(r.t.Context(), es[0].ID, 0, 100)
	if err != nil {
		r.t.Fatal(err)
	}
	return es[0], ms
}

func TestWebhookHandsCustomersToTheDeskWhichAnswersThroughTheCloudAPI(t *testing.T) {
	r := newDeskRig(t)
	first := whatsapptest.Text(customer, "Does it come in blue?", whatsapptest.WithName("Sheena"))
	r.post(first)
	r.eventually("the Welcome reaches the customer", func() bool { return len(r.platform.Received(customer)) == 1 })
	e, ms := r.transcript()
	if e.Customer.Name != "Sheena" || len(ms) != 2 || ms[0].Content.Text != "Does it come in blue?" {
		t.Fatalf("enquiry %+v with %d messages; want Sheena's text and the Welcome", e, len(ms))
	}

	t.Run("a redelivered webhook changes nothing", func(t *testing.T) {
		r.post(first)
		r.post(first)
		r.post(whatsapptest.Text(customer, "Hello?"))
		r.eventually("the next message is recorded", func() bool { _, ms := r.transcript(); return len(ms) == 3 })
		if _, ms := r.transcript(); ms[2].Content.Text != "Hello?" {
			t.Fatalf("third message %q", ms[2].Content.Text)
		}
		if n := len(r.platform.Received(customer)); n != 1 {
			t.Fatalf("the customer got %d messages, want the one Welcome", n)
		}
	})

	t.Run("statuses move the delivery state shown to staff", func(t *testing.T) {
		welcome := r.platform.Received(customer)[0].ID
		r.post(whatsapptest.StatusDelivered(welcome, customer), whatsapptest.StatusRead(welcome, customer))
		r.post(whatsapptest.StatusDelivered(welcome, customer)) // late and redelivered: never back
		r.eventually("the Welcome is read", func() bool {
			_, ms := r.transcript()
			return ms[1].Delivery != nil && ms[1].Delivery.State == enquiry.Read
		})
	})

	t.Run("staff answer inside the window and are refused after it", func(t *testing.T) {
		if _, err := r.desk.Attend(t.Context(), e.ID, "alice"); err != nil {
			t.Fatal(err)
		}
		if _, err := r.desk.Send(t.Context(), e.ID, "alice", enquiry.Content{Kind: enquiry.Text, Text: "Yes, in blue."}); err != nil {
			t.Fatal(err)
		}
		r.eventually("the answer reaches the customer", func() bool { return len(r.platform.Received(customer)) == 2 })
		r.clock.Advance(whatsapp.ServiceWindow)
		_, err := r.desk.Send(t.Context(), e.ID, "alice", enquiry.Content{Kind: enquiry.Text, Text: "Anything else?"})
		if !errors.Is(err, enquiry.ErrWindowClosed) {
			t.Fatalf("24 hours later: err = %v, want window_closed", err)
		}
		if n := len(r.platform.Received(customer)); n != 2 {
			t.Fatalf("the customer got %d messages, want 2", n)
		}
	})
}

func TestCustomersMediaIsJudgedByWhatsAppsRules(t *testing.T) {
	tests := []struct {
		name  string
		bytes int
		want  enquiry.ContentState
		code  string
	}{
		{"a small JPEG is kept", 0, enquiry.ContentAvailable, ""},
		{"a JPEG over 5 MB is refused as too large", 6_000_000, enquiry.ContentUnavailable, "too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newDeskRig(t)
			data := jpegOf(t, tt.bytes)
			r.platform.AddMedia("media-1", whatsapptest.Media{Data: data, MIMEType: "image/jpeg", PhoneNumberID: phoneID})
			r.post(whatsapptest.Image(customer, "media-1", "image/jpeg"))
			r.eventually("the image is settled", func() bool {
				_, ms := r.transcript()
				return len(ms) > 0 && ms[0].Content.State != enquiry.ContentPending
			})
			_, ms := r.transcript()
			if got := ms[0].Content.State; got != tt.want {
				t.Fatalf("state %q (%+v), want %q", got, ms[0].Content.Unsupported, tt.want)
			}
			if u := ms[0].Content.Unsupported; tt.code != "" && (u == nil || u.Code != tt.code) {
				t.Fatalf("refusal %+v, want code %s", u, tt.code)
			}
		})
	}
}

// jpegOf is a valid JPEG padded (with a comment segment series) to at
// least n bytes.
func jpegOf(t *testing.T, n int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	out := b.Bytes()
	if len(out) >= n {
		return out
	}
	// Insert COM segments after SOI until the size is reached.
	var padded bytes.Buffer
	padded.Write(out[:2])
	for padded.Len()+len(out) < n {
		seg := make([]byte, 65533)
		padded.Write([]byte{0xFF, 0xFE, 0xFF, 0xFF})
		padded.Write(seg)
	}
	padded.Write(out[2:])
	return padded.Bytes()
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// TestAFailedStatusShowsStaffWhyWithItsErrorCode: Meta reports, after
// the send was accepted, that the Welcome could not be delivered; staff
// see it failed, and why, with the error code.
func TestAFailedStatusShowsStaffWhyWithItsErrorCode(t *testing.T) {
	r := newDeskRig(t)
	r.post(whatsapptest.Text(customer, "Hello"))
	r.eventually("the Welcome reaches the customer", func() bool { return len(r.platform.Received(customer)) == 1 })
	welcome := r.platform.Received(customer)[0].ID
	r.post(whatsapptest.StatusFailed(welcome, customer, 131026, "Message undeliverable"))
	r.eventually("the Welcome is failed", func() bool {
		_, ms := r.transcript()
		return len(ms) == 2 && ms[1].Delivery != nil && ms[1].Delivery.State == enquiry.Failed
	})
	_, ms := r.transcript()
	if got, want := ms[1].Delivery.Reason, "WhatsApp could not deliver it (code 131026: Message undeliverable)"; got != want {
		t.Fatalf("reason %q, want %q", got, want)
	}
}
