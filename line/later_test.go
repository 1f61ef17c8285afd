package line_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/clock"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// deskRig is a webhook into a real enquiry.Desk on a MemStore, with the
// desk's events on feed.
type deskRig struct {
	desk  *enquiry.Desk
	store *enquiry.MemStore
	sub   *enquiry.Subscription
	hook  *line.Webhook
	mux   *http.ServeMux
	clock *clock.Fake
}

// newDeskRig builds the rig around content; edit may change the webhook's
// config. It does not start Run: call run.
func newDeskRig(t *testing.T, content line.ContentFetcher, edit func(*line.WebhookConfig)) *deskRig {
	t.Helper()
	r := &deskRig{store: enquiry.NewMemStore(), mux: http.NewServeMux(), clock: clock.NewFake(time.Now())}
	feed := &enquiry.Feed{}
	r.sub = feed.Subscribe(1000)
	t.Cleanup(r.sub.Close)
	desk, err := enquiry.New(enquiry.Config{Store: r.store, Sink: feed, Clock: r.clock, Logger: quietLogger(),
		Sender: enquiry.SenderFunc(func(context.Context, enquiry.Outbound) (enquiry.Receipt, error) {
			return enquiry.Receipt{}, nil
		})})
	needNoErr(t, err)
	r.desk = desk
	_, err = desk.CreateChannel(t.Context(), enquiry.Channel{ID: hookChannel, Name: "Shop", Kind: "line", State: enquiry.Active,
		Credentials: enquiry.Credentials{Secret: hookSecret, Token: token}}) // linetest's, for the real client
	needNoErr(t, err)
	cfg := line.WebhookConfig{Channels: desk, Events: r.store, Desk: desk, Content: content, Blobs: &enquiry.MemBlobs{},
		Clock: r.clock, Logger: quietLogger()}
	if edit != nil {
		edit(&cfg)
	}
	r.hook = line.NewWebhook(cfg)
	line.SetSleep(r.hook, func(ctx context.Context, d time.Duration) error { return ctx.Err() })
	r.mux.Handle("POST /webhook/line/{channel}", r.hook)
	return r
}

func (r *deskRig) run(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- r.hook.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-stopped })
}

func (r *deskRig) post(t *testing.T, events ...json.RawMessage) {
	t.Helper()
	rec := httptest.NewRecorder()
	r.mux.ServeHTTP(rec, linetest.NewWebhookRequest(hookSecret, hookURL, events...))
	needEq(t, 200, rec.Code)
}

// next returns the next desk event that match accepts, failing the test
// if none comes. Waiting on the desk's own events keeps the test to the
// order things happen in, not to how fast the machine is.
func (r *deskRig) next(t *testing.T, what string, match func(enquiry.Notice) bool) enquiry.Notice {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ev := <-r.sub.C:
			if match(ev) {
				return ev
			}
		case <-deadline:
			t.Fatalf("no desk event: %s", what)
		}
	}
}

func (r *deskRig) transcript(t *testing.T, id string) []enquiry.Message {
	t.Helper()
	msgs, err := r.desk.Transcript(t.Context(), id, 0, 100)
	needNoErr(t, err)
	return msgs
}

// silentContent stands for a content URL that accepts the request and
// never answers: each attempt waits until release is closed, then fails
// as a timeout does (retryable). Profiles wait for names.
type silentContent struct {
	entered  chan line.ContentSource
	release  chan struct{}
	names    chan struct{}
	attempts atomic.Int32
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "line: external content: timeout awaiting response headers" }
func (timeoutErr) Retryable() bool { return true }

func (s *silentContent) FetchContent(ctx context.Context, ch enquiry.Channel, src line.ContentSource, blobs enquiry.BlobStore, key string) (enquiry.MediaRef, error) {
	s.attempts.Add(1)
	select {
	case s.entered <- src:
	default:
	}
	select {
	case <-s.release:
		return enquiry.MediaRef{}, timeoutErr{}
	case <-ctx.Done():
		return enquiry.MediaRef{}, ctx.Err()
	}
}

func (s *silentContent) Profile(ctx context.Context, ch enquiry.Channel, userID string) (line.Profile, error) {
	select {
	case <-s.names:
		return line.Profile{UserID: userID, DisplayName: "Mika"}, nil
	case <-ctx.Done():
		return line.Profile{}, ctx.Err()
	}
}

