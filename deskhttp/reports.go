package deskhttp

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// reportDayFormat is how the report's days are written.
const reportDayFormat = time.DateOnly

// reportRowJSON is one row of a report as the API shows it: durations as
// means in seconds.
type reportRowJSON struct {
	Day string `json:"day"`
	// Key is the channel's ID or the staff member's ("" for enquiries
	// nobody attended); Name is its display name, when known.
	Key                   string  `json:"key"`
	Name                  string  `json:"name"`
	Enquiries             int     `json:"enquiries"`
	Responded             int     `json:"responded"`
	MeanFirstResponseSecs float64 `json:"meanFirstResponseSeconds"`
	Handled               int     `json:"handled"`
	MeanHandlingSecs      float64 `json:"meanHandlingSeconds"`
	Missed                int     `json:"missed"`
	MissedRate            float64 `json:"missedRate"`
}

// reportJSON is the body of GET /api/reports.
type reportJSON struct {
	From  string           `json:"from"`
	To    string           `json:"to"`
	TZ    string           `json:"tz"`
	By    enquiry.ReportBy `json:"by"`
	Staff string           `json:"staff,omitempty"` // set on a staff member's own report
	Rows  []reportRowJSON  `json:"rows"`
}

// getReport serves GET /api/reports: first-response time, handling time and the missed
// rate per channel or per staff member, by day (see enquiry.Desk.Report
// for how each figure is defined). Query parameters, all optional:
//
//	from, to  the first and last day, YYYY-MM-DD, both included
//	          (default: the 7 days ending today)
//	tz        the IANA time zone the days are in (default UTC)
//	by        channel (default) or staff
//	format    json (default) or csv
//
// An admin sees every enquiry. A staff member may ask too and sees only
// their own: the enquiries that count for them (those they attend, or
// last attended or closed), whatever by says. Bad parameters are 400.
func (h *Handler) getReport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	format := q.Get("format")
	if format != "" && format != "json" && format != "csv" {
		writeError(w, http.StatusBadRequest, "bad_format", `format is "json" or "csv"`)
		return
	}
	rq, body, ok := h.reportQuery(w, r)
	if !ok {
		return
	}
	rows, err := h.cfg.Desk.Report(r.Context(), rq)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	names := h.reportNames(r.Context(), rq.By)
	body.Rows = make([]reportRowJSON, len(rows))
	for i, row := range rows {
		body.Rows[i] = reportRowJSON{
			Day: row.Day.Format(reportDayFormat), Key: row.Key, Name: names(row.Key),
			Enquiries: row.Enquiries, Responded: row.Responded, MeanFirstResponseSecs: row.MeanFirstResponse().Seconds(),
			Handled: row.Handled, MeanHandlingSecs: row.MeanHandling().Seconds(),
			Missed: row.Missed, MissedRate: row.MissedRate(),
		}
	}
	if format == "csv" {
		writeReportCSV(w, body)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// reportQuery reads the report's parameters and the principal's scope;
// false when it has answered the request already.
func (h *Handler) reportQuery(w http.ResponseWriter, r *http.Request) (enquiry.ReportQuery, reportJSON, bool) {
	q := r.URL.Query()
	var body reportJSON
	loc := time.UTC
	if tz := q.Get("tz"); tz != "" {
		l, err := time.LoadLocation(tz)
		if err != nil || l == time.Local || tz == "Local" {
			writeError(w, http.StatusBadRequest, "bad_tz", "tz is an IANA time zone name, e.g. Asia/Tokyo or UTC")
			return enquiry.ReportQuery{}, body, false
		}
		loc = l
	}
	y, m, d := h.cfg.Now().In(loc).Date()
	to := time.Date(y, m, d, 0, 0, 0, 0, loc)
	from := to.AddDate(0, 0, -6)
	for _, p := range []struct {
		name string
		day  *time.Time
	}{{"from", &from}, {"to", &to}} {
		s := q.Get(p.name)
		if s == "" {
			continue
		}
		t, err := time.ParseInLocation(reportDayFormat, s, loc)
		if err != nil || t.Year() < 1970 || t.Year() > 9998 {
			writeError(w, http.StatusBadRequest, "bad_date", p.name+" is a day, YYYY-MM-DD, from 1970 to 9998")
			return enquiry.ReportQuery{}, body, false
		}
		*p.day = t
	}
	end := to.AddDate(0, 0, 1) // to is included
	switch {
	case to.Before(from):
		writeError(w, http.StatusBadRequest, "bad_range", "from is after to")
		return enquiry.ReportQuery{}, body, false
	case end.After(from.AddDate(0, 0, enquiry.MaxReportDays)):
		writeError(w, http.StatusBadRequest, "bad_range", fmt.Sprintf("a report covers at most %d days", enquiry.MaxReportDays))
		return enquiry.ReportQuery{}, body, false
	}
	by := enquiry.ReportBy(q.Get("by"))
	switch by {
	case "":
		by = enquiry.PerChannel
	case enquiry.PerChannel, enquiry.PerStaff:
	default:
		writeError(w, http.StatusBadRequest, "bad_by", `by is "channel" or "staff"`)
		return enquiry.ReportQuery{}, body, false
	}
	rq := enquiry.ReportQuery{From: from, To: end, Location: loc, By: by}
	if p, _ := PrincipalFrom(r.Context()); !p.Role.allows(RoleAdmin) {
		if p.Staff == "" {
			writeError(w, http.StatusForbidden, "forbidden", "reports need the admin role, or a staff member's own credential")
			return enquiry.ReportQuery{}, body, false
		}
		rq.Staff = p.Staff
	}
	body = reportJSON{From: from.Format(reportDayFormat), To: to.Format(reportDayFormat), TZ: loc.String(), By: by, Staff: rq.Staff}
	return rq, body, true
}

// reportNames returns a function naming a report's keys: channels by
// their names, staff by their names in the roster ("" when unknown).
func (h *Handler) reportNames(ctx context.Context, by enquiry.ReportBy) func(string) string {
	if by == enquiry.PerStaff {
		return func(id string) string {
			n, ok := h.roster.Name(id)
			if !ok {
				return ""
			}
			return strings.TrimSpace(n.First + " " + n.Last)
		}
	}
	names := map[string]string{}
	if chs, err := h.cfg.Desk.Channels(ctx); err == nil { // without names, the IDs still say which
		for _, ch := range chs {
			names[ch.ID] = ch.Name
		}
	}
	return func(id string) string { return names[id] }
}

// writeReportCSV writes body as CSV, one line per row, for a spreadsheet:
// a download named after the report.
func writeReportCSV(w http.ResponseWriter, body reportJSON) {
	name := fmt.Sprintf("socialdesk-report-%s-%s-%s.csv", body.By, body.From, body.To)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.WriteHeader(http.StatusOK)
	c := csv.NewWriter(w)
	c.Write([]string{"day", string(body.By), "name", "enquiries", "responded", "mean_first_response_s",
		"handled", "mean_handling_s", "missed", "missed_rate", "tz"})
	for _, r := range body.Rows {
		c.Write([]string{r.Day, cell(r.Key), cell(r.Name), strconv.Itoa(r.Enquiries), strconv.Itoa(r.Responded),
			strconv.FormatFloat(r.MeanFirstResponseSecs, 'f', 1, 64), strconv.Itoa(r.Handled),
			strconv.FormatFloat(r.MeanHandlingSecs, 'f', 1, 64), strconv.Itoa(r.Missed),
			strconv.FormatFloat(r.MissedRate, 'f', 4, 64), body.TZ})
	}
	c.Flush()
}

// cell keeps a name a spreadsheet would run as a formula (=, +, -, @,
// tab, CR) as text, with a leading apostrophe.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
