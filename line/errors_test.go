package line

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/internal/clock"
)

// parseError is how the client reads LINE's refusal of op at now.
func parseError(op string, status int, h http.Header, body []byte, now time.Time) *Error {
	return NewClient(Config{Clock: clock.NewFake(now)}).api.Refusal(op, status, h, body)
}

func TestParseErrorReadsLINEsErrorBody(t *testing.T) {
	h := http.Header{}
	h.Set("X-Line-Request-Id", "req-1")
	body := `{"message":"The request body has 2 error(s)","details":[{"message":"May not be empty","property":"messages[0].text"},{"message":"Must be one of the following values: [text, image]","property":"messages[1].type"}]}`
	e := parseError("push", 400, h, []byte(body), time.Now())
	want := "line: push: 400: The request body has 2 error(s) (messages[0].text: May not be empty; messages[1].type: Must be one of the following values: [text, image]) [request req-1]"
	if e.Error() != want {
		t.Errorf("got  %s\nwant %s", e.Error(), want)
	}
	if !errors.Is(e, ErrBadRequest) || e.Retryable() {
		t.Errorf("a 400 is a permanent bad request: %v", e)
	}
}

func TestParseErrorClassifiesByStatus(t *testing.T) {
	for _, tc := range []struct {
		status    int
		message   string
		want      error
		retryable bool
	}{
		{400, "Invalid reply token", ErrInvalidReplyToken, false},
		{400, "The property, 'to', in the request body is invalid", ErrBadRequest, false},
		{401, "Authentication failed", ErrUnauthorized, false},
		{403, "Access to this API is not available for your account", ErrForbidden, false},
		{404, "Not found", ErrNotFound, false},
		{410, "Gone", ErrNotFound, false},
		{413, "Payload too large", ErrBadRequest, false},
		{429, "The API rate limit has been exceeded. Try again later.", ErrRateLimited, true},
		{429, "You have reached your monthly limit.", ErrMonthlyLimit, false},
		{500, "Internal server error", ErrServer, true},
		{503, "", ErrServer, true},
	} {
		body := `{"message":"` + tc.message + `"}`
		e := parseError("op", tc.status, http.Header{}, []byte(body), time.Now())
		if !errors.Is(e, tc.want) || e.Retryable() != tc.retryable {
			t.Errorf("%d %q: got %v (retryable %v), want %v (retryable %v)", tc.status, tc.message, e.Err, e.Retryable(), tc.want, tc.retryable)
		}
	}
}

func TestParseErrorReadsRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"3":                             3 * time.Second,
		"Thu, 01 Jan 2026 00:00:10 GMT": 10 * time.Second,
		"Wed, 31 Dec 2025 00:00:00 GMT": 0,
		"9999999":                       time.Hour, // capped
		"soon":                          0,
	} {
		h := http.Header{}
		h.Set("Retry-After", v)
		if got := parseError("op", 429, h, nil, now).RetryAfter; got != want {
			t.Errorf("Retry-After %q: %v, want %v", v, got, want)
		}
	}
}

func TestParseErrorWithoutLINEsBodyUsesTheStatusText(t *testing.T) {
	e := parseError("profile", 502, http.Header{}, []byte("<html>bad gateway</html>"), time.Now())
	if e.Message != "Bad Gateway" || strings.Contains(e.Error(), "html") {
		t.Errorf("got %q", e.Error())
	}
}

// FuzzErrorBody feeds parseError arbitrary answers: it never panics, and
// the error keeps LINE's message but never more than it bounds.
func FuzzErrorBody(f *testing.F) {
	f.Add(400, `{"message":"Invalid reply token"}`, "")
	f.Add(429, `{"message":"You have reached your monthly limit."}`, "60")
	f.Add(400, `{"message":"x","details":[{"message":"a","property":"b"}]}`, "Thu, 01 Jan 2026 00:00:10 GMT")
	f.Add(500, `not json`, "-1")
	f.Add(409, `{"details":null}`, "")
	f.Fuzz(func(t *testing.T, status int, body, retryAfter string) {
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		e := parseError("op", status, h, []byte(body), time.Unix(0, 0))
		_ = e.Error()
		if len(e.Details) > 20 {
			t.Fatalf("%d details kept", len(e.Details))
		}
		if e.RetryAfter < 0 || e.RetryAfter > time.Hour {
			t.Fatalf("Retry-After %v out of bounds", e.RetryAfter)
		}
		if e.Err == nil && status >= 400 {
			t.Fatalf("status %d left unclassified", status)
		}
	})
}
