package e2e_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/inbox"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// The channel every test serves. The secret and token are long and
// distinctive so a test can look for them in responses and logs.
const (
	bot       = "U0e2e0000000000000000000000000b0t"
	secret    = "e2e-secret-5f0c2b9a7d4e41c3a8f6b1d2e3c4a5b6"
	token     = "e2e-token-9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4e3d2c1b0a"
	channelID = "main"
	hookPath  = "/webhook/line/" + channelID
)

// Auto-message texts: each names the customer, so a customer's Welcome,
// Away and Close are told apart from everyone else's on the platform.
const (
	welcomeText = "Welcome {customer}!"
	awayText    = "Away {customer}."
	closeText   = "Goodbye {customer}."
)

// requestTimeout bounds one LINE API request of the rig's clients: long
// enough that a loaded machine (-race, 2 cores) does not time out on its
// own, short enough that an injected hang costs little. The clients'
// RetryDeadline leaves room for several hangs in a row: with a deadline
// of only two request timeouts, a hang followed by any 5xx leaves a reply
// uncertain (the defaults, 15 s and 30 s, are in that ratio).
const requestTimeout = time.Second

// rigConfig is what a test changes about the rig.
type rigConfig struct {
	// Faults are injected by the platform into every API call (Messaging
	// API and content), from the start.
	Faults linetest.Faults
	// ContentDelay makes the content API slow: the answer starts after
	// it, and the body trickles in 1 KiB pieces, each after a tenth of it.
	ContentDelay time.Duration
	// ReadTimeout and MaxHeaderBytes are the webhook server's.
	ReadTimeout    time.Duration
	MaxHeaderBytes int
	// SendDelay makes replies and pushes slow: each is forwarded to the
	// platform after it.
	SendDelay time.Duration
	// SendsOutliveClients makes a delayed reply or push reach the platform
	// even when its client gave up on it meanwhile (a process killed
	// mid-request): LINE carries out what it received.
	SendsOutliveClients bool
	// Lease is the desks' (default 12 s, longer than any send).
	Lease time.Duration
	// ContentTimeout bounds one content download's wait for an answer
	// (default 5 s, as the client's wait for response headers).
	ContentTimeout time.Duration
	// RequestTimeout is the LINE client's per request (default
	// requestTimeout, or twice SendDelay): a test that has the platform
	// hold answers (linetest.Latency) sets it longer than the hold.
	RequestTimeout time.Duration
	// Postgres puts the store in PostgreSQL (enquiry/postgres), in a
	// schema of the test's own, at the DSN in SOCIALDESK_TEST_POSTGRES;
	// the test is skipped when that is not set. Default: enquiry.MemStore.
	Postgres bool
}

// rig is one host: an HTTP server whose /webhook/line/{channel} is served
// by the current instance (a line.Webhook, an enquiry.Desk and a
// line.Client, as in examples/desk), on one store, against a fake LINE
// platform. Instances may be stopped and replaced while the server runs,
// as when a process restarts; while none serves, the webhook answers 503
// and LINE (the test) redelivers.
type rig struct {
	t        testing.TB
	cfg      rigConfig
	platform *linetest.Platform
	apiURL   string
	store    enquiry.Store
	events   *eventLog
	blobs    *enquiry.MemBlobs
	roster   *enquiry.Roster
	server   *httptest.Server
	dataURL  string
	logs     *syncBuffer
	log      *slog.Logger
	// lineHTTP is LINE's side: the client that posts webhooks.
	lineHTTP  *http.Transport
	customers sync.Map // user ID → display name, for the platform's profiles
	// delivered counts webhook requests answered 200.
	delivered atomic.Int64

	mu  sync.RWMutex // held for reading while a request is served
	cur *instance
	// replicas serve alongside cur, as more processes behind a load
	// balancer: requests go to each in turn.
	replicas []*instance
	turn     atomic.Uint64
}

// instance is one desk process: the desk, the webhook and the LINE
// client, with their goroutines.
type instance struct {
	name string
	// dead is set by kill: the instance's store calls fail from then on,
	// as a killed process records nothing more.
	dead      *atomic.Bool
	desk      *enquiry.Desk
	hook      *line.Webhook
	transport *http.Transport
	cancel    context.CancelFunc
	wg        sync.WaitGroup
}

