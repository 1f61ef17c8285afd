package line_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/uuid"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// BenchmarkSend pushes one text message per operation through the whole
// path (checks, rate limiter, JSON, HTTP, retries) to a local fake
// platform, from many goroutines, at the default rate limit (2,000
// requests/s per channel and endpoint): with one channel the limiter is
// the bound; with 64 channels the path itself is.
func BenchmarkSend(b *testing.B) {
	for _, channels := range []int{1, 64} {
		b.Run(fmt.Sprintf("channels=%d", channels), func(b *testing.B) {
			f := newFixture(b, line.Config{})
			chs := make([]enquiry.Channel, channels)
			for i := range chs {
				tok := fmt.Sprint("bench-token-", i)
				f.p.AddChannel(linetest.Channel{Token: tok, BotUserID: fmt.Sprintf("Ubench%026d", i)})
				chs[i] = enquiry.Channel{ID: fmt.Sprint("bench", i), Kind: "line", State: enquiry.Active, Credentials: enquiry.Credentials{Token: enquiry.Secret(tok)}}
			}
			b.SetParallelism(16)
			b.ResetTimer()
			var next atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := next.Add(1)
					out := enquiry.Outbound{Channel: chs[i%int64(channels)], Customer: enquiry.Customer{ID: customer}, RetryKey: uuid.New(),
						Messages: []enquiry.Message{text("benchmark message")}}
					if _, err := f.c.Send(context.Background(), out); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sends/s")
		})
	}
}
