package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/socialdesk/socialdesk/line/linetest"
)

const (
	testBot    = "U1111111111111111111111111111test"
	testSecret = "fedcba9876543210fedcba9876543210"
	testToken  = "test-access-token-do-not-log"
)

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

// failFirstPush forwards to the platform but answers the first push with
// LINE's 500, after recording its retry key.
type failFirstPush struct {
	proxy *httputil.ReverseProxy
	mu    sync.Mutex
	armed bool
	keys  []string
}

func (f *failFirstPush) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/v2/bot/message/push" {
		f.mu.Lock()
		f.keys = append(f.keys, r.Header.Get("X-Line-Retry-Key"))
		fail := f.armed
		f.armed = false
		f.mu.Unlock()
		if fail {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Line-Request-Id", "injected-500")
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, `{"message":"Internal server error"}`)
			return
		}
	}
	f.proxy.ServeHTTP(w, r)
}

type liveDesk struct {
	t        *testing.T
	platform *linetest.Platform
	faults   *failFirstPush
	ts       *httptest.Server
	srv      *server
	logs     *syncBuffer
}

// startRealMode runs the desk as with LINE credentials, against the fake
// platform (LINE_API_BASE / LINE_DATA_API_BASE), with staff alice and bob
// available, and returns it running.
func startRealMode(t *testing.T) *liveDesk {
	t.Helper()
	d := startLINE(t, nil)
	for _, id := range []string{"alice", "bob"} { // real mode starts with no staff: set them up as an admin would
		d.addStaff(id)
	}
	return d
}

// startLINE runs the desk as startRealMode does, with the environment
// variables extra besides, and no staff set up.
func startLINE(t *testing.T, extra map[string]string) *liveDesk {
	t.Helper()
	p := linetest.New()
	t.Cleanup(p.Close)
	p.AddChannel(linetest.Channel{Token: testToken, Secret: testSecret, BotUserID: testBot, DisplayName: "Test OA", WebhookActive: true})
	p.AddUser(linetest.User{ID: "U-cust-1", DisplayName: "Mika"})
	target, _ := url.Parse(p.URL())
	faults := &failFirstPush{proxy: httputil.NewSingleHostReverseProxy(target)}
	api := httptest.NewServer(faults)
	t.Cleanup(api.Close)

	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	env := map[string]string{
		"LINE_CHANNEL_SECRET": testSecret, "LINE_CHANNEL_ACCESS_TOKEN": testToken,
		"LINE_API_BASE": api.URL, "LINE_DATA_API_BASE": p.DataURL(), "DESK_ADDR": "127.0.0.1:0",
	}
	maps.Copy(env, extra)
	cfg, err := configFrom(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	srv, err := newServer(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	srv.baseURL = ts.URL
	p.SetWebhook(testBot, ts.URL+"/webhook/line/main", true)
	if err := srv.start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ts.Close()
		shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(shut)
		srv.Close()
		if t.Failed() {
			t.Logf("desk logs:\n%s", logs.String())
		}
	})
	return &liveDesk{t: t, platform: p, faults: faults, ts: ts, srv: srv, logs: logs}
}

// addStaff creates the staff account id through the staff API (the desk
// is open on loopback without DESK_TOKEN) and makes them available.
func (d *liveDesk) addStaff(id string) {
	d.t.Helper()
	if code, v := d.api("POST", "/api/staff", `{"id":"`+id+`","first":"`+strings.ToUpper(id[:1])+id[1:]+`"}`); code != http.StatusCreated {
		d.t.Fatalf("creating staff %s: %d %v", id, code, v)
	}
	if code, v := d.api("POST", "/api/staff/"+id+"/presence", `{"presence":"available"}`); code != http.StatusOK {
		d.t.Fatalf("making %s available: %d %v", id, code, v)
	}
}

