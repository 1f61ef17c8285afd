package deskhttp

import (
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/setup"
)

func TestReportIsTheWorstOutcome(t *testing.T) {
	at := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		checks []setup.Check
		want   string
		items  []string
	}{
		{"all passing is ok", []setup.Check{{Name: "token", Status: setup.Pass}}, CheckOK, []string{CheckOK}},
		{"a warning makes it a warning", []setup.Check{{Name: "token", Status: setup.Pass}, {Name: "webhook", Status: setup.Warn}}, CheckWarning, []string{CheckOK, CheckWarning}},
		{"a failure beats a warning", []setup.Check{{Name: "a", Status: setup.Warn}, {Name: "b", Status: setup.Fail}, {Name: "c", Status: setup.Skip}}, CheckError, []string{CheckWarning, CheckError, CheckSkipped}},
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
