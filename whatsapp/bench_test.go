package whatsapp_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
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
			Events: enquiry.NewMemStore(), Desk: nullDesk{}, Logger: quiet(), QueueSize: 2 * ring})
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
