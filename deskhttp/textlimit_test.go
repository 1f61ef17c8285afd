package deskhttp

import (
	"context"
	"testing"

	"github.com/socialdesk/socialdesk/enquiry"
)

func TestAnEnquiryTellsItsPlatformsTextLimit(t *testing.T) {
	ctx := context.Background()
	line := testConnector
	line.MaxTextUnits = 4999
	d := serveDesk(t, Config{Connectors: []Connector{line, {Kind: "other", Name: "Other"}}})
	for _, ch := range []enquiry.Channel{{ID: "main", Name: "Main", Kind: "line"}, {ID: "elsewhere", Name: "Elsewhere", Kind: "other"}} {
		if _, err := d.desk.CreateChannel(ctx, ch); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name, channel string
		want          any
	}{
		{"a kind whose connector names its limit shows it", "main", 4999.0},
		{"a kind whose connector names none shows none", "elsewhere", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := d.desk.Receive(ctx, enquiry.Inbound{Channel: tc.channel, Customer: enquiry.Customer{ID: "U-" + tc.channel}, ExternalID: "m-" + tc.channel, Content: enquiry.Content{Kind: enquiry.Text, Text: "hello"}})
			if err != nil {
				t.Fatal(err)
			}
			status, v := d.call(t, "GET", "/api/enquiries/"+got.Enquiry.ID, "")
			if status != 200 || v["textLimit"] != tc.want {
				t.Fatalf("GET the enquiry: %d, textLimit %v; want %v", status, v["textLimit"], tc.want)
			}
		})
	}
}
