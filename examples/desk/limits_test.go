package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"
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
func serveDesk(t *testing.T, cfg config, limits httpLimits, streams streamLimits) *servedDesk {
	t.Helper()
	if cfg.Secret == "" {
		cfg.Demo = true
	}
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ctx := context.Background()
	srv, err := newServer(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	srv.limits = limits
	srv.streams.limits = streams
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := srv.httpServer(srv.Handler(), log)
	go hs.Serve(ln)
	srv.baseURL = "http://" + ln.Addr().String()
	if err := srv.start(ctx); err != nil {
		hs.Close()
		srv.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.endStreams()
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
	d := serveDesk(t, config{}, httpLimits{ReadHeader: short, Body: short, Idle: short, MaxHeaderBytes: 4 << 10}, streamLimits{})

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

func TestTokenInTheQueryOnlyWhereABrowserCannotSendAHeader(t *testing.T) {
	const token = "t0k-right"
	d := serveDesk(t, config{Token: token, Addr: "0.0.0.0:0"}, httpLimits{}, streamLimits{})
	for _, tc := range []struct {
		name, method, path, auth string
		want                     int
	}{
		{"a POST with the right token in the query is refused", "POST", "/api/channels/demo/suspend?access_token=" + token, "", 401},
		{"a POST with the token in the header and the query is refused", "POST", "/api/channels/demo/resume?access_token=" + token, "Bearer " + token, 401},
		{"a POST with the token in the header passes", "POST", "/api/channels/demo/resume", "Bearer " + token, 200},
		{"a GET of the API with the token in the query is refused", "GET", "/api/enquiries?access_token=" + token, "", 401},
		{"the event stream takes the token in the query", "GET", "/api/events?access_token=" + token, "", 200},
		{"the event stream refuses a wrong token in the query", "GET", "/api/events?access_token=nope", "", 401},
		{"the event stream refuses no token", "GET", "/api/events", "", 401},
		{"media take the token in the query", "GET", "/api/media/no-such-key?access_token=" + token, "", 404},
		{"media refuse no token", "GET", "/api/media/no-such-key", "", 401},
		{"a POST to the event stream's path with the token in the query is refused", "POST", "/api/events?access_token=" + token, "", 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, d.url+tc.path, strings.NewReader(`{}`))
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close() // ends a stream
			if res.StatusCode != tc.want {
				t.Fatalf("%s %s: %s, want %d", tc.method, tc.path, res.Status, tc.want)
			}
		})
	}
}

// deadlineRecorder is a ResponseWriter that records the deadlines
// http.ResponseController sets on it.
type deadlineRecorder struct {
	http.ResponseWriter
	read, write []time.Time
}

func (d *deadlineRecorder) SetReadDeadline(t time.Time) error {
	d.read = append(d.read, t)
	return nil
}

func (d *deadlineRecorder) SetWriteDeadline(t time.Time) error {
	d.write = append(d.write, t)
	return nil
}

func TestEachRequestGetsItsDeadlines(t *testing.T) {
	s := &server{limits: httpLimits{Body: time.Minute, Write: time.Hour}}
	writes := func(w http.ResponseWriter, r *http.Request) {
		for range 3 {
			io.WriteString(w, "part")
		}
	}
	for _, tc := range []struct {
		name, method, path string
		reads, deadline    int // deadlines set by the middleware
	}{
		{"an API request gets a body deadline and one write deadline", "POST", "/api/enquiries/e1/attend", 1, 1},
		{"a webhook request too", "POST", "/webhook/line/main", 1, 1},
		{"a media download renews its write deadline before each write", "GET", "/api/media/k", 1, 4},
		{"the event stream is left to set its own", "GET", "/api/events", 0, 0},
		{"a POST to the event stream's path is not a stream: it gets deadlines", "POST", "/api/events", 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &deadlineRecorder{ResponseWriter: httptest.NewRecorder()}
			start := time.Now()
			s.withDeadlines(http.HandlerFunc(writes)).ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
			if len(rec.read) != tc.reads || len(rec.write) != tc.deadline {
				t.Fatalf("%d read and %d write deadlines, want %d and %d", len(rec.read), len(rec.write), tc.reads, tc.deadline)
			}
			for _, d := range rec.read {
				if d.Before(start.Add(time.Minute)) || d.After(time.Now().Add(time.Minute)) {
					t.Errorf("read deadline %v is not the body limit from now", d)
				}
			}
			for _, d := range rec.write {
				if d.Before(start.Add(time.Hour)) || d.After(time.Now().Add(time.Hour)) {
					t.Errorf("write deadline %v is not the write limit from now", d)
				}
			}
		})
	}
}
