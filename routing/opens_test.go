package routing_test

import (
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/routing"
)

func TestOpensTellsWhenOfficeHoursNextBegin(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	noError(t, err)
	ann := routing.Node{Alternative: []routing.Destination{routing.ToStaff("ann")}}
	office := routing.Node{Time: &routing.Time{Zone: "Asia/Tokyo", Conditions: []routing.Condition{
		{Days: routing.Weekdays, From: "09:00", To: "12:00", Then: ann},
		{Days: routing.Weekdays, From: "13:00", To: "18:00", Then: ann},
	}, Holidays: []string{"2026-05-05"}}}
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, tokyo) }
	for _, tc := range []struct {
		name string
		rule routing.Node
		now  time.Time
		want time.Time // zero: false
	}{
		{"on Friday evening: Monday morning", office, at(2026, 11, 27, 20, 0), at(2026, 11, 30, 9, 0)},
		{"early on Wednesday: that morning", office, at(2026, 11, 25, 7, 30), at(2026, 11, 25, 9, 0)},
		{"at lunch: the afternoon's hours", office, at(2026, 11, 25, 12, 30), at(2026, 11, 25, 13, 0)},
		{"before a holiday: the day after it", office, at(2026, 5, 4, 19, 0), at(2026, 5, 6, 9, 0)},
		{"read in the rule's zone", office, time.Date(2026, 11, 25, 23, 30, 0, 0, time.UTC), at(2026, 11, 26, 9, 0)},
		{"within hours: nothing to tell", office, at(2026, 11, 25, 10, 0), time.Time{}},
		{"a Time rule inside a Sticky rule", routing.Node{Sticky: &routing.Sticky{Window: time.Hour, Then: office}}, at(2026, 11, 28, 8, 0), at(2026, 11, 30, 9, 0)},
		{"no Time rule", ann, at(2026, 11, 28, 8, 0), time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := valid(t, routing.Rule{Node: tc.rule})
			got, ok := r.Opens(tc.now)
			if ok != !tc.want.IsZero() || !got.Equal(tc.want) {
				t.Fatalf("Opens(%v) = %v, %v; want %v", tc.now, got, ok, tc.want)
			}
		})
	}
}
