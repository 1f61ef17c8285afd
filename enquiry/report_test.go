package enquiry_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

func TestDeskReportRefusesABadQuery(t *testing.T) {
	d, err := enquiry.New(enquiry.Config{Sender: enquiry.SenderFunc(func(context.Context, enquiry.Outbound) (enquiry.Receipt, error) { return enquiry.Receipt{}, nil })})
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, field string
		q           enquiry.ReportQuery
	}{
		{"no range", "range", enquiry.ReportQuery{}},
		{"an empty range", "range", enquiry.ReportQuery{From: day, To: day}},
		{"a reversed range", "range", enquiry.ReportQuery{From: day, To: day.Add(-time.Hour)}},
		{"more than 366 days", "range", enquiry.ReportQuery{From: day, To: day.AddDate(0, 0, 367)}},
		{"an unknown grouping", "by", enquiry.ReportQuery{From: day, To: day.AddDate(0, 0, 1), By: "team"}},
		{"the host's Local zone", "tz", enquiry.ReportQuery{From: day, To: day.AddDate(0, 0, 1), Location: time.Local}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ve *enquiry.ValidationError
			if _, err := d.Report(t.Context(), tc.q); !errors.Is(err, enquiry.ErrInvalid) || !errors.As(err, &ve) || ve.Field != tc.field {
				t.Fatalf("Report(%+v) = %v, want ErrInvalid on %s", tc.q, err, tc.field)
			}
		})
	}
	if rows, err := d.Report(t.Context(), enquiry.ReportQuery{From: day, To: day.AddDate(0, 0, enquiry.MaxReportDays)}); err != nil || len(rows) != 0 {
		t.Fatalf("Report(366 days, nothing recorded) = %v, %v; want no rows", rows, err)
	}
}
