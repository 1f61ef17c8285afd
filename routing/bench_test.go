package routing_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/routing"
)

// benchSetup builds 1,000 staff in ten teams of 100 and a Time → Percentage
// → team rule over three of the teams, each team using method.
func benchSetup(b *testing.B, method routing.Method) (*routing.Rule, directory, routing.Request) {
	b.Helper()
	rng := rand.New(rand.NewPCG(7, 7))
	base := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	dir := make(directory, 1000)
	teams := make([]routing.Team, 10)
	for i := range 1000 {
		id := fmt.Sprintf("staff-%04d", i)
		s := routing.Staff{Presence: routing.Available, Open: rng.IntN(4), Capacity: 3, LastAssigned: base.Add(-time.Duration(rng.IntN(86400)) * time.Second)}
		if rng.IntN(10) < 3 {
			s.Presence = routing.Presence(rng.IntN(4)) // about a quarter of these stay available
		}
		dir[id] = s
		t := &teams[i/100]
		t.Name = fmt.Sprintf("team-%d", i/100)
		t.Method = method
		t.Members = append(t.Members, id)
	}
	r := valid(b, routing.Rule{Teams: teams, Node: routing.Node{Time: &routing.Time{
		Zone:     "Asia/Tokyo",
		Holidays: []string{"2026-01-01", "2026-05-05", "2026-11-03", "2026-11-23"},
		Conditions: []routing.Condition{
			{Days: routing.DaysOf(time.Saturday), From: "10:00", To: "14:00", Then: alt(routing.ToBot("faq"))},
			{Days: routing.Weekdays, From: "09:00", To: "18:00", Then: routing.Node{Percentage: []routing.Share{
				{Percent: 50, Destination: routing.ToTeam("team-0")},
				{Percent: 30, Destination: routing.ToTeam("team-1")},
				{Percent: 20, Destination: routing.ToTeam("team-2")},
			}}},
		},
		Other: ptr(alt(routing.ToBot("faq"))),
	}}})
	req := routing.Request{Customer: "U123", Now: time.Date(2026, 11, 25, 10, 30, 0, 0, time.FixedZone("JST", 9*3600))}
	if p := r.Route(req, dir); len(p.Steps) != 3 || p.Steps[0].Team != "team-0" {
		b.Fatalf("unexpected plan %v", p.Steps)
	}
	return r, dir, req
}

// BenchmarkRoute is one decision of a Time → Percentage → team-of-100 rule
// over 1,000 staff.
func BenchmarkRoute(b *testing.B) {
	r, dir, req := benchSetup(b, routing.RoundRobin)
	b.ReportAllocs()
	for b.Loop() {
		r.Route(req, dir)
	}
}

// BenchmarkRouteParallel is BenchmarkRoute from all CPUs on one rule.
func BenchmarkRouteParallel(b *testing.B) {
	r, dir, req := benchSetup(b, routing.RoundRobin)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r.Route(req, dir)
		}
	})
}

// BenchmarkRing is choosing who to ring in a team of 100 by each method.
func BenchmarkRing(b *testing.B) {
	for _, m := range []routing.Method{routing.Simultaneous, routing.FixedOrder, routing.RoundRobin, routing.MostIdle, routing.FewestOpen} {
		b.Run(m.String(), func(b *testing.B) {
			r, dir, _ := benchSetup(b, m)
			step := routing.Step{Team: "team-0"}
			b.ReportAllocs()
			for b.Loop() {
				r.Ring(step, dir)
			}
		})
	}
}

// BenchmarkDecision is a whole offer: Route, then Ring for the first step.
func BenchmarkDecision(b *testing.B) {
	r, dir, req := benchSetup(b, routing.RoundRobin)
	b.ReportAllocs()
	for b.Loop() {
		p := r.Route(req, dir)
		r.Ring(p.Steps[0], dir)
	}
}
