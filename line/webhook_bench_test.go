package line_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
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
			Logger: quietLogger(), QueueSize: 2 * ring})
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

// TestWebhookLoad sends 2,000 requests a second for 10 s through loopback
// HTTP to a webhook on an enquiry.MemStore with its workers running, and
// reports latency percentiles. It runs only when SOCIALDESK_LOADTEST=1;
// SOCIALDESK_LOADTEST_RATE and _SECONDS change the load.
func TestWebhookLoad(t *testing.T) {
	if os.Getenv("SOCIALDESK_LOADTEST") != "1" {
		t.Skip("set SOCIALDESK_LOADTEST=1 to run the load test")
	}
	rate, seconds := 2000, 10
	fmt.Sscan(os.Getenv("SOCIALDESK_LOADTEST_RATE"), &rate)
	fmt.Sscan(os.Getenv("SOCIALDESK_LOADTEST_SECONDS"), &seconds)
	total := rate * seconds

	store := enquiry.NewMemStore()
	desk := &fakeDesk{ch: make(chan deskCall, total+10)}
	hook := line.NewWebhook(line.WebhookConfig{Channels: hookChannelSet(), Events: store, Desk: desk, Logger: quietLogger()})
	mux := http.NewServeMux()
	mux.Handle("POST /webhook/line/{channel}", hook)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error)
	go func() { stopped <- hook.Run(ctx) }()
	defer func() { cancel(); <-stopped }()

	// Bodies are built and signed before the clock starts: the load
	// generator shares the machine's cores with the server.
	bodies, sigs := make([][]byte, total), make([]string, total)
	for i := range total {
		bodies[i] = linetest.WebhookBody(linetest.Destination, linetest.TextEvent(hookCustomer(i%500), "Hello, I would like to change my delivery address please"))
		sigs[i] = linetest.SignBody(hookSecret, bodies[i])
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}, Timeout: 10 * time.Second}
	url := srv.URL + hookURL
	jobs := make(chan int, total)
	lat := make([]time.Duration, total)
	var failed atomic.Int64
	var wg sync.WaitGroup
	for range 128 {
		wg.Go(func() {
			for i := range jobs {
				req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(bodies[i]))
				req.Header.Set(line.SignatureHeader, sigs[i])
				start := time.Now()
				res, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				lat[i] = time.Since(start)
				if res.StatusCode != 200 {
					failed.Add(1)
				}
			}
		})
	}
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
	if n := failed.Load(); n > 0 {
		t.Fatalf("%d of %d requests failed", n, total)
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(int(float64(total)*p), total-1)] }
	t.Logf("%d requests in %v (%.0f req/s): p50 %v, p90 %v, p99 %v, p99.9 %v, max %v",
		total, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(),
		pct(0.50), pct(0.90), pct(0.99), pct(0.999), lat[total-1])
	// Everything recorded is handed to the desk.
	desk.wait(t, total)
}

// nopDesk accepts every call and keeps nothing.
type nopDesk struct{}

func (nopDesk) Receive(ctx context.Context, in enquiry.Inbound) (enquiry.Received, error) {
	return enquiry.Received{}, nil
}
func (nopDesk) Unsend(ctx context.Context, channel, externalID string) error     { return nil }
func (nopDesk) Notice(ctx context.Context, channel, customer, text string) error { return nil }

// BenchmarkProcess is the workers' part for one recorded text message:
// decoding the event and handing an enquiry.Inbound to the desk (one that
// keeps nothing), without the store.
func BenchmarkProcess(b *testing.B) {
	hook := line.NewWebhook(line.WebhookConfig{Channels: hookChannelSet(), Events: enquiry.NewMemStore(), Desk: nopDesk{}, Logger: quietLogger()})
	bodies, _ := benchBodies(1)
	batch, err := line.ParseEvents(bodies[0])
	if err != nil {
		b.Fatal(err)
	}
	e := batch.Events[0]
	rec := enquiry.Event{Channel: hookChannel, ID: e.ID, Key: e.Key(), Received: time.Now(), Payload: e.Raw}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if !line.ProcessEvent(ctx, hook, rec) {
			b.Fatal("not done")
		}
	}
}
