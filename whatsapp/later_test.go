package whatsapp_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/whatsapp"
	"github.com/socialdesk/socialdesk/whatsapp/whatsapptest"
)

// stallingDownloads stands for a WhatsApp media server that accepts a
// download and does not answer: every request for a media's bytes waits
// until release is closed (or the client gives up), then is answered
// 503. Every other request goes to the fake platform.
type stallingDownloads struct {
	entered  chan struct{} // one value per download that began, when there is room
	release  chan struct{}
	attempts atomic.Int32
}

func newStallingDownloads() *stallingDownloads {
	return &stallingDownloads{entered: make(chan struct{}, 10), release: make(chan struct{})}
}

func (s *stallingDownloads) RoundTrip(r *http.Request) (*http.Response, error) {
	if !strings.HasPrefix(r.URL.Path, "/media-bytes/") {
		return http.DefaultTransport.RoundTrip(r)
	}
	s.attempts.Add(1)
	select {
	case s.entered <- struct{}{}:
	default:
	}
	select {
	case <-s.release:
	case <-r.Context().Done():
		return nil, r.Context().Err()
	}
	return &http.Response{StatusCode: http.StatusServiceUnavailable, Status: "503 Service Unavailable", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"text/plain"}}, Body: io.NopCloser(strings.NewReader("unavailable")), Request: r}, nil
}

// customerMessages returns the customer's messages of the transcript.
func (r *deskRig) customerMessages() []enquiry.Message {
	_, ms := r.transcript()
	var out []enquiry.Message
	for _, m := range ms {
		if m.Direction == enquiry.In && m.Author.Kind == enquiry.AuthorCustomer {
			out = append(out, m)
		}
	}
	return out
}

// A customer's image whose download never answers holds up nothing: the
// customer's next text is in the transcript while the download still
// waits, with the image shown as pending; after the bounded attempts
// (each answered 503 once the server speaks) the image is unavailable.
func TestATextAfterAnImageWhoseDownloadNeverAnswersIsNotHeldUp(t *testing.T) {
	downloads := newStallingDownloads()
	// One request an attempt: the attempts counted are the webhook's.
	r := newDeskRig(t, withClient(whatsapp.Config{HTTPClient: &http.Client{Transport: downloads}, MaxAttempts: 1}))
	r.platform.AddMedia("media-1", whatsapptest.Media{Data: jpegOf(t, 0), MIMEType: "image/jpeg", PhoneNumberID: phoneID})
	r.post(whatsapptest.Image(customer, "media-1", "image/jpeg", whatsapptest.WithID("wamid.image")))
	select {
	case <-downloads.entered: // the download is under way, and waits
	case <-time.After(10 * time.Second):
		t.Fatal("the image's download never began")
	}
	r.post(whatsapptest.Text(customer, "did you get my photo?", whatsapptest.WithID("wamid.text")))

	r.eventually("the text reaches the transcript while the download waits", func() bool {
		ms := r.customerMessages()
		return len(ms) == 2 && ms[1].ExternalID == "wamid.text"
	})
	ms := r.customerMessages()
	if ms[0].ExternalID != "wamid.image" || ms[0].Content.State != enquiry.ContentPending {
		t.Fatalf("first message %+v; want the image, pending", ms[0])
	}
	if m := ms[0].Content.Media; m == nil || m.PlatformID != "media-1" {
		t.Fatalf("the pending image keeps %+v; want its media ID, to fetch it again after a restart", m)
	}
	if n := downloads.attempts.Load(); n != 1 {
		t.Fatalf("%d downloads; want the first, still waiting", n)
	}

	// The server answers 503 from now on: after the bounded attempts the
	// image is unavailable, and says why.
	close(downloads.release)
	r.eventually("the image is settled", func() bool {
		return r.customerMessages()[0].Content.State != enquiry.ContentPending
	})
	ms = r.customerMessages()
	c := ms[0].Content
	if c.State != enquiry.ContentUnavailable || c.Kind != enquiry.Unsupported || c.Unsupported == nil ||
		c.Unsupported.Kind != "image" || !strings.Contains(c.Unsupported.Reason, "could not be downloaded from WhatsApp") {
		t.Fatalf("image after the attempts: %+v; want it unavailable, with the reason", c)
	}
	if n := downloads.attempts.Load(); n != 4 {
		t.Fatalf("%d downloads; want the 4 bounded attempts", n)
	}
	if ms[1].Content.Text != "did you get my photo?" {
		t.Fatalf("second message %+v; want the text", ms[1])
	}
}