func newRig(t testing.TB, cfg rigConfig) *rig {
	t.Helper()
	var store enquiry.Store = enquiry.NewMemStore()
	if cfg.Postgres {
		store = newPostgresStore(t)
	}
	p := linetest.New()
	p.AddChannel(linetest.Channel{Token: token, Secret: secret, BotUserID: bot, DisplayName: "E2E Shop", WebhookActive: true})
	p.SetFaults(cfg.Faults)

	r := &rig{
		t: t, cfg: cfg, platform: p, store: store, blobs: &enquiry.MemBlobs{}, roster: &enquiry.Roster{},
		logs: &syncBuffer{}, apiURL: p.URL(), dataURL: p.DataURL(),
		lineHTTP: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256},
	}
	r.events = &eventLog{Store: r.store.(inbox.Store), Leaser: r.store.(inbox.Leaser), fresh: map[string]int{}}
	r.log = slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r.roster.Add("staff-1", automsg.Staff{First: "Sam", Last: "Staff"}, 0)

	var content, api *httptest.Server
	if cfg.ContentDelay > 0 {
		content = httptest.NewServer(slowProxy(p.DataURL(), cfg.ContentDelay))
		r.dataURL = content.URL
	}
	if cfg.SendDelay > 0 {
		api = httptest.NewServer(delaySends(p.URL(), cfg.SendDelay, cfg.SendsOutliveClients))
		r.apiURL = api.URL
	}

	mux := http.NewServeMux()
	mux.HandleFunc("POST /webhook/line/{channel}", r.serveWebhook)
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.ReadTimeout = cfg.ReadTimeout
	srv.Config.MaxHeaderBytes = cfg.MaxHeaderBytes
	srv.Config.ErrorLog = slog.NewLogLogger(r.log.Handler(), slog.LevelWarn)
	srv.Start()
	r.server = srv
	p.SetWebhook(bot, srv.URL+hookPath, true)

	ctx := context.Background()
	if err := r.store.CreateChannel(ctx, enquiry.Channel{
		ID: channelID, Name: "E2E Shop", Kind: "line", Account: bot, State: enquiry.Active,
		Credentials: enquiry.Credentials{Secret: secret, Token: token},
		AutoMessages: automsg.Settings{
			Welcome: automsg.Message{On: true, Text: welcomeText},
			Away:    automsg.Message{On: true, Text: awayText},
			Close:   automsg.Message{On: true, Text: closeText},
		},
	}); err != nil {
		t.Fatal(err)
	}
	r.start("A", false)

	t.Cleanup(func() {
		r.stop(true)
		srv.Close()
		for _, s := range []*httptest.Server{content, api} {
			if s != nil {
				s.Close()
			}
		}
		p.Close()
		r.lineHTTP.CloseIdleConnections()
		if t.Failed() {
			if dir := os.Getenv("SOCIALDESK_E2E_LOGS"); dir != "" {
				name := filepath.Join(dir, strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())+".log")
				if err := os.WriteFile(name, []byte(r.logs.String()), 0o644); err == nil {
					t.Logf("logs written to %s", name)
					return
				}
			}
			t.Logf("logs (last 64 KiB; set SOCIALDESK_E2E_LOGS=dir for all):\n%s", tail(r.logs.String(), 64<<10))
		}
	})
	return r
}

