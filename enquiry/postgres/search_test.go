package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/socialdesk/socialdesk/enquiry"
)

// TestSearchBeyondTheNewestMessages: hits older than the newest messages
// the store looks at first come through the full-text index, or the scan
// for words that match anywhere, in the same order and pages.
func TestSearchBeyondTheNewestMessages(t *testing.T) {
	s, _ := seedSearch(t, 3000)
	ctx := context.Background()
	ids := func(hits []enquiry.Hit) []string {
		out := []string{}
		for _, h := range hits {
			if h.Enquiry.ID != h.Message.Enquiry || h.Enquiry.Channel != h.Message.Channel {
				t.Fatalf("hit %s came with enquiry %+v", h.Message.ID, h.Enquiry)
			}
			out = append(out, h.Message.ID)
		}
		return out
	}
	series := func(from, step, n int) []string {
		out := []string{}
		for i := range n {
			out = append(out, fmt.Sprint("m", from-i*step))
		}
		return out
	}
	for _, tc := range []struct {
		name string
		q    enquiry.Search
		want []string
	}{
		{"a rare word through the index", enquiry.Search{Text: "ZEBRA", Limit: 20}, []string{"m7"}},
		{"a rare Thai word by the scan", enquiry.Search{Text: "ม้าลาย", Limit: 20}, []string{"m7"}},
		{"a rare Japanese word by the scan", enquiry.Search{Text: "シマウマ", Limit: 20}, []string{"m7"}},
		{"a rare word of another channel", enquiry.Search{Text: "zebra", Channels: []string{"b"}, Limit: 20}, []string{}},
		{"a rare word of its channel", enquiry.Search{Text: "zebra", Channels: []string{"a"}, Limit: 20}, []string{"m7"}},
		{"a common word from the newest", enquiry.Search{Text: "refund", Limit: 20}, series(2990, 10, 20)},
		{"a common word past the newest", enquiry.Search{Text: "refund", Limit: 250}, series(2990, 10, 250)},
		{"words whose hits are all older", enquiry.Search{Text: "order 7", Limit: 5}, series(799, 1, 5)},
		{"the same through the index after a cursor", enquiry.Search{Text: "order 7", Limit: 3, Before: enquiry.Cursor{Message: "m780"}}, []string{"m779", "m778", "m777"}},
		{"an old word by the scan after a cursor", enquiry.Search{Text: "ขอคืน", Limit: 3, Before: enquiry.Cursor{Message: "m1001"}}, []string{"m991", "m981", "m971"}},
		{"nothing before the first", enquiry.Search{Text: "zebra", Limit: 20, Before: enquiry.Cursor{Message: "m7"}}, []string{}},
		{"no word matches", enquiry.Search{Text: "nowhere", Limit: 20}, []string{}},
		{"no Thai word matches", enquiry.Search{Text: "ไม่มี", Limit: 20}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := tc.q
			if q.Before.Message != "" {
				// The seeded message's time: a minute after the one before.
				var i int
				fmt.Sscanf(q.Before.Message, "m%d", &i)
				q.Before.Time = seedStart.Add(timeMinutes(i))
			}
			hits, err := s.SearchMessages(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(hits); !slices.Equal(got, tc.want) {
				t.Fatalf("SearchMessages(%q) = %q, want %q", q.Text, got, tc.want)
			}
		})
	}
}
