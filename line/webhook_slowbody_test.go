package line_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// readSpy is a request body that records whether it was read.
type readSpy struct {
	r    io.Reader
	read bool
}

func (s *readSpy) Read(p []byte) (int, error) { s.read = true; return s.r.Read(p) }
func (s *readSpy) Close() error               { return nil }

func TestWebhookRefusesFromTheHeadWithoutReadingTheBody(t *testing.T) {
	body := linetest.WebhookBody(linetest.Destination, linetest.TextEvent(hookUser, "hello"))
	tests := []struct {
		name   string
		change func(r *http.Request)
		want   int
	}{
		{"an unknown channel is 404", func(r *http.Request) { r.SetPathValue("channel", "nope") }, 404},
		{"a missing signature is 401", func(r *http.Request) { r.Header.Del(line.SignatureHeader) }, 401},
		{"an empty signature is 401", func(r *http.Request) { r.Header.Set(line.SignatureHeader, "") }, 401},
		{"a declared length over the limit is 413", func(r *http.Request) { r.ContentLength = line.DefaultMaxBodyBytes + 1 }, 413},
		{"a method other than POST is 405", func(r *http.Request) { r.Method = http.MethodPut }, 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHookHarness(t, nil)
			r := linetest.NewSignedRequest(hookSecret, hookURL, body)
			r.SetPathValue("channel", hookChannel)
			spy := &readSpy{r: bytes.NewReader(body)}
			r.Body = spy
			tt.change(r)
			rec := httptest.NewRecorder()
			h.hook.ServeHTTP(rec, r)
			wantEq(t, tt.want, rec.Code, rec.Body.String())
			wantTrue(t, !spy.read, "the body was read")
			wantEq(t, "close", rec.Header().Get("Connection"), "the connection is to be closed")
			wantEq(t, 0, len(h.store.recorded()))
		})
	}
	t.Run("a signed request is read and its connection kept", func(t *testing.T) {
		h := newHookHarness(t, nil)
		r := linetest.NewSignedRequest(hookSecret, hookURL, body)
		r.SetPathValue("channel", hookChannel)
		spy := &readSpy{r: bytes.NewReader(body)}
		r.Body = spy
		rec := httptest.NewRecorder()
		h.hook.ServeHTTP(rec, r)
		wantEq(t, 200, rec.Code)
		wantTrue(t, spy.read, "the body was not read")
		wantEq(t, "", rec.Header().Get("Connection"))
	})
}

func TestWebhookReadsABodyShorterThanDeclaredAs400(t *testing.T) {
	h := newHookHarness(t, nil)
	body := linetest.WebhookBody(linetest.Destination, linetest.TextEvent(hookUser, "hello"))
	r := linetest.NewSignedRequest(hookSecret, hookURL, body)
	r.Body = io.NopCloser(bytes.NewReader(body[:len(body)-1]))
	res := h.post(r)
	wantEq(t, 400, res.StatusCode)
	wantEq(t, 0, len(h.store.recorded()))
}

func TestWebhookReadsBodiesOfEverySize(t *testing.T) {
	// Around the first buffer's size and its doublings, with and without
	// a declared length: every byte arrives, and the signature checks.
	for _, size := range []int{0, 1, 4095, 4096, 4097, 8192, 100_000, line.DefaultMaxBodyBytes} {
		for _, chunked := range []bool{false, true} {
			t.Run(fmt.Sprintf("%d bytes, chunked %v", size, chunked), func(t *testing.T) {
				h := newHookHarness(t, nil)
				body := paddedBody(size)
				r := linetest.NewSignedRequest(hookSecret, hookURL, body)
				if chunked {
					r.ContentLength = -1
				}
				res := h.post(r)
				want := 200
				if size < len(linetest.WebhookBody(linetest.Destination)) {
					want = 400 // too short to be a webhook body, but read and verified
				}
				wantEq(t, want, res.StatusCode, readBody(t, res.Body))
			})
		}
	}
	t.Run("one byte over the limit, chunked, is 413", func(t *testing.T) {
		h := newHookHarness(t, nil)
		r := linetest.NewSignedRequest(hookSecret, hookURL, paddedBody(line.DefaultMaxBodyBytes+1))
		r.ContentLength = -1
		res := h.post(r)
		wantEq(t, 413, res.StatusCode)
	})
}

// paddedBody is a verification body (no events) of exactly size bytes,
// padded with spaces, or size bytes of "{" when that is too short.
func paddedBody(size int) []byte {
	b := linetest.WebhookBody(linetest.Destination)
	if size < len(b) {
		return bytes.Repeat([]byte("{"), size)
	}
	return append(b, bytes.Repeat([]byte(" "), size-len(b))...)
}

