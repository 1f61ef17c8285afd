package e2e_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/inbox"
	"github.com/socialdesk/socialdesk/internal/clock"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
	"github.com/socialdesk/socialdesk/media"
	"github.com/socialdesk/socialdesk/routing"
	"github.com/socialdesk/socialdesk/whatsapp"
	"github.com/socialdesk/socialdesk/whatsapp/whatsapptest"
)

const (
	waChannel  = "wa"
	waPhone    = "106540352242922"
	waToken    = "e2e-wa-token-3b1f9d6c2a8e4f70b5c1d9e2a6f3b8c4"
	waSecret   = "e2e-wa-secret-7d2e9a4c1b6f3e8d5a0c7b2e9f4a1d6c"
	lineUser   = "U-two-line"
	waCustomer = "16505550001"
)

// twoDesk is one desk serving a LINE channel and a WhatsApp channel, with
// both webhooks on one mux, against both fake platforms with faults on.
type twoDesk struct {
	t     *testing.T
	desk  *enquiry.Desk
	line  *linetest.Platform
	wa    *whatsapptest.Platform
	clock *clock.Fake
	blobs *enquiry.MemBlobs
	mux   *http.ServeMux
}

func newTwoDesk(t *testing.T) *twoDesk {
	t.Helper()
	d := &twoDesk{t: t, line: linetest.New(), wa: whatsapptest.New(), clock: clock.NewFake(time.Now()), blobs: &enquiry.MemBlobs{}, mux: http.NewServeMux()}
	t.Cleanup(d.line.Close)
	t.Cleanup(d.wa.Close)
	d.line.AddChannel(linetest.Channel{Token: token, Secret: secret, BotUserID: bot, DisplayName: "E2E Shop", WebhookActive: true})
	d.line.AddUser(linetest.User{ID: lineUser, DisplayName: "Mika"})
	d.line.SetFaults(linetest.Faults{ServerErrors: 0.1, RateLimits: 0.2, Seed: 7})
	d.wa.AddPhoneNumber(whatsapptest.PhoneNumber{ID: waPhone, Token: waToken, AppSecret: waSecret})
	d.wa.SetClock(d.clock.Now)
	// Throttles only: the Cloud API has no idempotency key, so a send
	// that got no clear answer (a 5xx, a timeout) is never sent again
	// (ErrDeliveryUncertain); a throttle is certain and retried.
	d.wa.SetFaults(whatsapptest.Faults{Throttles: 0.3, Seed: 7})

	store := enquiry.NewMemStore()
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("logs:\n%s", tail(logs.String(), 32<<10))
		}
	})
	lc := line.NewClient(line.Config{APIBase: d.line.URL(), DataAPIBase: d.line.DataURL(), Logger: log,
		BackoffBase: 5 * time.Millisecond, BackoffMax: 50 * time.Millisecond, MaxAttempts: 12, RequestTimeout: requestTimeout})
	wc := whatsapp.NewClient(whatsapp.Config{APIBase: d.wa.URL(), Logger: log,
		BackoffBase: 5 * time.Millisecond, BackoffMax: 50 * time.Millisecond, MaxAttempts: 12})
	roster := &enquiry.Roster{}
	roster.Add("alice", automsg.Staff{First: "Alice"}, 0)
	roster.Add("bob", automsg.Staff{First: "Bob"}, 0)
	roster.SetPresence("alice", routing.Available)
	roster.SetPresence("bob", routing.Available)
	var err error
	d.desk, err = enquiry.New(enquiry.Config{Store: store, Directory: roster, Blobs: d.blobs, Clock: d.clock, Logger: log,
		Kinds:        map[string]enquiry.Kind{line.ChannelKind: line.DeskKind(lc), whatsapp.ChannelKind: whatsapp.DeskKind(wc, d.blobs)},
		TickInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	rule := &routing.Rule{}
	rule.Node.Alternative = append(rule.Node.Alternative, routing.ToStaff("alice"), routing.ToStaff("bob"))
	msgs := automsg.Settings{Welcome: automsg.Message{On: true, Text: "Welcome!"}}
	for _, ch := range []enquiry.Channel{
		{ID: channelID, Name: "LINE", Kind: "line", Account: bot, Credentials: enquiry.Credentials{Secret: secret, Token: token}, Routing: rule, AutoMessages: msgs},
		{ID: waChannel, Name: "WhatsApp", Kind: whatsapp.ChannelKind, Account: waPhone, Credentials: enquiry.Credentials{Secret: waSecret, Token: waToken}, Routing: rule, AutoMessages: msgs},
	} {
		if _, err := d.desk.CreateChannel(t.Context(), ch); err != nil {
			t.Fatal(err)
		}
	}
	// One store, two connectors: LINE's workers leave WhatsApp's channel alone.
	lineEvents := inbox.Only(store, func(ch string) bool { return ch != waChannel })
	lh := line.NewWebhook(line.WebhookConfig{Channels: d.desk, Events: lineEvents, Desk: d.desk, Content: lc, Blobs: d.blobs, Logger: log, Inbox: inbox.Options{RetryInterval: 100 * time.Millisecond}})
	wh := whatsapp.NewWebhook(whatsapp.WebhookConfig{Apps: whatsapp.StaticApps{waChannel: {AppSecret: waSecret, VerifyToken: "v"}},
		Events: store, Desk: d.desk, Content: wc, Blobs: d.blobs, Channels: d.desk, Logger: log, Inbox: inbox.Options{RetryInterval: 100 * time.Millisecond}})
	d.mux.Handle("/webhook/line/{channel}", lh)
	d.mux.Handle("/webhook/whatsapp/{channel}", wh)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 3)
	for _, run := range []func(context.Context) error{d.desk.Run, lh.Run, wh.Run} {
		go func() { run(ctx); done <- struct{}{} }()
	}
	t.Cleanup(func() { cancel(); <-done; <-done; <-done })
	return d
}