func TestATextAfterAVideoWhoseContentNeverAnswersIsNotHeldUp(t *testing.T) {
	content := &silentContent{entered: make(chan line.ContentSource, 1), release: make(chan struct{}), names: make(chan struct{})}
	r := newDeskRig(t, content, nil)
	r.run(t)
	r.post(t, linetest.VideoEvent(hookUser, 10*time.Second, linetest.WithMessageID("v1"),
		linetest.ExternalContent("https://slow.example/v1.mp4", "https://slow.example/v1.jpg")))
	r.post(t, linetest.TextEvent(hookUser, "did my video arrive?", linetest.WithMessageID("t1")))

	// The download has started and is held; the text reaches the desk.
	src := <-content.entered
	wantEq(t, "https://slow.example/v1.mp4", src.ExternalURL)
	text := r.next(t, "the text is recorded", func(ev enquiry.Notice) bool {
		return ev.Kind == enquiry.MessageAdded && ev.Message.ExternalID == "t1"
	})
	msgs := r.transcript(t, text.Enquiry.ID)
	video := msgs[0]
	wantEq(t, "v1", video.ExternalID)
	wantEq(t, enquiry.ContentPending, video.Content.State, "the video is shown as pending")
	wantEq(t, "t1", msgs[len(msgs)-1].ExternalID, "the text comes after the video")
	wantEq(t, int32(1), content.attempts.Load(), "the first attempt is still waiting")

	// The name was looked up off the queue too: the enquiry was listed
	// under the customer's ID, and gains the name when it comes.
	wantEq(t, "", text.Enquiry.Customer.Name)
	close(content.names)
	named := r.next(t, "the name arrives", func(ev enquiry.Notice) bool {
		return ev.Kind == enquiry.EnquiryChanged && ev.Enquiry.Customer.Name != ""
	})
	wantEq(t, "Mika", named.Enquiry.Customer.Name)

	// The download gives up after its bounded attempts: unavailable.
	close(content.release)
	gaveUp := r.next(t, "the video is settled", func(ev enquiry.Notice) bool {
		return ev.Kind == enquiry.MessageUpdated && ev.Message.ID == video.ID
	})
	c := gaveUp.Message.Content
	wantEq(t, enquiry.ContentUnavailable, c.State)
	needEq(t, enquiry.Unsupported, c.Kind)
	wantEq(t, "video", c.Unsupported.Kind)
	wantIn(t, c.Unsupported.Reason, "could not be downloaded from the provider")
	wantEq(t, int32(4), content.attempts.Load(), "bounded attempts")
	wantEq(t, c, r.transcript(t, text.Enquiry.ID)[0].Content)
}

// readyContent answers every fetch at once, and counts them.
type readyContent struct{ fetched atomic.Int32 }

func (c *readyContent) FetchContent(ctx context.Context, ch enquiry.Channel, src line.ContentSource, blobs enquiry.BlobStore, key string) (enquiry.MediaRef, error) {
	c.fetched.Add(1)
	return enquiry.MediaRef{Kind: "video", Format: "mp4", Size: 42, Key: key}, nil
}

func (c *readyContent) Profile(ctx context.Context, ch enquiry.Channel, userID string) (line.Profile, error) {
	return line.Profile{UserID: userID}, nil
}

func TestContentAProcessLeftPendingIsFetchedAgainAtStart(t *testing.T) {
	content := &readyContent{}
	r := newDeskRig(t, content, nil)
	// What a process that died mid-download left: two videos recorded
	// with their content pending, one a day and a half old.
	pending := func(customer, id string, at time.Time) enquiry.Received {
		t.Helper()
		got, err := r.desk.Receive(t.Context(), enquiry.Inbound{Channel: hookChannel, Customer: enquiry.Customer{ID: customer},
			ExternalID: id, Time: at, Content: enquiry.Content{Kind: enquiry.Video, State: enquiry.ContentPending,
				Media: &enquiry.MediaRef{Kind: "video", Duration: time.Second}}})
		needNoErr(t, err)
		return got
	}
	old := pending("U-old", "v-old", r.clock.Now().Add(-36*time.Hour))
	recent := pending("U-recent", "v-recent", r.clock.Now().Add(-time.Minute))
	r.run(t)

	settled := map[string]enquiry.Content{}
	for len(settled) < 2 {
		ev := r.next(t, "pending content is settled", func(ev enquiry.Notice) bool { return ev.Kind == enquiry.MessageUpdated })
		settled[ev.Message.ID] = ev.Message.Content
	}
	tests := []struct {
		name  string
		msg   enquiry.Received
		state enquiry.ContentState
	}{
		{"a recent message's content is fetched again", recent, enquiry.ContentAvailable},
		{"an old message's content is given up on", old, enquiry.ContentUnavailable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := settled[tc.msg.Message.ID]
			wantEq(t, tc.state, c.State)
			if tc.state == enquiry.ContentAvailable {
				wantEq(t, "line/ch1/v-recent", c.Media.Key)
			} else {
				wantIn(t, c.Unsupported.Reason, "restarted")
			}
		})
	}
	wantEq(t, int32(1), content.fetched.Load(), "only the recent one is fetched")
}

