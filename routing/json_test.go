package routing_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/routing"
)

// roundTrip checks that b decodes to a valid rule whose JSON form is stable:
// Marshal → Unmarshal → Marshal gives the same bytes.
func roundTrip(t testing.TB, b []byte) (routing.Rule, []byte) {
	t.Helper()
	var r routing.Rule
	noError(t, json.Unmarshal(b, &r), "decode")
	once, err := json.Marshal(r)
	noError(t, err, "encode")
	var again routing.Rule
	noError(t, json.Unmarshal(once, &again), "decode the encoded form")
	twice, err := json.Marshal(again)
	noError(t, err, "encode again")
	if !bytes.Equal(once, twice) {
		t.Fatalf("JSON form is not stable:\n%s\n%s", once, twice)
	}
	return r, once
}

func TestRuleJSONRoundTripsExactly(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	noError(t, err)
	if len(files) == 0 {
		t.Fatal("no testdata")
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			b, err := os.ReadFile(f)
			noError(t, err)
			_, out := roundTrip(t, b)
			var compact bytes.Buffer
			noError(t, json.Compact(&compact, b))
			equal(t, compact.String(), string(out), "the testdata is written in the canonical form")
		})
	}
}

func TestRuleJSONOfAGoLiteral(t *testing.T) {
	r := routing.Rule{
		Teams: []routing.Team{{Name: "sales", Method: routing.FewestOpen, Members: []string{"ann", "bob"}, Timeout: 90 * time.Second}},
		Node: routing.Node{Sticky: &routing.Sticky{Window: 72 * time.Hour, Then: routing.Node{Percentage: []routing.Share{
			{Percent: 75, Destination: routing.Destination{Team: "sales", Timeout: 45 * time.Second}},
			{Percent: 25, Destination: routing.ToBot("faq")},
		}}}},
	}
	noError(t, r.Validate())
	b, err := json.Marshal(r)
	noError(t, err)
	want := `{"teams":[{"name":"sales","method":"fewest_open","members":["ann","bob"],"timeout":"1m30s"}],` +
		`"sticky":{"window":"72h0m0s","then":{"percentage":[{"percent":75,"team":"sales","timeout":"45s"},{"percent":25,"bot":"faq"}]}}}`
	equal(t, want, string(b))
	back, _ := roundTrip(t, b)
	equal(t, r.Teams, back.Teams)
	equal(t, r.Node, back.Node)
}

func TestPlanJSON(t *testing.T) {
	p := routing.Plan{Steps: []routing.Step{{Staff: "ann", Timeout: 20 * time.Second}, {Team: "sales"}, {Bot: "faq"}}}
	b, err := json.Marshal(p)
	noError(t, err)
	equal(t, `{"steps":[{"staff":"ann","timeout":"20s"},{"team":"sales"},{"bot":"faq"}]}`, string(b))
	var back routing.Plan
	noError(t, json.Unmarshal(b, &back))
	equal(t, p, back)
}

func TestStaffJSON(t *testing.T) {
	s := routing.Staff{Presence: routing.Busy, Open: 2, Capacity: 5}
	b, err := json.Marshal(s)
	noError(t, err)
	equal(t, `{"presence":"busy","open":2,"capacity":5}`, string(b))
	var back routing.Staff
	noError(t, json.Unmarshal([]byte(`{"presence":"idle","open":1}`), &back))
	equal(t, routing.Staff{Presence: routing.Idle, Open: 1}, back)
	if err := json.Unmarshal([]byte(`{"presence":"away"}`), &back); err == nil {
		t.Error("an unknown presence decoded")
	}
	if _, err := json.Marshal(routing.Staff{Presence: 7}); err == nil {
		t.Error("an undefined presence encoded")
	}
	equal(t, "Presence(7)", routing.Presence(7).String())
	equal(t, "Method(-1)", routing.Method(-1).String())
}

// FuzzRuleJSON feeds arbitrary bytes to the rule decoder: it never panics,
// every rule it accepts round-trips exactly, and routing and ringing an
// accepted rule never panic either.
func FuzzRuleJSON(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		`{"alternative":[{"staff":"a"},{"bot":"b"}]}`,
		`{"percentage":[{"percent":100,"staff":"a"},{"percent":0,"staff":"b"}]}`,
		`{"teams":[{"name":"t","method":"most_idle","members":["a","b"],"timeout":"5s"}],"alternative":[{"team":"t"}]}`,
		`{"time":{"zone":"Europe/London","conditions":[{"days":["sun"],"from":"00:00","to":"24:00","then":{"alternative":[{"staff":"a"}]}}],"holidays":["2026-12-25"]}}`,
		`{"engagement":{"timeout":"1m0s","then":{"sticky":{"window":"1h0m0s","then":{"alternative":[{"rule":{"alternative":[{"staff":"x"}]}}]}}}}}`,
		`{"alternative":[{"staff":"a","timeout":"-1s"}]}`,
		`{"alternative":[]}`,
		`null`, `[]`, `""`, `{}`,
	} {
		f.Add([]byte(s))
	}
	dir := directory{"a": {Presence: routing.Available}, "b": {Presence: routing.Available, Open: 1}, "x": {Presence: routing.Busy}}
	times := []time.Time{
		time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC),
		time.Date(2026, 12, 25, 12, 0, 0, 0, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var r routing.Rule
		if err := json.Unmarshal(b, &r); err != nil {
			return
		}
		roundTrip(t, b)
		for _, now := range times {
			p := r.Route(routing.Request{Now: now, LastStaff: "a", LastServed: now, EngagedBy: "b"}, dir)
			for _, s := range p.Steps {
				r.Ring(s, dir)
			}
		}
	})
}

// FuzzPlanJSON checks that a persisted plan, however mangled, decodes
// without panicking and that accepted plans round-trip exactly.
func FuzzPlanJSON(f *testing.F) {
	f.Add([]byte(`{"steps":[{"staff":"ann","timeout":"20s"},{"team":"sales"},{"bot":"faq"}]}`))
	f.Add([]byte(`{"steps":[]}`))
	f.Add([]byte(`{"steps":[{"timeout":"-5m"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var p routing.Plan
		if json.Unmarshal(b, &p) != nil {
			return
		}
		once, err := json.Marshal(p)
		noError(t, err)
		var again routing.Plan
		noError(t, json.Unmarshal(once, &again))
		twice, err := json.Marshal(again)
		noError(t, err)
		if !bytes.Equal(once, twice) {
			t.Fatalf("plan JSON is not stable:\n%s\n%s", once, twice)
		}
	})
}
