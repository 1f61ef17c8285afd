package deskhttp

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/socialdesk/socialdesk/enquiry"
)

// FuzzReportQuery feeds GET /api/reports any query: it never panics,
// answers 200 or 400, and a 200 is a report of the days asked for (from
// no later than to) or an empty range's defaults.
func FuzzReportQuery(f *testing.F) {
	for _, q := range []string{
		"", "from=2026-11-25&to=2026-12-01&by=staff&tz=Asia/Tokyo", "format=csv", "tz=Local", "tz=../../etc/passwd",
		"from=2026-02-30", "from=0001-01-01&to=0001-01-02", "from=9999-12-30&to=9999-12-31&tz=Pacific/Kiritimati",
		"by=team", "format=xml", "from=2026-12-02&to=2026-12-01", "tz=%zz", "to=2026-12-01&tz=America/St_Johns",
	} {
		f.Add(q)
	}
	desk, err := enquiry.New(enquiry.Config{Sender: enquiry.SenderFunc(func(context.Context, enquiry.Outbound) (enquiry.Receipt, error) {
		return enquiry.Receipt{}, nil
	})})
	if err != nil {
		f.Fatal(err)
	}
	h, err := New(Config{Desk: desk, Feed: &enquiry.Feed{}, Auth: reportAuth})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, query string) {
		r := httptest.NewRequest("GET", "/api/reports", nil)
		r.URL.RawQuery = query
		r.Header.Set("Authorization", "Bearer service")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		switch w.Code {
		case http.StatusBadRequest:
			return
		case http.StatusOK:
		default:
			t.Fatalf("query %q: %d %s, want 200 or 400", query, w.Code, w.Body)
		}
		if r.URL.Query().Get("format") == "csv" {
			return
		}
		var body reportJSON
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatalf("query %q: the body is not a report: %v", query, err)
		}
		if body.From > body.To || body.Rows == nil {
			t.Fatalf("query %q: from %s to %s, rows %v", query, body.From, body.To, body.Rows)
		}
	})
}
