package linedesk

import (
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/deskhttp"
	"github.com/socialdesk/socialdesk/line"
)

func TestReportIsTheWorstOutcome(t *testing.T) {
	at := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		checks []line.Check
		want   string
		items  []string
	}{
		{"all passing is ok", []line.Check{{Name: "token", Status: line.Pass}}, deskhttp.CheckOK, []string{deskhttp.CheckOK}},
		{"a warning makes it a warning", []line.Check{{Name: "token", Status: line.Pass}, {Name: "webhook", Status: line.Warn}}, deskhttp.CheckWarning, []string{deskhttp.CheckOK, deskhttp.CheckWarning}},
		{"a failure beats a warning", []line.Check{{Name: "a", Status: line.Warn}, {Name: "b", Status: line.Fail}, {Name: "c", Status: line.Skip}}, deskhttp.CheckError, []string{deskhttp.CheckWarning, deskhttp.CheckError, deskhttp.CheckSkipped}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Report(tc.checks, at)
			if r.Status != tc.want || !r.Checked.Equal(at) || len(r.Checks) != len(tc.items) {
				t.Fatalf("report = %+v, want status %s with %d checks at %v", r, tc.want, len(tc.items), at)
			}
			for i, s := range tc.items {
				if r.Checks[i].Status != s || r.Checks[i].Name != tc.checks[i].Name {
					t.Errorf("check %d = %+v, want %s %s", i, r.Checks[i], tc.checks[i].Name, s)
				}
			}
		})
	}
}

func TestWebhookURLIsUnderTheBase(t *testing.T) {
	for _, base := range []string{"https://desk.example.com", "https://desk.example.com/"} {
		if got := WebhookURL(base, "main"); got != "https://desk.example.com/webhook/line/main" {
			t.Errorf("WebhookURL(%q) = %q", base, got)
		}
	}
}
