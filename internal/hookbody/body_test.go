package hookbody_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/internal/hookbody"
)

// conn is a ResponseWriter with read deadlines, as net/http's is: it
// records each deadline set, in order.
type conn struct {
	*httptest.ResponseRecorder
	deadlines []time.Time
}

func (c *conn) SetReadDeadline(t time.Time) error {
	c.deadlines = append(c.deadlines, t)
	return nil
}

func newConn() *conn { return &conn{ResponseRecorder: httptest.NewRecorder()} }

// spy is a request body that records whether it was read.
type spy struct {
	r    io.Reader
	read bool
}

func (s *spy) Read(p []byte) (int, error) { s.read = true; return s.r.Read(p) }
func (s *spy) Close() error               { return nil }

func post(body io.Reader, length int64) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/hook", nil)
	r.Body = io.NopCloser(body)
	r.ContentLength = length
	return r
}

// handle runs Begin and Read as a webhook would, answering 200 with the
// body's length.
func handle(rw http.ResponseWriter, r *http.Request, lim hookbody.Limits) (body []byte, err error) {
	b, ok := hookbody.Begin(rw, r, lim)
	if !ok {
		return nil, errors.New("refused from the head")
	}
	body, err = b.Read()
	if err == nil {
		rw.WriteHeader(http.StatusOK)
	}
	return body, err
}

func TestTheHeadIsRefusedBeforeTheBodyIsRead(t *testing.T) {
	for _, tt := range []struct {
		name   string
		method string
		length int64
		want   int
	}{
		{"a method other than POST is 405", http.MethodPut, 10, 405},
		{"a declared length over the limit is 413", http.MethodPost, 101, 413},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body := &spy{r: strings.NewReader("0123456789")}
			r := post(nil, tt.length)
			r.Method, r.Body = tt.method, body
			c := newConn()
			start := time.Now()
			_, err := handle(c, r, hookbody.Limits{MaxBytes: 100, Timeout: time.Minute})
			if err == nil || c.Code != tt.want {
				t.Fatalf("answered %d, want %d", c.Code, tt.want)
			}
			if body.read {
				t.Error("the body was read")
			}
			if c.Header().Get("Connection") != "close" {
				t.Error("the connection is not closed after the refusal")
			}
			// The deadline is set first, then moved to now on refusal, so a
			// client that never sends the body holds nothing.
			if len(c.deadlines) != 2 || c.deadlines[0].Before(start.Add(time.Minute)) || c.deadlines[1].After(c.deadlines[0].Add(-50*time.Second)) {
				t.Errorf("deadlines %v, want the timeout's, then now", c.deadlines)
			}
		})
	}
}

func TestARefusalOfABodilessRequestKeepsTheConnection(t *testing.T) {
	c := newConn()
	b, ok := hookbody.Begin(c, post(strings.NewReader(""), 0), hookbody.Limits{})
	if !ok {
		t.Fatal("refused")
	}
	b.Refuse(http.StatusNotFound, "unknown channel")
	if c.Code != 404 || c.Header().Get("Connection") != "" || len(c.deadlines) != 1 {
		t.Errorf("answered %d, Connection %q, %d deadlines; want 404 on a kept connection", c.Code, c.Header().Get("Connection"), len(c.deadlines))
	}
}

func TestTheServersShorterReadTimeoutIsKept(t *testing.T) {
	r := post(strings.NewReader("{}"), 2)
	r = r.WithContext(context.WithValue(r.Context(), http.ServerContextKey, &http.Server{ReadTimeout: time.Second}))
	c := newConn()
	start := time.Now()
	if _, err := handle(c, r, hookbody.Limits{Timeout: time.Hour}); err != nil {
		t.Fatal(err)
	}
	if len(c.deadlines) != 1 || c.deadlines[0].After(start.Add(time.Minute)) {
		t.Errorf("deadlines %v, want the server's 1 s from the start", c.deadlines)
	}
}

func TestBodiesOfEverySizeArriveWhole(t *testing.T) {
	for _, size := range []int{0, 1, 4095, 4096, 4097, 8192, 100_000, hookbody.DefaultMaxBytes} {
		want := bytes.Repeat([]byte{'x'}, size)
		for _, length := range []int64{int64(size), -1} {
			c := newConn()
			got, err := handle(c, post(bytes.NewReader(want), length), hookbody.Limits{})
			if err != nil || !bytes.Equal(got, want) || c.Code != 200 {
				t.Errorf("%d bytes (declared %d): got %d bytes, %v", size, length, len(got), err)
			}
		}
	}
}

// A client that declares a large body and sends little of it costs what
// it sent, not what it declared.
func TestTheBufferGrowsWithWhatArrives(t *testing.T) {
	c := newConn()
	got, err := handle(c, post(io.MultiReader(strings.NewReader("{\"events\":"), errReader{os.ErrDeadlineExceeded}), 1<<20), hookbody.Limits{MaxBytes: 1 << 20})
	if err == nil || c.Code != http.StatusRequestTimeout {
		t.Fatalf("answered %d (%v), want 408", c.Code, err)
	}
	if len(got) != 10 || cap(got) > 4096 {
		t.Errorf("read %d bytes into a buffer of %d; want at most 4 KiB for a body declared 1 MiB", len(got), cap(got))
	}
	if c.Header().Get("Connection") != "close" || len(c.deadlines) != 2 {
		t.Error("a timed-out body does not close its connection at once")
	}
}

func TestBadBodiesAreAnsweredByWhatWentWrong(t *testing.T) {
	for _, tt := range []struct {
		name   string
		body   io.Reader
		length int64
		want   int
	}{
		{"one byte over the limit without a length is 413", strings.NewReader(strings.Repeat("x", 101)), -1, 413},
		{"more than declared is cut at the declared length", strings.NewReader("0123456789"), 5, 200},
		{"less than declared is 400", strings.NewReader("0123"), 5, 400},
		{"a connection error is 400", errReader{io.ErrClosedPipe}, 5, 400},
		{"a body past its deadline is 408", errReader{os.ErrDeadlineExceeded}, -1, 408},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newConn()
			_, err := handle(c, post(tt.body, tt.length), hookbody.Limits{MaxBytes: 100})
			if c.Code != tt.want || (err == nil) != (tt.want == 200) {
				t.Errorf("answered %d (%v), want %d", c.Code, err, tt.want)
			}
			if tt.want != 200 && c.Header().Get("Connection") != "close" {
				t.Error("the connection is kept after a bad body")
			}
		})
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func ExampleBegin() {
	handler := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		b, ok := hookbody.Begin(rw, r, hookbody.Limits{MaxBytes: 64 << 10})
		if !ok {
			return // 405 or 413, answered from the head
		}
		if r.Header.Get("X-Signature") == "" {
			b.Refuse(http.StatusUnauthorized, "invalid signature")
			return
		}
		body, err := b.Read()
		if err != nil {
			return // 413, 408 or 400, answered
		}
		_ = body // verify, parse, record
	})
	_ = handler
}
