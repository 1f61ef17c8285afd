package linetest_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/line/linetest"
)

// A slow platform carries a push out when it arrives and answers only
// after the latency; changing the latency releases the held answer.
func TestPlatformLatencyHoldsTheAnswerButCarriesThePushOutAtOnce(t *testing.T) {
	p := newPlatform(t)
	p.SetLatency(linetest.Latency{Send: time.Hour})
	answered := make(chan int, 1)
	go func() {
		// Not do: it may call t.Fatal, which only the test's goroutine may.
		req, _ := http.NewRequest("POST", p.URL()+"/v2/bot/message/push", strings.NewReader(pushBody))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("X-Line-Retry-Key", key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- 0
			return
		}
		res.Body.Close()
		answered <- res.StatusCode
	}()

	deadline := time.Now().Add(10 * time.Second) // a safety timeout, not a goal
	for p.Held() != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the push never reached the platform")
		}
		time.Sleep(time.Millisecond)
	}
	if got := p.Received(user); len(got) != 1 || got[0].Text != "hi" {
		t.Fatalf("while the answer is held, the customer received %v; want the push", got)
	}
	select {
	case status := <-answered:
		t.Fatalf("answered %d within an hour's latency", status)
	default:
	}
	if calls := p.Calls(); len(calls) != 1 || calls[0].Status != 0 {
		t.Fatalf("calls %+v; want one, not answered yet", calls)
	}

	p.SetLatency(linetest.Latency{})
	if status := <-answered; status != 200 {
		t.Fatalf("released answer: %d, want 200", status)
	}
	if n := p.Held(); n != 0 {
		t.Fatalf("%d answers still held", n)
	}
	if got := p.Received(user); len(got) != 1 {
		t.Fatalf("received %d messages, want the one", len(got))
	}
}
