package deskhttp

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// deadlineRecorder is a ResponseWriter that records the deadlines
// http.ResponseController sets on it.
type deadlineRecorder struct {
	http.ResponseWriter
	read, write []time.Time
}

func (d *deadlineRecorder) SetReadDeadline(t time.Time) error {
	d.read = append(d.read, t)
	return nil
}

func (d *deadlineRecorder) SetWriteDeadline(t time.Time) error {
	d.write = append(d.write, t)
	return nil
}

func TestEachRequestGetsItsDeadlines(t *testing.T) {
	h, err := New(Config{Desk: &enquiry.Desk{}, Feed: &enquiry.Feed{}, Limits: Limits{Body: time.Minute, Write: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	writes := func(w http.ResponseWriter, r *http.Request) {
		for range 3 {
			io.WriteString(w, "part")
		}
	}
	for _, tc := range []struct {
		name, method, path string
		reads, deadline    int // deadlines set by the middleware
	}{
		{"an API request gets a body deadline and one write deadline", "POST", "/api/enquiries/e1/attend", 1, 1},
		{"a webhook request too", "POST", "/webhook/line/main", 1, 1},
		{"a media download renews its write deadline before each write", "GET", "/api/media/k", 1, 4},
		{"the event stream is left to set its own", "GET", "/api/events", 0, 0},
		{"a POST to the event stream's path is not a stream: it gets deadlines", "POST", "/api/events", 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &deadlineRecorder{ResponseWriter: httptest.NewRecorder()}
			start := time.Now()
			h.Deadlines(http.HandlerFunc(writes)).ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
			if len(rec.read) != tc.reads || len(rec.write) != tc.deadline {
				t.Fatalf("%d read and %d write deadlines, want %d and %d", len(rec.read), len(rec.write), tc.reads, tc.deadline)
			}
			for _, d := range rec.read {
				if d.Before(start.Add(time.Minute)) || d.After(time.Now().Add(time.Minute)) {
					t.Errorf("read deadline %v is not the body limit from now", d)
				}
			}
			for _, d := range rec.write {
				if d.Before(start.Add(time.Hour)) || d.After(time.Now().Add(time.Hour)) {
					t.Errorf("write deadline %v is not the write limit from now", d)
				}
			}
		})
	}
}
