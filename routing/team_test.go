package routing_test

import (
	"sync"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/routing"
)

func teamRule(t testing.TB, method routing.Method, members ...string) *routing.Rule {
	t.Helper()
	return valid(t, routing.Rule{
		Teams: []routing.Team{{Name: "t", Method: method, Members: members}},
		Node:  alt(routing.ToTeam("t")),
	})
}

func TestRingStaffStep(t *testing.T) {
	r := teamRule(t, routing.Simultaneous, "x")
	tests := []struct {
		name  string
		staff routing.Staff
		known bool
		want  []string
	}{
		{"an available staff member is rung", routing.Staff{Presence: routing.Available}, true, []string{"ann"}},
		{"unlimited capacity takes any load", routing.Staff{Presence: routing.Available, Open: 99}, true, []string{"ann"}},
		{"spare capacity is enough", routing.Staff{Presence: routing.Available, Open: 2, Capacity: 3}, true, []string{"ann"}},
		{"a full staff member is not rung", routing.Staff{Presence: routing.Available, Open: 3, Capacity: 3}, true, nil},
		{"a busy staff member is not rung", routing.Staff{Presence: routing.Busy}, true, nil},
		{"an idle staff member is not rung", routing.Staff{Presence: routing.Idle}, true, nil},
		{"an offline staff member is not rung", routing.Staff{Presence: routing.Offline}, true, nil},
		{"an unknown staff member is not rung", routing.Staff{Presence: routing.Available}, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := directory{}
			if tt.known {
				dir["ann"] = tt.staff
			}
			equal(t, tt.want, r.Ring(routing.Step{Staff: "ann"}, dir))
		})
	}
	t.Run("a bot step rings nobody", func(t *testing.T) {
		equal(t, []string(nil), r.Ring(routing.Step{Bot: "faq"}, available("faq")))
	})
	t.Run("an unknown team rings nobody", func(t *testing.T) {
		equal(t, []string(nil), r.Ring(routing.Step{Team: "ghost"}, available("x")))
	})
	t.Run("a nil directory rings nobody", func(t *testing.T) {
		equal(t, []string(nil), r.Ring(routing.Step{Team: "t"}, nil))
	})
}

func TestRingTeamMethods(t *testing.T) {
	base := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	dir := directory{
		"off":   {Presence: routing.Offline},
		"full":  {Presence: routing.Available, Open: 2, Capacity: 2, LastAssigned: base.Add(-48 * time.Hour)},
		"busy":  {Presence: routing.Busy, LastAssigned: base.Add(-72 * time.Hour)},
		"a":     {Presence: routing.Available, Open: 2, LastAssigned: base.Add(-1 * time.Hour)},
		"b":     {Presence: routing.Available, Open: 1, LastAssigned: base.Add(-2 * time.Hour)},
		"c":     {Presence: routing.Available, Open: 1, LastAssigned: base.Add(-3 * time.Hour)},
		"d":     {Presence: routing.Available, Open: 3, LastAssigned: base.Add(-3 * time.Hour)},
		"never": {Presence: routing.Available, Open: 5},
	}
	tests := []struct {
		name    string
		method  routing.Method
		members []string
		want    []string
	}{
		{"simultaneous rings every available member in list order", routing.Simultaneous, []string{"off", "b", "full", "a", "busy", "ghost", "c"}, []string{"b", "a", "c"}},
		{"fixed order rings the first available member", routing.FixedOrder, []string{"off", "full", "busy", "c", "a"}, []string{"c"}},
		{"most idle rings the one whose last enquiry was longest ago", routing.MostIdle, []string{"a", "busy", "b", "full", "c"}, []string{"c"}},
		{"most idle prefers one who never had an enquiry", routing.MostIdle, []string{"a", "c", "never"}, []string{"never"}},
		{"most idle breaks ties by list order", routing.MostIdle, []string{"a", "d", "c"}, []string{"d"}},
		{"fewest open rings the one with the fewest enquiries", routing.FewestOpen, []string{"d", "a", "b", "full"}, []string{"b"}},
		{"fewest open breaks ties by idleness", routing.FewestOpen, []string{"a", "b", "c"}, []string{"c"}},
		{"round robin starts with the first available member", routing.RoundRobin, []string{"off", "b", "c"}, []string{"b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := teamRule(t, tt.method, tt.members...)
			equal(t, tt.want, r.Ring(routing.Step{Team: "t"}, dir))
		})
	}
	for _, m := range []routing.Method{routing.Simultaneous, routing.FixedOrder, routing.RoundRobin, routing.MostIdle, routing.FewestOpen} {
		t.Run(m.String()+" rings nobody when nobody is available", func(t *testing.T) {
			r := teamRule(t, m, "off", "full", "busy", "ghost")
			equal(t, []string(nil), r.Ring(routing.Step{Team: "t"}, dir))
		})
	}
}

func TestRoundRobinRemembersWhereItStopped(t *testing.T) {
	r := teamRule(t, routing.RoundRobin, "a", "b", "c", "d")
	dir := available("a", "c", "d") // b is away
	var got []string
	ring := func() {
		got = append(got, r.Ring(routing.Step{Team: "t"}, dir)...)
	}
	ring()
	ring()
	ring()
	ring()
	dir["b"] = routing.Staff{Presence: routing.Available} // b is back
	ring()
	ring()
	delete(dir, "c")
	ring()
	ring()
	equal(t, []string{"a", "c", "d", "a", "b", "c", "d", "a"}, got)
}

func TestRoundRobinIsFairUnderParallelDecisions(t *testing.T) {
	members := []string{"a", "b", "c", "d", "e"}
	r := teamRule(t, routing.RoundRobin, members...)
	dir := available(members...)
	const workers, each = 8, 250 // 2,000 rings: 400 each
	counts := make([]map[string]int, workers)
	var wg sync.WaitGroup
	for w := range workers {
		counts[w] = map[string]int{}
		wg.Go(func() {
			for range each {
				for _, id := range r.Ring(routing.Step{Team: "t"}, dir) {
					counts[w][id]++
				}
			}
		})
	}
	wg.Wait()
	total := map[string]int{}
	for _, c := range counts {
		for id, n := range c {
			total[id] += n
		}
	}
	equal(t, map[string]int{"a": 400, "b": 400, "c": 400, "d": 400, "e": 400}, total)
}
