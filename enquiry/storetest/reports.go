package storetest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/uuid"
)

// reportDesk records, straight into s, a day and a half of enquiries with
// known figures (see testReport), in Asia/Tokyo (UTC+9, no summer time).
type reportDesk struct {
	t *testing.T
	s enquiry.Store
}

// step moves e to state at at, by by, with msgs appended.
func (d reportDesk) step(e enquiry.Enquiry, to enquiry.State, by string, at time.Time, msgs ...enquiry.Message) enquiry.Enquiry {
	d.t.Helper()
	tr := &enquiry.Transition{From: e.State, To: to, By: by, At: at}
	e.State, e.Updated = to, at
	switch {
	case to == enquiry.Attending:
		e.Staff = by
	case to == enquiry.Closed:
		e.Closed = at
	}
	n, _, err := d.s.Update(ctx(d.t), enquiry.Change{Enquiry: e, Transition: tr, Append: msgs})
	if err != nil {
		d.t.Fatalf("moving %s to %s: %v", e.ID, to, err)
	}
	return n
}

// say appends msgs to e without a transition.
func (d reportDesk) say(e enquiry.Enquiry, msgs ...enquiry.Message) enquiry.Enquiry {
	d.t.Helper()
	n, _ := update(d.t, d.s, e, msgs...)
	return n
}

func staffText(staff string, at time.Time) enquiry.Message {
	m := outbound(at)
	m.Author.ID = staff
	return m
}

func botText(at time.Time) enquiry.Message {
	m := outbound(at)
	m.Author = enquiry.Author{Kind: enquiry.AuthorBot, ID: "welcome"}
	return m
}

func staffNote(staff string, at time.Time) enquiry.Message {
	return enquiry.Message{ID: uuid.New(), Direction: enquiry.Out, Author: enquiry.Author{Kind: enquiry.AuthorStaff, ID: staff},
		Time: at, Content: enquiry.Content{Kind: enquiry.Note, Text: "note to self"}}
}

