package deskhttp

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/routing"
)

// servedDesk is a Handler on a desk in memory, behind its own http.Server.
type servedDesk struct {
	h      *Handler
	desk   *enquiry.Desk
	feed   *enquiry.Feed
	roster *enquiry.Roster
	url    string // http://host:port
	addr   string // host:port
	logs   *syncBuffer
}

// syncBuffer is a bytes.Buffer safe for the logger's concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testConnector is a channel kind as a host would describe it.
var testConnector = Connector{Kind: "line", Name: "LINE", Webhook: "/webhook/line/{channel}", NeedsCredentials: "a LINE channel needs its channel secret and channel access token"}

// serveDesk starts a Handler configured by cfg (its Desk, Feed and
// Roster filled in: alice and bob, available; a sender that accepts
// everything) on a real http.Server, and stops it when the test ends.
func serveDesk(t *testing.T, cfg Config) *servedDesk {
	t.Helper()
	return serveDeskOn(t, cfg, nil)
}

// serveDeskOn is serveDesk whose desk sends through kinds instead, when
// kinds is not nil.
func serveDeskOn(t *testing.T, cfg Config, kinds map[string]enquiry.Kind) *servedDesk {
	t.Helper()
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	d := &servedDesk{feed: &enquiry.Feed{}, roster: &enquiry.Roster{}, logs: logs}
	for _, id := range []string{"alice", "bob"} {
		d.roster.Add(id, automsg.Staff{First: strings.ToUpper(id[:1]) + id[1:], Last: "Test"}, 0)
		d.roster.SetPresence(id, routing.Available)
	}
	sender := enquiry.SenderFunc(func(ctx context.Context, out enquiry.Outbound) (enquiry.Receipt, error) {
		return enquiry.Receipt{}, nil
	})
	blobs := &enquiry.MemBlobs{}
	desk, err := enquiry.New(enquiry.Config{Sender: sender, Kinds: kinds, Directory: d.roster, Sink: d.feed, Blobs: blobs, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	d.desk = desk
	cfg.Desk, cfg.Feed, cfg.Roster, cfg.Blobs, cfg.Logger = desk, d.feed, d.roster, blobs, log
	if cfg.Connectors == nil {
		cfg.Connectors = []Connector{testConnector}
	}
	if d.h, err = New(cfg); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: d.h, ReadHeaderTimeout: 10 * time.Second}
	hs.RegisterOnShutdown(d.h.EndStreams)
	go hs.Serve(ln)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { desk.Run(ctx) })
	wg.Go(func() { d.h.Run(ctx) })
	d.url, d.addr = "http://"+ln.Addr().String(), ln.Addr().String()
	t.Cleanup(func() {
		d.h.EndStreams()
		hs.Close()
		cancel()
		wg.Wait()
		if t.Failed() {
			t.Logf("desk logs:\n%s", logs.String())
		}
	})
	return d
}

// call sends a request with the header key: value pairs and answers the
// status and the JSON body. It fails t when the answer, or a request the
// API accepted, is not as the API reference (deskhttp/openapi.json) says.
func (d *servedDesk) call(t *testing.T, method, path, body string, header ...string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, d.url+path, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	checkResponse(t, req, res, raw)
	checkAcceptedRequest(t, req, body, res.StatusCode)
	var v map[string]any
	json.Unmarshal(raw, &v)
	return res.StatusCode, v
}

// errCode is the code of a JSON error body.
func errCode(v map[string]any) string {
	e, _ := v["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

// heapInUse returns the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
