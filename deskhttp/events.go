package deskhttp

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// The live event stream's production limits (README, "Running it in
// production").
const (
	// eventsPath is the stream's route.
	eventsPath = "/api/events"
	// streamsPerIdentity caps the streams one identity (today: one client
	// address) may hold open; a console needs one per tab.
	streamsPerIdentity = 16
	// streamsTotal caps the streams the desk holds open in all.
	streamsTotal = 1024
	// streamQueue is how many encoded events wait for one stream; a
	// stream whose queue is full is dropped, and its browser reconnects
	// and reloads.
	streamQueue = 64
	// eventWriteTimeout bounds each write of an event (or ping) to a
	// stream: a client that stops reading is dropped after it.
	eventWriteTimeout = 10 * time.Second
	// pingInterval keeps proxies from closing a quiet stream.
	pingInterval = 15 * time.Second
	// streamRetryAfter is the Retry-After of a 503 when a cap is reached.
	streamRetryAfter = 10 * time.Second
)

// StreamLimits are the live event stream's caps and deadlines. A zero
// field means the production value above.
type StreamLimits struct {
	PerIdentity int           // streamsPerIdentity
	Total       int           // streamsTotal
	Queue       int           // streamQueue
	Write       time.Duration // eventWriteTimeout
	Ping        time.Duration // pingInterval
}

// hub serves the live event streams. It subscribes to the desk's Feed
// once, encodes each event once to its server-sent-event bytes, and hands
// the same bytes to every stream's bounded queue; a stream that cannot
// keep up is dropped rather than buffered without end. It is safe for
// concurrent use.
type hub struct {
	sub    *enquiry.Subscription
	limits StreamLimits
	log    *slog.Logger
	// identity says whose stream a request opens, for the per-identity
	// cap: its staff member's, when its credential names one, else its
	// client's address (streamIdentity).
	identity func(*http.Request) string
	done     <-chan struct{} // closed when the server shuts down

	mu      sync.Mutex
	streams map[*stream]struct{}
	per     map[string]int // open streams by identity
	drops   int            // streams dropped for a full queue
	ended   bool           // run has returned: no new streams
}

// stream is one open event stream.
type stream struct {
	identity string
	c        chan []byte   // encoded events; bounded
	gone     chan struct{} // closed when the hub drops the stream
	once     sync.Once
}

// newHub returns a hub on feed; run must be started for events to flow.
// Streams end when done is closed.
func newHub(feed *enquiry.Feed, limits StreamLimits, log *slog.Logger, done <-chan struct{}) *hub {
	h := &hub{limits: limits, log: log, identity: streamIdentity, done: done, streams: map[*stream]struct{}{}, per: map[string]int{}}
	// Subscribed here, not in run, so no event published between the
	// desk's start and run's is lost.
	h.sub = feed.Subscribe(1024)
	return h
}

// streamIdentity is whose stream r opens: the staff member of its
// credential (a session or a staff token), else its client's address.
func streamIdentity(r *http.Request) string {
	if p, ok := PrincipalFrom(r.Context()); ok && p.Staff != "" {
		return "staff " + p.Staff
	}
	return "address " + clientHost(r)
}

// clientHost is a request's client address: the host part of the request's remote address; when that is a
// loopback address (a reverse proxy on the same host), the last address
// in X-Forwarded-For, the one that proxy added, so that consoles behind
// the proxy do not all share its address. A client elsewhere cannot
// choose its identity with the header.
func clientHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return host
	}
	fwd := r.Header.Values("X-Forwarded-For")
	if len(fwd) == 0 {
		return host
	}
	last := fwd[len(fwd)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	if last = strings.TrimSpace(last); last != "" {
		return last
	}
	return host
}

// Precomputed stream bytes.
var (
	streamHello  = []byte(": socialdesk events\nretry: 2000\n\n")
	streamPing   = []byte(": ping\n\n")
	streamResync = []byte("event: resync\ndata: {}\n\n")
)

// run encodes the feed's events and fans them out until ctx is done; then
// it ends every stream.
func (h *hub) run(ctx context.Context) {
	defer func() {
		h.sub.Close()
		h.mu.Lock()
		h.ended = true
		for s := range h.streams {
			s.drop()
		}
		h.mu.Unlock()
	}()
	var missed int64
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-h.sub.C:
			if !ok {
				return
			}
			if n := h.sub.Dropped(); n != missed {
				// The hub itself fell behind: every stream missed events.
				missed = n
				h.broadcast(streamResync)
			}
			h.broadcast(encodeEvent(ev))
		}
	}
}