// testReport: the figures of a report, by channel and by staff, by day in
// the query's time zone, over its range; a staff member's own.
func testReport(t *testing.T, s enquiry.Store) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	mustCreate(t, s, "a", "b")
	d := reportDesk{t, s}
	jst := func(day, h, m int) time.Time { return time.Date(2026, 11, day, h, m, 0, 0, tokyo) }
	sec := func(n int) time.Duration { return time.Duration(n) * time.Second }

	// E1 (a, 25th): alice attends at 30 s, notes at 60 s (not a
	// response), answers at 90 s, closes at 600 s.
	o := jst(25, 10, 0)
	e := receive(t, s, "a", "U1", "e1", o).Enquiry
	e = d.say(e, botText(o.Add(sec(1))))
	e = d.step(e, enquiry.Attending, "alice", o.Add(sec(30)))
	e = d.say(e, staffNote("alice", o.Add(sec(60))), staffText("alice", o.Add(sec(90))), staffText("alice", o.Add(sec(120))))
	d.step(e, enquiry.Closed, "alice", o.Add(sec(600)))

	// E4 (a, 25th): alice attends at 10 s and answers at 20 s, transfers
	// to bob (ringing at 50 s), who attends at 100 s and closes at 200 s.
	o = jst(25, 11, 0)
	e = receive(t, s, "a", "U4", "e4", o).Enquiry
	e = d.step(e, enquiry.Attending, "alice", o.Add(sec(10)), staffText("alice", o.Add(sec(20))))
	e = d.step(e, enquiry.Ringing, "alice", o.Add(sec(50)))
	e = d.step(e, enquiry.Attending, "bob", o.Add(sec(100)))
	d.step(e, enquiry.Closed, "bob", o.Add(sec(200)))

	// E3 (b, 25th): missed at 60 s, closed by the system at an hour,
	// never attended.
	o = jst(25, 12, 0)
	e = receive(t, s, "b", "U3", "e3", o).Enquiry
	e = d.step(e, enquiry.Missed, enquiry.BySystem, o.Add(sec(60)))
	d.step(e, enquiry.Closed, enquiry.BySystem, o.Add(sec(3600)))

	// E2 (a, 26th in Tokyo, 25th in UTC): missed at 60 s, attended by bob
	// at 300 s, answered at 320 s, still open.
	o = jst(26, 8, 0)
	e = receive(t, s, "a", "U2", "e2", o).Enquiry
	e = d.step(e, enquiry.Missed, enquiry.BySystem, o.Add(sec(60)))
	e = d.step(e, enquiry.Attending, "bob", o.Add(sec(300)))
	d.say(e, staffText("bob", o.Add(sec(320))))

	// E6 (b, 26th): carol starts the conversation (opened attended),
	// writes at 5 s and closes at 65 s.
	o = jst(26, 9, 0)
	e, opened, err := s.Open(ctx(t), enquiry.Enquiry{ID: uuid.New(), Channel: "b", Customer: enquiry.Customer{ID: "U6"},
		State: enquiry.Attending, Staff: "carol", Direct: true, Opened: o, Updated: o, LastActivity: o})
	if err != nil || !opened {
		t.Fatalf("Open(carol's conversation) = %v, %v", opened, err)
	}
	e = d.say(e, staffText("carol", o.Add(sec(5))))
	d.step(e, enquiry.Closed, "carol", o.Add(sec(65)))

	// Outside the Tokyo range: a minute before it, and at its end.
	receive(t, s, "a", "U7", "before", jst(24, 23, 59))
	receive(t, s, "a", "U8", "end", jst(27, 0, 0))

	report := func(q enquiry.ReportQuery) string {
		t.Helper()
		rows, err := s.Report(ctx(t), q)
		if err != nil {
			t.Fatalf("Report(%+v): %v", q, err)
		}
		var b strings.Builder
		for _, r := range rows {
			fmt.Fprintf(&b, "%s %q n=%d responded=%d/%v handled=%d/%v missed=%d\n", r.Day.Format(time.RFC3339), r.Key,
				r.Enquiries, r.Responded, r.FirstResponse, r.Handled, r.Handling, r.Missed)
		}
		return b.String()
	}
	for _, tc := range []struct {
		name string
		q    enquiry.ReportQuery
		want string
	}{
		{"by channel, days in Tokyo",
			enquiry.ReportQuery{From: jst(25, 0, 0), To: jst(27, 0, 0), Location: tokyo, By: enquiry.PerChannel},
			`2026-11-25T00:00:00+09:00 "a" n=2 responded=2/1m50s handled=2/12m40s missed=0
2026-11-25T00:00:00+09:00 "b" n=1 responded=0/0s handled=0/0s missed=1
2026-11-26T00:00:00+09:00 "a" n=1 responded=1/5m20s handled=0/0s missed=1
2026-11-26T00:00:00+09:00 "b" n=1 responded=1/5s handled=1/1m5s missed=0
`},
		{"by staff, days in Tokyo, nobody's under the empty key",
			enquiry.ReportQuery{From: jst(25, 0, 0), To: jst(27, 0, 0), Location: tokyo, By: enquiry.PerStaff},
			`2026-11-25T00:00:00+09:00 "" n=1 responded=0/0s handled=0/0s missed=1
2026-11-25T00:00:00+09:00 "alice" n=1 responded=1/1m30s handled=1/9m30s missed=0
2026-11-25T00:00:00+09:00 "bob" n=1 responded=1/20s handled=1/3m10s missed=0
2026-11-26T00:00:00+09:00 "bob" n=1 responded=1/5m20s handled=0/0s missed=1
2026-11-26T00:00:00+09:00 "carol" n=1 responded=1/5s handled=1/1m5s missed=0
`},
		{"one staff member's own, by channel",
			enquiry.ReportQuery{From: jst(25, 0, 0), To: jst(27, 0, 0), Location: tokyo, By: enquiry.PerChannel, Staff: "bob"},
			`2026-11-25T00:00:00+09:00 "a" n=1 responded=1/20s handled=1/3m10s missed=0
2026-11-26T00:00:00+09:00 "a" n=1 responded=1/5m20s handled=0/0s missed=1
`},
		{"by channel, days in UTC (no location)",
			enquiry.ReportQuery{From: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC), By: enquiry.PerChannel},
			`2026-11-25T00:00:00Z "a" n=3 responded=3/7m10s handled=2/12m40s missed=1
2026-11-25T00:00:00Z "b" n=1 responded=0/0s handled=0/0s missed=1
2026-11-26T00:00:00Z "a" n=1 responded=0/0s handled=0/0s missed=0
2026-11-26T00:00:00Z "b" n=1 responded=1/5s handled=1/1m5s missed=0
`},
		{"a range with no enquiries is empty",
			enquiry.ReportQuery{From: jst(1, 0, 0), To: jst(2, 0, 0), Location: tokyo, By: enquiry.PerStaff},
			""},
		{"a staff member with no enquiries has no rows",
			enquiry.ReportQuery{From: jst(25, 0, 0), To: jst(27, 0, 0), Location: tokyo, By: enquiry.PerStaff, Staff: "dave"},
			""},
	} {
		if got := report(tc.q); got != tc.want {
			t.Errorf("%s:\ngot\n%s\nwant\n%s", tc.name, got, tc.want)
		}
	}
}