// serve posts req to the desk's mux and fails unless it is answered 200.
func (d *twoDesk) serve(req *http.Request) {
	d.t.Helper()
	rec := httptest.NewRecorder()
	d.mux.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		d.t.Fatalf("%s answered %d", req.URL.Path, rec.Code)
	}
}

func (d *twoDesk) lineSays(text string) {
	body := linetest.WebhookBody(bot, linetest.TextEvent(lineUser, text, linetest.WithReplyToken(d.line.IssueReplyToken(bot, lineUser))))
	req := httptest.NewRequest(http.MethodPost, hookPath, bytes.NewReader(body))
	req.Header.Set("X-Line-Signature", linetest.SignBody(secret, body))
	d.serve(req)
}

// waBody is a signed WhatsApp webhook request for body, so that the very
// same body can be redelivered.
func (d *twoDesk) waPost(body []byte) {
	d.serve(whatsapptest.NewSignedRequest(waSecret, "/webhook/whatsapp/"+waChannel, body))
}

// lineGot and waGot are the texts each customer has received.
func (d *twoDesk) lineGot() []string {
	var out []string
	for _, del := range append(d.line.Replies(), d.line.Pushes()...) {
		if del.To == lineUser {
			for _, m := range del.Messages {
				out = append(out, m.Text)
			}
		}
	}
	slices.Sort(out)
	return out
}

func (d *twoDesk) waGot() []string {
	var out []string
	for _, s := range d.wa.Received(waCustomer) {
		out = append(out, s.Text)
	}
	slices.Sort(out)
	return out
}

func (d *twoDesk) eventually(what string, cond func() bool) {
	d.t.Helper()
	for end := time.Now().Add(20 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(end) {
			d.t.Fatalf("never: %s", what)
		}
	}
}

func (d *twoDesk) enquiryOf(channel, customer string) enquiry.Enquiry {
	d.t.Helper()
	var e enquiry.Enquiry
	d.eventually("an enquiry on "+channel, func() bool {
		es, err := d.desk.Enquiries(d.t.Context(), enquiry.Filter{Channel: channel, Customer: customer})
		if err != nil || len(es) == 0 {
			return false
		}
		e = es[0]
		return true
	})
	return e
}

func (d *twoDesk) inbound(id string) int {
	ms, err := d.desk.Transcript(d.t.Context(), id, 0, 1000)
	if err != nil {
		d.t.Fatal(err)
	}
	n := 0
	for _, m := range ms {
		if m.Direction == enquiry.In {
			n++
		}
	}
	return n
}

