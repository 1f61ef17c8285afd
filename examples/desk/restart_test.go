package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// heldSends forwards to the platform, holding each reply and push for
// delay first. A held request reaches the platform even if its client is
// gone meanwhile (killed): LINE carries out what it has received.
type heldSends struct {
	proxy   *httputil.ReverseProxy
	delay   time.Duration
	replies chan struct{} // one value per reply request received
}

func (h *heldSends) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/v2/bot/message/reply" || r.URL.Path == "/v2/bot/message/push" {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
		defer cancel()
		r = r.WithContext(ctx)
		if r.URL.Path == "/v2/bot/message/reply" {
			select {
			case h.replies <- struct{}{}:
			default:
			}
		}
		time.Sleep(h.delay)
	}
	h.proxy.ServeHTTP(w, r)
}

// deskProcess is the desk binary running as a child process.
type deskProcess struct {
	cmd  *exec.Cmd
	logs *syncBuffer
	done chan struct{}
}

// startDesk runs the binary with env and returns once it listens.
func startDesk(t *testing.T, bin string, env []string) *deskProcess {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = env
	logs := &syncBuffer{}
	cmd.Stderr = logs
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &deskProcess{cmd: cmd, logs: logs, done: make(chan struct{})}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		once := sync.Once{}
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "open ") {
				once.Do(func() { close(ready) })
			}
		}
	}()
	go func() { cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			t.Logf("desk logs:\n%s", logs.String())
		}
	})
	select {
	case <-ready:
	case <-p.done:
		t.Fatalf("the desk exited at start: %s", logs.String())
	case <-time.After(60 * time.Second): // safety timeout
		t.Fatalf("the desk did not start in 60 s: %s", logs.String())
	}
	return p
}

