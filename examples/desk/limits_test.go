package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/deskhttp"
)

// servedDesk is the desk behind its own http.Server, as run starts it,
// with test limits.
type servedDesk struct {
	srv  *server
	url  string // http://host:port
	addr string // host:port
}

// serveDesk starts the desk (demo mode unless cfg says otherwise) on a
// real http.Server with the given limits, and stops it when the test ends.
func serveDesk(t *testing.T, cfg config, limits deskhttp.Limits, streams deskhttp.StreamLimits) *servedDesk {
	t.Helper()
	if !cfg.Line {
		cfg.Demo = true
	}
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ctx := context.Background()
	limits.Streams = streams
	cfg.limits = limits
	srv, err := newServer(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := srv.http.Server(srv.Handler())
	go hs.Serve(ln)
	srv.baseURL = "http://" + ln.Addr().String()
	if err := srv.start(ctx); err != nil {
		hs.Close()
		srv.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.http.EndStreams()
		hs.Close()
		shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(shut)
		srv.Close()
		if t.Failed() {
			t.Logf("desk logs:\n%s", logs.String())
		}
	})
	return &servedDesk{srv: srv, url: srv.baseURL, addr: ln.Addr().String()}
}

// dial opens a raw connection to the desk and writes request (which may
// stop anywhere) on it.
func (d *servedDesk) dial(t *testing.T, request string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", d.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := io.WriteString(c, request); err != nil {
		t.Fatal(err)
	}
	return c
}

// closedByServer reads c until the server closes it, discarding what it
// sends, and reports whether it did within the safety timeout.
func closedByServer(c net.Conn, safety time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(safety))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// heapInUse returns the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func TestHTTPServerClosesConnectionsThatHoldItUp(t *testing.T) {
	const short = 200 * time.Millisecond
	const safety = 10 * time.Second // far beyond the limits: only a hung test ends here
	d := serveDesk(t, config{}, deskhttp.Limits{ReadHeader: short, Body: short, Idle: short, MaxHeaderBytes: 4 << 10}, deskhttp.StreamLimits{})

	t.Run("an idle keep-alive connection is closed after IdleTimeout", func(t *testing.T) {
		c := d.dial(t, "GET /api/config HTTP/1.1\r\nHost: desk\r\n\r\n")
		br := bufio.NewReader(c)
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Close {
			t.Fatalf("first request: %s, close %v; want 200 on a kept-alive connection", res.Status, res.Close)
		}
		c.SetReadDeadline(time.Now().Add(safety))
		if _, err := br.ReadByte(); !errors.Is(err, io.EOF) {
			t.Fatalf("reading the idle connection: %v; want EOF, the server closing it", err)
		}
	})
	t.Run("a header that never ends is cut off after ReadHeaderTimeout", func(t *testing.T) {
		c := d.dial(t, "GET /api/config HTTP/1.1\r\nHost: desk\r\nX-Slow: ")
		if !closedByServer(c, safety) {
			t.Fatalf("the connection was still open after %s", safety)
		}
	})
	t.Run("a body that stalls is cut off after the body deadline", func(t *testing.T) {
		c := d.dial(t, "POST /api/channels HTTP/1.1\r\nHost: desk\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"id\":")
		if !closedByServer(c, safety) {
			t.Fatalf("the connection was still open after %s", safety)
		}
	})
	t.Run("a header over MaxHeaderBytes is refused with 431", func(t *testing.T) {
		c := d.dial(t, "GET /api/config HTTP/1.1\r\nHost: desk\r\nX-Big: "+strings.Repeat("a", 16<<10)+"\r\n\r\n")
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Fatalf("status %s, want 431", res.Status)
		}
	})
	t.Run("a request within the limits is answered", func(t *testing.T) {
		res, err := http.Get(d.url + "/api/staff")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET /api/staff: %s", res.Status)
		}
	})
}
