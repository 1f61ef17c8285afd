package linetest

import (
	"net/http"
	"time"
)

// Latency makes the platform slow to answer, as LINE is during an
// incident: a request is carried out when it arrives (a reply or push is
// delivered, its reply token spent, its retry key taken) and its answer
// is held back for the endpoint's duration. A client that gives up
// meanwhile gets no answer, and what it asked for stays done. Zero
// durations add nothing.
type Latency struct {
	// Send delays the answers of replies and pushes.
	Send time.Duration
	// Profile delays the answers of profile look-ups.
	Profile time.Duration
}

// SetLatency sets the answers' latency from now on. Answers already held
// back are released at once, so a test can hold every call with a long
// latency, look at what the client did meanwhile, and then let them go.
func (p *Platform) SetLatency(l Latency) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.latency = l
	if p.latencyEnd != nil {
		close(p.latencyEnd)
	}
	p.latencyEnd = make(chan struct{})
}

// Held returns how many requests have been carried out and have their
// answer held back by the latency now.
func (p *Platform) Held() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.held
}

// latencyFor returns how long the answer to a request of pattern waits,
// and a channel closed when SetLatency changes it. p.mu is held.
func (p *Platform) latencyFor(pattern string) (time.Duration, <-chan struct{}) {
	var d time.Duration
	switch pattern {
	case "POST /v2/bot/message/reply", "POST /v2/bot/message/push":
		d = p.latency.Send
	case "GET /v2/bot/profile/{userId}":
		d = p.latency.Profile
	}
	if p.latencyEnd == nil {
		p.latencyEnd = make(chan struct{})
	}
	return d, p.latencyEnd
}

// holdAnswer waits out the latency d, or until it is changed, and
// reports whether the client is still there to answer.
func (p *Platform) holdAnswer(r *http.Request, d time.Duration, end <-chan struct{}) bool {
	if d <= 0 {
		return true
	}
	p.mu.Lock()
	p.held++
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.held--
		p.mu.Unlock()
	}()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-end:
	case <-r.Context().Done():
		return false
	}
	return true
}