// start runs a new instance on the rig's store and lets it serve; with
// replayFirst, only after it has processed what was left pending.
func (r *rig) start(name string, replayFirst bool) *instance {
	contentTimeout := cmp.Or(r.cfg.ContentTimeout, 5*time.Second)
	tr := &http.Transport{MaxIdleConnsPerHost: 256, ResponseHeaderTimeout: max(5*time.Second, contentTimeout)}
	log := r.log.With("instance", name)
	reqTimeout := requestTimeout
	if d := r.cfg.SendDelay; d >= reqTimeout {
		reqTimeout = 2 * d // a slow API, not a hanging one
	}
	if r.cfg.RequestTimeout > 0 {
		reqTimeout = r.cfg.RequestTimeout
	}
	client := line.NewClient(line.Config{
		APIBase: r.apiURL, DataAPIBase: r.dataURL, HTTPClient: &http.Client{Transport: tr},
		Logger: log, RequestTimeout: reqTimeout, RetryDeadline: 10 * time.Second, ContentTimeout: contentTimeout,
		BackoffBase: 5 * time.Millisecond, BackoffMax: 100 * time.Millisecond,
		// About one request in five fails here; with the client's default 5 attempts
		// a reply runs out of tries (ErrDeliveryUncertain) in roughly one
		// run in forty. 12 attempts, as line's own fault test uses, keeps
		// the suite about delivery, not about that bound.
		MaxAttempts: 12,
	})
	lease := r.cfg.Lease
	if lease <= 0 {
		lease = 12 * time.Second
	}
	dead := new(atomic.Bool)
	desk, err := enquiry.New(enquiry.Config{
		Store: &mortalStore{Store: r.store, dead: dead}, Sender: client, Directory: r.roster, Blobs: r.blobs, Logger: log,
		Instance: name,
		// The lease outlasts the client's longest send (RetryDeadline
		// plus one RequestTimeout), so no other instance takes over a
		// send still in progress.
		TickInterval: 50 * time.Millisecond, Lease: lease, DeliveryLease: lease,
	})
	if err != nil {
		r.t.Fatal(err)
	}
	hook := line.NewWebhook(line.WebhookConfig{
		Channels: desk, Events: &mortalEvents{eventLog: r.events, dead: dead}, Desk: desk, Content: client, Blobs: r.blobs, Logger: log,
		Inbox: inbox.Options{RetryInterval: 200 * time.Millisecond, Instance: name},
	})
	ctx, cancel := context.WithCancel(context.Background())
	in := &instance{name: name, dead: dead, desk: desk, hook: hook, transport: tr, cancel: cancel}
	in.wg.Go(func() { desk.Run(ctx) })
	in.wg.Go(func() { hook.Run(ctx) })
	if replayFirst {
		// Serve only once the events a previous instance left pending
		// are processed. A new event queued before Run's first sweep
		// would overtake the same customer's older pending ones: the
		// pool queues fresh events at once, and the sweep appends the
		// older ones behind them (see the report on issue 12).
		deadline := time.Now().Add(60 * time.Second)
		for r.pendingEvents(ctx) > 0 {
			if time.Now().After(deadline) {
				r.t.Fatalf("instance %s: pending events not replayed in 60 s", name)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	r.mu.Lock()
	r.cur = in
	r.mu.Unlock()
	return in
}

// addReplica runs another instance beside the current one, sharing its
// store, and sends it every other webhook request.
func (r *rig) addReplica(name string) {
	r.mu.Lock()
	cur := r.cur
	r.cur = nil // start makes the new one current; cur comes back below
	r.mu.Unlock()
	in := r.start(name, false)
	r.mu.Lock()
	r.cur = cur
	r.replicas = append(r.replicas, in)
	r.mu.Unlock()
	r.t.Cleanup(func() { in.cancel(); in.wg.Wait(); in.transport.CloseIdleConnections() })
}

// stop takes the current instance out of service, waiting for the
// requests it is serving, and stops it: graceful lets the webhook finish
// its queue first (Shutdown); otherwise its work is cut off mid-way, as
// when a process is killed, and what it had not finished stays pending
// in the store for the next instance.
func (r *rig) stop(graceful bool) {
	r.mu.Lock()
	in := r.cur
	r.cur = nil
	r.mu.Unlock()
	if in == nil {
		return
	}
	if graceful {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		if err := in.hook.Shutdown(ctx); err != nil {
			r.t.Errorf("instance %s: webhook shutdown: %v", in.name, err)
		}
		cancel()
	}
	in.cancel()
	in.wg.Wait()
	in.transport.CloseIdleConnections()
}

// kill ends the current instance as kill -9 ends a process: from this
// moment its store calls fail, so nothing it was doing is recorded (not
// even the outcome of a send cut off mid-request), and its requests to
// LINE are cut off. Its leases stay as they were, held by its name.
func (r *rig) kill() {
	r.mu.Lock()
	in := r.cur
	r.cur = nil
	r.mu.Unlock()
	if in == nil {
		return
	}
	in.dead.Store(true)
	in.cancel()
	in.wg.Wait()
	in.transport.CloseIdleConnections()
}

func (r *rig) serveWebhook(w http.ResponseWriter, req *http.Request) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.cur == nil {
		http.Error(w, "restarting", http.StatusServiceUnavailable)
		return
	}
	in := r.cur
	if n := uint64(len(r.replicas)); n > 0 {
		if i := r.turn.Add(1) % (n + 1); i > 0 {
			in = r.replicas[i-1]
		}
	}
	in.hook.ServeHTTP(w, req)
}

// desk returns the serving instance's desk.
func (r *rig) desk() *enquiry.Desk {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.cur == nil {
		r.t.Fatal("no instance is running")
	}
	return r.cur.desk
}

// addCustomer registers a LINE user with a profile name.
func (r *rig) addCustomer(id, name string) {
	r.platform.AddUser(linetest.User{ID: id, DisplayName: name})
	r.customers.Store(id, name)
}

// post sends one signed webhook request as LINE does and returns the
// status and body.
func (r *rig) post(ctx context.Context, body []byte) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.server.URL+hookPath, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set(line.SignatureHeader, linetest.SignBody(secret, body))
	res, err := r.lineHTTP.RoundTrip(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<16))
	return res.StatusCode, string(b), nil
}

