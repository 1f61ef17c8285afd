package apiclient

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/internal/backoff"
	"github.com/socialdesk/socialdesk/internal/retry"
)

type token string

func (t token) Reveal() string { return string(t) }

// seen is what a test server received.
type seen struct {
	mu       sync.Mutex
	bodies   []string
	keys     []string
	auth     []string
	attempts int
}

// server answers the n-th request (from 0) with answer(n, w).
func server(t *testing.T, answer func(n int, w http.ResponseWriter)) (*httptest.Server, *seen) {
	t.Helper()
	s := &seen{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		n := s.attempts
		s.attempts++
		s.bodies = append(s.bodies, string(b))
		s.keys = append(s.keys, r.Header.Get("X-Retry-Key"))
		s.auth = append(s.auth, r.Header.Get("Authorization"))
		s.mu.Unlock()
		answer(n, w)
	}))
	t.Cleanup(srv.Close)
	return srv, s
}

func request(url string) *Request {
	return &Request{Op: "push", Endpoint: "POST /push", Method: http.MethodPost, URL: url, Channel: "ch",
		Token: token("tok-secret"), Body: []byte(`{"to":"U1"}`), Header: map[string]string{"X-Retry-Key": "key-1"}}
}

var noJitter = backoff.Policy{Base: time.Second, Max: 10 * time.Second}