// A desk may serve WhatsApp channels beside LINE's: their pending media
// are their connector's to fetch. The LINE webhook's sweep at start
// leaves them pending, recent or old, and fetches only its own.
func TestContentLeftPendingOnAnotherKindsChannelIsLeftToItsConnector(t *testing.T) {
	content := &readyContent{}
	r := newDeskRig(t, content, nil)
	_, err := r.desk.CreateChannel(t.Context(), enquiry.Channel{ID: "wa", Name: "WhatsApp", Kind: "whatsapp", State: enquiry.Active, Account: "1555"})
	needNoErr(t, err)
	pending := func(channel, id string, at time.Time) enquiry.Received {
		t.Helper()
		got, err := r.desk.Receive(t.Context(), enquiry.Inbound{Channel: channel, Customer: enquiry.Customer{ID: "U-" + id},
			ExternalID: id, Time: at, Content: enquiry.Content{Kind: enquiry.Video, State: enquiry.ContentPending,
				Media: &enquiry.MediaRef{Kind: "video", Duration: time.Second}}})
		needNoErr(t, err)
		return got
	}
	pending("wa", "wa-recent", r.clock.Now().Add(-time.Minute))
	pending("wa", "wa-old", r.clock.Now().Add(-36*time.Hour))
	mine := pending(hookChannel, "v-recent", r.clock.Now().Add(-time.Minute))
	r.run(t)

	ev := r.next(t, "the LINE channel's content is settled", func(ev enquiry.Notice) bool { return ev.Kind == enquiry.MessageUpdated })
	wantEq(t, mine.Message.ID, ev.Message.ID)
	needNoErr(t, r.hook.Shutdown(t.Context())) // the sweep and its fetches are done
	left, err := r.desk.PendingContent(t.Context(), 0)
	needNoErr(t, err)
	var ids []string
	for _, m := range left {
		ids = append(ids, m.ExternalID)
	}
	wantEq(t, "[wa-old wa-recent]", fmt.Sprint(ids), "the WhatsApp channel's messages are still pending")
	wantEq(t, int32(1), content.fetched.Load(), "only the LINE channel's content is fetched")
}

func TestMediaChecksApplyToContentThatArrivesLate(t *testing.T) {
	tests := []struct {
		name    string
		fixture string
		kind    string
		event   func(id string) json.RawMessage
		state   enquiry.ContentState
		code    string
	}{
		{"a PNG image is attached", "ok.png", "image/png",
			func(id string) json.RawMessage { return linetest.ImageEvent(hookUser, linetest.WithMessageID(id)) }, enquiry.ContentAvailable, ""},
		{"text sent as an image is refused by its bytes", "bad-text.txt", "image/png",
			func(id string) json.RawMessage { return linetest.ImageEvent(hookUser, linetest.WithMessageID(id)) }, enquiry.ContentUnavailable, "unsupported_format"},
		{"Ogg audio is refused", "bad-vorbis.ogg", "audio/ogg",
			func(id string) json.RawMessage {
				return linetest.AudioEvent(hookUser, time.Second, linetest.WithMessageID(id))
			}, enquiry.ContentUnavailable, "unsupported_format"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, line.Config{})
			data, err := os.ReadFile("../media/testdata/fixtures/" + tc.fixture)
			needNoErr(t, err)
			id := linetest.NewMessageID()
			f.p.AddContent(id, linetest.Content{Data: data, ContentType: tc.kind})
			r := newDeskRig(t, f.c, nil)
			r.run(t)
			r.post(t, tc.event(id))
			ev := r.next(t, "the content is settled", func(ev enquiry.Notice) bool {
				return ev.Kind == enquiry.MessageUpdated && ev.Message.ExternalID == id
			})
			c := ev.Message.Content
			needEq(t, tc.state, c.State)
			if tc.code != "" {
				wantEq(t, tc.code, c.Unsupported.Code)
			} else {
				wantEq(t, int64(len(data)), c.Media.Size)
			}
		})
	}
}

