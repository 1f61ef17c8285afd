package routing_test

import (
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/routing"
)

var salesTeam = routing.Team{Name: "sales", Method: routing.RoundRobin, Members: []string{"ann", "bob"}, Timeout: 30 * time.Second}

func TestRoutePlans(t *testing.T) {
	now := at(t, "2026-11-25T10:00:00Z") // a Wednesday
	everyone := available("ann", "bob", "cai", "last", "engager")
	tests := []struct {
		name string
		rule routing.Rule
		req  routing.Request
		dir  routing.Directory
		want []routing.Step
	}{
		{
			name: "alternative lists its destinations in order with their timeouts",
			rule: routing.Rule{Teams: []routing.Team{salesTeam}, Node: routing.Node{Alternative: []routing.Destination{
				{Staff: "cai", Timeout: 10 * time.Second}, routing.ToTeam("sales"), {Team: "sales", Timeout: 5 * time.Second}, routing.ToBot("faq"),
			}}},
			want: []routing.Step{{Staff: "cai", Timeout: 10 * time.Second}, {Team: "sales", Timeout: 30 * time.Second}, {Team: "sales", Timeout: 5 * time.Second}, {Bot: "faq"}},
		},
		{
			name: "a nested rule's steps take its place",
			rule: routing.Rule{Node: routing.Node{Alternative: []routing.Destination{
				routing.ToBot("faq"),
				routing.ToRule(routing.Node{Alternative: []routing.Destination{routing.ToStaff("ann"), routing.ToStaff("bob")}}),
				routing.ToStaff("cai"),
			}}},
			want: []routing.Step{{Bot: "faq"}, {Staff: "ann"}, {Staff: "bob"}, {Staff: "cai"}},
		},
		{
			name: "percentage puts the chosen destination first and the others after it in list order",
			rule: routing.Rule{Node: routing.Node{Percentage: []routing.Share{
				{Percent: 20, Destination: routing.ToStaff("ann")}, {Percent: 80, Destination: routing.ToStaff("bob")}, {Percent: 0, Destination: routing.ToStaff("cai")},
			}}},
			want: []routing.Step{{Staff: "bob"}, {Staff: "ann"}, {Staff: "cai"}},
		},
		{
			name: "sticky offers the last staff member first within the window",
			rule: routing.Rule{Node: routing.Node{Sticky: &routing.Sticky{Window: 24 * time.Hour, Timeout: 20 * time.Second, Then: routing.Node{Alternative: []routing.Destination{routing.ToStaff("ann")}}}}},
			req:  routing.Request{LastStaff: "last", LastServed: now.Add(-24 * time.Hour)},
			want: []routing.Step{{Staff: "last", Timeout: 20 * time.Second}, {Staff: "ann"}},
		},
		{
			name: "sticky skips the last staff member outside the window",
			rule: routing.Rule{Node: routing.Node{Sticky: &routing.Sticky{Window: 24 * time.Hour, Then: routing.Node{Alternative: []routing.Destination{routing.ToStaff("ann")}}}}},
			req:  routing.Request{LastStaff: "last", LastServed: now.Add(-24*time.Hour - time.Second)},
			want: []routing.Step{{Staff: "ann"}},
		},
		{
			name: "sticky skips the last staff member when they are busy",
			rule: routing.Rule{Node: routing.Node{Sticky: &routing.Sticky{Window: 24 * time.Hour, Then: routing.Node{Alternative: []routing.Destination{routing.ToStaff("ann")}}}}},
			req:  routing.Request{LastStaff: "last", LastServed: now.Add(-time.Hour)},
			dir:  directory{"last": {Presence: routing.Busy}},
			want: []routing.Step{{Staff: "ann"}},
		},
		{
			name: "sticky skips the last staff member when they are at capacity",
			rule: routing.Rule{Node: routing.Node{Sticky: &routing.Sticky{Window: 24 * time.Hour, Then: routing.Node{Alternative: []routing.Destination{routing.ToStaff("ann")}}}}},
			req:  routing.Request{LastStaff: "last", LastServed: now.Add(-time.Hour)},
			dir:  directory{"last": {Presence: routing.Available, Open: 3, Capacity: 3}},
			want: []routing.Step{{Staff: "ann"}},
		},
		{
			name: "sticky skips a customer never served",
			rule: routing.Rule{Node: routing.Node{Sticky: &routing.Sticky{Window: 24 * time.Hour, Then: routing.Node{Alternative: []routing.Destination{routing.ToStaff("ann")}}}}},
			req:  routing.Request{LastStaff: "last"},
			want: []routing.Step{{Staff: "ann"}},
		},
		{
			name: "engagement offers the engaging staff member first",
			rule: routing.Rule{Node: routing.Node{Engagement: &routing.Engagement{Timeout: time.Minute, Then: routing.Node{Alternative: []routing.Destination{routing.ToStaff("ann")}}}}},
			req:  routing.Request{EngagedBy: "engager"},
			want: []routing.Step{{Staff: "engager", Timeout: time.Minute}, {Staff: "ann"}},
		},
		{
			name: "engagement skips an engaging staff member who is offline",
			rule: routing.Rule{Node: routing.Node{Engagement: &routing.Engagement{Then: routing.Node{Alternative: []routing.Destination{routing.ToStaff("ann")}}}}},
			req:  routing.Request{EngagedBy: "engager"},
			dir:  directory{"engager": {Presence: routing.Offline}},
			want: []routing.Step{{Staff: "ann"}},
		},
		{
			name: "engagement then sticky both come before the inner rule",
			rule: routing.Rule{Node: routing.Node{Engagement: &routing.Engagement{Then: routing.Node{Sticky: &routing.Sticky{Window: time.Hour, Then: routing.Node{Alternative: []routing.Destination{routing.ToStaff("ann")}}}}}}},
			req:  routing.Request{EngagedBy: "engager", LastStaff: "last", LastServed: now},
			want: []routing.Step{{Staff: "engager"}, {Staff: "last"}, {Staff: "ann"}},
		},
		{
			name: "time with no matching condition and no other branch routes nowhere",
			rule: routing.Rule{Node: routing.Node{Time: &routing.Time{Zone: "UTC", Conditions: []routing.Condition{
				{Days: routing.Weekend, From: "00:00", To: "24:00", Then: routing.Node{Alternative: []routing.Destination{routing.ToStaff("ann")}}},
			}}}},
			want: []routing.Step(nil),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := valid(t, tt.rule)
			req := tt.req
			req.Now = now
			dir := tt.dir
			if dir == nil {
				dir = everyone
			}
			equal(t, tt.want, r.Route(req, dir).Steps)
		})
	}
}

