package line_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/inbox"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// nullWriter is an http.ResponseWriter that keeps nothing but the status.
type nullWriter struct {
	h    http.Header
	code int
}

func (w *nullWriter) Header() http.Header         { return w.h }
func (w *nullWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *nullWriter) WriteHeader(code int)        { w.code = code }

// benchBodies returns n signed one-event bodies with distinct event IDs, as
// LINE sends them (a text message from one customer).
func benchBodies(n int) (bodies [][]byte, sigs []string) {
	for i := range n {
		b := linetest.WebhookBody(linetest.Destination, linetest.TextEvent(hookCustomer(i%16), "Hello, I would like to change my delivery address please"))
		bodies = append(bodies, b)
		sigs = append(sigs, linetest.SignBody(hookSecret, b))
	}
	return bodies, sigs
}

// benchRequest is one request reused across iterations with a fresh body.
type benchRequest struct {
	r   *http.Request
	rd  bytes.Reader
	buf io.ReadCloser
}

func newBenchRequest() *benchRequest {
	br := &benchRequest{r: httptest.NewRequest(http.MethodPost, hookURL, nil)}
	br.r.SetPathValue("channel", hookChannel)
	br.buf = io.NopCloser(&br.rd)
	return br
}

func (br *benchRequest) set(body []byte, sig string) *http.Request {
	br.rd.Reset(body)
	br.r.Body = br.buf
	br.r.ContentLength = int64(len(body))
	br.r.Header.Set(line.SignatureHeader, sig)
	return br.r
}

// BenchmarkWebhook measures a signed one-event request through the whole
// handler: body read, channel lookup, signature, parse, durable record in
// an in-memory store (enquiry.MemStore), queueing for the workers. Every
// 1024 requests the store and webhook are renewed (outside the timing),
// so every event is new and queued, never a cheap duplicate.
func BenchmarkWebhook(b *testing.B) {
	const ring = 1024
	bodies, sigs := benchBodies(ring)
	chans := hookChannelSet()
	var hook *line.Webhook
	renew := func() {
		hook = line.NewWebhook(line.WebhookConfig{Channels: chans, Events: enquiry.NewMemStore(), Desk: newFakeDesk(),
			Logger: quietLogger(), Inbox: inbox.Options{QueueSize: 2 * ring}})
	}
	renew()
	br := newBenchRequest()
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
		w.code = 0
		hook.ServeHTTP(w, br.set(bodies[i], sigs[i]))
		if w.code != http.StatusOK {
			b.Fatalf("status %d", w.code)
		}
		i++
	}
}

