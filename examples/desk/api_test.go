package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// demoDesk runs the desk in demo mode on a test server.
func demoDesk(t *testing.T) (*httptest.Server, *server) {
	t.Helper()
	srv, err := newServer(context.Background(), config{Demo: true, Addr: "127.0.0.1:0"}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	srv.baseURL = ts.URL
	if err := srv.start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.http.EndStreams()
		ts.Close()
		srv.Shutdown(context.Background())
		srv.Close()
	})
	return ts, srv
}

func call(t *testing.T, ts *httptest.Server, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]any
	json.NewDecoder(resp.Body).Decode(&v)
	return resp.StatusCode, v
}

func errCode(v map[string]any) string {
	e, _ := v["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func TestDeletingTheDemoChannelNeedsForce(t *testing.T) {
	ts, _ := demoDesk(t)
	call(t, ts, "POST", "/demo/customers/U-demo-yui/messages", `{"text":"hi"}`)
	eventually(t, "the enquiry", func() bool {
		_, v := call(t, ts, "GET", "/api/enquiries", "")
		return len(v["enquiries"].([]any)) == 1
	})
	if status, v := call(t, ts, "DELETE", "/api/channels/demo", ""); status != 409 || errCode(v) != "open_enquiries" {
		t.Fatalf("delete with an open enquiry: %d %v; want 409 open_enquiries", status, v)
	}
	if status, v := call(t, ts, "DELETE", "/api/channels/demo?force=true", ""); status != 200 {
		t.Fatalf("forced delete: %d %v", status, v)
	}
}

func TestEventsStreamTheLifecycle(t *testing.T) {
	ts, _ := demoDesk(t)
	resp, err := http.Get(ts.URL + "/api/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	call(t, ts, "POST", "/demo/customers/U-demo-ken/messages", `{"text":"hello"}`)
	timeout := time.After(10 * time.Second)
	for {
		select {
		case l := <-lines:
			if strings.HasPrefix(l, "data: ") && strings.Contains(l, `"enquiry.opened"`) && strings.Contains(l, "U-demo-ken") {
				return
			}
		case <-timeout:
			t.Fatal("no enquiry.opened event within 10 s")
		}
	}
}

func TestDemoCustomerPhone(t *testing.T) {
	ts, _ := demoDesk(t)
	png := base64PNG(t)
	for _, body := range []string{`{"text":"hi"}`, `{"sticker":{"package":"446","id":"1988"}}`, `{"image":"` + png + `"}`} {
		if status, v := call(t, ts, "POST", "/demo/customers/U-demo-ana/messages", body); status != 202 || v["ok"] != true {
			t.Fatalf("send %s: %d %v", body, status, v)
		}
	}
	var msgs []any
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		_, v := call(t, ts, "GET", "/demo/customers/U-demo-ana/messages", "")
		msgs = v["messages"].([]any)
		if len(msgs) >= 4 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(msgs) < 4 {
		t.Fatalf("phone shows %d messages, want 3 sent and the Welcome", len(msgs))
	}
	_, v := call(t, ts, "GET", "/api/enquiries?channel=demo", "")
	id := v["enquiries"].([]any)[0].(map[string]any)["id"].(string)
	deadline = time.Now().Add(10 * time.Second)
	var kinds []string
	for time.Now().Before(deadline) {
		_, e := call(t, ts, "GET", "/api/enquiries/"+id, "")
		kinds = kinds[:0]
		for _, m := range e["messages"].([]any) {
			if m.(map[string]any)["direction"] == "in" {
				kinds = append(kinds, m.(map[string]any)["kind"].(string))
			}
		}
		if len(kinds) == 3 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if strings.Join(kinds, ",") != "text,sticker,image" {
		t.Fatalf("inbound kinds %v, want text, sticker, image in order", kinds)
	}
	if status, _ := call(t, ts, "POST", "/demo/customers/U-nobody/messages", `{"text":"x"}`); status != 404 {
		t.Fatalf("unknown demo customer: %d", status)
	}
}

func base64PNG(t *testing.T) string {
	t.Helper()
	f, err := http.Dir("../../media/testdata/fixtures").Open("ok.png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b bytes.Buffer
	io.Copy(&b, f)
	return base64.StdEncoding.EncodeToString(b.Bytes())
}

func TestRunShutsDownCleanlyOnSignal(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, func(k string) string { return map[string]string{"DESK_ADDR": "127.0.0.1:0"}[k] }, &out, io.Discard)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "open http://") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v after the signal, want nil (exit 0)", err)
		}
	case <-time.After(25 * time.Second):
		t.Fatal("run did not return after the signal")
	}
}
