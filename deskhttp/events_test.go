package deskhttp

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/socialdesk/socialdesk/enquiry"
)

// bigEvent is a desk event whose encoding is about size bytes.
func bigEvent(n, size int) enquiry.Notice {
	text := strings.Repeat("x", size)
	return enquiry.Notice{Kind: enquiry.MessageAdded, Channel: "demo", At: time.Now(),
		Message: &enquiry.Message{ID: fmt.Sprint("m", n), Enquiry: "e1", Seq: int64(n), Direction: enquiry.In,
			Author: enquiry.Author{Kind: enquiry.AuthorCustomer}, Content: enquiry.Content{Kind: enquiry.Text, Text: text}}}
}

// stalledStream opens GET /api/events on a connection with a tiny
// receive buffer and never reads from it.
func stalledStream(t *testing.T, d *servedDesk) net.Conn {
	t.Helper()
	dialer := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		var err error
		rc.Control(func(fd uintptr) { err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
		return err
	}}
	c, err := dialer.Dial("tcp", d.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := io.WriteString(c, "GET /api/events HTTP/1.1\r\nHost: desk\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	return c
}

// readingStream opens GET /api/events and counts the "desk" events it
// reads, until the test ends.
func readingStream(t *testing.T, d *servedDesk) *atomic.Int64 {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", d.url+"/api/events", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/events: %s", res.Status)
	}
	var n atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		for sc.Scan() {
			if sc.Text() == "event: desk" {
				n.Add(1)
			}
		}
	}()
	t.Cleanup(func() { cancel(); res.Body.Close(); <-done })
	return &n
}

// until polls cond; the deadline is a safety timeout only.
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// published publishes ev and waits until the hub has taken it.
func published(t *testing.T, d *servedDesk, ev enquiry.Notice) {
	t.Helper()
	d.feed.Publish(ev)
	until(t, "the hub takes the event", func() bool { return len(d.h.streams.sub.C) == 0 })
}

func TestEventStreamDropsASubscriberThatStopsReading(t *testing.T) {
	// A short write deadline; a queue long enough that the deadline, not
	// the queue, is what ends the stream.
	d := serveDesk(t, Config{Limits: Limits{Streams: StreamLimits{Write: 200 * time.Millisecond, Queue: 1024}}})
	base := heapInUse()
	stalledStream(t, d)
	until(t, "the stream is open", func() bool { return d.h.streams.count() == 1 })

	// 64 events of 1 MB at once: the stalled stream's first write blocks
	// and the rest wait in its queue, 64 MB, until the write deadline
	// drops the stream: its handler returns, freeing its slot and queue.
	const events = 64
	for i := range events {
		published(t, d, bigEvent(i, 1<<20))
	}
	until(t, "the stream that does not read is dropped", func() bool { return d.h.streams.count() == 0 })
	// What may stay: the last event's encoding and the heap's noise
	// (-race, other tests' goroutines winding down); not the queue.
	if grew := int64(heapInUse()) - int64(base); grew > 16<<20 {
		t.Fatalf("after the stream was dropped the heap is %d MB over its baseline; want its queue (%d MB) released", grew>>20, events)
	}
}

func TestASlowSubscriberDoesNotHoldUpTheOthers(t *testing.T) {
	// A write deadline longer than the test: only the queue's bound can
	// drop the stalled stream.
	d := serveDesk(t, Config{Limits: Limits{Streams: StreamLimits{Write: time.Hour, Queue: 4}}})
	stalled := stalledStream(t, d)
	until(t, "the stalled stream is open", func() bool { return d.h.streams.count() == 1 })
	reader := readingStream(t, d)
	until(t, "both streams are open", func() bool { return d.h.streams.count() == 2 })

	for i := 0; d.h.streams.dropped() == 0; i++ {
		if i == 500 {
			t.Fatalf("the stream that does not read was not dropped after %d events of 200 KB", i)
		}
		published(t, d, bigEvent(i, 200<<10))
		until(t, "the reading stream gets the event", func() bool { return reader.Load() == int64(i+1) })
	}
	// The reader still gets every event.
	n := reader.Load()
	published(t, d, bigEvent(0, 10))
	until(t, "the reading stream gets the next event", func() bool { return reader.Load() == n+1 })
	// The stalled stream's handler ends once its client goes away (in
	// production, at the write deadline).
	stalled.Close()
	until(t, "the stalled stream's handler returns", func() bool { return d.h.streams.count() == 1 })
}