func (d *liveDesk) webhook(body []byte, signature string) int {
	d.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, d.ts.URL+"/webhook/line/main", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set("X-Line-Signature", signature)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func (d *liveDesk) send(events ...json.RawMessage) int {
	body := linetest.WebhookBody(testBot, events...)
	return d.webhook(body, linetest.SignBody(testSecret, body))
}

func (d *liveDesk) api(method, path, body string, header ...string) (int, map[string]any) {
	d.t.Helper()
	req, _ := http.NewRequest(method, d.ts.URL+path, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]any
	json.NewDecoder(resp.Body).Decode(&v)
	return resp.StatusCode, v
}

// received returns the texts the customer has received, "reply:" or "push:" first.
func (d *liveDesk) received(user string) []string {
	var out []string
	for _, del := range append(d.platform.Replies(), d.platform.Pushes()...) {
		if del.To == user {
			for _, m := range del.Messages {
				out = append(out, del.Via+":"+m.Text)
			}
		}
	}
	return out
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (d *liveDesk) enquiries(query string) []map[string]any {
	_, v := d.api("GET", "/api/enquiries"+query, "")
	var out []map[string]any
	for _, e := range v["enquiries"].([]any) {
		out = append(out, e.(map[string]any))
	}
	return out
}

func (d *liveDesk) messages(id string) []map[string]any {
	_, v := d.api("GET", "/api/enquiries/"+id, "")
	var out []map[string]any
	for _, m := range v["messages"].([]any) {
		out = append(out, m.(map[string]any))
	}
	return out
}

func TestDeskLifecycleAgainstFakeLINE(t *testing.T) {
	d := startRealMode(t)
	const user = "U-cust-1"

	// LINE's Verify button: an empty event list, signed.
	verify := []byte(`{"destination":"` + testBot + `","events":[]}`)
	if got := d.webhook(verify, linetest.SignBody(testSecret, verify)); got != http.StatusOK {
		t.Fatalf("verify request: %d, want 200", got)
	}
	// Bad input at the door.
	if got := d.webhook(verify, linetest.SignBody("wrong-secret", verify)); got != http.StatusUnauthorized {
		t.Fatalf("bad signature: %d, want 401", got)
	}
	if got := d.webhook(verify, ""); got != http.StatusUnauthorized {
		t.Fatalf("missing signature: %d, want 401", got)
	}
	huge := bytes.Repeat([]byte(" "), 2<<20)
	if got := d.webhook(huge, linetest.SignBody(testSecret, huge)); got != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized body: %d, want 413", got)
	}
	bad := []byte(`{"destination":"x","events":[{"type":`)
	if got := d.webhook(bad, linetest.SignBody(testSecret, bad)); got != http.StatusBadRequest {
		t.Fatalf("malformed body: %d, want 400", got)
	}

	// First message: a new enquiry, Welcome by reply.
	first := linetest.TextEvent(user, "Hello, my parcel is late", linetest.WithReplyToken(d.platform.IssueReplyToken(testBot, user)))
	if got := d.send(first); got != http.StatusOK {
		t.Fatalf("first message: %d", got)
	}
	eventually(t, "the Welcome reply", func() bool { return len(d.received(user)) == 1 })
	if got := d.received(user)[0]; !strings.HasPrefix(got, "reply:") {
		t.Fatalf("first thing received: %q; want the Welcome by reply", got)
	}
	// Listed at once under the customer's ID; the name, looked up off the
	// customer's queue, follows.
	eventually(t, "the customer's name", func() bool {
		list := d.enquiries("?state=ringing")
		return len(list) == 1 && list[0]["customer"].(map[string]any)["name"] == "Mika"
	})
	list := d.enquiries("?state=ringing")
	if len(list) != 1 || list[0]["channel"] != "main" {
		t.Fatalf("ringing enquiries: %v", list)
	}
	id := list[0]["id"].(string)

	// LINE redelivers the same event: ignored.
	if got := d.send(first); got != http.StatusOK {
		t.Fatalf("redelivery: %d, want 200", got)
	}
	time.Sleep(200 * time.Millisecond)
	if n := len(d.messages(id)); n != 2 {
		t.Fatalf("after redelivery the transcript has %d messages, want 2 (message and Welcome)", n)
	}

	// Attend: first wins, the second gets 409.
	if code, v := d.api("POST", "/api/enquiries/"+id+"/attend", `{"staff":"alice"}`); code != http.StatusOK {
		t.Fatalf("attend: %d %v", code, v)
	}
	if code, v := d.api("POST", "/api/enquiries/"+id+"/attend", `{"staff":"bob"}`); code != http.StatusConflict {
		t.Fatalf("second attend: %d %v, want 409", code, v)
	}

	// A staff message goes by push; LINE's first answer is a 500 and the
	// retry carries the same retry key.
	d.faults.mu.Lock()
	d.faults.armed = true
	d.faults.mu.Unlock()
	code, v := d.api("POST", "/api/enquiries/"+id+"/messages", `{"staff":"alice","text":"Sorry about that, checking now."}`)
	if code != http.StatusOK && code != http.StatusAccepted {
		t.Fatalf("staff message: %d %v", code, v)
	}
	eventually(t, "the staff message", func() bool { return len(d.received(user)) == 2 })
	if got := d.received(user)[1]; got != "push:Sorry about that, checking now." {
		t.Fatalf("received %q", got)
	}
	d.faults.mu.Lock()
	keys := append([]string(nil), d.faults.keys...)
	d.faults.mu.Unlock()
	if len(keys) != 2 || keys[0] == "" || keys[0] != keys[1] {
		t.Fatalf("push retry keys %q; want two attempts with one key", keys)
	}

	// 5,000 UTF-16 units is refused with 422 and nothing is sent.
	code, v = d.api("POST", "/api/enquiries/"+id+"/messages", `{"staff":"alice","text":"`+strings.Repeat("a", 5000)+`"}`)
	if code != http.StatusUnprocessableEntity || v["error"].(map[string]any)["code"] != "text_too_long" {
		t.Fatalf("5,000-unit text: %d %v; want 422 text_too_long", code, v)
	}

	// The customer sends an image: downloaded, judged and shown.
	png, err := os.ReadFile("../../media/testdata/fixtures/ok.png")
	if err != nil {
		t.Fatal(err)
	}
	imgID := linetest.NewMessageID()
	d.platform.AddContent(imgID, linetest.Content{Data: png, ContentType: "image/png"})
	d.send(linetest.ImageEvent(user, linetest.WithMessageID(imgID)))
	var img map[string]any
	eventually(t, "the image in the transcript", func() bool {
		msgs := d.messages(id)
		img = msgs[len(msgs)-1]
		return img["kind"] == "image" && img["contentState"] == "available" // recorded at once, downloaded after
	})
	media := img["media"].(map[string]any)
	if media["format"] != "png" || int(media["size"].(float64)) != len(png) {
		t.Fatalf("image message: %v", img)
	}
	resp, err := http.Get(d.ts.URL + img["mediaUrl"].(string))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(got, png) {
		t.Fatalf("GET %s gave %d bytes, want the %d of the image", img["mediaUrl"], len(got), len(png))
	}

	// Close: the Close Enquiry message.
	if code, v := d.api("POST", "/api/enquiries/"+id+"/close", `{"staff":"alice"}`); code != http.StatusOK {
		t.Fatalf("close: %d %v", code, v)
	}
	eventually(t, "the Close message", func() bool { return len(d.received(user)) == 3 })
	if got := d.received(user)[2]; !strings.HasPrefix(got, "push:") || !strings.Contains(got, "closed") {
		t.Fatalf("after close the customer received %q", got)
	}

	// A new message opens a new enquiry, with a new Welcome.
	d.send(linetest.TextEvent(user, "One more question", linetest.WithReplyToken(d.platform.IssueReplyToken(testBot, user))))
	eventually(t, "a second Welcome", func() bool { return len(d.received(user)) == 4 })
	if all := d.enquiries(""); len(all) != 2 || all[0]["id"] == id || all[0]["state"] != "ringing" {
		t.Fatalf("enquiries after the new message: %v", all)
	}

	// No secret in any log line.
	logs := d.logs.String()
	for _, secret := range []string{testSecret, testToken} {
		if strings.Contains(logs, secret) {
			t.Fatalf("a secret is in the logs")
		}
	}
	if !strings.Contains(logs, "LINE check") {
		t.Fatalf("the diagnostics were not logged:\n%s", logs)
	}
}

func TestStaffAPINeedsTheTokenWhenSet(t *testing.T) {
	cfg, err := configFrom(func(k string) string {
		return map[string]string{"DESK_TOKEN": "t0k", "DESK_ADDR": "0.0.0.0:0"}[k]
	})
	if err != nil {
		t.Fatalf("a token allows a public address: %v", err)
	}
	srv, err := newServer(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	for _, tc := range []struct {
		auth string
		want int
	}{{"", 401}, {"Bearer nope", 401}, {"Bearer t0k", 200}} {
		req, _ := http.NewRequest("GET", ts.URL+"/api/enquiries", nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Fatalf("Authorization %q: %d, want %d", tc.auth, resp.StatusCode, tc.want)
		}
	}
}

func TestConfig(t *testing.T) {
	for _, tc := range []struct {
		env     map[string]string
		wantErr string
		demo    bool
	}{
		{map[string]string{}, "", true},
		{map[string]string{"DESK_ADDR": "0.0.0.0:8080"}, "DESK_TOKEN", false},
		{map[string]string{"DESK_ADDR": ":8080"}, "DESK_TOKEN", false},
		{map[string]string{"DESK_ADDR": "localhost:8080"}, "", true},
		{map[string]string{"DESK_ADDR": "[::1]:8080"}, "", true},
		{map[string]string{"LINE_CHANNEL_SECRET": "s"}, "both", false},
		{map[string]string{"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t"}, "", false},
	} {
		t.Run(fmt.Sprint(tc.env), func(t *testing.T) {
			cfg, err := configFrom(func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one mentioning %s", err, tc.wantErr)
				}
				return
			}
			if err != nil || cfg.Demo != tc.demo {
				t.Fatalf("cfg = %+v, %v", cfg, err)
			}
		})
	}
}

// testSchema creates a PostgreSQL schema of the test's own at
// SOCIALDESK_TEST_POSTGRES (skipping the test when that is unset, saying
// why) and returns a DSN whose search_path is that schema; the schema is
// dropped when the test ends. prefix names the test in the schema's name.
func testSchema(t *testing.T, prefix, skipping string) string {
	t.Helper()
	dsn := os.Getenv("SOCIALDESK_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("SOCIALDESK_TEST_POSTGRES is not set: skipping " + skipping + " (set it to a DSN, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("%s_%d", prefix, time.Now().UnixNano())
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		conn.Close(context.Background())
	})
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "search_path=" + schema
}

func TestDeskOnPostgreSQL(t *testing.T) {
	dsn := testSchema(t, "desk_test", "the desk on PostgreSQL")
	ctx := context.Background()
	cfg := config{Demo: true, Addr: "127.0.0.1:0", DatabaseURL: dsn}
	for run := range 2 { // the second run finds the demo channel kept from the first
		srv, err := newServer(ctx, cfg, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv.Handler())
		srv.baseURL = ts.URL
		if err := srv.start(ctx); err != nil {
			t.Fatal(err)
		}
		if status, v := call(t, ts, "POST", "/demo/customers/U-demo-yui/messages", fmt.Sprintf(`{"text":"run %d"}`, run)); status != 202 {
			t.Fatalf("send: %d %v", status, v)
		}
		eventually(t, "the enquiry in PostgreSQL", func() bool {
			_, v := call(t, ts, "GET", "/api/enquiries?channel=demo", "")
			list := v["enquiries"].([]any)
			if len(list) != 1 {
				return false
			}
			_, e := call(t, ts, "GET", "/api/enquiries/"+list[0].(map[string]any)["id"].(string), "")
			in := 0
			for _, m := range e["messages"].([]any) {
				if m.(map[string]any)["direction"] == "in" {
					in++
				}
			}
			return in == run+1
		})
		srv.http.EndStreams()
		ts.Close()
		srv.Shutdown(ctx)
		srv.Close()
	}
}
