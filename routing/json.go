package routing

import (
	"bytes"
	"encoding/json"
	"errors"
	"time"
)

// The JSON forms. Durations are Go duration strings ("30s", "168h"), omitted
// when zero; unknown fields are errors, so a misspelt key does not silently
// change routing.

type ruleJSON struct {
	Teams []Team `json:"teams,omitempty"`
	Node
}

// MarshalJSON returns the rule's JSON form: its teams and its root rule's
// fields side by side, e.g. {"teams":[…],"time":{…}}.
func (r Rule) MarshalJSON() ([]byte, error) {
	return json.Marshal(ruleJSON{Teams: r.Teams, Node: r.Node})
}

// UnmarshalJSON decodes and validates a rule. On error it leaves r
// unchanged and returns a [*RuleError], or an error wrapping [ErrJSON] (and
// the json package's error) for wrong types and unknown fields. Through
// json.Unmarshal, malformed syntax is reported by encoding/json itself as a
// *json.SyntaxError before the rule sees its bytes.
func (r *Rule) UnmarshalJSON(b []byte) error {
	var v ruleJSON
	if err := decode(b, &v); err != nil {
		var re *RuleError
		if errors.As(err, &re) {
			return re
		}
		return errors.Join(ErrJSON, err)
	}
	out := Rule{Teams: v.Teams, Node: v.Node}
	if err := out.Validate(); err != nil {
		return err
	}
	*r = out
	return nil
}

// decode is json.Unmarshal that refuses unknown fields.
func decode(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	return d.Decode(v)
}

// duration is a time.Duration in the JSON form.
type duration time.Duration

func (d duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

func (d *duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return invalid("", ErrDuration, "duration %q is not like \"30s\" or \"2h\"", b)
	}
	*d = duration(v)
	return nil
}

type destJSON struct {
	Staff   string   `json:"staff,omitempty"`
	Team    string   `json:"team,omitempty"`
	Bot     string   `json:"bot,omitempty"`
	Rule    *Node    `json:"rule,omitempty"`
	Timeout duration `json:"timeout,omitzero"`
}

func (d Destination) toJSON() destJSON {
	return destJSON{Staff: d.Staff, Team: d.Team, Bot: d.Bot, Rule: d.Rule, Timeout: duration(d.Timeout)}
}

func (v destJSON) destination() Destination {
	return Destination{Staff: v.Staff, Team: v.Team, Bot: v.Bot, Rule: v.Rule, Timeout: time.Duration(v.Timeout)}
}

// MarshalJSON returns the destination's JSON form, e.g.
// {"team":"sales","timeout":"30s"} or {"rule":{…}}.
func (d Destination) MarshalJSON() ([]byte, error) { return json.Marshal(d.toJSON()) }

// UnmarshalJSON decodes a destination; Validate checks it.
func (d *Destination) UnmarshalJSON(b []byte) error {
	var v destJSON
	if err := decode(b, &v); err != nil {
		return err
	}
	*d = v.destination()
	return nil
}

type shareJSON struct {
	Percent int `json:"percent"`
	destJSON
}

// MarshalJSON returns the share's JSON form: the destination's with its
// percentage, e.g. {"percent":50,"team":"sales"}.
func (s Share) MarshalJSON() ([]byte, error) {
	return json.Marshal(shareJSON{Percent: s.Percent, destJSON: s.Destination.toJSON()})
}

// UnmarshalJSON decodes a share; Validate checks it.
func (s *Share) UnmarshalJSON(b []byte) error {
	var v shareJSON
	if err := decode(b, &v); err != nil {
		return err
	}
	*s = Share{Percent: v.Percent, Destination: v.destination()}
	return nil
}

type stickyJSON struct {
	Window  duration `json:"window"`
	Timeout duration `json:"timeout,omitzero"`
	Then    Node     `json:"then"`
}

// MarshalJSON returns the rule's JSON form, e.g.
// {"window":"168h0m0s","then":{…}}.
func (s Sticky) MarshalJSON() ([]byte, error) {
	return json.Marshal(stickyJSON{Window: duration(s.Window), Timeout: duration(s.Timeout), Then: s.Then})
}

// UnmarshalJSON decodes the rule; Validate checks it.
func (s *Sticky) UnmarshalJSON(b []byte) error {
	var v stickyJSON
	if err := decode(b, &v); err != nil {
		return err
	}
	*s = Sticky{Window: time.Duration(v.Window), Timeout: time.Duration(v.Timeout), Then: v.Then}
	return nil
}

type engagementJSON struct {
	Timeout duration `json:"timeout,omitzero"`
	Then    Node     `json:"then"`
}

// MarshalJSON returns the rule's JSON form, e.g. {"then":{…}}.
func (e Engagement) MarshalJSON() ([]byte, error) {
	return json.Marshal(engagementJSON{Timeout: duration(e.Timeout), Then: e.Then})
}

// UnmarshalJSON decodes the rule; Validate checks it.
func (e *Engagement) UnmarshalJSON(b []byte) error {
	var v engagementJSON
	if err := decode(b, &v); err != nil {
		return err
	}
	*e = Engagement{Timeout: time.Duration(v.Timeout), Then: v.Then}
	return nil
}

type teamJSON struct {
	Name     string   `json:"name"`
	Method   Method   `json:"method"`
	Members  []string `json:"members,omitempty"`
	Everyone bool     `json:"everyone,omitempty"`
	Timeout  duration `json:"timeout,omitzero"`
}

// MarshalJSON returns the team's JSON form, e.g.
// {"name":"sales","method":"round_robin","members":["u1","u2"]}, or
// {"name":"all","method":"simultaneous","everyone":true}.
func (t Team) MarshalJSON() ([]byte, error) {
	return json.Marshal(teamJSON{Name: t.Name, Method: t.Method, Members: t.Members, Everyone: t.Everyone, Timeout: duration(t.Timeout)})
}

// UnmarshalJSON decodes a team; Validate checks it.
func (t *Team) UnmarshalJSON(b []byte) error {
	var v teamJSON
	if err := decode(b, &v); err != nil {
		return err
	}
	*t = Team{Name: v.Name, Method: v.Method, Members: v.Members, Everyone: v.Everyone, Timeout: time.Duration(v.Timeout)}
	return nil
}

type stepJSON struct {
	Staff   string   `json:"staff,omitempty"`
	Team    string   `json:"team,omitempty"`
	Bot     string   `json:"bot,omitempty"`
	Timeout duration `json:"timeout,omitzero"`
}

// MarshalJSON returns the step's JSON form, e.g.
// {"team":"sales","timeout":"30s"}.
func (s Step) MarshalJSON() ([]byte, error) {
	return json.Marshal(stepJSON{Staff: s.Staff, Team: s.Team, Bot: s.Bot, Timeout: duration(s.Timeout)})
}

// UnmarshalJSON decodes a step as MarshalJSON writes it.
func (s *Step) UnmarshalJSON(b []byte) error {
	var v stepJSON
	if err := decode(b, &v); err != nil {
		return err
	}
	*s = Step{Staff: v.Staff, Team: v.Team, Bot: v.Bot, Timeout: time.Duration(v.Timeout)}
	return nil
}