func TestRouteOnAnUnvalidatedRuleRoutesNowhere(t *testing.T) {
	r := routing.Rule{Teams: []routing.Team{salesTeam}, Node: routing.Node{Alternative: []routing.Destination{routing.ToTeam("sales")}}}
	equal(t, 0, len(r.Route(routing.Request{}, available("ann")).Steps))
	equal(t, []string(nil), r.Ring(routing.Step{Team: "sales"}, available("ann")))

	bad := routing.Rule{Node: routing.Node{Alternative: []routing.Destination{routing.ToTeam("nope")}}}
	if bad.Validate() == nil {
		t.Fatal("a rule naming an unknown team validated")
	}
	equal(t, 0, len(bad.Route(routing.Request{}, available("ann")).Steps))
}

func TestRouteWithZeroNowUsesTheClock(t *testing.T) {
	// Open all week, all day: whatever the clock says, it is open.
	r := valid(t, routing.Rule{Node: routing.Node{Time: &routing.Time{Zone: "UTC", Conditions: []routing.Condition{
		{Days: routing.EveryDay, From: "00:00", To: "24:00", Then: routing.Node{Alternative: []routing.Destination{routing.ToStaff("ann")}}},
	}}}})
	equal(t, []routing.Step{{Staff: "ann"}}, r.Route(routing.Request{}, nil).Steps)
}

func TestNestedPercentageCountsOnlyItsOwnDecisions(t *testing.T) {
	// The outer split alternates inner and "out"; when "out" is chosen the
	// inner rule is only fall-through and must not advance, so each time the
	// inner rule is chosen it continues x, y, x, y.
	inner := routing.Node{Percentage: []routing.Share{{Percent: 50, Destination: routing.ToStaff("x")}, {Percent: 50, Destination: routing.ToStaff("y")}}}
	r := valid(t, routing.Rule{Node: routing.Node{Percentage: []routing.Share{
		{Percent: 50, Destination: routing.ToRule(inner)}, {Percent: 50, Destination: routing.ToStaff("out")},
	}}})
	var chosen []string
	for range 8 {
		p := r.Route(routing.Request{}, nil)
		equal(t, 3, len(p.Steps))
		chosen = append(chosen, first(p))
	}
	equal(t, []string{"x", "out", "y", "out", "x", "out", "y", "out"}, chosen)
}

func TestValidateKeepsCountersOfAnUnchangedRule(t *testing.T) {
	r := valid(t, routing.Rule{Node: routing.Node{Percentage: []routing.Share{
		{Percent: 50, Destination: routing.ToStaff("a")}, {Percent: 50, Destination: routing.ToStaff("b")},
	}}})
	equal(t, "a", first(r.Route(routing.Request{}, nil)))
	noError(t, r.Validate())
	equal(t, "b", first(r.Route(routing.Request{}, nil)), "validating again must not restart the split")

	copied := *r
	equal(t, "a", first(copied.Route(routing.Request{}, nil)), "copies share the counters")
	equal(t, "b", first(r.Route(routing.Request{}, nil)))

	r.Percentage[0].Percent, r.Percentage[1].Percent = 40, 60
	noError(t, r.Validate())
	equal(t, "b", first(r.Route(routing.Request{}, nil)), "a changed rule starts afresh (b has the larger share)")
}

func TestStepRingTimeout(t *testing.T) {
	equal(t, routing.DefaultRingTimeout, routing.Step{Staff: "a"}.RingTimeout())
	equal(t, 5*time.Second, routing.Step{Staff: "a", Timeout: 5 * time.Second}.RingTimeout())
}
