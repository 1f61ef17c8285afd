package whatsapp_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/inbox"
	"github.com/socialdesk/socialdesk/media"
	"github.com/socialdesk/socialdesk/whatsapp"
	"github.com/socialdesk/socialdesk/whatsapp/whatsapptest"
)

type nullWriter struct {
	h    http.Header
	code int
}

func (w *nullWriter) Header() http.Header         { return w.h }
func (w *nullWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *nullWriter) WriteHeader(code int)        { w.code = code }

type discardRecorder struct{}

func (discardRecorder) Record(context.Context, string, whatsapp.Notification, time.Time) error {
	return nil
}

// oneMessageBody is a signed one-message body as Meta sends it, the
// same text as line's benchmarks use.
func oneMessageBody() []byte {
	return whatsapptest.Body(business, whatsapptest.Text("16505551234",
		"Hello, I would like to change my delivery address please", whatsapptest.WithName("Sheena Nelson")))
}

// BenchmarkIntake measures a signed one-message POST through the Intake:
// channel lookup, body read, signature, parse, and a Recorder that keeps
// nothing (so what is measured is the connector's own work).
func BenchmarkIntake(b *testing.B) {
	in := whatsapp.NewIntake(whatsapp.IntakeConfig{Apps: apps{"wa": {AppSecret: appSecret}}, Recorder: discardRecorder{}})
	body := oneMessageBody()
	sig := whatsapptest.SignBody(appSecret, body)
	r := httptest.NewRequest(http.MethodPost, hookPath, nil)
	r.SetPathValue("channel", "wa")
	r.Header.Set(whatsapp.SignatureHeader, sig)
	var rd bytes.Reader
	rc := io.NopCloser(&rd)
	w := &nullWriter{h: http.Header{}}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		rd.Reset(body)
		r.Body, r.ContentLength = rc, int64(len(body))
		w.code = 0
		in.ServeHTTP(w, r)
		if w.code != http.StatusOK {
			b.Fatalf("status %d", w.code)
		}
	}
}

func BenchmarkParseNotification(b *testing.B) {
	body := oneMessageBody()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := whatsapp.ParseNotification(body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifySignature(b *testing.B) {
	body := oneMessageBody()
	sig := whatsapptest.SignBody(appSecret, body)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if !whatsapp.VerifySignature(appSecret, body, sig) {
			b.Fatal("refused")
		}
	}
}

// nullDesk takes nothing: the benchmark's workers never run.
type nullDesk struct{ whatsapp.Desk }

// BenchmarkWebhook is line's BenchmarkWebhook for WhatsApp: a signed
// one-message POST through the whole handler (channel lookup, body read,
// signature, parse, durable record in an enquiry.MemStore, queueing for
// the workers), each message new. Every 1024 requests the store and
// webhook are renewed outside the timing.
func BenchmarkWebhook(b *testing.B) {
	const ring = 1024
	bodies, sigs := make([][]byte, ring), make([]string, ring)
	for i := range bodies {
		bodies[i] = whatsapptest.Body(business, whatsapptest.Text("16505551234",
			"Hello, I would like to change my delivery address please", whatsapptest.WithName("Sheena Nelson")))
		sigs[i] = whatsapptest.SignBody(appSecret, bodies[i])
	}
	var hook *whatsapp.Webhook
	renew := func() {
		hook = whatsapp.NewWebhook(whatsapp.WebhookConfig{Apps: whatsapp.StaticApps{"wa": {AppSecret: appSecret}},
			Events: enquiry.NewMemStore(), Desk: nullDesk{}, Logger: quiet(), Inbox: inbox.Options{QueueSize: 2 * ring}})
	}
	renew()
	r := httptest.NewRequest(http.MethodPost, hookPath, nil)
	r.SetPathValue("channel", "wa")
	var rd bytes.Reader
	rc := io.NopCloser(&rd)
	w := &nullWriter{h: http.Header{}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i == ring {
			b.StopTimer()
			renew()
			i = 0
			b.StartTimer()
		}
		rd.Reset(bodies[i])
		r.Body, r.ContentLength = rc, int64(len(bodies[i]))
		r.Header.Set(whatsapp.SignatureHeader, sigs[i])
		w.code = 0
		hook.ServeHTTP(w, r)
		if w.code != http.StatusOK {
			b.Fatalf("status %d", w.code)
		}
		i++
	}
}

// discardBlobs is a blob store that reads what it is given and keeps
// nothing.
type discardBlobs struct{}

func (discardBlobs) Put(_ context.Context, _ string, r io.Reader) (int64, error) {
	return io.Copy(io.Discard, r)
}

func (discardBlobs) Open(context.Context, string) (enquiry.Blob, error) {
	return nil, enquiry.ErrNotFound
}

// BenchmarkDownload50MB streams a 50 MB document from the media server
// into a blob store that keeps nothing, as the webhook's fetchers do:
// B/op is what one download allocates (over 50 MB when it is held whole
// before it is stored), peak-heap-B the most heap in use above the start
// (sampled every millisecond).
func BenchmarkDownload50MB(b *testing.B) {
	data := append([]byte("%PDF-1.4\n"), make([]byte, 50_000_000)...)
	p := whatsapptest.New()
	defer p.Close()
	p.AddPhoneNumber(whatsapptest.PhoneNumber{ID: phoneID, Token: "wa-token", AppSecret: appSecret})
	p.AddMedia("m1", whatsapptest.Media{Data: data, MIMEType: "application/pdf", PhoneNumberID: phoneID})
	server := mediaServer(func(r *http.Request) *http.Response {
		return mediaAnswer(r, int64(len(data)), io.NopCloser(bytes.NewReader(data)))
	})
	c := whatsapp.NewClient(whatsapp.Config{APIBase: p.URL(), HTTPClient: &http.Client{Transport: server}})
	from := whatsapp.Number{PhoneNumberID: phoneID, Token: "wa-token"}
	peak := heapPeak(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := c.Download(context.Background(), from, "m1", whatsapp.KindDocument, media.WhatsApp, discardBlobs{}, "k"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(peak()), "peak-heap-B")
}

// heapPeak samples the heap in use every millisecond until the returned
// func is called, which returns the most seen above the heap at the start
// (after a collection).
func heapPeak(b *testing.B) func() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base, top := ms.HeapInuse, ms.HeapInuse
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				top = max(top, ms.HeapInuse)
			}
		}
	}()
	return func() uint64 { close(stop); <-done; return top - base }
}