func TestServerErrorsAreRetriedWithTheSameRequest(t *testing.T) {
	srv, s := server(t, func(n int, w http.ResponseWriter) {
		if n < 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("X-Request-Id", "req-3")
	})
	c, _, waits := fakeClient(Config{Service: "svc", Backoff: noJitter, RequestIDHeader: "X-Request-Id"})
	res, err := c.Send(context.Background(), request(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	if res.RequestID != "req-3" || s.attempts != 3 {
		t.Fatalf("request ID %q after %d attempts, want req-3 after 3", res.RequestID, s.attempts)
	}
	for i := range 3 {
		if s.bodies[i] != `{"to":"U1"}` || s.keys[i] != "key-1" || s.auth[i] != "Bearer tok-secret" {
			t.Errorf("attempt %d sent body %q, retry key %q, auth %q: not the same request", i+1, s.bodies[i], s.keys[i], s.auth[i])
		}
	}
	if w := waits(); len(w) != 2 || w[0] != time.Second || w[1] != 2*time.Second {
		t.Errorf("waits %v, want the backoff's [1s 2s]", w)
	}
}

func TestRetryAfterIsHonouredUntilTheDeadline(t *testing.T) {
	srv, s := server(t, func(n int, w http.ResponseWriter) {
		w.Header().Set("Retry-After", "3")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	c, _, waits := fakeClient(Config{Backoff: noJitter, RetryDeadline: 7 * time.Second})
	_, err := c.Send(context.Background(), request(srv.URL))
	var e *Error
	if !errors.As(err, &e) || e.Status != 429 || !retry.Retryable(err) || e.RetryAfter != 3*time.Second {
		t.Fatalf("got %v, want a retryable 429 asking for 3s", err)
	}
	// 0 s, 3 s, 6 s; a fourth at 9 s would pass the deadline.
	if s.attempts != 3 {
		t.Errorf("%d attempts, want 3", s.attempts)
	}
	if w := waits(); len(w) != 2 || w[0] != 3*time.Second || w[1] != 3*time.Second {
		t.Errorf("waits %v, want Retry-After's [3s 3s] over the backoff", w)
	}
}

func TestPermanentRefusalsAreNotRetried(t *testing.T) {
	srv, s := server(t, func(n int, w http.ResponseWriter) { w.WriteHeader(http.StatusBadRequest) })
	c, _, _ := fakeClient(Config{})
	_, err := c.Send(context.Background(), request(srv.URL))
	if retry.Retryable(err) || s.attempts != 1 {
		t.Fatalf("got %v after %d attempts, want a permanent error after 1", err, s.attempts)
	}
	if err.Error() != "push: 400: Bad Request" {
		t.Errorf("message %q, want the status text", err.Error())
	}
}

// A refusal's body reaches Classify bounded, and neither it nor the token
// appears in the error, however the platform words it.
func TestErrorsHoldNoBodyAndNoToken(t *testing.T) {
	huge := strings.Repeat("tok-secret body ", 1<<16)
	srv, _ := server(t, func(n int, w http.ResponseWriter) {
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, huge)
	})
	var got int
	c, _, _ := fakeClient(Config{Service: "svc", Classify: func(e *Error, body []byte) { got = len(body); Classify(e) }})
	_, err := c.Send(context.Background(), request(srv.URL))
	if err == nil {
		t.Fatal("a 403 succeeded")
	}
	if got == 0 || got > MaxErrorBody {
		t.Errorf("Classify got %d bytes of the body, want 1..%d", got, MaxErrorBody)
	}
	if strings.Contains(err.Error(), "tok-secret") || strings.Contains(err.Error(), "body") {
		t.Errorf("error %q holds the body or the token", err.Error())
	}
}

// A transport error drops the URL, which may carry a signed query, and a
// failed dial never reached the platform, so it is not uncertain.
func TestTransportErrorsDropTheURL(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens: the dial fails
	c, _, _ := fakeClient(Config{MaxAttempts: 2, Backoff: noJitter})
	_, err = c.Send(context.Background(), request("http://"+addr+"/content?sig=query-secret"))
	var e *Error
	if !errors.As(err, &e) || e.Status != 0 || !e.Retryable() || e.Uncertain {
		t.Fatalf("got %#v, want a retryable transport error that is not uncertain", err)
	}
	if strings.Contains(err.Error(), "query-secret") {
		t.Errorf("error %q holds the URL's query", err.Error())
	}
}

func TestUnreadableAnswersAreRetried(t *testing.T) {
	srv, s := server(t, func(n int, w http.ResponseWriter) {
		if n == 0 {
			io.WriteString(w, "<html>")
			return
		}
		io.WriteString(w, `{"name":"bot"}`)
	})
	c, _, _ := fakeClient(Config{Backoff: noJitter})
	var v struct{ Name string }
	if _, err := c.JSON(context.Background(), request(srv.URL), &v); err != nil || v.Name != "bot" || s.attempts != 2 {
		t.Fatalf("got %v, %+v after %d attempts; want bot after 2", err, v, s.attempts)
	}
}

// Retries are logged with the channel, operation, attempt and status,
// never the token or the body.
func TestRetriesAreLoggedWithoutSecrets(t *testing.T) {
	srv, _ := server(t, func(n int, w http.ResponseWriter) {
		if n == 0 {
			w.WriteHeader(http.StatusBadGateway)
		}
	})
	var buf bytes.Buffer
	c, _, _ := fakeClient(Config{Service: "svc", Backoff: noJitter, Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	if _, err := c.Send(context.Background(), request(srv.URL)); err != nil {
		t.Fatal(err)
	}
	log := buf.String()
	for _, want := range []string{"svc: retrying", "channel=ch", "op=push", "attempt=1", "status=502"} {
		if !strings.Contains(log, want) {
			t.Errorf("log %q lacks %q", log, want)
		}
	}
	if strings.Contains(log, "tok-secret") || strings.Contains(log, "U1") {
		t.Errorf("log %q holds the token or the body", log)
	}
}

func TestRetryAfterReadsSecondsAndDates(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"3":                             3 * time.Second,
		"Thu, 01 Jan 2026 00:00:10 GMT": 10 * time.Second,
		"Wed, 31 Dec 2025 00:00:00 GMT": 0,
		"9999999":                       time.Hour, // capped
		"-1":                            0,
		"soon":                          0,
	} {
		h := http.Header{}
		h.Set("Retry-After", v)
		if got := RetryAfter(h, now); got != want {
			t.Errorf("Retry-After %q: %v, want %v", v, got, want)
		}
	}
}

// FuzzRefusal feeds arbitrary refusals to the default Classify: it never
// panics and keeps no more than it bounds.
func FuzzRefusal(f *testing.F) {
	f.Add(400, `{"message":"x","details":[{"message":"a","property":"b"}]}`, "3")
	f.Add(500, `not json`, "Thu, 01 Jan 2026 00:00:10 GMT")
	f.Add(429, `{"details":null}`, "-1")
	c := New(Config{})
	f.Fuzz(func(t *testing.T, status int, body, retryAfter string) {
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		e := c.Refusal("op", status, h, []byte(body))
		_ = e.Error()
		if len(e.Details) > maxDetails || e.RetryAfter < 0 || e.RetryAfter > time.Hour {
			t.Fatalf("kept %d details, Retry-After %v", len(e.Details), e.RetryAfter)
		}
	})
}

// A send that may have been carried out is reported uncertain: not
// retried, matching the connector's sentinel and the cause, and saying so.
func TestAsUncertain(t *testing.T) {
	sentinel := errors.New("svc: delivery uncertain: not sent again")
	server := errors.New("svc: platform error")
	e := (&Error{Service: "svc", Op: "send", Status: 500, Message: "oops", Err: server, Transient: true, Uncertain: true}).AsUncertain(sentinel)
	if !errors.Is(e, sentinel) || !errors.Is(e, server) || retry.Retryable(e) {
		t.Fatalf("got %v (retryable %v), want a permanent error matching the sentinel and the cause", e, retry.Retryable(e))
	}
	if got, want := e.Error(), "svc: send: 500: oops; delivery uncertain: not sent again"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	bare := (&Error{Service: "svc", Op: "send"}).AsUncertain(sentinel)
	if !errors.Is(bare, sentinel) || bare.Error() != "svc: send: svc: delivery uncertain: not sent again" {
		t.Errorf("without a cause: %q", bare.Error())
	}
}

func TestSentinelsClassifyByStatus(t *testing.T) {
	s := Sentinels{Transport: errors.New("transport"), Unauthorized: errors.New("unauthorized"), Forbidden: errors.New("forbidden"),
		NotFound: errors.New("not found"), RateLimited: errors.New("rate limited"), Server: errors.New("server"), BadRequest: errors.New("bad request")}
	for _, tc := range []struct {
		status    int
		want      error
		retryable bool
	}{
		{0, s.Transport, true}, {400, s.BadRequest, false}, {401, s.Unauthorized, false}, {403, s.Forbidden, false},
		{404, s.NotFound, false}, {410, s.NotFound, false}, {413, s.BadRequest, false}, {429, s.RateLimited, true},
		{500, s.Server, true}, {503, s.Server, true},
	} {
		e := &Error{Status: tc.status, Err: io.ErrUnexpectedEOF}
		s.Classify(e)
		if !errors.Is(e, tc.want) || e.Retryable() != tc.retryable {
			t.Errorf("%d: got %v (retryable %v), want %v (retryable %v)", tc.status, e.Err, e.Retryable(), tc.want, tc.retryable)
		}
	}
	e := &Error{Status: 0, Err: io.ErrUnexpectedEOF}
	s.Classify(e)
	if !errors.Is(e, io.ErrUnexpectedEOF) {
		t.Errorf("no answer: %v lost the transport error", e.Err)
	}
	e = &Error{Status: 403}
	Sentinels{BadRequest: s.BadRequest}.Classify(e)
	if !errors.Is(e, s.BadRequest) {
		t.Errorf("403 without a Forbidden sentinel: %v, want the bad request one", e.Err)
	}
}