// deliver posts events until LINE would consider them delivered (200),
// redelivering after a 5xx or a broken connection, as LINE does. LINE
// keeps redelivering for far longer; the rig gives up after 30 s of
// failures (a restart's 503s last a second or two here).
func (r *rig) deliver(ctx context.Context, events ...json.RawMessage) error {
	body := linetest.WebhookBody(bot, events...)
	giveUp := time.Now().Add(30 * time.Second)
	for attempt := 1; ; attempt++ {
		status, msg, err := r.post(ctx, body)
		switch {
		case err == nil && status == http.StatusOK:
			r.delivered.Add(1)
			return nil
		case err == nil && status < 500:
			return fmt.Errorf("webhook answered %d %q", status, msg)
		case time.Now().After(giveUp):
			return fmt.Errorf("webhook still failing after %d attempts in 30 s: %d %v", attempt, status, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// eventLog is the webhook's event store, counting what it accepted as new.
// It leases keys as the store does (both stores do).
type eventLog struct {
	inbox.Store
	inbox.Leaser
	mu    sync.Mutex
	fresh map[string]int // event ID → times accepted as new
	// slowReads delays PendingEvents, as a busy database would.
	slowReads atomic.Int64
}

func (l *eventLog) PendingEvents(ctx context.Context, before time.Time, limit int) ([]inbox.Record, error) {
	if d := time.Duration(l.slowReads.Load()); d > 0 {
		pause(ctx, d)
	}
	return l.Store.PendingEvents(ctx, before, limit)
}

func (l *eventLog) PendingUnleased(ctx context.Context, owner string, now, before time.Time, limit int) ([]inbox.Record, error) {
	if d := time.Duration(l.slowReads.Load()); d > 0 {
		pause(ctx, d)
	}
	return l.Leaser.PendingUnleased(ctx, owner, now, before, limit)
}

func (l *eventLog) AppendEvents(ctx context.Context, events []inbox.Record) ([]inbox.Record, error) {
	fresh, err := l.Store.AppendEvents(ctx, events)
	if err == nil {
		l.mu.Lock()
		for _, e := range fresh {
			l.fresh[e.ID]++
		}
		l.mu.Unlock()
	}
	return fresh, err
}

// accepted returns how often each event was recorded as new.
func (l *eventLog) accepted() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]int, len(l.fresh))
	for k, v := range l.fresh {
		out[k] = v
	}
	return out
}

// pendingEvents counts recorded events not yet processed.
func (r *rig) pendingEvents(ctx context.Context) int {
	ev, err := r.events.Store.PendingEvents(ctx, time.Now().Add(time.Hour), 1<<20)
	if err != nil {
		r.t.Fatal(err)
	}
	return len(ev)
}

// conversation is one customer's enquiries, oldest first, each with its
// whole transcript.
type conversation struct {
	customer  string
	enquiries []enquiry.Enquiry
	messages  [][]enquiry.Message
}

// snapshot reads every enquiry of the channel and its transcript.
func (r *rig) snapshot(ctx context.Context) map[string]*conversation {
	list, err := r.store.Enquiries(ctx, enquiry.Filter{Channel: channelID, Limit: 1 << 30})
	if err != nil {
		r.t.Fatal(err)
	}
	slices.SortFunc(list, func(a, b enquiry.Enquiry) int { return a.Opened.Compare(b.Opened) })
	out := map[string]*conversation{}
	for _, e := range list {
		c := out[e.Customer.ID]
		if c == nil {
			c = &conversation{customer: e.Customer.ID}
			out[e.Customer.ID] = c
		}
		var msgs []enquiry.Message
		for after := int64(0); ; {
			page, err := r.store.Messages(ctx, e.ID, after, 500)
			if err != nil {
				r.t.Fatal(err)
			}
			msgs = append(msgs, page...)
			if len(page) < 500 {
				break
			}
			after = page[len(page)-1].Seq
		}
		c.enquiries = append(c.enquiries, e)
		c.messages = append(c.messages, msgs)
	}
	return out
}

// settle waits until every recorded event is processed, the store holds
// inbound messages (non-notes) from customers, no outbound message is
// pending, and no inbound message's content is still being fetched
// (enquiry.ContentPending), then returns the snapshot.
func (r *rig) settle(ctx context.Context, inbound int) map[string]*conversation {
	r.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		snap := r.snapshot(ctx)
		in, pending := 0, 0
		for _, c := range snap {
			for _, msgs := range c.messages {
				for _, m := range msgs {
					switch {
					case m.Direction == enquiry.In:
						in++
						if m.Content.State == enquiry.ContentPending {
							pending++
						}
					case m.Delivery != nil && m.Delivery.State == enquiry.Pending:
						pending++
					}
				}
			}
		}
		events := r.pendingEvents(ctx)
		if in >= inbound && pending == 0 && events == 0 {
			return snap
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("not settled after 90 s: %d of %d inbound messages, %d pending (outbound, or content), %d events pending", in, inbound, pending, events)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// slowProxy forwards to the content API slowly: the answer starts after
// delay and its body trickles in 1 KiB pieces, a tenth of delay apart.
func slowProxy(target string, delay time.Duration) http.Handler {
	u, err := url.Parse(target)
	if err != nil {
		panic(err)
	}
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, err := http.NewRequestWithContext(r.Context(), r.Method, u.String()+r.URL.RequestURI(), nil)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		req.Header = r.Header.Clone()
		res, err := hc.Do(req)
		if err != nil {
			http.Error(w, "upstream failed", http.StatusBadGateway)
			return
		}
		defer res.Body.Close()
		if !pause(r.Context(), delay) {
			return
		}
		for k, v := range res.Header {
			if k != "Content-Length" {
				w.Header()[k] = v
			}
		}
		w.WriteHeader(res.StatusCode)
		buf := make([]byte, 1024)
		for {
			n, err := res.Body.Read(buf)
			if n > 0 {
				w.Write(buf[:n])
				w.(http.Flusher).Flush()
				if !pause(r.Context(), delay/10) {
					return
				}
			}
			if err != nil {
				return
			}
		}
	})
}

// delaySends forwards to the Messaging API, holding replies and pushes
// for delay first; with outlive, even when the client has gone meanwhile.
func delaySends(target string, delay time.Duration, outlive bool) http.Handler {
	u, err := url.Parse(target)
	if err != nil {
		panic(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.Transport = &http.Transport{DisableKeepAlives: true}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v2/bot/message/reply" || r.URL.Path == "/v2/bot/message/push" {
			// Read the body first: only then does the server watch the
			// connection and end r's context when the client goes away.
			body, err := io.ReadAll(r.Body)
			if err != nil {
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			if outlive {
				// A context that can end (so the proxy does not watch the
				// connection instead) but does not when the client goes.
				ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
				defer cancel()
				r = r.WithContext(ctx)
			}
			if !pause(r.Context(), delay) {
				return
			}
		}
		proxy.ServeHTTP(w, r)
	})
}

func pause(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// pngImage returns a PNG of n×n pixels, different for each seed.
func pngImage(n int, seed byte) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	for y := range n {
		for x := range n {
			img.Set(x, y, color.NRGBA{byte(x*7) ^ seed, byte(y*13) + seed, byte(x*y) ^ seed, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
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

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