func TestAnImageDownloadedOffTheCustomersQueueIsAttached(t *testing.T) {
	r := newDeskRig(t)
	data := jpegOf(t, 0)
	r.platform.AddMedia("media-1", whatsapptest.Media{Data: data, MIMEType: "image/jpeg", PhoneNumberID: phoneID})
	r.post(whatsapptest.Image(customer, "media-1", "image/jpeg", whatsapptest.WithID("wamid.image")))
	r.eventually("the image is settled", func() bool {
		ms := r.customerMessages()
		return len(ms) == 1 && ms[0].Content.State != enquiry.ContentPending
	})
	c := r.customerMessages()[0].Content
	if c.State != enquiry.ContentAvailable || c.Kind != enquiry.Image || c.Media == nil {
		t.Fatalf("image %+v; want it attached", c)
	}
	if c.Media.Key != "whatsapp/wa/wamid.image" || c.Media.Format != "jpeg" || c.Media.Size != int64(len(data)) {
		t.Fatalf("media %+v; want the JPEG's %d bytes under whatsapp/wa/wamid.image", c.Media, len(data))
	}
	assertBlob(t, r, c.Media.Key, data)
}

// What a process that stopped mid-download left pending is fetched again
// at start, by the media ID the message keeps; what is older than
// RefetchWindow is given up on; other connectors' channels' messages are
// left to them.
func TestAWhatsAppImageLeftPendingIsFetchedAgainByItsMediaIDAtStart(t *testing.T) {
	r := newDeskRig(t, manualStart)
	data := jpegOf(t, 0)
	r.platform.AddMedia("media-7", whatsapptest.Media{Data: data, MIMEType: "image/jpeg", PhoneNumberID: phoneID})
	if _, err := r.desk.CreateChannel(t.Context(), enquiry.Channel{ID: "ln", Name: "LINE", Kind: "line", State: enquiry.Active}); err != nil {
		t.Fatal(err)
	}
	// A channel stored with no kind (the desk's first connector's, LINE's,
	// before kinds) is not WhatsApp's either; the desk creates none now.
	if err := r.store.CreateChannel(t.Context(), enquiry.Channel{ID: "plain", Name: "No kind", State: enquiry.Active}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	pending := func(channel, customer, id, mediaID string, at time.Time) enquiry.Message {
		t.Helper()
		got, err := r.desk.Receive(t.Context(), enquiry.Inbound{Channel: channel, Customer: enquiry.Customer{ID: customer},
			ExternalID: id, Time: at, Content: enquiry.Content{Kind: enquiry.Image, State: enquiry.ContentPending,
				Media: &enquiry.MediaRef{Kind: "image", PlatformID: mediaID}}})
		if err != nil {
			t.Fatal(err)
		}
		return got.Message
	}
	recent := pending("wa", customer, "wamid.recent", "media-7", now.Add(-time.Minute))
	old := pending("wa", "16505550000", "wamid.old", "media-8", now.Add(-whatsapp.RefetchWindow-12*time.Hour))
	pending("ln", "U1", "line-1", "", now.Add(-time.Minute))
	pending("plain", "U2", "plain-1", "", now.Add(-time.Minute))
	r.start()

	r.eventually("the WhatsApp images are settled", func() bool {
		left, err := r.desk.PendingContent(t.Context(), 0)
		return err == nil && len(left) == 2
	})
	if err := r.hook.Shutdown(t.Context()); err != nil { // the sweep and its downloads are done
		t.Fatal(err)
	}
	got := map[string]enquiry.Content{}
	for _, id := range []string{recent.Enquiry, old.Enquiry} {
		ms, err := r.desk.Transcript(t.Context(), id, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			got[m.ID] = m.Content
		}
	}
	t.Run("a recent image is downloaded again by its media ID", func(t *testing.T) {
		c := got[recent.ID]
		if c.State != enquiry.ContentAvailable || c.Media == nil || c.Media.Key != "whatsapp/wa/wamid.recent" {
			t.Fatalf("recent image %+v; want it attached under whatsapp/wa/wamid.recent", c)
		}
		assertBlob(t, r, c.Media.Key, data)
		// GET /{version}/{media-id} gives the download URL.
		lookups := map[string]int{}
		for _, call := range r.platform.Calls() {
			if id, ok := strings.CutPrefix(call.Path, "/"+whatsapptest.DefaultVersion+"/"); ok && call.Method == http.MethodGet {
				lookups[id]++
			}
		}
		if lookups["media-7"] != 1 || lookups["media-8"] != 0 {
			t.Fatalf("media looked up %v; want media-7 once, the old image's media-8 never", lookups)
		}
	})
	t.Run("an image older than RefetchWindow is given up on", func(t *testing.T) {
		c := got[old.ID]
		if c.State != enquiry.ContentUnavailable || c.Unsupported == nil || !strings.Contains(c.Unsupported.Reason, "restarted") {
			t.Fatalf("old image %+v; want it unavailable, saying the desk restarted", c)
		}
	})
	t.Run("other connectors' channels' messages are left pending", func(t *testing.T) {
		left, err := r.desk.PendingContent(t.Context(), 0)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, m := range left {
			ids = append(ids, m.ExternalID)
		}
		if slices.Sort(ids); strings.Join(ids, " ") != "line-1 plain-1" {
			t.Fatalf("pending %v; want the LINE and kind-less channels' messages", ids)
		}
	})
}

// Shutdown waits for the downloads; when its context ends first, what it
// cut off stays pending for the next start, and Run returns.
func TestShutdownLeavesADownloadItCutOffPending(t *testing.T) {
	downloads := newStallingDownloads()
	r := newDeskRig(t, withClient(whatsapp.Config{HTTPClient: &http.Client{Transport: downloads}, MaxAttempts: 1}), manualStart)
	r.platform.AddMedia("media-1", whatsapptest.Media{Data: jpegOf(t, 0), MIMEType: "image/jpeg", PhoneNumberID: phoneID})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stopped := make(chan error, 1)
	go func() { stopped <- r.hook.Run(ctx) }()
	r.post(whatsapptest.Image(customer, "media-1", "image/jpeg", whatsapptest.WithID("wamid.image")))
	select {
	case <-downloads.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the image's download never began")
	}
	sctx, scancel := context.WithCancel(context.Background())
	shut := make(chan error, 1)
	go func() { shut <- r.hook.Shutdown(sctx) }()
	scancel()
	if err := <-shut; err == nil {
		t.Fatal("Shutdown reported nothing left undone while a download waited")
	}
	if err := <-stopped; err != nil {
		t.Fatalf("Run: %v", err)
	}
	left, err := r.desk.PendingContent(t.Context(), 0)
	if err != nil || len(left) != 1 || left[0].ExternalID != "wamid.image" || left[0].Content.Media.PlatformID != "media-1" {
		t.Fatalf("pending after Shutdown: %+v, %v; want the image, with its media ID", left, err)
	}
}

// assertBlob fails unless the rig's blob store holds data under key.
func assertBlob(t *testing.T, r *deskRig, key string, data []byte) {
	t.Helper()
	b, err := r.blobs.Open(t.Context(), key)
	if err != nil {
		t.Fatalf("blob %s: %v", key, err)
	}
	defer b.Close()
	got, err := io.ReadAll(io.NewSectionReader(b, 0, b.Size()))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("blob %s holds %d bytes (%v); want the %d downloaded", key, len(got), err, len(data))
	}
}

var _ http.RoundTripper = (*stallingDownloads)(nil)
