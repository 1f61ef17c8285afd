package enquiry_test

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/routing"
)

// handClock is a clock the example moves by hand, so that the report
// has known durations to show.
type handClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *handClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *handClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// A contact-centre lead's report: per staff member, by day in Tokyo.
func ExampleDesk_Report() {
	ctx := context.Background()
	clock := &handClock{t: time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)} // 10:00 in Tokyo
	staff := &enquiry.Roster{}
	staff.Add("alice", automsg.Staff{First: "Alice"}, 0)
	staff.SetPresence("alice", routing.Available)
	desk, err := enquiry.New(enquiry.Config{Clock: clock, Directory: staff,
		Sender: enquiry.SenderFunc(func(context.Context, enquiry.Outbound) (enquiry.Receipt, error) { return enquiry.Receipt{}, nil })})
	if err != nil {
		panic(err)
	}
	desk.CreateChannel(ctx, enquiry.Channel{ID: "shop", Name: "Shop", Kind: "social", Routing: &routing.Rule{Node: routing.Node{Alternative: []routing.Destination{routing.ToStaff("alice")}}}})

	r, _ := desk.Receive(ctx, enquiry.Inbound{Channel: "shop", Customer: enquiry.Customer{ID: "U1"},
		Content: enquiry.Content{Kind: enquiry.Text, Text: "Where is my parcel?"}})
	clock.advance(20 * time.Second)
	desk.Attend(ctx, r.Enquiry.ID, "alice")
	clock.advance(40 * time.Second)
	desk.Send(ctx, r.Enquiry.ID, "alice", enquiry.Content{Kind: enquiry.Text, Text: "It ships today."})
	clock.advance(4 * time.Minute)
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
