package e2e_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// marker is in every body the table sends: it must never come back in a
// response or appear in a log line.
const marker = "BODY-MARKER-5e1f"

// Settings of the webhook server for the table. The read timeout leaves
// room to read a 1 MiB body on a loaded machine with -race.
const (
	badReadTimeout    = 2 * time.Second
	badMaxHeaderBytes = 8 << 10
)

// TestBadInputAtTheHTTPBoundary sends bad requests to the real server and
// checks the status of each, that the event store holds exactly the
// events of the requests answered 200 (each once: nothing accepted twice
// or lost), that the desk got each of them once, and that no secret or
// request body appears in any response or log line.
//
// The handler does not look at Content-Type: LINE always sends
// application/json, and the signature over the raw bytes is what proves
// a request came from LINE, so a correctly signed body is accepted
// whatever its declared type.
func TestBadInputAtTheHTTPBoundary(t *testing.T) {
	t.Parallel()
	r := newRig(t, rigConfig{ReadTimeout: badReadTimeout, MaxHeaderBytes: badMaxHeaderBytes})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c := newCustomer(r, 0)
	url := r.server.URL + hookPath

	// next composes the customer's next message; its event is accepted
	// only by the cases that expect 200.
	var accepted []sent
	next := func() (sent, []byte) {
		m := c.compose(r, 1, 0)[0]
		c.msgs = c.msgs[:len(c.msgs)-1] // kept only once accepted
		m.text += " " + marker
		return m, linetest.WebhookBody(bot, c.event(m, false))
	}
	accept := func(m sent) { c.msgs = append(c.msgs, m); accepted = append(accepted, m) }

	send := func(t *testing.T, req *http.Request) (int, string) {
		t.Helper()
		res, err := r.lineHTTP.RoundTrip(req)
		if err != nil {
			t.Fatalf("request failed: %v", err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
		var h strings.Builder
		res.Header.Write(&h)
		return res.StatusCode, h.String() + "\n" + string(b)
	}
	signed := func(body []byte, sig string) *http.Request {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		if sig != "" {
			req.Header.Set(line.SignatureHeader, sig)
		}
		return req
	}
	deep := func(n int) []byte {
		return []byte(`{"destination":"` + marker + `","events":[` + strings.Repeat("[", n) + strings.Repeat("]", n) + `]}`)
	}
	deepInEvent := func(n int) []byte {
		ev := `{"type":"message","webhookEventId":"` + linetest.NewEventID() + `","timestamp":1,"mode":"active",` +
			`"source":{"type":"user","userId":"` + c.id + `"},"message":{"type":"text","id":"1","text":"` + marker + `","x":` +
			strings.Repeat(`{"a":`, n) + `0` + strings.Repeat(`}`, n) + `}}`
		return []byte(`{"destination":"` + bot + `","events":[` + ev + `]}`)
	}

	cases := []struct {
		name string
		want int
		do   func(t *testing.T) (status int, response string)
	}{
		{"a wrong signature is refused", http.StatusUnauthorized, func(t *testing.T) (int, string) {
			_, body := next()
			return send(t, signed(body, linetest.SignBody("not-the-secret", body)))
		}},
		{"a missing signature is refused", http.StatusUnauthorized, func(t *testing.T) (int, string) {
			_, body := next()
			return send(t, signed(body, ""))
		}},
		{"a signature of other bytes is refused", http.StatusUnauthorized, func(t *testing.T) (int, string) {
			_, body := next()
			return send(t, signed(body, linetest.SignBody(secret, append(body, ' '))))
		}},
		{"a signature that is not base64 is refused", http.StatusUnauthorized, func(t *testing.T) (int, string) {
			_, body := next()
			return send(t, signed(body, strings.Repeat("!", 44)))
		}},
		{"an oversized body is refused by its length", http.StatusRequestEntityTooLarge, func(t *testing.T) (int, string) {
			body := oversized()
			return send(t, signed(body, linetest.SignBody(secret, body)))
		}},
		{"an oversized chunked body is refused as it is read", http.StatusRequestEntityTooLarge, func(t *testing.T) (int, string) {
			body := oversized()
			req := signed(nil, linetest.SignBody(secret, body))
			req.Body = io.NopCloser(bytes.NewReader(body)) // no length: chunked
			req.ContentLength = -1
			return send(t, req)
		}},
		{"truncated JSON is refused", http.StatusBadRequest, func(t *testing.T) (int, string) {
			_, body := next()
			body = body[:len(body)/2]
			return send(t, signed(body, linetest.SignBody(secret, body)))
		}},
		{"deeply nested JSON is refused", http.StatusBadRequest, func(t *testing.T) (int, string) {
			body := deep(100_000)
			return send(t, signed(body, linetest.SignBody(secret, body)))
		}},
		{"an event nested past the JSON depth limit is refused", http.StatusBadRequest, func(t *testing.T) (int, string) {
			body := deepInEvent(20_000)
			return send(t, signed(body, linetest.SignBody(secret, body)))
		}},
		{"a signed empty body is refused", http.StatusBadRequest, func(t *testing.T) (int, string) {
			return send(t, signed([]byte{}, linetest.SignBody(secret, nil)))
		}},
		{"events that are not a list are refused", http.StatusBadRequest, func(t *testing.T) (int, string) {
			body := []byte(`{"destination":"` + bot + `","events":{"0":"` + marker + `"}}`)
			return send(t, signed(body, linetest.SignBody(secret, body)))
		}},
		{"an unknown channel is not found", http.StatusNotFound, func(t *testing.T) (int, string) {
			_, body := next()
			req := signed(body, linetest.SignBody(secret, body))
			req.URL.Path = "/webhook/line/nobody"
			return send(t, req)
		}},
		{"GET is not allowed", http.StatusMethodNotAllowed, func(t *testing.T) (int, string) {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			return send(t, req)
		}},
		{"huge headers are refused by net/http", http.StatusRequestHeaderFieldsTooLarge, func(t *testing.T) (int, string) {
			_, body := next()
			req := signed(body, linetest.SignBody(secret, body))
			req.Header.Set("X-Padding", strings.Repeat(marker, (4*badMaxHeaderBytes)/len(marker)))
			return send(t, req)
		}},
		// The handler's read hits the deadline: it answers 408 and the
		// server closes the connection.
		{"a slow-loris body is cut off by the read timeout", http.StatusRequestTimeout, func(t *testing.T) (int, string) {
			_, body := next()
			return slowLoris(t, r, body, len(body)/2, true)
		}},
		// Without a signature the body is never read: the answer comes
		// at once and the connection is closed.
		{"a slow-loris body without a signature is refused at once", http.StatusUnauthorized, func(t *testing.T) (int, string) {
			_, body := next()
			return slowLoris(t, r, body, len(body)/2, false)
		}},
		// net/http closes the connection without an answer (status 0).
		{"slow-loris headers are cut off by the read timeout", 0, func(t *testing.T) (int, string) {
			return slowLoris(t, r, nil, 0, true)
		}},
		{"LINE's verification request is answered", http.StatusOK, func(t *testing.T) (int, string) {
			body := linetest.WebhookBody(bot)
			return send(t, signed(body, linetest.SignBody(secret, body)))
		}},
		{"a signed body declared as text/plain is accepted: the signature decides", http.StatusOK, func(t *testing.T) (int, string) {
			m, body := next()
			req := signed(body, linetest.SignBody(secret, body))
			req.Header.Set("Content-Type", "text/plain")
			accept(m)
			return send(t, req)
		}},
		{"a body without Content-Type is accepted", http.StatusOK, func(t *testing.T) (int, string) {
			m, body := next()
			req := signed(body, linetest.SignBody(secret, body))
			req.Header.Del("Content-Type")
			accept(m)
			return send(t, req)
		}},
		{"the same event twice in one body is accepted once", http.StatusOK, func(t *testing.T) (int, string) {
			m, _ := next()
			ev := c.event(m, false)
			body := linetest.WebhookBody(bot, ev, ev)
			accept(m)
			return send(t, signed(body, linetest.SignBody(secret, body)))
		}},
		{"a redelivered event is answered and not accepted again", http.StatusOK, func(t *testing.T) (int, string) {
			body := linetest.WebhookBody(bot, c.event(accepted[0], true))
			return send(t, signed(body, linetest.SignBody(secret, body)))
		}},
		{"a redelivery in a batch with a new event accepts the new one", http.StatusOK, func(t *testing.T) (int, string) {
			m, _ := next()
			body := linetest.WebhookBody(bot, c.event(accepted[1], true), c.event(m, false))
			accept(m)
			return send(t, signed(body, linetest.SignBody(secret, body)))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := r.events.accepted()
			status, response := tc.do(t)
			if status != tc.want {
				t.Errorf("status %d, want %d (%q)", status, tc.want, tail(response, 200))
			}
			for what, s := range map[string]string{"the channel secret": secret, "the access token": token, "the request body": marker} {
				if strings.Contains(response, s) {
					t.Errorf("the response contains %s", what)
				}
			}
			if tc.want != http.StatusOK {
				if after := r.events.accepted(); len(after) != len(before) {
					t.Errorf("a refused request recorded events: %d before, %d after", len(before), len(after))
				}
			}
		})
	}

	// The store holds exactly the accepted events, each once, and the
	// desk has each message once, in order, with one Welcome.
	snap := r.settle(ctx, len(accepted))
	verify(t, r, snap, []*customer{c}, want{enquiries: 1, ordered: true})
	logs := r.logs.String()
	if strings.Contains(logs, marker) {
		t.Errorf("a request body appears in the logs")
	}
}

// slowLoris opens a connection and sends a request's headers (or, with
// body nil, only part of them), signed if signed, and the first n bytes
// of body, then stalls. The server must close the connection without
// accepting anything: once its ReadTimeout passes when it waits for the
// rest, at once when it refuses the request from its headers (unsigned).
// It returns the status the server answered, if any (0 if it closed
// without answering), and the answer.
func slowLoris(t *testing.T, r *rig, body []byte, n int, signed bool) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", r.server.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var head strings.Builder
	head.WriteString("POST " + hookPath + " HTTP/1.1\r\nHost: " + r.server.Listener.Addr().String() + "\r\n")
	if body != nil {
		head.WriteString("Content-Type: application/json\r\n")
		if signed {
			head.WriteString(line.SignatureHeader + ": " + linetest.SignBody(secret, body) + "\r\n")
		}
		head.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n")
		head.Write(body[:n])
	}
	if _, err := io.WriteString(conn, head.String()); err != nil {
		t.Fatal(err)
	}
	// Stall: never send the rest. The server must give up by itself.
	start := time.Now()
	conn.SetReadDeadline(start.Add(badReadTimeout + 5*time.Second))
	answer, err := io.ReadAll(conn)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("the server kept the stalled connection open for %v", time.Since(start))
	}
	if elapsed := time.Since(start); signed && elapsed < badReadTimeout/2 {
		t.Errorf("the connection ended after %v, before the read timeout", elapsed)
	}
	if len(answer) == 0 {
		return 0, ""
	}
	res, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(answer)), nil)
	if err != nil {
		return 0, string(answer)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// oversized returns a body a little over the webhook's 1 MiB limit.
func oversized() []byte {
	unit := []byte(marker + " ")
	return bytes.Repeat(unit, (line.DefaultMaxBodyBytes+64<<10)/len(unit))
}
