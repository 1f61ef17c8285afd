package routing_test

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/routing"
)

// roll is a directory that lists its staff, as a team of everyone needs.
type roll struct{ directory }

func (r roll) IDs() []string { return slices.Collect(maps.Keys(r.directory)) }

func TestRingEveryone(t *testing.T) {
	r := routing.RingEveryone(45 * time.Second)
	dir := roll{directory{
		"cai":  {Presence: routing.Available},
		"ann":  {Presence: routing.Available, Open: 5},
		"bob":  {Presence: routing.Busy},
		"dee":  {Presence: routing.Offline},
		"eve":  {Presence: routing.Available, Open: 1, Capacity: 1},
		"finn": {Presence: routing.Available, Open: 1, Capacity: 2},
	}}
	plan := r.Route(routing.Request{}, dir)
	t.Run("the plan is one step to everyone, ringing for the timeout given", func(t *testing.T) {
		equal(t, []routing.Step{{Team: routing.EveryoneTeam, Timeout: 45 * time.Second}}, plan.Steps)
	})
	t.Run("every staff member who can take an enquiry is rung at once, in ID order", func(t *testing.T) {
		equal(t, []string{"ann", "cai", "finn"}, r.Ring(plan.Steps[0], dir))
	})
	t.Run("a staff member who joins the directory later is rung without an edit", func(t *testing.T) {
		joined := roll{maps.Clone(dir.directory)}
		joined.directory["gus"] = routing.Staff{Presence: routing.Available}
		equal(t, []string{"ann", "cai", "finn", "gus"}, r.Ring(plan.Steps[0], joined))
	})
	t.Run("nobody is rung when nobody is available", func(t *testing.T) {
		equal(t, []string(nil), r.Ring(plan.Steps[0], roll{directory{"bob": {Presence: routing.Busy}}}))
	})
	t.Run("a directory that cannot list its staff gives nobody to ring", func(t *testing.T) {
		equal(t, []string(nil), r.Ring(plan.Steps[0], dir.directory))
	})
	t.Run("a zero timeout rings for the default", func(t *testing.T) {
		s := routing.RingEveryone(0).Route(routing.Request{}, dir).Steps
		equal(t, 1, len(s))
		equal(t, routing.DefaultRingTimeout, s[0].RingTimeout())
	})
	t.Run("a negative timeout panics", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Fatal("RingEveryone(-1s) did not panic")
			}
		}()
		routing.RingEveryone(-time.Second)
	})
}

func TestTeamOfEveryone(t *testing.T) {
	dir := roll{available("cai", "ann", "bob")}
	t.Run("its method picks among everyone listed", func(t *testing.T) {
		r := valid(t, routing.Rule{Teams: []routing.Team{{Name: "all", Method: routing.FixedOrder, Everyone: true}}, Node: alt(routing.ToTeam("all"))})
		equal(t, []string{"ann"}, r.Ring(routing.Step{Team: "all"}, dir))
	})
	t.Run("round robin goes round everyone listed", func(t *testing.T) {
		r := valid(t, routing.Rule{Teams: []routing.Team{{Name: "all", Method: routing.RoundRobin, Everyone: true}}, Node: alt(routing.ToTeam("all"))})
		var got []string
		for range 4 {
			got = append(got, r.Ring(routing.Step{Team: "all"}, dir)...)
		}
		equal(t, []string{"ann", "bob", "cai", "ann"}, got)
	})
	for _, tc := range []struct {
		name string
		team routing.Team
		want error
	}{
		{"a team of everyone that lists members too is ambiguous", routing.Team{Name: "all", Everyone: true, Members: []string{"ann"}}, routing.ErrAmbiguous},
		{"a team neither of everyone nor with members is empty", routing.Team{Name: "none"}, routing.ErrEmpty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := routing.Rule{Teams: []routing.Team{tc.team}, Node: alt(routing.ToTeam(tc.team.Name))}
			if err := r.Validate(); !errors.Is(err, tc.want) {
				t.Fatalf("Validate = %v; want %v", err, tc.want)
			}
		})
	}
	t.Run("its JSON says everyone, without members, and reads back", func(t *testing.T) {
		b, err := json.Marshal(routing.RingEveryone(30 * time.Second))
		noError(t, err)
		const want = `{"teams":[{"name":"everyone","method":"simultaneous","everyone":true,"timeout":"30s"}],"alternative":[{"team":"everyone"}]}`
		equal(t, want, string(b))
		var back routing.Rule
		noError(t, json.Unmarshal(b, &back))
		plan := back.Route(routing.Request{}, dir)
		equal(t, []string{"ann", "bob", "cai"}, back.Ring(plan.Steps[0], dir))
	})
}
