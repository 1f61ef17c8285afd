package setup_test

import (
	"testing"

	"github.com/socialdesk/socialdesk/setup"
)

func TestWorstIsTheWorstOutcome(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []setup.Status
		want setup.Status
	}{
		{"no checks pass", nil, setup.Pass},
		{"all passed", []setup.Status{setup.Pass, setup.Pass}, setup.Pass},
		{"a warning among passes warns", []setup.Status{setup.Pass, setup.Warn, setup.Pass}, setup.Warn},
		{"a failure beats a warning before it", []setup.Status{setup.Warn, setup.Fail, setup.Skip}, setup.Fail},
		{"a failure beats a warning after it", []setup.Status{setup.Fail, setup.Warn}, setup.Fail},
		{"skipped checks alone change nothing", []setup.Status{setup.Pass, setup.Skip}, setup.Pass},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checks := make([]setup.Check, len(tc.in))
			for i, s := range tc.in {
				checks[i] = setup.Check{Name: "c", Status: s}
			}
			if got := setup.Worst(checks); got != tc.want {
				t.Fatalf("Worst(%v) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
