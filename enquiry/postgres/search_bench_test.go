package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/enquiry/postgres"
)

// BenchmarkSearchMessages measures SearchMessages (a page of 20 hits) over
// 100,000 messages in 2,000 enquiries of two channels: a word every tenth
// message has (full-text search, many hits), a word one message in 10,000
// has (full-text search, few), and Thai and Japanese words inside longer
// runs of letters (LIKE on the newest-first walk), common and rare.
func BenchmarkSearchMessages(b *testing.B) {
	ctx := context.Background()
	s, _ := seedSearch(b, 100_000)
	for _, tc := range []struct {
		name, text string
		channels   []string
		want       int
	}{
		{"common word", "refund", nil, 20},
		{"common word of one channel", "refund", []string{"a"}, 20},
		{"rare word", "zebra", nil, 10},
		{"two words", "refund please", nil, 20},
		{"common Thai", "คืนเงิน", nil, 20},
		{"rare Thai", "ม้าลาย", nil, 10},
		{"rare Japanese", "シマウマ", nil, 10},
		{"no match", "nowhere", nil, 0},
	} {
		b.Run(tc.name, func(b *testing.B) {
			q := enquiry.Search{Text: tc.text, Channels: tc.channels, Limit: 20}
			for b.Loop() {
				hits, err := s.SearchMessages(ctx, q)
				if err != nil {
					b.Fatal(err)
				}
				if len(hits) != tc.want {
					b.Fatalf("%d hits, want %d", len(hits), tc.want)
				}
			}
		})
	}
}

// seedSearch returns a store of n messages, 50 an enquiry, the enquiries
// alternately of channels a and b, and its pool. Message i is "mi", of
// enquiry "e(i/50)", a minute after message i-1; it reads "Order i: "
// and then, by i % 10: a refund (0), Thai (1), Japanese (2), a parcel (3),
// thanks (the rest). Message 7 also has a zebra, in three languages.
func seedSearch(tb testing.TB, n int) (*postgres.Store, *pgxpool.Pool) {
	tb.Helper()
	ctx := context.Background()
	schema := newSchema(tb)
	pool := newPool(tb, schema)
	s := postgres.New(pool, postgres.Options{})
	if err := s.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	createChannels(tb, s, "a", "b")
	const perEnquiry = 50
	for _, q := range []string{
		`INSERT INTO enquiries (id, channel, customer, state, plan, opened, updated, last_activity, version, last_seq)
		SELECT 'e' || i, CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END, 'U' || (i % 500), 'closed', '{}',
			timestamptz '2026-01-01 00:00:00+00' + i * interval '1 hour', timestamptz '2026-01-01 00:00:00+00' + i * interval '1 hour',
			timestamptz '2026-01-01 00:00:00+00' + i * interval '1 hour', 1, $2
		FROM generate_series(0, $1::int / $2 - 1) i`,
		`INSERT INTO messages (id, enquiry, channel, seq, direction, author_kind, at, content)
		SELECT 'm' || i, 'e' || (i / $2), CASE WHEN (i / $2) % 2 = 0 THEN 'a' ELSE 'b' END, i % $2 + 1, 'in', 'customer',
			timestamptz '2026-01-01 00:00:00+00' + i * interval '1 minute',
			jsonb_build_object('kind', 'text', 'text',
				'Order ' || i || ': ' ||
				CASE WHEN i % 10 = 0 THEN 'I would like a refund please' WHEN i % 10 = 1 THEN 'ขอคืนเงินหน่อยครับ'
					WHEN i % 10 = 2 THEN '返品したいです' WHEN i % 10 = 3 THEN 'where is my parcel?' ELSE 'hello, thank you for the help' END ||
				CASE WHEN i % 10000 = 7 THEN ' zebra ม้าลายตัวนี้ シマウマです' ELSE '' END)
		FROM generate_series(0, $1::int - 1) i`,
		`ANALYZE enquiries`, `ANALYZE messages`,
	} {
		args := []any{n, perEnquiry}
		if q[:7] == "ANALYZE" {
			args = nil
		}
		if _, err := pool.Exec(ctx, q, args...); err != nil {
			tb.Fatal(err)
		}
	}
	return s, pool
}

// seedStart is the time of seedSearch's message 0.
var seedStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// timeMinutes is how long after message 0 message i was written.
func timeMinutes(i int) time.Duration { return time.Duration(i) * time.Minute }
