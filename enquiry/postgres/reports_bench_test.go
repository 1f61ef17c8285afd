package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/enquiry/postgres"
)

// reportSeedSQL records 100,000 enquiries on 5 channels, opened evenly
// over the 90 days before 2026-12-01 UTC, as the desk would have
// recorded them: each opened ringing, with the customer's message; 90%
// attended by one of 20 staff within 2 minutes and answered within a
// minute more; 10% missed after a minute (half of them attended from the
// missed queue after 10 minutes, half never); 80% closed. That is
// 100,000 enquiries, about 285,000 transitions and 195,000 messages.
// It runs in one statement batch, with generate_series, in seconds.
// The benchmark vacuums the tables after it.
const reportSeedSQL = `
INSERT INTO channels (id, name, kind, auto_messages, state)
SELECT 'ch' || c, 'Channel ' || c, 'chat', '{}', 'active' FROM generate_series(0, 4) c;

CREATE TABLE seed AS
SELECT i, opened, missed, attended, closed,
	opened + CASE WHEN missed THEN interval '600 s' ELSE (i % 120) * interval '1 s' END AS att_at,
	CASE WHEN attended THEN 'staff' || ((i / 7) % 20) ELSE '' END AS staff
FROM (
	SELECT i, timestamptz '2026-12-01 00:00Z' - (100000 - i) * interval '77.76 s' AS opened,
		i % 10 = 0 AS missed, i % 10 <> 0 OR i % 20 = 0 AS attended, i % 5 <> 4 AS closed
	FROM generate_series(1, 100000) i
) s;

INSERT INTO enquiries (id, channel, customer, state, staff, plan, opened, updated, closed, last_activity, version, last_seq)
SELECT 'e' || i, 'ch' || (i % 5), 'U' || i,
	CASE WHEN closed THEN 'closed' WHEN attended THEN 'attending' ELSE 'missed' END,
	staff, '{}',
	opened, opened,
	CASE WHEN closed AND attended THEN att_at + (300 + i % 1800) * interval '1 s'
		WHEN closed THEN opened + interval '1 h' END,
	opened, 1, CASE WHEN attended THEN 2 ELSE 1 END
FROM seed;

INSERT INTO transitions (enquiry, from_state, to_state, actor, at, note)
SELECT 'e' || i, '', 'ringing', 'customer', opened, 'opened' FROM seed
UNION ALL
SELECT 'e' || i, 'ringing', 'missed', 'system', opened + interval '60 s', 'ring timeout' FROM seed WHERE missed
UNION ALL
SELECT 'e' || i, CASE WHEN missed THEN 'missed' ELSE 'ringing' END, 'attending', staff, att_at, '' FROM seed WHERE attended
UNION ALL
SELECT 'e' || s.i, e.state, 'closed', CASE WHEN s.attended THEN s.staff ELSE 'system' END, e.closed, ''
FROM seed s JOIN enquiries e ON e.id = 'e' || s.i WHERE s.closed;

INSERT INTO messages (id, enquiry, channel, seq, direction, author_kind, author_id, at, content, customer)
SELECT 'm' || i || '-1', 'e' || i, 'ch' || (i % 5), 1, 'in', 'customer', 'U' || i, opened,
	'{"kind":"text","text":"hello"}'::jsonb, 'U' || i FROM seed
UNION ALL
SELECT 'm' || i || '-2', 'e' || i, 'ch' || (i % 5), 2, 'out', 'staff', staff, att_at + (i % 60) * interval '1 s',
	'{"kind":"text","text":"How can I help?"}'::jsonb, '' FROM seed WHERE attended;

DROP TABLE seed;
`

// BenchmarkReports computes reports over 100,000 enquiries (reportSeedSQL)
// with Store.Report: a month by channel and by staff, the whole 90 days
// by channel, and one staff member's own month.
func BenchmarkReports(b *testing.B) {
	ctx := context.Background()
	pool := newPool(b, newSchema(b))
	s := postgres.New(pool, postgres.Options{})
	if err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if _, err := pool.Exec(ctx, reportSeedSQL); err != nil {
		b.Fatal(err)
	}
	// As autovacuum leaves older rows: all-visible, so index-only scans
	// read no heap.
	if _, err := pool.Exec(ctx, "VACUUM ANALYZE enquiries, transitions, messages"); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded 100,000 enquiries in %v", time.Since(start).Round(time.Millisecond))
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		b.Skip(err)
	}
	end := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		q    enquiry.ReportQuery
		rows int // what the seed gives
	}{
		{"30 days by channel", enquiry.ReportQuery{From: end.AddDate(0, 0, -30), To: end, By: enquiry.PerChannel}, 30 * 5},
		{"30 days by staff", enquiry.ReportQuery{From: end.AddDate(0, 0, -30), To: end, By: enquiry.PerStaff}, 30 * 21},
		{"90 days by channel in Tokyo", enquiry.ReportQuery{From: end.AddDate(0, 0, -90), To: end, By: enquiry.PerChannel, Location: tokyo}, 91 * 5},
		{"30 days of one staff member by channel", enquiry.ReportQuery{From: end.AddDate(0, 0, -30), To: end, By: enquiry.PerChannel, Staff: "staff3"}, 30 * 5},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var rows []enquiry.ReportRow
			for b.Loop() {
				if rows, err = s.Report(ctx, tc.q); err != nil {
					b.Fatal(err)
				}
			}
			n := 0
			for _, r := range rows {
				n += r.Enquiries
			}
			if len(rows) != tc.rows {
				b.Errorf("%d rows, want %d", len(rows), tc.rows)
			}
			b.ReportMetric(float64(n), "enquiries")
		})
	}
}
