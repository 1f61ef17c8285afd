package enquiry

import (
	"context"
	"time"
)

// ReportBy is what a report groups enquiries by, besides the day.
type ReportBy string

// Report groupings.
const (
	PerChannel ReportBy = "channel" // ReportRow.Key is the channel's ID
	PerStaff   ReportBy = "staff"   // ReportRow.Key is the staff member's ID, "" for nobody
)

// MaxReportDays caps a report's range.
const MaxReportDays = 366

// ReportQuery says which report to compute.
type ReportQuery struct {
	// From and To bound the enquiries by when they opened: From <= opened
	// < To. Desk.Report requires From before To, at most MaxReportDays
	// apart.
	From, To time.Time
	// Location is the time zone whose days the rows are; nil means UTC.
	// A store is given a named zone (time.LoadLocation's), never Local.
	Location *time.Location
	// By is the grouping; the zero value means PerChannel.
	By ReportBy
	// Staff, when set, keeps only the enquiries that count for this
	// staff member (Enquiry.Staff): a staff member's own report.
	Staff string
}

// ReportRow is one group's figures for one day. Durations are totals, so
// that rows add up; the Mean methods divide them.
type ReportRow struct {
	// Day is midnight, in the report's Location, of the day the row's
	// enquiries opened.
	Day time.Time
	// Key is the channel's ID (PerChannel) or the staff member's (PerStaff).
	Key string
	// Enquiries is how many enquiries opened that day in the group.
	Enquiries int
	// Responded is how many of them have a staff message, and
	// FirstResponse the sum of their first-response times.
	Responded     int
	FirstResponse time.Duration
	// Handled is how many of them were attended and are closed, and
	// Handling the sum of their handling times.
	Handled  int
	Handling time.Duration
	// Missed is how many of them went Missed at least once.
	Missed int
}

// MeanFirstResponse is the mean first-response time, zero when no
// enquiry of the row was answered.
func (r ReportRow) MeanFirstResponse() time.Duration { return mean(r.FirstResponse, r.Responded) }

// MeanHandling is the mean handling time, zero when no enquiry of the row
// was handled.
func (r ReportRow) MeanHandling() time.Duration { return mean(r.Handling, r.Handled) }

// MissedRate is the share of the row's enquiries that went Missed, from 0
// to 1.
func (r ReportRow) MissedRate() float64 {
	if r.Enquiries == 0 {
		return 0
	}
	return float64(r.Missed) / float64(r.Enquiries)
}

func mean(total time.Duration, n int) time.Duration {
	if n == 0 {
		return 0
	}
	return total / time.Duration(n)
}

// ReportStore computes reports.
type ReportStore interface {
	// Report returns q's rows, as Desk.Report defines their figures,
	// ordered by Day then Key, with one query (never by loading every
	// enquiry): only the groups and days that have enquiries. Durations
	// are whole microseconds, as PostgreSQL keeps time.
	Report(ctx context.Context, q ReportQuery) ([]ReportRow, error)
}

// Report computes a report: how the desk served its customers, per
// channel or per staff member, by day. It checks q first: ErrInvalid (a
// *ValidationError) for an empty or reversed range, one longer than
// MaxReportDays, an unknown grouping or the Local time zone. It is safe
// for concurrent use.
//
// Every figure is computed from what the store records anyway (the
// enquiry's opening and closing, its transitions, its transcript), by one
// store query per report (ReportStore):
//
//   - Each enquiry counts once, on the day it opened, in the report's
//     time zone. The range selects enquiries by when they opened.
//   - First-response time: from the enquiry's opening to the first
//     message a staff member wrote in it (Author.Kind AuthorStaff, notes
//     aside), whenever that was. Enquiries without one are not counted
//     in it (ReportRow.Responded says how many are).
//   - Handling time: from the first time a staff member attended the
//     enquiry (its first transition to Attending; an enquiry a staff
//     member opened with Engage starts attended) to its closing. Only
//     enquiries that were attended and are closed count
//     (ReportRow.Handled).
//   - Missed rate: the share of the enquiries that went Missed (a
//     transition to Missed) at least once, whether or not staff attended
//     them later.
//   - Per staff member, an enquiry counts for the staff member who
//     attends it, or last attended or closed it (Enquiry.Staff): after a
//     transfer, the one who took it over. Enquiries nobody attended or
//     closed count under the empty key.
func (d *Desk) Report(ctx context.Context, q ReportQuery) ([]ReportRow, error) {
	if err := q.check(); err != nil {
		return nil, err
	}
	if q.Location == nil {
		q.Location = time.UTC
	}
	if q.By == "" {
		q.By = PerChannel
	}
	return d.store.Report(ctx, q)
}

func (q ReportQuery) check() error {
	switch {
	case q.From.IsZero() || q.To.IsZero() || !q.From.Before(q.To):
		return invalid("range", "from must be before to", nil)
	case q.To.Sub(q.From) > MaxReportDays*24*time.Hour+time.Hour: // an hour's grace for a summer-time change
		return invalid("range", "a report covers at most 366 days", nil)
	case q.By != "" && q.By != PerChannel && q.By != PerStaff:
		return invalid("by", `group by "channel" or "staff"`, nil)
	case q.Location == time.Local:
		return invalid("tz", "name the time zone (e.g. Asia/Tokyo): Local differs from host to host", nil)
	}
	return nil
}
