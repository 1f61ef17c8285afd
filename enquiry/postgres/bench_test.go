package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/enquiry/postgres"
)

// benchReceive runs b.N calls of receive spread over callers goroutines,
// each message from one of 50 customers, and reports messages/s and the
// 99th percentile latency.
func benchReceive(b *testing.B, callers int, receive func(ctx context.Context, i int) error) {
	ctx := context.Background()
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				t := time.Now()
				if err := receive(ctx, i); err != nil {
					b.Error(err)
					return
				}
				lat[i] = time.Since(t)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msg/s")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkStoreReceive measures Store.Receive alone: 50 customers, each
// message new, with 1, 8 and 32 concurrent callers and as many pooled
// connections.
func BenchmarkStoreReceive(b *testing.B) {
	for _, callers := range []int{1, 8, 32} {
		b.Run(fmt.Sprintf("callers=%d", callers), func(b *testing.B) {
			s := postgres.New(newPoolSize(b, newSchema(b), int32(callers)), postgres.Options{})
			if err := s.Migrate(context.Background()); err != nil {
				b.Fatal(err)
			}
			createChannels(b, s, "c")
			run := time.Now().UnixNano()
			benchReceive(b, callers, func(ctx context.Context, i int) error {
				a := arrival("c", fmt.Sprint("u", i%50), fmt.Sprint(run, "-", i), t0.Add(time.Duration(i)*time.Millisecond))
				_, err := s.Receive(ctx, a)
				return err
			})
		})
	}
}

// BenchmarkDeskReceive measures enquiry.Desk.Receive on this store, as a
// webhook worker calls it: 50 customers whose enquiries are open (the
// first message of each, which routes and welcomes, is not timed), with
// 1, 8 and 32 concurrent callers and as many pooled connections.
func BenchmarkDeskReceive(b *testing.B) {
	for _, callers := range []int{1, 8, 32} {
		b.Run(fmt.Sprintf("callers=%d", callers), func(b *testing.B) {
			ctx := context.Background()
			s := postgres.New(newPoolSize(b, newSchema(b), int32(callers)), postgres.Options{})
			if err := s.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			d, err := enquiry.New(enquiry.Config{Store: s, Sender: &sender{}})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := d.CreateChannel(ctx, supportChannel()); err != nil {
				b.Fatal(err)
			}
			in := func(customer int, external string) enquiry.Inbound {
				return enquiry.Inbound{Channel: "main", Customer: enquiry.Customer{ID: fmt.Sprint("U", customer)},
					ExternalID: external, Content: enquiry.Content{Kind: enquiry.Text, Text: "hello"}}
			}
			for c := range 50 {
				if _, err := d.Receive(ctx, in(c, fmt.Sprint("open-", c))); err != nil {
					b.Fatal(err)
				}
			}
			benchReceive(b, callers, func(ctx context.Context, i int) error {
				_, err := d.Receive(ctx, in(i%50, fmt.Sprint("m", i)))
				return err
			})
		})
	}
}
