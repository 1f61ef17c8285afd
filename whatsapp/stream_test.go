package whatsapp_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/media"
	"github.com/socialdesk/socialdesk/whatsapp"
	"github.com/socialdesk/socialdesk/whatsapp/whatsapptest"
)

// mediaServer stands for WhatsApp's media server: it answers the
// requests for a media's bytes; every other request goes to the fake
// platform.
type mediaServer func(r *http.Request) *http.Response

func (s mediaServer) RoundTrip(r *http.Request) (*http.Response, error) {
	if !strings.HasPrefix(r.URL.Path, "/media-bytes/") {
		return http.DefaultTransport.RoundTrip(r)
	}
	return s(r), nil
}

// mediaAnswer is a 200 answer with body, saying it has size bytes.
func mediaAnswer(r *http.Request, size int64, body io.ReadCloser) *http.Response {
	return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"image/jpeg"}, "Content-Length": {strconv.FormatInt(size, 10)}},
		ContentLength: size, Body: body, Request: r}
}

// watchingBlobs is a blob store in memory that watches its Puts read:
// reached is closed once a Put has read at least threshold bytes, and
// ends has, for each Put, how its reader ended (nil: at the content's
// end, io.EOF).
type watchingBlobs struct {
	enquiry.MemBlobs
	threshold int64
	reached   chan struct{}
	once      sync.Once
	mu        sync.Mutex
	ends      []error
}

func newWatchingBlobs(threshold int64) *watchingBlobs {
	return &watchingBlobs{threshold: threshold, reached: make(chan struct{})}
}

func (b *watchingBlobs) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	wr := &watchedReader{r: r, b: b, end: errors.New("the reader was not read to its end")}
	n, err := b.MemBlobs.Put(ctx, key, wr)
	b.mu.Lock()
	b.ends = append(b.ends, wr.end)
	b.mu.Unlock()
	return n, err
}

func (b *watchingBlobs) puts() []error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]error(nil), b.ends...)
}

type watchedReader struct {
	r     io.Reader
	b     *watchingBlobs
	n     int64
	end   error
	ended bool
}

func (w *watchedReader) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	w.n += int64(n)
	if w.b.threshold > 0 && w.n >= w.b.threshold {
		w.b.once.Do(func() { close(w.b.reached) })
	}
	if err != nil && !w.ended {
		w.ended, w.end = true, err
		if err == io.EOF {
			w.end = nil
		}
	}
	return n, err
}

// newStreamRig is a deskRig whose webhook downloads media from server
// into blobs (which is also the rig's blobs, for assertBlob).
func newStreamRig(t *testing.T, server mediaServer, blobs *watchingBlobs) *deskRig {
	t.Helper()
	r := newDeskRig(t, manualStart)
	client := whatsapp.NewClient(whatsapp.Config{APIBase: r.platform.URL(), HTTPClient: &http.Client{Transport: server}})
	r.hook = whatsapp.NewWebhook(whatsapp.WebhookConfig{
		Apps:   whatsapp.StaticApps{"wa": {AppSecret: "app-secret", VerifyToken: "verify-me"}},
		Events: r.store, Desk: r.desk, Content: client, Blobs: blobs, Channels: r.store, Logger: quiet(),
	})
	whatsapp.SetSleep(r.hook, func(ctx context.Context, d time.Duration) error { return ctx.Err() })
	r.blobs = &blobs.MemBlobs
	r.mux = http.NewServeMux()
	r.mux.Handle("/webhook/whatsapp/{channel}", r.hook)
	r.start()
	return r
}

// settledImage posts an image message and returns its content once
// settled.
func (r *deskRig) settledImage(mediaID string) enquiry.Content {
	r.t.Helper()
	r.post(whatsapptest.Image(customer, mediaID, "image/jpeg", whatsapptest.WithID("wamid.image")))
	r.eventually("the image is settled", func() bool {
		ms := r.customerMessages()
		return len(ms) == 1 && ms[0].Content.State != enquiry.ContentPending
	})
	return r.customerMessages()[0].Content
}