// TestKill9AndRestartUnderTheSameInstanceResumesAtOnce builds the desk,
// runs it on PostgreSQL against a fake LINE platform, and kills it with
// kill -9 while its Welcome reply is held in flight and two more messages
// of the customer wait in the store behind it. Restarted with the same
// DESK_INSTANCE, the desk takes its dead predecessor's leases over at
// once: within 5 s the three messages are in the transcript once each, and
// the Welcome has reached the customer once (LINE carried the cut-off
// reply out; the retry with the same token finds it used and counts it
// delivered, instead of pushing a second copy).
func TestKill9AndRestartUnderTheSameInstanceResumesAtOnce(t *testing.T) {
	deskDSN := testSchema(t, "desk_kill", "the kill -9 test")
	ctx := context.Background()
	bin := filepath.Join(t.TempDir(), "desk")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	conn, err := pgx.Connect(ctx, deskDSN) // in the test's schema
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)

	p := linetest.New()
	t.Cleanup(p.Close)
	p.AddChannel(linetest.Channel{Token: testToken, Secret: testSecret, BotUserID: testBot, DisplayName: "Test OA", WebhookActive: true})
	const customer = "U-cust-kill"
	p.AddUser(linetest.User{ID: customer, DisplayName: "Mika"})
	target, _ := url.Parse(p.URL())
	held := &heldSends{proxy: httputil.NewSingleHostReverseProxy(target), delay: 1500 * time.Millisecond, replies: make(chan struct{}, 4)}
	api := httptest.NewServer(held)
	t.Cleanup(api.Close)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	hook := "http://" + addr + "/webhook/line/main"
	p.SetWebhook(testBot, hook, true)
	env := append(os.Environ(),
		"LINE_CHANNEL_SECRET="+testSecret, "LINE_CHANNEL_ACCESS_TOKEN="+testToken,
		"LINE_API_BASE="+api.URL, "LINE_DATA_API_BASE="+p.DataURL(),
		"DESK_ADDR="+addr, "DESK_DATABASE_URL="+deskDSN, "DESK_INSTANCE=desk-kill-test")

	post := func(events ...[]byte) {
		t.Helper()
		raw := make([]json.RawMessage, len(events))
		for i, e := range events {
			raw[i] = e
		}
		body := linetest.WebhookBody(testBot, raw...)
		req, _ := http.NewRequest(http.MethodPost, hook, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		req.Header.Set(line.SignatureHeader, linetest.SignBody(testSecret, body))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("webhook answered %d", res.StatusCode)
		}
	}
	event := func(n int) []byte {
		return linetest.TextEvent(customer, fmt.Sprintf("message %d", n),
			linetest.WithEventID(linetest.NewEventID()), linetest.WithMessageID(fmt.Sprintf("m-%d", n)),
			linetest.WithReplyToken(p.IssueReplyToken(testBot, customer)))
	}

	first := startDesk(t, bin, env)
	for _, req := range [][2]string{ // someone to ring, so that nothing but the Welcome is sent
		{"/api/staff", `{"id":"alice","first":"Alice"}`},
		{"/api/staff/alice/presence", `{"presence":"available"}`},
	} {
		res, err := http.Post("http://"+addr+req[0], "application/json", strings.NewReader(req[1]))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode >= 300 {
			t.Fatalf("POST %s: %s", req[0], res.Status)
		}
	}
	post(event(1))
	select {
	case <-held.replies: // the Welcome's reply is on its way, held
	case <-time.After(30 * time.Second): // safety timeout
		t.Fatalf("no reply went out: %s", first.logs.String())
	}
	post(event(2), event(3)) // the customer's worker is busy: these wait in the store
	if err := first.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-first.done

	var pendingEvents, heldTokens int
	if err := conn.QueryRow(ctx, "SELECT (SELECT count(*) FROM events WHERE NOT done), (SELECT count(*) FROM messages WHERE delivery_state = 'pending' AND reply_handle <> '')").Scan(&pendingEvents, &heldTokens); err != nil {
		t.Fatal(err)
	}
	if pendingEvents == 0 || heldTokens == 0 {
		t.Fatalf("the kill came too late for the test: %d events pending, %d sends holding a reply token", pendingEvents, heldTokens)
	}

	restarted := time.Now() // the process starts; its desk resumes while it checks LINE's set-up
	startDesk(t, bin, env)
	t.Logf("listening %s after the restart", time.Since(restarted).Round(time.Millisecond))
	deadline := restarted.Add(5 * time.Second)
	for {
		var inbound, distinct, pending, unsent int
		err := conn.QueryRow(ctx, "SELECT (SELECT count(*) FROM messages WHERE direction = 'in'), "+
			"(SELECT count(DISTINCT external_id) FROM messages WHERE direction = 'in'), "+
			"(SELECT count(*) FROM events WHERE NOT done), "+
			"(SELECT count(*) FROM messages WHERE direction = 'out' AND delivery_state <> 'sent')").Scan(&inbound, &distinct, &pending, &unsent)
		if err != nil {
			t.Fatal(err)
		}
		if inbound > 3 || distinct != inbound {
			t.Fatalf("%d inbound messages recorded (%d distinct), want each of 3 once", inbound, distinct)
		}
		if inbound == 3 && pending == 0 && unsent == 0 && len(p.Received(customer)) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not resumed within 5 s of the restart: %d of 3 messages in, %d events pending, %d outbound not sent, %d delivered", inbound, pending, unsent, len(p.Received(customer)))
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("resumed %s after the restart", time.Since(restarted).Round(time.Millisecond))
	time.Sleep(held.delay + 500*time.Millisecond) // let a second copy, if one was sent, land
	if got := p.Received(customer); len(got) != 1 || len(p.Pushes()) != 0 {
		t.Fatalf("the customer received %d messages (%d pushes): %+v; want the Welcome once, by reply", len(got), len(p.Pushes()), got)
	}
}

func TestConfigInstanceIsStableAcrossRestarts(t *testing.T) {
	host, err := os.Hostname()
	if err != nil || host == "" {
		t.Skip("this machine has no host name")
	}
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, host + ":8080"},
		{map[string]string{"DESK_ADDR": "127.0.0.1:9000"}, host + ":9000"},
		{map[string]string{"DESK_INSTANCE": "desk-0"}, "desk-0"},
	} {
		cfg, err := configFrom(func(k string) string { return tc.env[k] })
		if err != nil || cfg.Instance != tc.want {
			t.Errorf("configFrom(%v).Instance = %q, %v; want %q", tc.env, cfg.Instance, err, tc.want)
		}
	}
}
