package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkSummaries measures what the enquiry list costs the store on
// top of listing: Summaries of 100 open enquiries (a page of the
// console's list) with 50 messages each, half of them seen by the
// reader.
func BenchmarkSummaries(b *testing.B) {
	s := newStore(b, "c")
	ctx := context.Background()
	ids := make([]string, 100)
	for c := range ids {
		for m := range 50 {
			r, err := s.Receive(ctx, arrival("c", fmt.Sprint("u", c), fmt.Sprint(c, "-", m), t0.Add(time.Duration(c*50+m)*time.Millisecond)))
			if err != nil {
				b.Fatal(err)
			}
			ids[c] = r.Enquiry.ID
		}
		if err := s.SetSeen(ctx, ids[c], "alice", 25); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		sums, err := s.Summaries(ctx, "alice", ids)
		if err != nil || len(sums) != 100 || sums[ids[0]].Unread != 25 {
			b.Fatalf("Summaries: %d summaries, %+v, %v", len(sums), sums[ids[0]], err)
		}
	}
}