// BenchmarkSDKParseRequest is the LINE SDK's own webhook.ParseRequest
// (read, verify, parse — no recording) on the same bodies, for comparison.
func BenchmarkSDKParseRequest(b *testing.B) {
	const ring = 1024
	bodies, sigs := benchBodies(ring)
	br := newBenchRequest()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := webhook.ParseRequest(hookSecret, br.set(bodies[i%ring], sigs[i%ring])); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkParseEvents is the parser alone.
func BenchmarkParseEvents(b *testing.B) {
	bodies, _ := benchBodies(1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := line.ParseEvents(bodies[0]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWebhookLoad offers LINE-like load through loopback HTTP: b.N
// signed one-event requests, loadRate a second (2,000 unless
// SOCIALDESK_LOADTEST_RATE says otherwise), from 500 customers, to a
// webhook recording in an enquiry.MemStore with its workers running and
// handing every event to a desk that only counts. It reports latency
// percentiles, from writing a request to reading its answer, in place of
// ns/op. The figure (20,000 requests, 10 s):
//
//	go test -run '^$' -bench WebhookLoad -benchtime 20000x ./line
//
// The generator runs in this process and shares the machine's cores with
// the server, so it is a lean HTTP/1.1 client (loadConn) over kept-alive
// connections: net/http's Transport passes each request through three
// goroutines, and on a 2-CPU machine its cost shows in the server's tail.
func BenchmarkWebhookLoad(b *testing.B) {
	rate := 2000
	if v := os.Getenv("SOCIALDESK_LOADTEST_RATE"); v != "" {
		if _, err := fmt.Sscan(v, &rate); err != nil || rate <= 0 {
			b.Fatalf("SOCIALDESK_LOADTEST_RATE=%q: want a positive number of requests a second", v)
		}
	}
	const conns = 32
	total := b.N
	desk := &countDesk{}
	hook := line.NewWebhook(line.WebhookConfig{Channels: hookChannelSet(), Events: enquiry.NewMemStore(), Desk: desk, Logger: quietLogger()})
	mux := http.NewServeMux()
	mux.Handle("POST /webhook/line/{channel}", hook)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error)
	go func() { stopped <- hook.Run(ctx) }()
	defer func() { cancel(); <-stopped }()

	// Requests are built and signed before the clock starts.
	host := srv.Listener.Addr().String()
	reqs := make([][]byte, total)
	for i := range reqs {
		body := linetest.WebhookBody(linetest.Destination, linetest.TextEvent(hookCustomer(i%500), "Hello, I would like to change my delivery address please"))
		reqs[i] = fmt.Appendf(nil, "POST %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: LineBotWebhook/2.0\r\n"+
			"Content-Type: application/json; charset=utf-8\r\n%s: %s\r\nContent-Length: %d\r\n\r\n%s",
			hookURL, host, line.SignatureHeader, linetest.SignBody(hookSecret, body), len(body), body)
	}
	jobs := make(chan int, total)
	lat := make([]time.Duration, total)
	var failed atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	for range conns {
		lc, err := dialLoad(host)
		if err != nil {
			b.Fatal(err)
		}
		defer lc.c.Close()
		wg.Go(func() {
			for i := range jobs {
				start := time.Now()
				status, err := lc.do(reqs[i])
				lat[i] = time.Since(start)
				if err == nil && status != http.StatusOK {
					err = fmt.Errorf("status %d", status)
				}
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err)
					if lc, err = dialLoad(host); err != nil {
						return
					}
				}
			}
		})
	}
	b.ResetTimer()
	start := time.Now()
	interval := time.Second / time.Duration(rate)
	for i := range total {
		if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
			time.Sleep(d)
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d of %d requests failed; first: %v", n, total, firstErr.Load())
	}
	// Everything recorded is handed to the desk.
	for deadline := time.Now().Add(10 * time.Second); desk.n.Load() < int64(total); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatalf("the desk received %d of %d events", desk.n.Load(), total)
		}
	}
	slices.Sort(lat)
	ms := func(p float64) float64 { return lat[min(int(float64(total)*p), total-1)].Seconds() * 1000 }
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(total)/elapsed.Seconds(), "req/s")
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
	b.ReportMetric(ms(0.999), "p99.9-ms")
	b.ReportMetric(lat[total-1].Seconds()*1000, "max-ms")
}

// loadConn is one kept-alive HTTP/1.1 connection of the load generator:
// it writes a ready-made request and reads the answer, in the caller's
// goroutine.
type loadConn struct {
	c net.Conn
	r *bufio.Reader
}

func dialLoad(addr string) (*loadConn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &loadConn{c: c, r: bufio.NewReader(c)}, nil
}

// do sends req and returns the answer's status.
func (lc *loadConn) do(req []byte) (int, error) {
	if _, err := lc.c.Write(req); err != nil {
		return 0, err
	}
	res, err := http.ReadResponse(lc.r, nil)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.Close {
		err = errors.Join(err, errors.New("the server closed the connection"))
	}
	return res.StatusCode, err
}

// countDesk accepts every call and counts the messages it receives.
type countDesk struct{ n atomic.Int64 }

func (d *countDesk) Receive(ctx context.Context, in enquiry.Inbound) (enquiry.Received, error) {
	d.n.Add(1)
	return enquiry.Received{}, nil
}
func (*countDesk) Unsend(ctx context.Context, channel, customer, externalID string) error {
	return nil
}
func (*countDesk) Notice(ctx context.Context, channel, customer, text string) error { return nil }
func (*countDesk) SetCustomerName(ctx context.Context, channel, customer, name string) error {
	return nil
}
func (*countDesk) AttachContent(ctx context.Context, message string, ref enquiry.MediaRef) error {
	return nil
}
func (*countDesk) ContentUnavailable(ctx context.Context, message string, why enquiry.UnsupportedNote) error {
	return nil
}
func (*countDesk) PendingContent(ctx context.Context, limit int) ([]enquiry.Message, error) {
	return nil, nil
}

// BenchmarkProcess is the workers' part for one recorded text message:
// decoding the event and handing an enquiry.Inbound to the desk (one that
// keeps nothing), without the store.
func BenchmarkProcess(b *testing.B) {
	hook := line.NewWebhook(line.WebhookConfig{Channels: hookChannelSet(), Events: enquiry.NewMemStore(), Desk: &countDesk{}, Logger: quietLogger()})
	bodies, _ := benchBodies(1)
	batch, err := line.ParseEvents(bodies[0])
	if err != nil {
		b.Fatal(err)
	}
	e := batch.Events[0]
	rec := inbox.Record{Channel: hookChannel, ID: e.ID, Key: e.Key(), Received: time.Now(), Payload: e.Raw}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if !line.ProcessEvent(ctx, hook, rec) {
			b.Fatal("not done")
		}
	}
}
