package routing_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/routing"
)

func alt(ds ...routing.Destination) routing.Node { return routing.Node{Alternative: ds} }

func TestValidateRejectsBadRules(t *testing.T) {
	ann := alt(routing.ToStaff("ann"))
	deep := ann
	for range 40 {
		deep = alt(routing.ToRule(deep))
	}
	many := make([]routing.Destination, 1001)
	for i := range many {
		many[i] = routing.ToStaff("s")
	}
	hours := func(cs ...routing.Condition) routing.Node {
		return routing.Node{Time: &routing.Time{Zone: "Asia/Tokyo", Conditions: cs}}
	}
	tests := []struct {
		name string
		rule routing.Rule
		err  error
		path string
		msg  string // a part of the message
	}{
		{"an empty rule", routing.Rule{}, routing.ErrEmpty, "", "routes nowhere"},
		{"a rule with two kinds", routing.Rule{Node: routing.Node{Alternative: ann.Alternative, Sticky: &routing.Sticky{Window: time.Hour, Then: ann}}}, routing.ErrAmbiguous, "", "nest them"},
		{"an empty alternative", routing.Rule{Node: routing.Node{Alternative: []routing.Destination{}}}, routing.ErrEmpty, "alternative", "no destinations"},
		{"an empty percentage", routing.Rule{Node: routing.Node{Percentage: []routing.Share{}}}, routing.ErrEmpty, "percentage", "no destinations"},
		{"a destination naming nobody", routing.Rule{Node: alt(routing.ToStaff("ann"), routing.Destination{})}, routing.ErrEmpty, "alternative[1]", "names nobody"},
		{"a destination naming two targets", routing.Rule{Node: alt(routing.Destination{Staff: "ann", Bot: "faq"})}, routing.ErrAmbiguous, "alternative[0]", "more than one"},
		{"an unknown team", routing.Rule{Teams: []routing.Team{salesTeam}, Node: alt(routing.ToTeam("support"))}, routing.ErrUnknownTeam, "alternative[0].team", `team "support" is not defined`},
		{"percentages totalling 0", routing.Rule{Node: routing.Node{Percentage: []routing.Share{{Destination: routing.ToStaff("a")}, {Destination: routing.ToStaff("b")}}}}, routing.ErrPercent, "percentage", "total 0%; percentages must total exactly 100%"},
		{"percentages totalling 60", routing.Rule{Node: routing.Node{Percentage: []routing.Share{{Percent: 30, Destination: routing.ToStaff("a")}, {Percent: 30, Destination: routing.ToStaff("b")}}}}, routing.ErrPercent, "percentage", "total 60%"},
		{"percentages totalling 120", routing.Rule{Node: routing.Node{Percentage: []routing.Share{{Percent: 70, Destination: routing.ToStaff("a")}, {Percent: 50, Destination: routing.ToStaff("b")}}}}, routing.ErrPercent, "percentage", "total 120%"},
		{"a nested rule totalling 99", routing.Rule{Node: alt(routing.ToRule(routing.Node{Percentage: []routing.Share{{Percent: 33, Destination: routing.ToStaff("a")}, {Percent: 66, Destination: routing.ToStaff("b")}}}))}, routing.ErrPercent, "alternative[0].rule.percentage", "total 99%"},
		{"a share over 100", routing.Rule{Node: routing.Node{Percentage: []routing.Share{{Percent: 101, Destination: routing.ToStaff("a")}, {Percent: -1, Destination: routing.ToStaff("b")}}}}, routing.ErrPercent, "percentage[0].percent", "101%"},
		{"a share under 0", routing.Rule{Node: routing.Node{Percentage: []routing.Share{{Percent: 100, Destination: routing.ToStaff("a")}, {Percent: -1, Destination: routing.ToStaff("b")}}}}, routing.ErrPercent, "percentage[1].percent", "-1%"},
		{"a huge share", routing.Rule{Node: routing.Node{Percentage: []routing.Share{{Percent: 1 << 40, Destination: routing.ToStaff("a")}}}}, routing.ErrPercent, "percentage[0].percent", "from 0 to 100"},
		{"an unknown time zone", routing.Rule{Node: routing.Node{Time: &routing.Time{Zone: "Mars/Olympus_Mons", Other: &ann}}}, routing.ErrZone, "time.zone", `"Mars/Olympus_Mons" is not known`},
		{"a missing time zone", routing.Rule{Node: routing.Node{Time: &routing.Time{Other: &ann}}}, routing.ErrZone, "time.zone", "IANA"},
		{"the machine's local zone", routing.Rule{Node: routing.Node{Time: &routing.Time{Zone: "Local", Other: &ann}}}, routing.ErrZone, "time.zone", "IANA"},
		{"overlapping hours", routing.Rule{Node: hours(
			routing.Condition{Days: routing.Weekdays, From: "09:00", To: "12:00", Then: ann},
			routing.Condition{Days: routing.DaysOf(time.Saturday, time.Friday), From: "11:59", To: "18:00", Then: ann},
		)}, routing.ErrOverlap, "time.conditions[1]", "overlap conditions[0] (09:00–12:00) on fri"},
		{"hours ending before they start", routing.Rule{Node: hours(routing.Condition{Days: routing.Weekdays, From: "18:00", To: "09:00", Then: ann})}, routing.ErrHours, "time.conditions[0]", "two conditions"},
		{"empty hours", routing.Rule{Node: hours(routing.Condition{Days: routing.Weekdays, From: "09:00", To: "09:00", Then: ann})}, routing.ErrHours, "time.conditions[0]", "not before"},
		{"a malformed from", routing.Rule{Node: hours(routing.Condition{Days: routing.Weekdays, From: "9:00", To: "18:00", Then: ann})}, routing.ErrHours, "time.conditions[0].from", `"9:00"`},
		{"a from of 24:00", routing.Rule{Node: hours(routing.Condition{Days: routing.Weekdays, From: "24:00", To: "24:00", Then: ann})}, routing.ErrHours, "time.conditions[0].from", "23:59"},
		{"a to past midnight", routing.Rule{Node: hours(routing.Condition{Days: routing.Weekdays, From: "09:00", To: "24:30", Then: ann})}, routing.ErrHours, "time.conditions[0].to", `"24:30"`},
		{"a condition with no days", routing.Rule{Node: hours(routing.Condition{From: "09:00", To: "18:00", Then: ann})}, routing.ErrHours, "time.conditions[0].days", "no days"},
		{"a condition routing nowhere", routing.Rule{Node: hours(routing.Condition{Days: routing.Weekdays, From: "09:00", To: "18:00"})}, routing.ErrEmpty, "time.conditions[0].then", "routes nowhere"},
		{"an impossible holiday", routing.Rule{Node: routing.Node{Time: &routing.Time{Zone: "UTC", Holidays: []string{"2026-02-30"}, Other: &ann}}}, routing.ErrDate, "time.holidays[0]", `"2026-02-30"`},
		{"a holiday listed twice", routing.Rule{Node: routing.Node{Time: &routing.Time{Zone: "UTC", Holidays: []string{"2026-01-01", "2026-05-05", "2026-01-01"}, Other: &ann}}}, routing.ErrDuplicate, "time.holidays[2]", "twice"},
		{"an empty holiday branch", routing.Rule{Node: routing.Node{Time: &routing.Time{Zone: "UTC", OnHoliday: &routing.Node{}}}}, routing.ErrEmpty, "time.on_holiday", "routes nowhere"},
		{"a team without members", routing.Rule{Teams: []routing.Team{{Name: "x"}}, Node: ann}, routing.ErrEmpty, "teams[0]", "no members"},
		{"a team without a name", routing.Rule{Teams: []routing.Team{{Members: []string{"a"}}}, Node: ann}, routing.ErrEmpty, "teams[0]", "no name"},
		{"a team defined twice", routing.Rule{Teams: []routing.Team{salesTeam, salesTeam}, Node: ann}, routing.ErrDuplicate, "teams[1]", "twice"},
		{"a member listed twice", routing.Rule{Teams: []routing.Team{{Name: "x", Members: []string{"a", "b", "a"}}}, Node: ann}, routing.ErrDuplicate, "teams[0].members[2]", `"a"`},
		{"an empty member", routing.Rule{Teams: []routing.Team{{Name: "x", Members: []string{""}}}, Node: ann}, routing.ErrEmpty, "teams[0].members[0]", "empty staff ID"},
		{"an undefined method", routing.Rule{Teams: []routing.Team{{Name: "x", Method: 9, Members: []string{"a"}}}, Node: ann}, routing.ErrMethod, "teams[0]", "undefined"},
		{"a negative timeout", routing.Rule{Node: alt(routing.Destination{Staff: "a", Timeout: -time.Second})}, routing.ErrDuration, "alternative[0].timeout", "between 0"},
		{"a timeout on a bot", routing.Rule{Node: alt(routing.Destination{Bot: "faq", Timeout: time.Second})}, routing.ErrDuration, "alternative[0].timeout", "bot"},
		{"a timeout on a nested rule", routing.Rule{Node: alt(routing.Destination{Rule: &ann, Timeout: time.Second})}, routing.ErrDuration, "alternative[0].timeout", "nested rule"},
		{"a sticky rule without a window", routing.Rule{Node: routing.Node{Sticky: &routing.Sticky{Then: ann}}}, routing.ErrDuration, "sticky.window", "positive"},
		{"a sticky timeout too long", routing.Rule{Node: routing.Node{Sticky: &routing.Sticky{Window: time.Hour, Timeout: 25 * time.Hour, Then: ann}}}, routing.ErrDuration, "sticky.timeout", "between 0"},
		{"a sticky rule routing nowhere after", routing.Rule{Node: routing.Node{Sticky: &routing.Sticky{Window: time.Hour}}}, routing.ErrEmpty, "sticky.then", "routes nowhere"},
		{"a negative engagement timeout", routing.Rule{Node: routing.Node{Engagement: &routing.Engagement{Timeout: -1, Then: ann}}}, routing.ErrDuration, "engagement.timeout", "between 0"},
		{"an engagement rule routing nowhere after", routing.Rule{Node: routing.Node{Engagement: &routing.Engagement{}}}, routing.ErrEmpty, "engagement.then", "routes nowhere"},
		{"a nested rule routing nowhere", routing.Rule{Node: alt(routing.ToRule(routing.Node{}))}, routing.ErrEmpty, "alternative[0].rule", "routes nowhere"},
		{"rules nested too deeply", routing.Rule{Node: deep}, routing.ErrTooLarge, "alternative[0].rule.alternative[0].rule", "nested more than"},
		{"a rule with too many steps", routing.Rule{Node: alt(many...)}, routing.ErrTooLarge, "alternative", "more than 1000 steps"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.rule.Validate()
			if !errors.Is(err, tt.err) {
				t.Fatalf("got %v, want an error that is %v", err, tt.err)
			}
			var re *routing.RuleError
			if !errors.As(err, &re) {
				t.Fatalf("got %T, want *routing.RuleError", err)
			}
			if (tt.path == "" && re.Path != "") || !strings.HasPrefix(re.Path, tt.path) {
				t.Errorf("path %q, want %q", re.Path, tt.path)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("message %q does not say %q", err.Error(), tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "routing: invalid rule") {
				t.Errorf("message %q does not start with the package", err.Error())
			}
			if n := tt.rule.Route(routing.Request{}, available("a", "ann")); len(n.Steps) != 0 {
				t.Errorf("an invalid rule routed to %v", n.Steps)
			}
		})
	}
}

