package routing_test

import (
	"encoding/json"
	"testing"
	"time"

	_ "time/tzdata" // the tests must not depend on the machine's zone files

	"github.com/socialdesk/socialdesk/routing"
)

func to(id string) routing.Node { return alt(routing.ToStaff(id)) }

func ptr(n routing.Node) *routing.Node { return &n }

func TestTimeRoutesByOfficeHoursInItsZone(t *testing.T) {
	r := valid(t, routing.Rule{Node: routing.Node{Time: &routing.Time{
		Zone: "Asia/Tokyo",
		Conditions: []routing.Condition{
			{Days: routing.Weekdays, From: "09:00", To: "12:00", Then: to("morning")},
			{Days: routing.Weekdays, From: "13:00", To: "18:00", Then: to("afternoon")},
			{Days: routing.DaysOf(time.Saturday), From: "10:00", To: "24:00", Then: to("saturday")},
		},
		Holidays:  []string{"2026-01-01", "2026-11-23"},
		OnHoliday: ptr(to("holiday")),
		Other:     ptr(to("closed")),
	}}})
	tests := []struct {
		name, at, want string
	}{
		{"a weekday morning (Wednesday 09:00 in Tokyo)", "2026-11-25T00:00:00Z", "morning"},
		{"the last minute of the morning", "2026-11-25T02:59:59Z", "morning"},
		{"the lunch hour is other times", "2026-11-25T03:00:00Z", "closed"},
		{"the second condition", "2026-11-25T04:00:00Z", "afternoon"},
		{"the end of the day is exclusive", "2026-11-25T09:00:00Z", "closed"},
		{"Saturday until midnight", "2026-11-28T14:59:59Z", "saturday"},
		{"Sunday is other times", "2026-11-29T03:00:00Z", "closed"},
		{"the weekday is Tokyo's, not UTC's (Friday 23:30 UTC is Saturday 08:30)", "2026-11-27T23:30:00Z", "closed"},
		{"a holiday within office hours", "2026-11-23T01:00:00Z", "holiday"},
		{"a holiday is a date in the zone (31 Dec 15:00 UTC is 1 Jan in Tokyo)", "2025-12-31T15:00:00Z", "holiday"},
		{"the day before the holiday in Tokyo", "2025-12-31T14:59:59Z", "closed"},
		{"the same instant in another zone's offset", "2026-11-25T09:30:00+09:00", "morning"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			equal(t, tt.want, first(r.Route(routing.Request{Now: at(t, tt.at)}, nil)))
		})
	}
}

func TestTimeHolidayWithoutItsOwnBranchIsOtherTimes(t *testing.T) {
	r := valid(t, routing.Rule{Node: routing.Node{Time: &routing.Time{
		Zone:       "UTC",
		Conditions: []routing.Condition{{Days: routing.EveryDay, From: "00:00", To: "24:00", Then: to("open")}},
		Holidays:   []string{"2026-12-25"},
		Other:      ptr(to("closed")),
	}}})
	equal(t, "closed", first(r.Route(routing.Request{Now: at(t, "2026-12-25T12:00:00Z")}, nil)))
	equal(t, "open", first(r.Route(routing.Request{Now: at(t, "2026-12-26T12:00:00Z")}, nil)))
}

// TestTimeFollowsDaylightSaving walks every minute around New York's clock
// changes in 2026 (8 March, 02:00 → 03:00; 1 November, 02:00 → 01:00).
func TestTimeFollowsDaylightSaving(t *testing.T) {
	r := valid(t, routing.Rule{Node: routing.Node{Time: &routing.Time{
		Zone: "America/New_York",
		Conditions: []routing.Condition{
			{Days: routing.DaysOf(time.Sunday), From: "01:00", To: "02:00", Then: to("one")},
			{Days: routing.DaysOf(time.Sunday), From: "02:00", To: "03:00", Then: to("two")},
			{Days: routing.Weekdays, From: "09:00", To: "17:00", Then: to("office")},
		},
		Other: ptr(to("closed")),
	}}})
	minutes := func(from, until string) map[string]int {
		counts := map[string]int{}
		for now := at(t, from); now.Before(at(t, until)); now = now.Add(time.Minute) {
			counts[first(r.Route(routing.Request{Now: now}, nil))]++
		}
		return counts
	}
	t.Run("the skipped hour never happens in spring", func(t *testing.T) {
		got := minutes("2026-03-08T04:00:00Z", "2026-03-08T10:00:00Z") // Saturday 23:00 EST – Sunday 06:00 EDT: 6 elapsed hours, one of them skipped
		equal(t, map[string]int{"one": 60, "closed": 300}, got)
	})
	t.Run("the repeated hour happens twice in autumn", func(t *testing.T) {
		got := minutes("2026-11-01T04:00:00Z", "2026-11-01T10:00:00Z") // Sunday 00:00 EDT – 05:00 EST: 6 elapsed hours
		equal(t, map[string]int{"one": 120, "two": 60, "closed": 180}, got)
	})
	t.Run("office hours keep to the wall clock across the change", func(t *testing.T) {
		// 13:30 UTC is 08:30 EST before the change and 09:30 EDT after it.
		equal(t, "closed", first(r.Route(routing.Request{Now: at(t, "2026-03-06T13:30:00Z")}, nil)))
		equal(t, "office", first(r.Route(routing.Request{Now: at(t, "2026-03-09T13:30:00Z")}, nil)))
		// 21:30 UTC is 17:30 EDT before the autumn change and 16:30 EST after it.
		equal(t, "closed", first(r.Route(routing.Request{Now: at(t, "2026-10-30T21:30:00Z")}, nil)))
		equal(t, "office", first(r.Route(routing.Request{Now: at(t, "2026-11-02T21:30:00Z")}, nil)))
	})
}

func TestDaysJSON(t *testing.T) {
	b, err := json.Marshal(routing.DaysOf(time.Sunday, time.Monday, time.Saturday))
	noError(t, err)
	equal(t, `["mon","sat","sun"]`, string(b))
	var d routing.Days
	noError(t, json.Unmarshal([]byte(`["fri","mon"]`), &d))
	equal(t, routing.DaysOf(time.Monday, time.Friday), d)
	equal(t, "mon,tue,wed,thu,fri", routing.Weekdays.String())
	equal(t, true, routing.Weekend.Has(time.Sunday))
	equal(t, false, routing.Weekend.Has(time.Weekday(9)))
}
