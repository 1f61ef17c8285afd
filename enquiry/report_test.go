package enquiry_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/routing"
)

// wallClock is a clock the example moves by hand.
type wallClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *wallClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *wallClock) wait(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// A contact-centre lead's report: per staff member, by day in Tokyo.
func ExampleDesk_Report() {
	ctx := context.Background()
	clock := &wallClock{t: time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)} // 10:00 in Tokyo
	staff := &enquiry.Roster{}
	staff.Add("alice", automsg.Staff{First: "Alice"}, 0)
	staff.SetPresence("alice", routing.Available)
	desk, err := enquiry.New(enquiry.Config{Clock: clock, Directory: staff,
		Sender: enquiry.SenderFunc(func(context.Context, enquiry.Outbound) (enquiry.Receipt, error) { return enquiry.Receipt{}, nil })})
	if err != nil {
		panic(err)
	}
	desk.CreateChannel(ctx, enquiry.Channel{ID: "shop", Name: "Shop", Kind: "social", Routing: staffRule("alice")})

	r, _ := desk.Receive(ctx, enquiry.Inbound{Channel: "shop", Customer: enquiry.Customer{ID: "U1"},
		Content: enquiry.Content{Kind: enquiry.Text, Text: "Where is my parcel?"}})
	clock.wait(20 * time.Second)
	desk.Attend(ctx, r.Enquiry.ID, "alice")
	clock.wait(40 * time.Second)
	desk.Send(ctx, r.Enquiry.ID, "alice", enquiry.Content{Kind: enquiry.Text, Text: "It ships today."})
	clock.wait(4 * time.Minute)
	desk.Close(ctx, r.Enquiry.ID, "alice")

	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	rows, err := desk.Report(ctx, enquiry.ReportQuery{
		From: time.Date(2026, 12, 1, 0, 0, 0, 0, tokyo), To: time.Date(2026, 12, 2, 0, 0, 0, 0, tokyo),
		Location: tokyo, By: enquiry.PerStaff,
	})
	if err != nil {
		panic(err)
	}
	for _, row := range rows {
		fmt.Printf("%s %s: %d enquiry, first response %v, handling %v, missed %.0f%%\n", row.Day.Format(time.DateOnly), row.Key,
			row.Enquiries, row.MeanFirstResponse(), row.MeanHandling(), row.MissedRate()*100)
	}
	// Output:
	// 2026-12-01 alice: 1 enquiry, first response 1m0s, handling 4m40s, missed 0%
}

func TestDeskReportRefusesABadQuery(t *testing.T) {
	d, err := enquiry.New(enquiry.Config{Sender: enquiry.SenderFunc(func(context.Context, enquiry.Outbound) (enquiry.Receipt, error) { return enquiry.Receipt{}, nil })})
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, field string
		q           enquiry.ReportQuery
	}{
		{"no range", "range", enquiry.ReportQuery{}},
		{"an empty range", "range", enquiry.ReportQuery{From: day, To: day}},
		{"a reversed range", "range", enquiry.ReportQuery{From: day, To: day.Add(-time.Hour)}},
		{"more than 366 days", "range", enquiry.ReportQuery{From: day, To: day.AddDate(0, 0, 367)}},
		{"an unknown grouping", "by", enquiry.ReportQuery{From: day, To: day.AddDate(0, 0, 1), By: "team"}},
		{"the host's Local zone", "tz", enquiry.ReportQuery{From: day, To: day.AddDate(0, 0, 1), Location: time.Local}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ve *enquiry.ValidationError
			if _, err := d.Report(t.Context(), tc.q); !errors.Is(err, enquiry.ErrInvalid) || !errors.As(err, &ve) || ve.Field != tc.field {
				t.Fatalf("Report(%+v) = %v, want ErrInvalid on %s", tc.q, err, tc.field)
			}
		})
	}
	if rows, err := d.Report(t.Context(), enquiry.ReportQuery{From: day, To: day.AddDate(0, 0, enquiry.MaxReportDays)}); err != nil || len(rows) != 0 {
		t.Fatalf("Report(366 days, nothing recorded) = %v, %v; want no rows", rows, err)
	}
}