// A customer's image streams from WhatsApp's media server into the blob
// store: the server sends the first half and holds the rest until the
// store has read a good part of it, which a download held in memory
// before it is stored never does.
func TestAnImageStreamsIntoTheBlobStore(t *testing.T) {
	data := bigJPEG(3_000_000)
	half := len(data) / 2
	blobs := newWatchingBlobs(int64(half / 2))
	held := make(chan struct{})
	var once sync.Once
	r := newStreamRig(t, func(req *http.Request) *http.Response {
		pr, pw := io.Pipe()
		go func() {
			if _, err := pw.Write(data[:half]); err != nil {
				return
			}
			select {
			case <-blobs.reached:
			case <-req.Context().Done():
				pw.CloseWithError(req.Context().Err())
				return
			case <-time.After(10 * time.Second):
				once.Do(func() { close(held) })
				pw.CloseWithError(errors.New("the store read nothing while the rest was held"))
				return
			}
			_, _ = pw.Write(data[half:])
			pw.Close()
		}()
		return mediaAnswer(req, int64(len(data)), pr)
	}, blobs)
	r.platform.AddMedia("media-1", whatsapptest.Media{Data: data, MIMEType: "image/jpeg", PhoneNumberID: phoneID})
	r.post(whatsapptest.Image(customer, "media-1", "image/jpeg", whatsapptest.WithID("wamid.image")))
	select {
	case <-blobs.reached:
	case <-held:
		t.Fatalf("the blob store read nothing of the image while the server held its second half (10 s): the download is held in memory before it is stored")
	}
	r.eventually("the image is settled", func() bool {
		ms := r.customerMessages()
		return len(ms) == 1 && ms[0].Content.State != enquiry.ContentPending
	})
	c := r.customerMessages()[0].Content
	if c.State != enquiry.ContentAvailable || c.Media == nil || c.Media.Size != int64(len(data)) || c.Media.Format != "jpeg" {
		t.Fatalf("image %+v (%+v); want the %d-byte JPEG attached", c, c.Media, len(data))
	}
	assertBlob(t, r, c.Media.Key, data)
}

// Meta's SHA-256 is known to match only at the end of the bytes: an image
// that does not match it is never attached, the blob store's reader
// fails in place of ending (so a store keeps nothing), and nothing is
// stored.
func TestAnImageThatDoesNotMatchItsChecksumIsNeitherAttachedNorStored(t *testing.T) {
	data := bigJPEG(1_000_000)
	other := sha256.Sum256([]byte("other bytes"))
	blobs := newWatchingBlobs(0)
	r := newStreamRig(t, func(req *http.Request) *http.Response {
		return mediaAnswer(req, int64(len(data)), io.NopCloser(strings.NewReader(string(data))))
	}, blobs)
	r.platform.AddMedia("media-1", whatsapptest.Media{Data: data, MIMEType: "image/jpeg", PhoneNumberID: phoneID, SHA256: hex.EncodeToString(other[:])})
	c := r.settledImage("media-1")
	if c.State != enquiry.ContentUnavailable || c.Media != nil || c.Unsupported == nil || !strings.Contains(c.Unsupported.Reason, "could not be downloaded") {
		t.Fatalf("image %+v; want it unavailable, nothing attached", c)
	}
	for i, end := range blobs.puts() {
		if end == nil {
			t.Fatalf("Put %d read the mismatched content to a clean end; its reader must fail", i+1)
		}
	}
	if n := blobs.Len(); n != 0 {
		t.Fatalf("%d blobs stored; want none", n)
	}
}

// A Content-Length over the kind's limit (5 MB for images) is refused
// before a byte of the body is read.
func TestAnImageWhoseContentLengthIsTooLargeIsRefusedUnread(t *testing.T) {
	data := bigJPEG(6_000_000)
	var read atomic.Int64
	blobs := newWatchingBlobs(0)
	r := newStreamRig(t, func(req *http.Request) *http.Response {
		return mediaAnswer(req, int64(len(data)), io.NopCloser(&countingReader{r: strings.NewReader(string(data)), n: &read}))
	}, blobs)
	r.platform.AddMedia("media-1", whatsapptest.Media{Data: data, MIMEType: "image/jpeg", PhoneNumberID: phoneID})
	c := r.settledImage("media-1")
	if c.State != enquiry.ContentUnavailable || c.Unsupported == nil || c.Unsupported.Code != string(media.CodeTooLarge) {
		t.Fatalf("image %+v; want it refused as too large", c)
	}
	if n := read.Load(); n != 0 {
		t.Fatalf("read %d bytes of a body whose Content-Length is over the limit; want none", n)
	}
	if n := blobs.Len(); n != 0 {
		t.Fatalf("%d blobs stored; want none", n)
	}
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
