package line_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// saturationConns is how many connections drive each server at once.
const saturationConns = 32

// satCustomers is how many customers write; each request is one message
// of one of them.
const satCustomers = 500

func satCustomer(i int) string { return fmt.Sprintf("U%032x", i%satCustomers+1) }

// BenchmarkWebhookSaturation drives two servers over loopback HTTP, one
// after the other in the same run, each with b.N unique signed one-event
// requests from 32 connections that send the next request as soon as the
// answer came (a lean HTTP/1.1 client: one write and one
// http.ReadResponse per request):
//
//   - bare: a net/http server that reads the body, checks its HMAC and
//     answers 200, the least any webhook does;
//   - full: line.Webhook with its workers running, recording in an
//     enquiry.MemStore and processing every event into an enquiry.Desk on
//     the same store, with linetest as LINE (profiles for customers' names).
//
// The full side's clock stops only when every event reached the desk, so
// its rate is of events processed, not only accepted. It reports both
// rates and full/bare as "ratio", and beside them the CPU time the
// process spent per request on each side (the load generator's
// included), which other work on the machine changes less than the rates:
//
//	go test -run '^$' -bench WebhookSaturation -benchtime 20000x -count 3 ./line
func BenchmarkWebhookSaturation(b *testing.B) {
	total := b.N
	bare, bareCPU := saturate(b, bareServer(), total, nil)
	full := fullWebhook(b)
	rate, fullCPU := saturate(b, full.srv, total, full.wait)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(bare, "bare-req/s")
	b.ReportMetric(rate, "full-req/s")
	b.ReportMetric(rate/bare, "ratio")
	b.ReportMetric(bareCPU, "bare-cpu-us/req")
	b.ReportMetric(fullCPU, "full-cpu-us/req")
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// bareServer checks the signature and answers 200.
func bareServer() *httptest.Server {
	key := []byte(hookSecret)
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "cannot read", http.StatusBadRequest)
			return
		}
		sig, err := base64.StdEncoding.DecodeString(r.Header.Get(line.SignatureHeader))
		mac := hmac.New(sha256.New, key)
		mac.Write(body)
		if err != nil || !hmac.Equal(sig, mac.Sum(nil)) {
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
}

// satHook is the full webhook: its server, and wait, which returns once
// the desk has received n events.
type satHook struct {
	srv  *httptest.Server
	wait func(n int) error
}

func fullWebhook(b *testing.B) satHook {
	ctx := context.Background()
	p := linetest.New()
	b.Cleanup(p.Close)
	p.AddChannel(linetest.Channel{Token: "token", Secret: hookSecret, BotUserID: linetest.Destination})
	for i := range satCustomers {
		p.AddUser(linetest.User{ID: satCustomer(i), DisplayName: fmt.Sprintf("Customer %d", i)})
	}
	client := line.NewClient(line.Config{APIBase: p.URL(), DataAPIBase: p.DataURL(), Logger: quietLogger()})
	store := enquiry.NewMemStore()
	desk, err := enquiry.New(enquiry.Config{Store: store, Sender: client, Logger: quietLogger()})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := desk.CreateChannel(ctx, enquiry.Channel{ID: hookChannel, Name: "Shop", Kind: "line", State: enquiry.Active,
		Credentials: enquiry.Credentials{Secret: hookSecret, Token: "token"}}); err != nil {
		b.Fatal(err)
	}
	counted := &countingDesk{Desk: desk, reached: make(chan struct{})}
	hook := line.NewWebhook(line.WebhookConfig{Channels: desk, Events: store, Desk: counted,
		Content: client, Blobs: &enquiry.MemBlobs{}, Logger: quietLogger()})
	mux := http.NewServeMux()
	mux.Handle("POST /webhook/line/{channel}", hook)
	srv := httptest.NewServer(mux)
	runCtx, cancel := context.WithCancel(ctx)
	stopped := make(chan error)
	go func() { stopped <- hook.Run(runCtx) }()
	b.Cleanup(func() { cancel(); <-stopped; srv.Close() })
	return satHook{srv: srv, wait: func(n int) error {
		counted.want.Store(int64(n))
		if counted.n.Load() >= int64(n) {
			return nil
		}
		select {
		case <-counted.reached:
			return nil
		case <-time.After(time.Minute): // a safety timeout only
			return fmt.Errorf("the desk received %d of %d events", counted.n.Load(), n)
		}
	}}
}

// countingDesk is the desk, counting the messages it received; reached
// is closed when the count reaches want.
type countingDesk struct {
	*enquiry.Desk
	n, want atomic.Int64
	reached chan struct{}
	once    sync.Once
}

func (d *countingDesk) Receive(ctx context.Context, in enquiry.Inbound) (enquiry.Received, error) {
	r, err := d.Desk.Receive(ctx, in)
	if err == nil {
		if n := d.n.Add(1); n >= d.want.Load() && d.want.Load() > 0 {
			d.once.Do(func() { close(d.reached) })
		}
	}
	return r, err
}

// saturate sends total unique signed requests to srv from saturationConns
// connections and returns the rate, in requests a second, from the first
// request until the last answer, or, with wait, until wait(total)
// returned; and the process's CPU time per request meanwhile, in µs.
func saturate(b *testing.B, srv *httptest.Server, total int, wait func(int) error) (rate, cpuPerReq float64) {
	b.Helper()
	defer srv.Close()
	host := srv.Listener.Addr().String()
	run := fmt.Sprintf("%p", srv) // event IDs unique to this server
	reqs := make([][]byte, total)
	for i := range reqs {
		body := linetest.WebhookBody(linetest.Destination, linetest.TextEvent(satCustomer(i),
			"Hello, I would like to change my delivery address please", linetest.WithMessageID(fmt.Sprintf("%s-%d", run, i))))
		reqs[i] = fmt.Appendf(nil, "POST %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: LineBotWebhook/2.0\r\n"+
			"Content-Type: application/json; charset=utf-8\r\n%s: %s\r\nContent-Length: %d\r\n\r\n%s",
			hookURL, host, line.SignatureHeader, linetest.SignBody(hookSecret, body), len(body), body)
	}
	conns := make([]*loadConn, saturationConns)
	for i := range conns {
		lc, err := dialLoad(host)
		if err != nil {
			b.Fatal(err)
		}
		defer lc.c.Close()
		conns[i] = lc
	}
	var next, failed atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	b.ResetTimer()
	cpu0 := cpuTime(b)
	start := time.Now()
	for _, lc := range conns {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= total {
					return
				}
				status, err := lc.do(reqs[i])
				if err == nil && status != http.StatusOK {
					err = fmt.Errorf("status %d", status)
				}
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d requests failed; first: %v", n, firstErr.Load())
	}
	if wait != nil {
		if err := wait(total); err != nil {
			b.Fatal(err)
		}
	}
	elapsed := time.Since(start)
	cpu := cpuTime(b) - cpu0
	b.StopTimer()
	return float64(total) / elapsed.Seconds(), float64(cpu.Microseconds()) / float64(total)
}
