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

var _ enquiry.Store = (*postgres.Store)(nil)
