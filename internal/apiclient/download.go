package apiclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/socialdesk/socialdesk/internal/retry"
	"github.com/socialdesk/socialdesk/media"
)

// Download opens req (with retries, as Open) and streams the answer's
// body into put while check judges it, never holding it whole: check
// reads the body through a tee that hands each byte to put as it passes
// (through a pipe), and what check leaves unread is copied after it.
//
// With limit >= 0 the body may hold at most limit bytes: a Content-Length
// over it is refused before a byte is read, and a body that goes past it
// is cut there; both are a *media.Error with media.CodeTooLarge. A
// refusal by check is returned as check gave it; a body that breaks off
// is an *Error classified as no answer (retryable); put's own failure is
// returned wrapped. put's reader fails whenever the content is refused or
// cut, and put must then keep nothing. Download returns check's verdict
// and the bytes put stored. A limit < 0 leaves the bound to check.
func (c *Client) Download(ctx context.Context, req *Request, limit int64, check func(io.Reader) (media.Verdict, error), put func(io.Reader) (int64, error)) (media.Verdict, int64, error) {
	res, err := c.Open(ctx, req)
	if err != nil {
		return media.Verdict{}, 0, err
	}
	defer res.Body.Close()
	if size, err := strconv.ParseInt(res.Header.Get("Content-Length"), 10, 64); err == nil && limit >= 0 && size > limit {
		return media.Verdict{}, 0, tooLarge(limit)
	}
	body := &capReader{r: res.Body, left: limit}
	if limit < 0 {
		body.left = math.MaxInt64 - 1 // no bound of its own: check's
	}
	pr, pw := io.Pipe()
	type result struct {
		v   media.Verdict
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := check(io.TeeReader(body, pw))
		if err == nil {
			_, err = io.Copy(pw, body)
		}
		pw.CloseWithError(err) // nil: put sees EOF
		done <- result{v, err}
	}()
	n, perr := put(pr)
	pr.CloseWithError(errStopped) // unblock the writer if put stopped early
	r := <-done
	switch {
	case body.over:
		return r.v, n, tooLarge(limit)
	case body.err != nil: // the download broke
		e := &Error{Service: c.cfg.Service, Op: req.Op, Err: body.err}
		c.cfg.Classify(e, nil)
		return r.v, n, e
	case r.err != nil && !errors.Is(r.err, errStopped):
		return r.v, n, r.err
	case perr != nil:
		// A store that failed (full, unreachable) may take it later: the
		// connectors' fetchers try again, a bounded number of times.
		return r.v, n, retry.Error(fmt.Errorf("%s: %s: storing content: %w", c.cfg.Service, req.Op, perr), true)
	}
	return r.v, n, nil
}

var (
	errCapped  = errors.New("content exceeds the size limit")
	errStopped = errors.New("the content's store stopped reading")
)

func tooLarge(limit int64) *media.Error {
	return &media.Error{Code: media.CodeTooLarge, Reason: fmt.Sprintf("The content is larger than %d bytes, the most it may have.", limit)}
}

// capReader reads at most left bytes; one byte more sets over and fails. err is the first failure of r itself (not
// its end).
type capReader struct {
	r    io.Reader
	left int64
	over bool
	err  error
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.over {
		return 0, errCapped
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	if int64(n) > c.left {
		c.over = true
		return int(c.left), errCapped
	}
	c.left -= int64(n)
	if err != nil && err != io.EOF && c.err == nil {
		c.err = err
	}
	return n, err
}