func TestALINECustomerAndAWhatsAppCustomerAtOnceOnOneDesk(t *testing.T) {
	d := newTwoDesk(t)
	waFirst := d.wa.Deliver(waPhone, whatsapptest.Text(waCustomer, "Hi on WhatsApp", whatsapptest.WithName("Sheena")))
	done := make(chan struct{})
	go func() { d.lineSays("Hi on LINE"); close(done) }()
	d.waPost(waFirst)
	<-done

	le, we := d.enquiryOf(channelID, lineUser), d.enquiryOf(waChannel, waCustomer)
	defer func() {
		if t.Failed() {
			t.Logf("LINE customer got %q; WhatsApp customer got %q", d.lineGot(), d.waGot())
			for _, del := range append(d.line.Replies(), d.line.Pushes()...) {
				t.Logf("LINE delivery %+v", del)
			}
			ms, _ := d.desk.Transcript(context.Background(), le.ID, 0, 100)
			for _, m := range ms {
				t.Logf("LINE transcript: %s %q %+v", m.Direction, m.Content.Text, m.Delivery)
			}
		}
	}()
	d.eventually("both Welcomes", func() bool {
		return slices.Equal(d.lineGot(), []string{"Welcome!"}) && slices.Equal(d.waGot(), []string{"Welcome!"})
	})
	// An enquiry is listed when it opens, a moment before routing rings it.
	d.eventually("both enquiries ringing", func() bool {
		le, we = d.enquiryOf(channelID, lineUser), d.enquiryOf(waChannel, waCustomer)
		return len(le.Ringing) > 0 && len(we.Ringing) > 0
	})
	t.Run("both enquiries route by the same rule", func(t *testing.T) {
		if !slices.Equal(le.Ringing, we.Ringing) || len(le.Ringing) == 0 {
			t.Fatalf("LINE rings %v, WhatsApp rings %v; want the same staff", le.Ringing, we.Ringing)
		}
	})

	for _, id := range []string{le.ID, we.ID} {
		if _, err := d.desk.Attend(t.Context(), id, "alice"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.desk.Send(t.Context(), id, "alice", enquiry.Content{Kind: enquiry.Text, Text: "How can I help?"}); err != nil {
			t.Fatal(err)
		}
	}
	d.eventually("staff's answers on both platforms", func() bool {
		return slices.Equal(d.lineGot(), []string{"How can I help?", "Welcome!"}) && slices.Equal(d.waGot(), []string{"How can I help?", "Welcome!"})
	})

	t.Run("a 6 MB JPEG passes LINE's rules and is refused by WhatsApp's", func(t *testing.T) {
		if _, err := d.blobs.Put(t.Context(), "big.jpg", bytes.NewReader(bigJPEG(t, 6_000_000))); err != nil {
			t.Fatal(err)
		}
		img := enquiry.Content{Kind: enquiry.Image, Media: &enquiry.MediaRef{Key: "big.jpg"}}
		if _, err := d.desk.Send(t.Context(), le.ID, "alice", img); err != nil {
			t.Fatalf("on LINE: %v", err)
		}
		_, err := d.desk.Send(t.Context(), we.ID, "alice", img)
		var me *media.Error
		if !errors.As(err, &me) || me.Code != media.CodeTooLarge {
			t.Fatalf("on WhatsApp: err = %v, want too_large", err)
		}
	})

	t.Run("redelivered WhatsApp webhooks change nothing", func(t *testing.T) {
		for range 3 {
			d.waPost(waFirst)
		}
		d.waPost(d.wa.Deliver(waPhone, whatsapptest.Text(waCustomer, "Still there?")))
		d.eventually("the new message", func() bool { return d.inbound(we.ID) == 2 })
		time.Sleep(100 * time.Millisecond) // a doubled message would be in by now
		if n := d.inbound(we.ID); n != 2 {
			t.Fatalf("%d customer messages, want 2", n)
		}
		if got := d.waGot(); len(got) != 2 {
			t.Fatalf("the WhatsApp customer got %q, want the Welcome and one answer", got)
		}
	})

	t.Run("the 24-hour window is enforced", func(t *testing.T) {
		d.clock.Advance(whatsapp.ServiceWindow)
		_, err := d.desk.Send(t.Context(), we.ID, "alice", enquiry.Content{Kind: enquiry.Text, Text: "Anything else?"})
		if !errors.Is(err, enquiry.ErrWindowClosed) {
			t.Fatalf("WhatsApp a day later: err = %v, want window_closed", err)
		}
		if _, err := d.desk.Send(t.Context(), le.ID, "alice", enquiry.Content{Kind: enquiry.Text, Text: "Anything else?"}); err != nil {
			t.Fatalf("LINE a day later: %v", err)
		}
		d.eventually("LINE's answer", func() bool { return slices.Contains(d.lineGot(), "Anything else?") })
		d.waPost(d.wa.Deliver(waPhone, whatsapptest.Text(waCustomer, "Yes, one more thing")))
		d.eventually("the customer's new message", func() bool { return d.inbound(we.ID) == 3 })
		if _, err := d.desk.Send(t.Context(), we.ID, "alice", enquiry.Content{Kind: enquiry.Text, Text: "Go ahead"}); err != nil {
			t.Fatalf("once the customer wrote again: %v", err)
		}
		d.eventually("WhatsApp's answer", func() bool { return slices.Contains(d.waGot(), "Go ahead") })
	})

	t.Run("nothing is lost or doubled", func(t *testing.T) {
		if got, want := d.waGot(), []string{"Go ahead", "How can I help?", "Welcome!"}; !slices.Equal(got, want) {
			t.Fatalf("WhatsApp customer got %q, want %q", got, want)
		}
		var texts []string
		for _, s := range d.lineGot() {
			if s != "" { // the image has no text
				texts = append(texts, s)
			}
		}
		if want := []string{"Anything else?", "How can I help?", "Welcome!"}; !slices.Equal(texts, want) {
			t.Fatalf("LINE customer got %q, want %q", texts, want)
		}
		if n := d.inbound(le.ID); n != 1 {
			t.Fatalf("LINE transcript has %d customer messages, want 1", n)
		}
	})
}

// bigJPEG is a valid JPEG padded with comment segments to at least n bytes.
func bigJPEG(t *testing.T, n int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	out := b.Bytes()
	var padded bytes.Buffer
	padded.Write(out[:2])
	for padded.Len()+len(out) < n {
		padded.Write([]byte{0xFF, 0xFE, 0xFF, 0xFF})
		padded.Write(make([]byte, 65533))
	}
	padded.Write(out[2:])
	return padded.Bytes()
}

func TestStaffMediaReachesTheWhatsAppCustomerByUpload(t *testing.T) {
	d := newTwoDesk(t) // throttles on: the upload and the send are retried
	d.waPost(d.wa.Deliver(waPhone, whatsapptest.Text(waCustomer, "What does it look like?")))
	we := d.enquiryOf(waChannel, waCustomer)
	d.eventually("the Welcome", func() bool { return len(d.wa.Received(waCustomer)) == 1 })
	if _, err := d.desk.Attend(t.Context(), we.ID, "alice"); err != nil {
		t.Fatal(err)
	}
	photo := bigJPEG(t, 1_000_000)
	if _, err := d.blobs.Put(t.Context(), "photo.jpg", bytes.NewReader(photo)); err != nil {
		t.Fatal(err)
	}
	m, err := d.desk.Send(t.Context(), we.ID, "alice", enquiry.Content{Kind: enquiry.Image, Media: &enquiry.MediaRef{Key: "photo.jpg"}})
	if err != nil {
		t.Fatal(err)
	}
	d.eventually("the photo on the customer's phone", func() bool { return len(d.wa.Received(waCustomer)) == 2 })
	got := d.wa.Received(waCustomer)[1]
	if got.Type != "image" || got.MediaID == "" {
		t.Fatalf("the customer got %+v, want an image by media ID", got)
	}
	if data, ok := d.wa.MediaData(got.MediaID); !ok || !bytes.Equal(data, photo) {
		t.Fatalf("the image sent is not the photo staff sent (%d bytes, want %d)", len(data), len(photo))
	}
	d.eventually("the photo marked sent", func() bool {
		ms, _ := d.desk.Transcript(t.Context(), we.ID, 0, 100)
		for _, x := range ms {
			if x.ID == m.ID {
				return x.Delivery != nil && x.Delivery.State == enquiry.Sent && x.Delivery.RequestID == got.ID
			}
		}
		return false
	})
	time.Sleep(100 * time.Millisecond) // a second send would be in by now
	if n := len(d.wa.Received(waCustomer)); n != 2 {
		t.Fatalf("the customer got %d messages, want the Welcome and one photo", n)
	}
}
