package routing_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/socialdesk/socialdesk/routing"
)

// A rule from a configuration file: office hours in Tokyo split between two
// teams, a FAQ bot at other times.
func Example() {
	config := []byte(`{
	  "teams": [
	    {"name": "sales", "method": "round_robin", "members": ["ann", "bob"], "timeout": "30s"},
	    {"name": "support", "method": "simultaneous", "members": ["cai", "dee"]}
	  ],
	  "time": {
	    "zone": "Asia/Tokyo",
	    "conditions": [
	      {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "18:00",
	       "then": {"percentage": [{"percent": 70, "team": "sales"}, {"percent": 30, "team": "support"}]}}
	    ],
	    "other": {"alternative": [{"bot": "faq"}]}
	  }
	}`)
	var rule routing.Rule
	if err := json.Unmarshal(config, &rule); err != nil { // validates
		fmt.Println(err)
		return
	}
	staff := routing.DirectoryFunc(func(id string) (routing.Staff, bool) {
		return routing.Staff{Presence: routing.Available}, id != "dee"
	})

	tokyo := time.FixedZone("JST", 9*60*60)
	plan := rule.Route(routing.Request{Now: time.Date(2026, 11, 25, 10, 0, 0, 0, tokyo)}, staff)
	for _, step := range plan.Steps {
		fmt.Printf("team %s for %v: ring %v\n", step.Team, step.RingTimeout(), rule.Ring(step, staff))
	}
	evening := rule.Route(routing.Request{Now: time.Date(2026, 11, 25, 20, 0, 0, 0, tokyo)}, staff)
	fmt.Printf("at 20:00: bot %s\n", evening.Steps[0].Bot)
	// Output:
	// team sales for 30s: ring [ann]
	// team support for 1m0s: ring [cai]
	// at 20:00: bot faq
}

// A rule built in Go: a returning customer goes back to the staff member
// who served them this week; otherwise an alternative.
func ExampleRule_Route() {
	rule := routing.Rule{Node: routing.Node{Sticky: &routing.Sticky{
		Window:  7 * 24 * time.Hour,
		Timeout: 20 * time.Second,
		Then: routing.Node{Alternative: []routing.Destination{
			routing.ToStaff("ann"),
			{Staff: "bob", Timeout: 2 * time.Minute},
		}},
	}}}
	if err := rule.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	staff := routing.DirectoryFunc(func(id string) (routing.Staff, bool) {
		return routing.Staff{Presence: routing.Available}, true
	})
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	plan := rule.Route(routing.Request{Now: now, LastStaff: "cai", LastServed: now.Add(-48 * time.Hour)}, staff)
	b, _ := json.Marshal(plan) // a plan can be stored and continued elsewhere
	fmt.Println(string(b))
	// Output:
	// {"steps":[{"staff":"cai","timeout":"20s"},{"staff":"ann"},{"staff":"bob","timeout":"2m0s"}]}
}

// Ring picks who of a team to ring now; round robin remembers where it
// stopped and skips whoever cannot take an enquiry.
func ExampleRule_Ring() {
	rule := routing.Rule{
		Teams: []routing.Team{{Name: "sales", Method: routing.RoundRobin, Members: []string{"ann", "bob", "cai"}}},
		Node:  routing.Node{Alternative: []routing.Destination{routing.ToTeam("sales")}},
	}
	if err := rule.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	staff := routing.DirectoryFunc(func(id string) (routing.Staff, bool) {
		if id == "bob" {
			return routing.Staff{Presence: routing.Available, Open: 2, Capacity: 2}, true // full
		}
		return routing.Staff{Presence: routing.Available}, true
	})
	step := routing.Step{Team: "sales"}
	for range 4 {
		fmt.Print(rule.Ring(step, staff), " ")
	}
	fmt.Println()
	// Output:
	// [ann] [cai] [ann] [cai]
}

// Validation errors say what is wrong and where, and match a sentinel.
func ExampleRule_Validate() {
	rule := routing.Rule{Node: routing.Node{Time: &routing.Time{
		Zone: "Asia/Tokyo",
		Conditions: []routing.Condition{
			{Days: routing.Weekdays, From: "09:00", To: "13:00", Then: routing.Node{Alternative: []routing.Destination{routing.ToStaff("ann")}}},
			{Days: routing.DaysOf(time.Friday), From: "12:00", To: "18:00", Then: routing.Node{Alternative: []routing.Destination{routing.ToStaff("bob")}}},
		},
	}}}
	err := rule.Validate()
	fmt.Println(err)
	fmt.Println(errors.Is(err, routing.ErrOverlap))
	// Output:
	// routing: invalid rule at time.conditions[1]: hours 12:00–18:00 overlap conditions[0] (09:00–13:00) on fri
	// true
}

// Percentage splits enquiries by percentages that total 100, spreading the
// picks evenly; the chosen destination comes first and the others follow
// as fall-through.
func ExampleShare() {
	rule := routing.Rule{Node: routing.Node{Percentage: []routing.Share{
		{Percent: 50, Destination: routing.ToStaff("ann")},
		{Percent: 30, Destination: routing.ToStaff("bob")},
		{Percent: 20, Destination: routing.ToStaff("cai")},
	}}}
	if err := rule.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	for range 10 {
		fmt.Print(rule.Route(routing.Request{}, nil).Steps[0].Staff, " ")
	}
	fmt.Println()
	// Output:
	// ann bob cai ann ann bob ann cai bob ann
}
