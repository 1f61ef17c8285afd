package enquiry

import (
	"cmp"
	"context"
	"slices"
	"time"
)

var _ ReportStore = (*MemStore)(nil)

// Report implements ReportStore with a scan of the enquiries that opened
// in the range.
func (s *MemStore) Report(ctx context.Context, q ReportQuery) ([]ReportRow, error) {
	loc := q.Location
	if loc == nil {
		loc = time.UTC
	}
	type group struct {
		day time.Time
		key string
	}
	rows := map[group]*ReportRow{}
	s.mu.Lock()
	for _, m := range s.order {
		e := &m.e
		if e.Opened.Before(q.From) || !e.Opened.Before(q.To) || (q.Staff != "" && e.Staff != q.Staff) {
			continue
		}
		y, mo, d := e.Opened.In(loc).Date()
		g := group{time.Date(y, mo, d, 0, 0, 0, 0, loc), e.Channel}
		if q.By == PerStaff {
			g.key = e.Staff
		}
		r := rows[g]
		if r == nil {
			r = &ReportRow{Day: g.day, Key: g.key}
			rows[g] = r
		}
		r.Enquiries++
		opened := e.Opened.Round(time.Microsecond)
		if first := firstStaff(m.msgs); !first.IsZero() {
			r.Responded++
			r.FirstResponse += first.Round(time.Microsecond).Sub(opened)
		}
		var attended time.Time
		missed := false
		for _, t := range m.transitions {
			if t.To == Attending && attended.IsZero() {
				attended = t.At
			}
			missed = missed || t.To == Missed
		}
		if missed {
			r.Missed++
		}
		if !attended.IsZero() && e.State == Closed {
			r.Handled++
			r.Handling += e.Closed.Round(time.Microsecond).Sub(attended.Round(time.Microsecond))
		}
	}
	s.mu.Unlock()
	out := make([]ReportRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b ReportRow) int {
		if c := a.Day.Compare(b.Day); c != 0 {
			return c
		}
		return cmp.Compare(a.Key, b.Key)
	})
	return out, nil
}

// firstStaff is the time of the earliest staff message of msgs (zero if
// none).
func firstStaff(msgs []*Message) time.Time {
	var first time.Time
	for _, m := range msgs {
		if m.Author.Kind == AuthorStaff && m.Content.Kind != Note && (first.IsZero() || m.Time.Before(first)) {
			first = m.Time
		}
	}
	return first
}