// encodeEvent is ev as one server-sent "desk" event. JSON has no raw
// newline, so the data fits on one line.
func encodeEvent(ev enquiry.Notice) []byte {
	data, err := json.Marshal(eventView(ev))
	if err != nil {
		return streamResync // cannot happen for these types; the console reloads
	}
	b := make([]byte, 0, len(data)+len("event: desk\ndata: \n\n"))
	b = append(b, "event: desk\ndata: "...)
	b = append(b, data...)
	return append(b, "\n\n"...)
}

// broadcast queues b on every stream, dropping each stream whose queue is
// full. It never blocks.
func (h *hub) broadcast(b []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.streams {
		select {
		case s.c <- b:
		default:
			if s.drop() {
				h.drops++
				h.log.Warn("event stream dropped: its client does not keep up", "client", s.identity)
			}
		}
	}
}

// drop ends the stream's handler; it reports whether this call did.
func (s *stream) drop() bool {
	dropped := false
	s.once.Do(func() { close(s.gone); dropped = true })
	return dropped
}

// open registers a stream for identity, or returns nil and says which
// cap is reached.
func (h *hub) open(identity string) (*stream, string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.ended:
		return nil, "the desk is shutting down"
	case len(h.streams) >= orDefault(h.limits.Total, streamsTotal):
		return nil, "the desk has as many live event streams open as it allows"
	case h.per[identity] >= orDefault(h.limits.PerIdentity, streamsPerIdentity):
		return nil, "this client has as many live event streams open as it may: close a console tab"
	}
	s := &stream{identity: identity, c: make(chan []byte, orDefault(h.limits.Queue, streamQueue)), gone: make(chan struct{})}
	h.streams[s] = struct{}{}
	h.per[identity]++
	return s, ""
}

// close unregisters s, freeing its slot.
func (h *hub) close(s *stream) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.streams[s]; !ok {
		return
	}
	delete(h.streams, s)
	if h.per[s.identity]--; h.per[s.identity] <= 0 {
		delete(h.per, s.identity)
	}
}

// dropAll ends every open stream; new ones are accepted.
func (h *hub) dropAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.streams {
		s.drop()
	}
}

// count returns how many streams are open: their handlers have not
// returned yet.
func (h *hub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.streams)
}

// dropped returns how many streams were dropped for a full queue.
func (h *hub) dropped() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.drops
}

// ServeHTTP streams desk events as server-sent events: one "desk" event
// per change, JSON, and a "resync" event when the stream missed some.
// Beyond a cap it answers 503 with Retry-After.
func (h *hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s, full := h.open(h.identity(r))
	if s == nil {
		w.Header().Set("Retry-After", strconv.Itoa(int(streamRetryAfter/time.Second)))
		writeError(w, http.StatusServiceUnavailable, "too_many_streams", full+"; retry later")
		return
	}
	defer h.close(s)
	rc := http.NewResponseController(w)
	// No read deadline: the request has no body, and a deadline firing in
	// the server's background read would end the stream.
	if err := rc.SetReadDeadline(time.Time{}); err != nil {
		// Without deadlines a client that stops reading would hold the
		// stream for ever: refuse rather than risk it.
		h.log.Error("event stream refused: the connection does not support deadlines", "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "live events are not available on this connection")
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	timeout := orDefault(h.limits.Write, eventWriteTimeout)
	// send writes b within the write deadline; false means the client is
	// gone or too slow, and the stream ends.
	send := func(b []byte) bool {
		if err := rc.SetWriteDeadline(time.Now().Add(timeout)); err != nil {
			return false
		}
		_, err := w.Write(b)
		if err == nil {
			err = rc.Flush()
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			h.log.Warn("event stream dropped: its client stopped reading", "client", s.identity, "timeout", timeout)
		}
		return err == nil
	}
	if !send(streamHello) {
		return
	}
	ping := time.NewTicker(orDefault(h.limits.Ping, pingInterval))
	defer ping.Stop()
	for {
		var b []byte
		select {
		case <-r.Context().Done():
			return
		case <-h.done:
			return
		case <-s.gone:
			return
		case <-ping.C:
			b = streamPing
		case b = <-s.c:
		}
		if !send(b) {
			return
		}
	}
}