func TestUnmarshalRejectsBadJSON(t *testing.T) {
	tests := []struct {
		name string
		json string
		err  error
		msg  string
	}{
		{"a misspelt field", `{"alternatve":[{"staff":"a"}]}`, routing.ErrJSON, `unknown field "alternatve"`},
		{"a misspelt field in a destination", `{"alternative":[{"staf":"a"}]}`, routing.ErrJSON, `unknown field "staf"`},
		{"a misspelt field in a condition", `{"time":{"zone":"UTC","conditions":[{"days":["mon"],"from":"09:00","to":"10:00","than":{}}]}}`, routing.ErrJSON, `unknown field "than"`},
		{"a percentage that is a string", `{"percentage":[{"percent":"50","staff":"a"}]}`, routing.ErrJSON, "percent"},
		{"a share with a weight instead of a percentage", `{"percentage":[{"weight":50,"staff":"a"},{"weight":50,"staff":"b"}]}`, routing.ErrJSON, "weight"},
		{"an unknown method", `{"teams":[{"name":"x","method":"random","members":["a"]}],"alternative":[{"team":"x"}]}`, routing.ErrMethod, `"random"`},
		{"an unknown day", `{"time":{"zone":"UTC","conditions":[{"days":["monday"],"from":"09:00","to":"10:00","then":{"alternative":[{"staff":"a"}]}}]}}`, routing.ErrHours, `"monday"`},
		{"a day listed twice", `{"time":{"zone":"UTC","conditions":[{"days":["mon","mon"],"from":"09:00","to":"10:00","then":{"alternative":[{"staff":"a"}]}}]}}`, routing.ErrDuplicate, `"mon"`},
		{"a malformed duration", `{"alternative":[{"staff":"a","timeout":"30"}]}`, routing.ErrDuration, `"30"`},
		{"a valid form with an invalid rule", `{"alternative":[{"team":"ghost"}]}`, routing.ErrUnknownTeam, "ghost"},
		{"null", `null`, routing.ErrEmpty, "routes nowhere"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := routing.Rule{Node: alt(routing.ToStaff("keep"))}
			err := json.Unmarshal([]byte(tt.json), &r)
			if !errors.Is(err, tt.err) {
				t.Fatalf("got %v, want an error that is %v", err, tt.err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("message %q does not say %q", err.Error(), tt.msg)
			}
			equal(t, alt(routing.ToStaff("keep")), r.Node, "a failed decode must leave the rule unchanged")
		})
	}
}

func TestUnmarshalReportsMalformedJSON(t *testing.T) {
	var r routing.Rule
	// encoding/json finds syntax errors before the rule sees its bytes.
	var syntax *json.SyntaxError
	if err := json.Unmarshal([]byte(`{"alternative":[`), &r); !errors.As(err, &syntax) {
		t.Errorf("json.Unmarshal: got %v, want a *json.SyntaxError", err)
	}
	// Called directly, UnmarshalJSON says the same, wrapped in ErrJSON.
	err := r.UnmarshalJSON([]byte(`{"alternative":[`))
	if !errors.Is(err, routing.ErrJSON) {
		t.Errorf("UnmarshalJSON: got %v, want an error that is ErrJSON", err)
	}
}