// lockedBuffer is a log destination safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// heldBody passes a request body's first read through and holds every
// later one until release is closed; settle is called once, after the
// first read or when the handler returns, whichever comes first. While
// held, every handler has done all it does before waiting for more of
// the body, so the test can measure the heap.
type heldBody struct {
	io.ReadCloser
	once    *sync.Once
	settle  func()
	release <-chan struct{}
	reads   int
}

func (b *heldBody) Read(p []byte) (int, error) {
	b.reads++
	if b.reads > 1 {
		<-b.release
		return b.ReadCloser.Read(p)
	}
	n, err := b.ReadCloser.Read(p)
	b.once.Do(b.settle)
	return n, err
}

// TestWebhookStalledBodiesHoldNeitherMemoryNorConnections opens many
// connections that each declare a large body, send a few bytes of it and
// stall, as in issue 16's attack. While they are open, the heap grows by
// far less than they declared (each would have cost 1 MiB); every one of
// them is then closed by the server with an answer: at once when the
// request is refused from its head, at the read deadline when the body
// had to be read. The server has no timeouts of its own: the webhook's
// ReadTimeout is all there is.
func TestWebhookStalledBodiesHoldNeitherMemoryNorConnections(t *testing.T) {
	if testing.Short() {
		t.Skip("opens about a thousand connections")
	}
	const (
		declared    = 1 << 20
		readTimeout = 300 * time.Millisecond
		// safety bounds the test's waits; nothing in it should come
		// near it.
		safety    = 60 * time.Second
		maxGrowth = 20 << 20
	)
	logs := &lockedBuffer{}
	h := newHookHarness(t, func(c *line.WebhookConfig) {
		c.ReadTimeout = readTimeout
		c.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	release := make(chan struct{})
	settled := make(chan struct{}, 4096)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /webhook/line/{channel}", func(rw http.ResponseWriter, r *http.Request) {
		b := &heldBody{ReadCloser: r.Body, once: &sync.Once{}, settle: func() { settled <- struct{}{} }, release: release}
		r.Body = b
		h.hook.ServeHTTP(rw, r)
		b.once.Do(b.settle)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	addr := srv.Listener.Addr().String()

	const marker = "STALLED-BODY-MARKER"
	sig := linetest.SignBody(hookSecret, []byte(marker))
	groups := []struct {
		name     string
		n        int
		path     string
		sig      string
		declared int
		want     int
	}{
		{"an unknown channel", 400, "/webhook/line/nope", sig, declared, http.StatusNotFound},
		{"no signature", 400, hookURL, "", declared, http.StatusUnauthorized},
		// A small declared body: net/http would wait for the rest of it
		// after the answer, but for the deadline.
		{"an unknown channel, small body", 50, "/webhook/line/nope", sig, 2000, http.StatusNotFound},
		{"a signature (the body is read)", 100, hookURL, sig, declared, http.StatusRequestTimeout},
	}
	type stalled struct {
		conn net.Conn
		want int
		name string
	}
	var conns []stalled
	defer func() {
		for _, c := range conns {
			c.conn.Close()
		}
	}()

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	for _, g := range groups {
		var head strings.Builder
		fmt.Fprintf(&head, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n", g.path, addr, g.declared)
		if g.sig != "" {
			fmt.Fprintf(&head, "%s: %s\r\n", line.SignatureHeader, g.sig)
		}
		head.WriteString("\r\n" + marker)
		for range g.n {
			c, err := net.Dial("tcp", addr)
			needNoErr(t, err)
			conns = append(conns, stalled{c, g.want, g.name})
			_, err = io.WriteString(c, head.String())
			needNoErr(t, err)
		}
	}
	deadline := time.After(safety)
	for i := range conns {
		select {
		case <-settled:
		case <-deadline:
			t.Fatalf("%d of %d requests reached the webhook", i, len(conns))
		}
	}
	runtime.GC()
	runtime.GC() // and sync.Pool's victims
	var during runtime.MemStats
	runtime.ReadMemStats(&during)
	growth := int64(during.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("heap grew by %d KiB for %d stalled requests (%d bytes each)", growth>>10, len(conns), growth/int64(len(conns)))
	if growth > maxGrowth {
		t.Errorf("the heap grew by %d MiB while %d stalled requests were open, want < %d MiB", growth>>20, len(conns), maxGrowth>>20)
	}
	close(release)

	// Every connection is closed by the server, after an answer.
	type answer struct {
		stalled
		status int
		close  bool
		err    error
	}
	answers := make(chan answer, len(conns))
	for _, c := range conns {
		go func() {
			c.conn.SetReadDeadline(time.Now().Add(safety))
			a := answer{stalled: c}
			br := bufio.NewReader(c.conn)
			res, err := http.ReadResponse(br, nil)
			if errors.Is(err, os.ErrDeadlineExceeded) {
				a.err = errors.New("no answer, the connection still open")
				answers <- a
				return
			}
			if err != nil {
				a.err = fmt.Errorf("no answer: %w", err)
				answers <- a
				return
			}
			a.status, a.close = res.StatusCode, res.Close
			if b, _ := io.ReadAll(res.Body); bytes.Contains(b, []byte(marker)) {
				a.err = fmt.Errorf("the answer quotes the body")
			} else if _, err := br.ReadByte(); err != io.EOF {
				a.err = fmt.Errorf("the server kept the connection open")
			}
			answers <- a
		}()
	}
	failures := map[string]int{}
	for range conns {
		a := <-answers
		switch {
		case a.err != nil:
			failures[a.name+": "+a.err.Error()]++
		case a.status != a.want:
			failures[fmt.Sprintf("%s: status %d, want %d", a.name, a.status, a.want)]++
		case !a.close:
			failures[a.name+": no Connection: close"]++
		}
	}
	for f, n := range failures {
		t.Errorf("%d× %s", n, f)
	}
	wantEq(t, 0, len(h.store.recorded()))
	wantNotIn(t, logs.String(), marker)
	wantIn(t, logs.String(), "request body not read")
}

// TestWebhookRefusalsDoNotWaitForTheBody sends requests that are refused
// from their head and whose small declared bodies never come. net/http
// reads and discards up to 256 KiB of an unread body after the handler
// returns, to reuse the connection; the webhook must not let it wait for
// a body it refused, even with a read deadline far beyond the test.
func TestWebhookRefusalsDoNotWaitForTheBody(t *testing.T) {
	const safety = 60 * time.Second
	h := newHookHarness(t, func(c *line.WebhookConfig) { c.ReadTimeout = time.Hour })
	srv := httptest.NewServer(h.mux)
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	tests := []struct {
		name string
		head string // without Host
		body string // what is sent of the body
		want int
	}{
		{"an unknown channel", "POST /webhook/line/nope HTTP/1.1\r\nContent-Length: 2000\r\n", `{"destination"`, http.StatusNotFound},
		{"no signature", "POST " + hookURL + " HTTP/1.1\r\nContent-Length: 2000\r\n", `{"destination"`, http.StatusUnauthorized},
		{"no signature, chunked", "POST " + hookURL + " HTTP/1.1\r\nTransfer-Encoding: chunked\r\n", "400\r\n{\"destination\"", http.StatusUnauthorized},
		{"an empty signature", "POST " + hookURL + " HTTP/1.1\r\nContent-Length: 2000\r\n" + line.SignatureHeader + ":\r\n", `{"destination"`, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := net.Dial("tcp", addr)
			needNoErr(t, err)
			defer c.Close()
			_, err = io.WriteString(c, tt.head+"Host: "+addr+"\r\n\r\n"+tt.body)
			needNoErr(t, err)
			c.SetReadDeadline(time.Now().Add(safety))
			br := bufio.NewReader(c)
			res, err := http.ReadResponse(br, nil)
			needNoErr(t, err)
			wantEq(t, tt.want, res.StatusCode)
			wantTrue(t, res.Close, "the answer does not say the connection closes")
			io.Copy(io.Discard, res.Body)
			_, err = br.ReadByte()
			wantEq(t, io.EOF, err, "the server kept the connection open")
		})
	}
}

// TestWebhookKeepsTheServersShorterReadTimeout stalls a signed body on a
// server whose ReadTimeout is shorter than the webhook's: setting the
// connection's read deadline must not extend the server's.
func TestWebhookKeepsTheServersShorterReadTimeout(t *testing.T) {
	const safety = 60 * time.Second
	h := newHookHarness(t, func(c *line.WebhookConfig) { c.ReadTimeout = time.Hour })
	srv := httptest.NewUnstartedServer(h.mux)
	srv.Config.ReadTimeout = 300 * time.Millisecond
	srv.Start()
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	c, err := net.Dial("tcp", addr)
	needNoErr(t, err)
	defer c.Close()
	body := linetest.WebhookBody(linetest.Destination, linetest.TextEvent(hookUser, "hello"))
	_, err = fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: %s\r\n%s: %s\r\nContent-Length: %d\r\n\r\n%s",
		hookURL, addr, line.SignatureHeader, linetest.SignBody(hookSecret, body), len(body), body[:len(body)/2])
	needNoErr(t, err)
	c.SetReadDeadline(time.Now().Add(safety))
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	needNoErr(t, err)
	wantEq(t, http.StatusRequestTimeout, res.StatusCode)
	wantTrue(t, res.Close, "the answer does not say the connection closes")
	wantEq(t, 0, len(h.store.recorded()))
}
