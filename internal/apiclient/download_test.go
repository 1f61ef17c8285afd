package apiclient

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/internal/retry"
	"github.com/socialdesk/socialdesk/media"
)

// kept is a put that keeps the content only when its reader ends
// cleanly, as a blob store must.
type kept struct {
	calls int
	data  []byte
}

func (k *kept) put(r io.Reader) (int64, error) {
	k.calls++
	b, err := io.ReadAll(r)
	if err != nil {
		return int64(len(b)), err
	}
	k.data = b
	return int64(len(b)), nil
}

// judge reads the first 16 bytes, refuses content that starts with
// "bad", and leaves the rest for Download to copy.
func judge(r io.Reader) (media.Verdict, error) {
	head := make([]byte, 16)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return media.Verdict{}, err
	}
	if bytes.HasPrefix(head[:n], []byte("bad")) {
		return media.Verdict{}, &media.Error{Code: media.CodeMalformed, Reason: "bad content"}
	}
	return media.Verdict{Kind: media.KindImage}, nil
}

func TestDownload(t *testing.T) {
	body := strings.Repeat("0123456789", 100) // 1,000 bytes
	for _, tc := range []struct {
		name      string
		answer    func(w http.ResponseWriter)
		limit     int64
		want      error
		wantCode  media.Code
		retryable bool
		putCalled bool
	}{
		{"a body within the limit is stored whole, what the check left unread included", func(w http.ResponseWriter) { io.WriteString(w, body) },
			1000, nil, "", false, true},
		{"a body with no limit of its own is stored whole", func(w http.ResponseWriter) { io.WriteString(w, body) },
			-1, nil, "", false, true},
		{"a Content-Length over the limit is refused before the body is read", func(w http.ResponseWriter) {
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			io.WriteString(w, body)
		}, 999, media.ErrTooLarge, media.CodeTooLarge, false, false},
		{"a streamed body past the limit is cut and not kept", func(w http.ResponseWriter) {
			for range 10 {
				io.WriteString(w, body[:100])
				w.(http.Flusher).Flush()
			}
		}, 999, media.ErrTooLarge, media.CodeTooLarge, false, true},
		{"a refusal by the check is returned as it gave it, and not kept", func(w http.ResponseWriter) { io.WriteString(w, "bad"+body) },
			-1, media.ErrMalformed, media.CodeMalformed, false, true},
		{"a body that breaks off is a retryable failure, not kept", func(w http.ResponseWriter) {
			w.Header().Set("Content-Length", strconv.Itoa(2*len(body)))
			io.WriteString(w, body)
			w.(http.Flusher).Flush()
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		}, -1, io.ErrUnexpectedEOF, "", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := server(t, func(n int, w http.ResponseWriter) { tc.answer(w) })
			c, _, _ := fakeClient(Config{Service: "svc", MaxAttempts: 1})
			var k kept
			v, n, err := c.Download(context.Background(), &Request{Op: "content", Method: http.MethodGet, URL: srv.URL}, tc.limit, judge, k.put)
			if !errors.Is(err, tc.want) || (err == nil) != (tc.want == nil) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if me, ok := errors.AsType[*media.Error](err); tc.wantCode != "" && (!ok || me.Code != tc.wantCode) {
				t.Errorf("got %#v, want a media refusal %s", err, tc.wantCode)
			}
			if retry.Retryable(err) != tc.retryable {
				t.Errorf("retryable %v, want %v", retry.Retryable(err), tc.retryable)
			}
			if (k.calls > 0) != tc.putCalled {
				t.Errorf("put called %d times", k.calls)
			}
			if tc.want == nil {
				if string(k.data) != body || n != int64(len(body)) || v.Kind != media.KindImage {
					t.Errorf("stored %d bytes (n %d), verdict %+v; want the body and the check's verdict", len(k.data), n, v)
				}
			} else if k.data != nil {
				t.Errorf("kept %d bytes of a failed download", len(k.data))
			}
		})
	}
	t.Run("a failure of put is returned wrapped, and may be tried again", func(t *testing.T) {
		srv, _ := server(t, func(n int, w http.ResponseWriter) { io.WriteString(w, body) })
		c, _, _ := fakeClient(Config{Service: "svc"})
		full := errors.New("disk full")
		put := func(r io.Reader) (int64, error) { return 0, full }
		_, _, err := c.Download(context.Background(), &Request{Op: "content", Method: http.MethodGet, URL: srv.URL}, -1, judge, put)
		if !errors.Is(err, full) || !strings.HasPrefix(err.Error(), "svc: content: storing content") {
			t.Fatalf("got %v, want put's failure, wrapped", err)
		}
		if !retry.Retryable(err) {
			t.Errorf("a blob store's failure is not retryable: %v", err)
		}
	})
}
