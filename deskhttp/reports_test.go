package deskhttp

import (
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// reportAuth: an admin service token, and alice's and bob's own tokens.
var reportAuth = fakeAuth{
	"service":     {Role: RoleAdmin, Via: ViaService},
	"alice-token": {Staff: "alice", Role: RoleStaff, Via: ViaToken},
	"bob-token":   {Staff: "bob", Role: RoleStaff, Via: ViaToken},
}

// reportDesk serves a desk where channel shop ("Shop"), which has no
// routing rule and so misses every enquiry at once, has had two enquiries
// today: one alice attended from the missed queue, answered and closed,
// one still waiting.
func reportDesk(t *testing.T) *servedDesk {
	t.Helper()
	d := serveDesk(t, Config{Auth: reportAuth})
	ctx := context.Background()
	served := openEnquiry(t, d)
	openEnquiry(t, d)
	if _, err := d.desk.Attend(ctx, served, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.desk.Send(ctx, served, "alice", enquiry.Content{Kind: enquiry.Text, Text: "Hello!"}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.desk.Close(ctx, served, "alice"); err != nil {
		t.Fatal(err)
	}
	return d
}

// around is a from and to that hold today wherever the test runs, even
// across midnight.
func around() string {
	now := time.Now().UTC()
	return "from=" + now.AddDate(0, 0, -1).Format(time.DateOnly) + "&to=" + now.AddDate(0, 0, 1).Format(time.DateOnly)
}

// reportSums adds a report's rows up per key.
func reportSums(t *testing.T, body map[string]any) map[string]map[string]float64 {
	t.Helper()
	rows, ok := body["rows"].([]any)
	if !ok {
		t.Fatalf("no rows in %v", body)
	}
	out := map[string]map[string]float64{}
	for _, r := range rows {
		row := r.(map[string]any)
		key := row["key"].(string)
		if out[key] == nil {
			out[key] = map[string]float64{}
		}
		for _, f := range []string{"enquiries", "responded", "handled", "missed"} {
			out[key][f] += row[f].(float64)
		}
		if name, _ := row["name"].(string); name != "" {
			out[key]["named "+name] = 1
		}
	}
	return out
}

func TestAReportCountsEachChannelsAndEachStaffMembersEnquiries(t *testing.T) {
	d := reportDesk(t)
	for _, tc := range []struct {
		name, query, cred string
		want              map[string]map[string]float64
	}{
		{"an admin's report by channel has the shop's two enquiries, named", "by=channel", "service",
			map[string]map[string]float64{"shop": {"enquiries": 2, "responded": 1, "handled": 1, "missed": 2, "named Shop": 1}}},
		{"an admin's report by staff has alice's, and the one nobody attended under the empty key", "by=staff", "service",
			map[string]map[string]float64{
				"":      {"enquiries": 1, "responded": 0, "handled": 0, "missed": 1},
				"alice": {"enquiries": 1, "responded": 1, "handled": 1, "missed": 1, "named Alice Test": 1},
			}},
		{"alice sees only her own enquiries", "by=staff", "alice-token",
			map[string]map[string]float64{"alice": {"enquiries": 1, "responded": 1, "handled": 1, "missed": 1, "named Alice Test": 1}}},
		{"alice's report by channel holds her own enquiries too", "by=channel", "alice-token",
			map[string]map[string]float64{"shop": {"enquiries": 1, "responded": 1, "handled": 1, "missed": 1, "named Shop": 1}}},
		{"bob, who served nobody, sees nothing", "by=staff", "bob-token", map[string]map[string]float64{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := d.call(t, "GET", "/api/reports?"+tc.query+"&"+around(), "", as(tc.cred)...)
			if code != http.StatusOK {
				t.Fatalf("GET /api/reports?%s: %d %v", tc.query, code, body)
			}
			got := reportSums(t, body)
			if len(got) != len(tc.want) {
				t.Fatalf("rows for %v, want %v", got, tc.want)
			}
			for k, want := range tc.want {
				for f, n := range want {
					if got[k][f] != n {
						t.Errorf("key %q: %s = %v, want %v (all: %v)", k, f, got[k][f], n, got)
					}
				}
			}
			if staff, _ := body["staff"].(string); strings.HasSuffix(tc.cred, "-token") != (staff != "") {
				t.Errorf("staff = %q: a staff member's report says whose it is, an admin's does not", staff)
			}
		})
	}
}

func TestAReportDefaultsToTheLastSevenDaysInUTC(t *testing.T) {
	d := reportDesk(t)
	before := time.Now().UTC()
	code, body := d.call(t, "GET", "/api/reports", "", as("service")...)
	after := time.Now().UTC()
	if code != http.StatusOK {
		t.Fatalf("GET /api/reports: %d %v", code, body)
	}
	if body["tz"] != "UTC" || body["by"] != "channel" {
		t.Errorf("tz %v, by %v; want UTC, channel", body["tz"], body["by"])
	}
	ok := false
	for _, now := range []time.Time{before, after} {
		ok = ok || body["to"] == now.Format(time.DateOnly) && body["from"] == now.AddDate(0, 0, -6).Format(time.DateOnly)
	}
	if !ok {
		t.Errorf("from %v to %v, want the 7 days ending %s", body["from"], body["to"], before.Format(time.DateOnly))
	}
	if got := reportSums(t, body); got["shop"]["enquiries"] != 2 {
		t.Errorf("default report %v, want the shop's 2 enquiries", got)
	}
}

func TestAReportDownloadsAsCSV(t *testing.T) {
	d := reportDesk(t)
	ctx := context.Background()
	// A name a spreadsheet would run as a formula is kept as text.
	if _, err := d.desk.CreateChannel(ctx, enquiry.Channel{ID: "evil", Name: "=HYPERLINK(\"x\")", Kind: "line"}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.desk.Receive(ctx, enquiry.Inbound{Channel: "evil", Customer: enquiry.Customer{ID: "U9"}, Content: enquiry.Content{Kind: enquiry.Text, Text: "hi"}}); err != nil {
		t.Fatal(err)
	}
	today := time.Now().UTC().Format(time.DateOnly)
	req, _ := http.NewRequest("GET", d.url+"/api/reports?format=csv&tz=UTC&from="+today+"&to="+today, nil)
	req.Header.Set("Authorization", "Bearer service")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	checkResponse(t, req, res, raw)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("%s, Content-Type %q; want 200 text/csv", res.Status, res.Header.Get("Content-Type"))
	}
	if cd, want := res.Header.Get("Content-Disposition"), `attachment; filename="socialdesk-report-channel-`+today+"-"+today+`.csv"`; cd != want {
		t.Errorf("Content-Disposition %q, want %q", cd, want)
	}
	lines, err := csv.NewReader(strings.NewReader(string(raw))).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, raw)
	}
	want := [][]string{
		{"day", "channel", "name", "enquiries", "responded", "mean_first_response_s", "handled", "mean_handling_s", "missed", "missed_rate", "tz"},
		{today, "evil", `'=HYPERLINK("x")`, "1", "0", "0.0", "0", "0.0", "1", "1.0000", "UTC"},
		{today, "shop", "Shop", "2", "1", "", "1", "", "2", "1.0000", "UTC"},
	}
	if len(lines) != len(want) {
		t.Fatalf("CSV lines %q, want %q", lines, want)
	}
	for i, line := range lines {
		for j, cell := range line {
			if want[i][j] != "" && cell != want[i][j] {
				t.Errorf("line %d, column %s: %q, want %q", i, want[0][j], cell, want[i][j])
			}
		}
	}
}

func TestAReportRefusesBadParameters(t *testing.T) {
	d := serveDesk(t, Config{Auth: reportAuth})
	for _, tc := range []struct{ name, query, code string }{
		{"an unknown time zone", "tz=Mars/Olympus", "bad_tz"},
		{"the host's Local zone, which differs from host to host", "tz=Local", "bad_tz"},
		{"a day that is not a date", "from=2026-13-01", "bad_date"},
		{"a day before 1970", "from=0001-01-01&to=0001-01-02", "bad_date"},
		{"a time instead of a day", "to=" + url.QueryEscape("2026-12-01T10:00:00Z"), "bad_date"},
		{"from after to", "from=2026-12-02&to=2026-12-01", "bad_range"},
		{"more than 366 days", "from=2025-01-01&to=2026-01-02", "bad_range"},
		{"an unknown grouping", "by=team", "bad_by"},
		{"an unknown format", "format=xml", "bad_format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := d.call(t, "GET", "/api/reports?"+tc.query, "", as("service")...)
			if code != http.StatusBadRequest || errCode(body) != tc.code {
				t.Fatalf("GET /api/reports?%s: %d %v, want 400 %s", tc.query, code, body, tc.code)
			}
		})
	}
	if code, body := d.call(t, "GET", "/api/reports?from=2025-01-01&to=2026-01-01", "", as("service")...); code != http.StatusOK {
		t.Errorf("366 days: %d %v, want 200", code, body)
	}
	if code, _ := d.call(t, "GET", "/api/reports", ""); code != http.StatusUnauthorized {
		t.Errorf("without a credential: %d, want 401", code)
	}
}
