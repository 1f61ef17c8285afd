package main

import (
	"github.com/socialdesk/socialdesk/deskhttp"
	"github.com/socialdesk/socialdesk/examples/desk/internal/demo"
	"sync"
	"testing"
	"time"
)

// TestStalledWebhookBodiesAreCutOff opens 400 webhook requests that send
// their header and one byte of a declared 1 MB body, then stall: half to
// an unknown channel, half to the good one without a signature. Each is
// closed well within the read deadline (the webhook refuses them from
// their header), and while they are open the heap grows by less than
// 20 MB: nothing reserves a body's declared length before it arrives.
func TestStalledWebhookBodiesAreCutOff(t *testing.T) {
	if testing.Short() {
		t.Skip("opens 400 connections")
	}
	const (
		conns   = 400
		safety  = 30 * time.Second
		maxHeap = 20 << 20
	)
	d := serveDesk(t, config{}, deskhttp.Limits{Body: time.Second}, deskhttp.StreamLimits{})
	base := heapInUse()

	var wg sync.WaitGroup
	var mu sync.Mutex
	var open []string
	for i := range conns {
		path := "/webhook/line/nope"
		if i%2 == 1 {
			path = "/webhook/line/" + demo.ChannelID
		}
		c := d.dial(t, "POST "+path+" HTTP/1.1\r\nHost: desk\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{")
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !closedByServer(c, safety) {
				mu.Lock()
				open = append(open, path)
				mu.Unlock()
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	// The live heap, sampled until every connection is closed.
	var peak uint64
	for waiting := true; waiting; {
		select {
		case <-done:
			waiting = false
		case <-time.After(20 * time.Millisecond):
		}
		peak = max(peak, heapInUse())
	}
	if len(open) > 0 {
		t.Fatalf("%d of %d stalled connections were still open after %s (first: %s)", len(open), conns, safety, open[0])
	}
	if grew := int64(peak) - int64(base); grew >= maxHeap {
		t.Fatalf("the heap grew by %d MB while %d stalled bodies were open; want under %d MB", grew>>20, conns, maxHeap>>20)
	}
}
