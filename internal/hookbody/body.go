package hookbody

import (
	"errors"
	"io"
	"net/http"
	"os"
	"time"
)

// Defaults of Limits' zero fields.
const (
	// DefaultMaxBytes is the largest body read: 1 MiB, far more than
	// platforms' webhook bodies.
	DefaultMaxBytes = 1 << 20
	// DefaultTimeout is how long reading a body may take.
	DefaultTimeout = 10 * time.Second
	// firstBuffer is a body's first allocation, at most.
	firstBuffer = 4 << 10
)

// Limits bounds the reading of one request. Its zero value means the
// documented defaults.
type Limits struct {
	// MaxBytes is the largest body accepted (default DefaultMaxBytes);
	// larger → 413, at once when the declared Content-Length is larger,
	// otherwise as soon as more arrives.
	MaxBytes int64
	// Timeout is how long reading the body may take from Begin (default
	// DefaultTimeout); when the http.Server's ReadTimeout is shorter, that
	// is used, so it is never extended. Not received in time → 408.
	Timeout time.Duration
}

// Body is one webhook request between Begin and its answer. It is used by
// the handler's goroutine only; it is not safe for concurrent use.
type Body struct {
	rw  http.ResponseWriter
	r   *http.Request
	rc  *http.ResponseController // nil: the writer has no read deadlines
	max int64
}

// Begin sets the read deadline of r's connection (from the real clock:
// deadlines are wall-clock times) and refuses what r's head tells without
// reading the body: a method other than POST → 405, a declared
// Content-Length over MaxBytes → 413. It reports false when it answered.
// With a ResponseWriter that has no read deadlines
// (httptest.ResponseRecorder), the body is later read without one.
func Begin(rw http.ResponseWriter, r *http.Request, lim Limits) (*Body, bool) {
	if lim.MaxBytes <= 0 {
		lim.MaxBytes = DefaultMaxBytes
	}
	if lim.Timeout <= 0 {
		lim.Timeout = DefaultTimeout
	}
	if s, ok := r.Context().Value(http.ServerContextKey).(*http.Server); ok && s.ReadTimeout > 0 && s.ReadTimeout < lim.Timeout {
		lim.Timeout = s.ReadTimeout
	}
	// The deadline comes first: it also bounds what net/http reads of the
	// body after an early answer (see Refuse).
	b := &Body{rw: rw, r: r, rc: http.NewResponseController(rw), max: lim.MaxBytes}
	if b.rc.SetReadDeadline(time.Now().Add(lim.Timeout)) != nil {
		b.rc = nil
	}
	if r.Method != http.MethodPost {
		rw.Header().Set("Allow", http.MethodPost)
		b.Refuse(http.StatusMethodNotAllowed, "use POST")
		return nil, false
	}
	if r.ContentLength > b.max {
		b.Refuse(http.StatusRequestEntityTooLarge, "request body too large")
		return nil, false
	}
	return b, true
}

// Refuse answers code with msg, leaving the rest of the body unread. If
// the request has a body, it also moves the read deadline to now and, on
// HTTP/1, asks for the connection to be closed after the answer:
// otherwise net/http, to keep the connection for another request, reads
// and discards up to 256 KiB of the unread body after the handler
// returns, and a client that stalls would hold the connection until the
// deadline. (On HTTP/2, "Connection: close" would end every stream on
// the connection; the handler's return ends this one.)
func (b *Body) Refuse(code int, msg string) {
	if b.r.ContentLength != 0 {
		if b.r.ProtoMajor == 1 {
			b.rw.Header().Set("Connection", "close")
		}
		if b.rc != nil {
			_ = b.rc.SetReadDeadline(time.Now())
		}
	}
	http.Error(b.rw, msg, code)
}

// Read reads the whole body, at most MaxBytes, into a buffer that grows
// with what arrives (at most 4 KiB at first, then doubling up to the
// declared length): a client that declares a large body and sends little
// of it costs what it sent. When it fails it has answered — more than
// MaxBytes → 413; not received in time → 408; cut off or otherwise
// unreadable → 400, each closing the connection — and returns what it
// read so far (for its length; never log it) and net/http's error, which
// holds none of the body's bytes.
func (b *Body) Read() ([]byte, error) {
	buf, err := b.read()
	if err == nil {
		return buf, nil
	}
	switch {
	case errors.As(err, new(*http.MaxBytesError)):
		b.Refuse(http.StatusRequestEntityTooLarge, "request body too large")
	case errors.Is(err, os.ErrDeadlineExceeded):
		b.Refuse(http.StatusRequestTimeout, "request body not received in time")
	default:
		b.Refuse(http.StatusBadRequest, "cannot read request body")
	}
	return buf, err
}

func (b *Body) read() ([]byte, error) {
	rd := http.MaxBytesReader(b.rw, b.r.Body, b.max)
	want := b.max + 1 // without a length: room to see it go over
	if b.r.ContentLength >= 0 {
		want = b.r.ContentLength
	}
	buf := make([]byte, 0, min(want, firstBuffer))
	for int64(len(buf)) < want {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(want, max(2*int64(cap(buf)), firstBuffer)))
			copy(grown, buf)
			buf = grown
		}
		n, err := rd.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			if b.r.ContentLength >= 0 && int64(len(buf)) < want {
				return buf, io.ErrUnexpectedEOF
			}
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}
