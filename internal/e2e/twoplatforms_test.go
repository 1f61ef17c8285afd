package e2e_test

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/deskhttp"
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
// As a real host does, it serves staff's media to LINE at https URLs that
// deskhttp signs (media).
type twoDesk struct {
	t     *testing.T
	desk  *enquiry.Desk
	line  *linetest.Platform
	wa    *whatsapptest.Platform
	clock *clock.Fake
	blobs *enquiry.MemBlobs
	mux   *http.ServeMux
	media *httptest.Server
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
	// The desk's HTTP handler signs the media URLs LINE fetches; it is
	// made once the desk exists, before anything is sent.
	var links *deskhttp.Handler
	d.media = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { links.ServeHTTP(w, r) }))
	t.Cleanup(d.media.Close)
	lc := line.NewClient(line.Config{APIBase: d.line.URL(), DataAPIBase: d.line.DataURL(), Logger: log,
		BackoffBase: 5 * time.Millisecond, BackoffMax: 50 * time.Millisecond, MaxAttempts: 12, RequestTimeout: requestTimeout,
		MediaURL: func(ctx context.Context, ref enquiry.MediaRef) (string, string, error) {
			return links.MediaURL(ctx, ref)
		}})
	wc := whatsapp.NewClient(whatsapp.Config{APIBase: d.wa.URL(), Logger: log,
		BackoffBase: 5 * time.Millisecond, BackoffMax: 50 * time.Millisecond, MaxAttempts: 12})
	roster := &enquiry.Roster{}
	roster.Add("alice", automsg.Staff{First: "Alice"}, 0)
	roster.Add("bob", automsg.Staff{First: "Bob"}, 0)
	roster.SetPresence("alice", routing.Available)
	roster.SetPresence("bob", routing.Available)
	var err error
	feed := &enquiry.Feed{}
	d.desk, err = enquiry.New(enquiry.Config{Store: store, Directory: roster, Blobs: d.blobs, Clock: d.clock, Logger: log, Sink: feed,
		Kinds:        map[string]enquiry.Kind{line.ChannelKind: line.DeskKind(lc), whatsapp.ChannelKind: whatsapp.DeskKind(wc, d.blobs)},
		TickInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	links, err = deskhttp.New(deskhttp.Config{Desk: d.desk, Feed: feed, Roster: roster, Blobs: d.blobs, Logger: log,
		Media: deskhttp.MediaLinks{PublicURL: d.media.URL, Key: "e2e-media-key-5c8a1f3e9b2d7a6c4e0f1b8d3a9c2e7f"}})
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

// lineGot and waGot are the texts each customer has received, and
// "image" for each image.
func (d *twoDesk) lineGot() []string {
	var out []string
	for _, m := range d.lineMessages() {
		out = append(out, cmp.Or(m.Text, m.Type))
	}
	slices.Sort(out)
	return out
}

// lineMessages are the messages the LINE customer has received.
func (d *twoDesk) lineMessages() []linetest.Message {
	var out []linetest.Message
	for _, del := range append(d.line.Replies(), d.line.Pushes()...) {
		if del.To == lineUser {
			out = append(out, del.Messages...)
		}
	}
	return out
}

// fetch is what LINE gets from a media URL the desk gave it.
func (d *twoDesk) fetch(url string) []byte {
	d.t.Helper()
	resp, err := d.media.Client().Get(url)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		d.t.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	return b
}

func (d *twoDesk) waGot() []string {
	var out []string
	for _, s := range d.wa.Received(waCustomer) {
		out = append(out, cmp.Or(s.Text, s.Type))
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
		big, preview := bigJPEG(t, 6_000_000), bigJPEG(t, 0)
		// As the console uploads it: the image, and a preview for LINE.
		for key, data := range map[string][]byte{"big.jpg": big, "big-preview.jpg": preview} {
			if _, err := d.blobs.Put(t.Context(), key, bytes.NewReader(data)); err != nil {
				t.Fatal(err)
			}
		}
		img := enquiry.Content{Kind: enquiry.Image, Media: &enquiry.MediaRef{Key: "big.jpg", PreviewKey: "big-preview.jpg"}}
		if _, err := d.desk.Send(t.Context(), le.ID, "alice", img); err != nil {
			t.Fatalf("on LINE: %v", err)
		}
		_, err := d.desk.Send(t.Context(), we.ID, "alice", img)
		var me *media.Error
		if !errors.As(err, &me) || me.Code != media.CodeTooLarge {
			t.Fatalf("on WhatsApp: err = %v, want too_large", err)
		}
		var got linetest.Message
		d.eventually("the image reaches the LINE customer", func() bool {
			for _, m := range d.lineMessages() {
				if m.Type == "image" {
					got = m
					return true
				}
			}
			return false
		})
		if !bytes.Equal(d.fetch(got.OriginalContentURL), big) || !bytes.Equal(d.fetch(got.PreviewImageURL), preview) {
			t.Fatalf("LINE's URLs %q and %q do not serve the image and its preview", got.OriginalContentURL, got.PreviewImageURL)
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
		if got, want := d.lineGot(), []string{"Anything else?", "How can I help?", "Welcome!", "image"}; !slices.Equal(got, want) {
			t.Fatalf("LINE customer got %q, want %q", got, want)
		}
		if n := d.inbound(le.ID); n != 1 {
			t.Fatalf("LINE transcript has %d customer messages, want 1", n)
		}
		// Every message staff and the desk sent went, media included: none
		// failed (the refused image and the send after the window were
		// refused up front, never recorded).
		var out []enquiry.Message
		d.eventually("every send settled", func() bool {
			out = nil
			for _, e := range []enquiry.Enquiry{le, we} {
				ms, err := d.desk.Transcript(t.Context(), e.ID, 0, 1000)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range ms {
					if m.Direction == enquiry.Out && m.Content.Kind != enquiry.Note {
						out = append(out, m)
					}
				}
			}
			return !slices.ContainsFunc(out, func(m enquiry.Message) bool { return m.Delivery == nil || m.Delivery.State == enquiry.Pending })
		})
		if len(out) != 7 {
			t.Errorf("%d messages sent, want 7: the Welcome, the answer and one more on each platform, and LINE's image", len(out))
		}
		for _, m := range out {
			if m.Delivery.State != enquiry.Sent {
				t.Errorf("on %s, %s %q: delivery %+v, want sent", m.Channel, m.Content.Kind, m.Content.Text, m.Delivery)
			}
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