// gatedContent holds every content fetch until release, then answers it.
type gatedContent struct {
	entered chan string
	release chan struct{}
}

func (g *gatedContent) FetchContent(ctx context.Context, ch enquiry.Channel, src line.ContentSource, blobs enquiry.BlobStore, key string) (enquiry.MediaRef, error) {
	select {
	case g.entered <- src.MessageID:
	default:
	}
	select {
	case <-g.release:
		return enquiry.MediaRef{Kind: "image", Format: "png", Size: 7, Key: key}, nil
	case <-ctx.Done():
		return enquiry.MediaRef{}, ctx.Err()
	}
}

func (g *gatedContent) Profile(ctx context.Context, ch enquiry.Channel, userID string) (line.Profile, error) {
	return line.Profile{UserID: userID}, nil
}

func TestContentThatDoesNotFitTheFetchQueueIsFetchedFromTheStore(t *testing.T) {
	content := &gatedContent{entered: make(chan string, 10), release: make(chan struct{})}
	r := newDeskRig(t, content, func(c *line.WebhookConfig) { c.Fetchers = 1 })
	line.SetFetchQueue(r.hook, 1)
	// The sweeper's pause: short, so the test does not wait a minute.
	line.SetSleep(r.hook, func(ctx context.Context, d time.Duration) error {
		t := time.NewTimer(time.Millisecond)
		defer t.Stop()
		select {
		case <-t.C:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	r.run(t)
	// One fetch runs, one waits in the queue, the third does not fit.
	r.post(t, linetest.ImageEvent(hookUser, linetest.WithMessageID("i1")))
	<-content.entered
	r.post(t, linetest.ImageEvent(hookUser, linetest.WithMessageID("i2")), linetest.ImageEvent(hookUser, linetest.WithMessageID("i3")))
	r.next(t, "the third image is recorded", func(ev enquiry.Notice) bool {
		return ev.Kind == enquiry.MessageAdded && ev.Message.ExternalID == "i3"
	})
	close(content.release)
	settled := map[string]enquiry.ContentState{}
	for len(settled) < 3 {
		ev := r.next(t, "every image is settled", func(ev enquiry.Notice) bool { return ev.Kind == enquiry.MessageUpdated })
		settled[ev.Message.ExternalID] = ev.Message.Content.State
	}
	wantEq(t, map[string]enquiry.ContentState{"i1": enquiry.ContentAvailable, "i2": enquiry.ContentAvailable, "i3": enquiry.ContentAvailable}, settled)
}

func TestShutdownWaitsForFetchesAndLeavesWhatItCutOffPending(t *testing.T) {
	content := &gatedContent{entered: make(chan string, 10), release: make(chan struct{})}
	r := newDeskRig(t, content, nil)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- r.hook.Run(ctx) }()
	defer cancel()
	r.post(t, linetest.ImageEvent(hookUser, linetest.WithMessageID("i1")))
	<-content.entered

	// Shutdown waits for the download; its context ends first.
	sctx, scancel := context.WithCancel(context.Background())
	shut := make(chan error, 1)
	go func() { shut <- r.hook.Shutdown(sctx) }()
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned %v while a download was under way", err)
	case ev := <-r.sub.C:
		if ev.Kind == enquiry.MessageUpdated {
			t.Fatalf("the content was settled: %+v", ev.Message.Content)
		}
	case <-time.After(50 * time.Millisecond): // nothing happened meanwhile, as it should not
	}
	scancel()
	if err := <-shut; err == nil {
		t.Fatal("Shutdown reported nothing left undone")
	}
	needNoErr(t, <-stopped)
	left, err := r.desk.PendingContent(t.Context(), 0)
	needNoErr(t, err)
	needEq(t, 1, len(left), "the image the download was cut off for")
	wantEq(t, "i1", left[0].ExternalID)
	wantEq(t, enquiry.ContentPending, left[0].Content.State)
}