func TestEventStreamCaps(t *testing.T) {
	d := serveDesk(t, Config{Limits: Limits{Streams: StreamLimits{PerIdentity: 2, Total: 3}}})
	// The identity is the client's address by default; a header here, so
	// that one test client can be several.
	d.h.streams.identity = func(r *http.Request) string { return r.Header.Get("X-Who") }
	open := func(who string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", d.url+"/api/events", nil)
		req.Header.Set("X-Who", who)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		return res
	}
	want := func(res *http.Response, status int, what string) {
		t.Helper()
		if res.StatusCode != status {
			t.Fatalf("%s: %s, want %d", what, res.Status, status)
		}
		if status == http.StatusServiceUnavailable && res.Header.Get("Retry-After") == "" {
			t.Fatalf("%s: 503 without Retry-After", what)
		}
	}
	a1 := open("ann")
	want(a1, 200, "ann's first stream")
	want(open("ann"), 200, "ann's second stream")
	want(open("ann"), 503, "ann's third stream, over the cap per identity")
	want(open("bob"), 200, "bob's first stream")
	want(open("cai"), 503, "cai's first stream, over the total cap")

	a1.Body.Close()
	until(t, "ann's first stream is closed", func() bool { return d.h.streams.count() == 2 })
	want(open("ann"), 200, "ann's stream in the freed slot")
	if n := d.h.streams.count(); n != 3 {
		t.Fatalf("%d streams open, want 3", n)
	}
}

func TestHubEncodesEachEventOnce(t *testing.T) {
	feed := &enquiry.Feed{}
	h := newHub(feed, StreamLimits{}, slog.New(slog.DiscardHandler), make(chan struct{}))
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() { h.run(ctx); close(ran) }()
	defer func() { cancel(); <-ran }()
	a, _ := h.open("a")
	b, _ := h.open("b")
	feed.Publish(bigEvent(1, 100))
	var got [2][]byte
	for i, s := range []*stream{a, b} {
		select {
		case got[i] = <-s.c:
		case <-time.After(10 * time.Second): // safety
			t.Fatal("no event reached the stream")
		}
	}
	if !strings.HasPrefix(string(got[0]), "event: desk\ndata: {") || !strings.HasSuffix(string(got[0]), "}\n\n") {
		t.Fatalf("encoded event = %q", got[0])
	}
	if unsafe.SliceData(got[0]) != unsafe.SliceData(got[1]) {
		t.Fatal("each stream got its own encoding of the event; want one encoding shared by all")
	}
}

func TestStreamIdentityIsTheClientAddress(t *testing.T) {
	for _, tc := range []struct {
		name, remote string
		forwarded    []string
		want         string
	}{
		{"a direct client is its address", "203.0.113.7:50000", nil, "203.0.113.7"},
		{"a direct client cannot choose its identity with X-Forwarded-For", "203.0.113.7:50000", []string{"198.51.100.1"}, "203.0.113.7"},
		{"behind a proxy on the same host, the address the proxy added", "127.0.0.1:50000", []string{"198.51.100.1, 192.0.2.9"}, "192.0.2.9"},
		{"the proxy's header comes last", "[::1]:50000", []string{"198.51.100.1", "192.0.2.9"}, "192.0.2.9"},
		{"a local client without the header is loopback", "127.0.0.1:50000", nil, "127.0.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := http.NewRequest("GET", "/api/events", nil)
			r.RemoteAddr = tc.remote
			for _, f := range tc.forwarded {
				r.Header.Add("X-Forwarded-For", f)
			}
			if got := clientHost(r); got != tc.want {
				t.Fatalf("clientHost = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestStreamIdentityIsTheStaffMemberWhenTheCredentialNamesOne(t *testing.T) {
	for _, tc := range []struct {
		name      string
		principal *Principal
		want      string
	}{
		{"a staff session is its staff member, from any address", &Principal{Staff: "alice", Via: ViaSession}, "staff alice"},
		{"a staff token too", &Principal{Staff: "alice", Via: ViaToken}, "staff alice"},
		{"a service credential is its client's address", &Principal{Role: RoleAdmin, Via: ViaService}, "address 203.0.113.7"},
		{"no credential is its client's address", nil, "address 203.0.113.7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := http.NewRequest("GET", "/api/events", nil)
			r.RemoteAddr = "203.0.113.7:50000"
			if tc.principal != nil {
				r = r.WithContext(withPrincipal(r.Context(), *tc.principal))
			}
			if got := streamIdentity(r); got != tc.want {
				t.Fatalf("streamIdentity = %q, want %q", got, tc.want)
			}
		})
	}
}
