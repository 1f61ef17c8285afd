package routing

import (
	"encoding/json"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Limits that keep a decision cheap and a hostile rule harmless.
const (
	maxDepth      = 32             // nesting of rules
	maxSteps      = 1000           // steps one plan may hold
	maxRingTime   = 24 * time.Hour // one ring timeout
	maxStickyTime = 10 * 365 * 24 * time.Hour
)

// state is a validated rule, compiled for fast decisions. It is shared by
// copies of the Rule and never changes after compile, except for the
// counters, which are safe for concurrent use.
type state struct {
	canon []byte // the rule's JSON form when compiled
	root  *node
	teams map[string]*team
}

type kind uint8

const (
	kindAlternative kind = iota + 1
	kindPercentage
	kindTime
	kindSticky
	kindEngagement
)

// node is a compiled Node.
type node struct {
	kind kind
	max  int // most steps this node can add to a plan

	dests []dest // Alternative, Percentage

	// Percentage: smooth weighted round robin (as nginx does it).
	mu       sync.Mutex
	percents []int64
	current  []int64
	total    int64

	// Time
	loc       *time.Location
	conds     []cond
	holidays  []int // sorted y*10000+m*100+d
	onHoliday *node
	other     *node

	// Sticky, Engagement
	window  time.Duration
	timeout time.Duration
	then    *node
}

type dest struct {
	step Step  // when sub is nil
	sub  *node // a nested rule
}

type cond struct {
	days     Days
	from, to int // minutes after midnight, from < to
	then     *node
}

// team is a compiled Team.
type team struct {
	method  Method
	members []string
	// everyone: the members are the directory's staff at each ring.
	everyone bool
	next     atomic.Int64 // RoundRobin: index to try first
}

func compile(r *Rule) (*state, error) {
	c := compiler{teams: make(map[string]*team, len(r.Teams)), defs: make(map[string]*Team, len(r.Teams))}
	for i := range r.Teams {
		if err := c.team(&r.Teams[i], "teams["+strconv.Itoa(i)+"]"); err != nil {
			return nil, err
		}
	}
	root, err := c.node(&r.Node, "", 0)
	if err != nil {
		return nil, err
	}
	canon, err := json.Marshal(r)
	if err != nil { // cannot happen for a rule that passed the checks above
		return nil, invalid("", ErrJSON, "rule cannot be written as JSON: %v", err)
	}
	return &state{canon: canon, root: root, teams: c.teams}, nil
}

type compiler struct {
	teams map[string]*team
	defs  map[string]*Team
}

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func (c *compiler) team(t *Team, path string) error {
	if t.Name == "" {
		return invalid(path, ErrEmpty, "team has no name")
	}
	if _, dup := c.teams[t.Name]; dup {
		return invalid(path, ErrDuplicate, "team %q is defined twice", t.Name)
	}
	if t.Method < Simultaneous || t.Method > FewestOpen {
		return invalid(path, ErrMethod, "team %q has undefined method %d", t.Name, int(t.Method))
	}
	switch {
	case t.Everyone && len(t.Members) > 0:
		return invalid(join(path, "members"), ErrAmbiguous, "team %q is everyone and also lists members; leave out one of them", t.Name)
	case !t.Everyone && len(t.Members) == 0:
		return invalid(path, ErrEmpty, "team %q has no members; add staff IDs to members, or make it everyone", t.Name)
	}
	seen := make(map[string]struct{}, len(t.Members))
	for i, m := range t.Members {
		if m == "" {
			return invalid(index(join(path, "members"), i), ErrEmpty, "member of team %q has an empty staff ID", t.Name)
		}
		if _, dup := seen[m]; dup {
			return invalid(index(join(path, "members"), i), ErrDuplicate, "staff %q is listed twice in team %q", m, t.Name)
		}
		seen[m] = struct{}{}
	}
	if err := checkRingTimeout(t.Timeout, join(path, "timeout")); err != nil {
		return err
	}
	c.teams[t.Name] = &team{method: t.Method, members: slices.Clone(t.Members), everyone: t.Everyone}
	c.defs[t.Name] = t
	return nil
}

func checkRingTimeout(d time.Duration, path string) error {
	if d < 0 || d > maxRingTime {
		return invalid(path, ErrDuration, "ring timeout %v must be between 0 (the default, %v) and %v", d, DefaultRingTimeout, maxRingTime)
	}
	return nil
}

func (c *compiler) node(n *Node, path string, depth int) (*node, error) {
	if depth > maxDepth {
		return nil, invalid(path, ErrTooLarge, "rules are nested more than %d deep", maxDepth)
	}
	kinds := 0
	for _, set := range [...]bool{n.Alternative != nil, n.Percentage != nil, n.Time != nil, n.Sticky != nil, n.Engagement != nil} {
		if set {
			kinds++
		}
	}
	if kinds == 0 {
		return nil, invalid(path, ErrEmpty, "rule routes nowhere; set one of alternative, percentage, time, sticky, engagement")
	}
	if kinds > 1 {
		return nil, invalid(path, ErrAmbiguous, "rule sets more than one of alternative, percentage, time, sticky, engagement; nest them instead")
	}
	var (
		out *node
		err error
	)
	switch {
	case n.Alternative != nil:
		out, err = c.alternative(n.Alternative, join(path, "alternative"), depth)
	case n.Percentage != nil:
		out, err = c.percentage(n.Percentage, join(path, "percentage"), depth)
	case n.Time != nil:
		out, err = c.time(n.Time, join(path, "time"), depth)
	case n.Sticky != nil:
		out, err = c.sticky(n.Sticky, join(path, "sticky"), depth)
	default:
		out, err = c.engagement(n.Engagement, join(path, "engagement"), depth)
	}
	if err != nil {
		return nil, err
	}
	if out.max > maxSteps {
		return nil, invalid(path, ErrTooLarge, "rule expands to more than %d steps", maxSteps)
	}
	return out, nil
}

func (c *compiler) alternative(ds []Destination, path string, depth int) (*node, error) {
	if len(ds) == 0 {
		return nil, invalid(path, ErrEmpty, "alternative has no destinations")
	}
	out := &node{kind: kindAlternative, dests: make([]dest, len(ds))}
	for i := range ds {
		d, err := c.dest(&ds[i], index(path, i), depth)
		if err != nil {
			return nil, err
		}
		out.dests[i] = d
		out.max += d.max()
		if out.max > maxSteps {
			return nil, invalid(path, ErrTooLarge, "rule expands to more than %d steps", maxSteps)
		}
	}
	return out, nil
}

func (c *compiler) percentage(ss []Share, path string, depth int) (*node, error) {
	if len(ss) == 0 {
		return nil, invalid(path, ErrEmpty, "percentage has no destinations")
	}
	out := &node{kind: kindPercentage, dests: make([]dest, len(ss)), percents: make([]int64, len(ss)), current: make([]int64, len(ss))}
	for i := range ss {
		p := index(path, i)
		if pc := ss[i].Percent; pc < 0 || pc > 100 {
			return nil, invalid(join(p, "percent"), ErrPercent, "share of %d%% must be a percentage from 0 to 100", pc)
		}
		d, err := c.dest(&ss[i].Destination, p, depth)
		if err != nil {
			return nil, err
		}
		out.dests[i] = d
		out.percents[i] = int64(ss[i].Percent)
		out.total += int64(ss[i].Percent)
		out.max += d.max()
		if out.max > maxSteps {
			return nil, invalid(path, ErrTooLarge, "rule expands to more than %d steps", maxSteps)
		}
	}
	if out.total != 100 {
		return nil, invalid(path, ErrPercent, "the shares total %d%%; percentages must total exactly 100%%", out.total)
	}
	return out, nil
}

func (d dest) max() int {
	if d.sub != nil {
		return d.sub.max
	}
	return 1
}

func (c *compiler) dest(d *Destination, path string, depth int) (dest, error) {
	targets := 0
	for _, set := range [...]bool{d.Staff != "", d.Team != "", d.Bot != "", d.Rule != nil} {
		if set {
			targets++
		}
	}
	if targets == 0 {
		return dest{}, invalid(path, ErrEmpty, "destination names nobody; set one of staff, team, bot, rule")
	}
	if targets > 1 {
		return dest{}, invalid(path, ErrAmbiguous, "destination sets more than one of staff, team, bot, rule")
	}
	if err := checkRingTimeout(d.Timeout, join(path, "timeout")); err != nil {
		return dest{}, err
	}
	switch {
	case d.Rule != nil:
		if d.Timeout != 0 {
			return dest{}, invalid(join(path, "timeout"), ErrDuration, "a nested rule has no timeout of its own; set timeouts on its destinations")
		}
		sub, err := c.node(d.Rule, join(path, "rule"), depth+1)
		if err != nil {
			return dest{}, err
		}
		return dest{sub: sub}, nil
	case d.Bot != "":
		if d.Timeout != 0 {
			return dest{}, invalid(join(path, "timeout"), ErrDuration, "a bot step has no ring timeout; the plan continues when the bot hands over")
		}
		return dest{step: Step{Bot: d.Bot}}, nil
	case d.Team != "":
		t, ok := c.defs[d.Team]
		if !ok {
			return dest{}, invalid(join(path, "team"), ErrUnknownTeam, "team %q is not defined in the rule's teams", d.Team)
		}
		timeout := d.Timeout
		if timeout == 0 {
			timeout = t.Timeout
		}
		return dest{step: Step{Team: d.Team, Timeout: timeout}}, nil
	default:
		return dest{step: Step{Staff: d.Staff, Timeout: d.Timeout}}, nil
	}
}

func (c *compiler) time(t *Time, path string, depth int) (*node, error) {
	if t.Zone == "" || t.Zone == "Local" {
		return nil, invalid(join(path, "zone"), ErrZone, "set zone to an IANA time zone name such as \"Asia/Tokyo\" or \"UTC\"")
	}
	loc, err := time.LoadLocation(t.Zone)
	if err != nil {
		return nil, invalid(join(path, "zone"), ErrZone, "time zone %q is not known; use an IANA name such as \"Asia/Tokyo\"", t.Zone)
	}
	out := &node{kind: kindTime, loc: loc, conds: make([]cond, len(t.Conditions))}
	for i := range t.Conditions {
		tc := &t.Conditions[i]
		p := index(join(path, "conditions"), i)
		if tc.Days == 0 {
			return nil, invalid(join(p, "days"), ErrHours, "condition has no days")
		}
		if tc.Days&^EveryDay != 0 {
			return nil, invalid(join(p, "days"), ErrHours, "condition has undefined days %#x", uint8(tc.Days))
		}
		from, ok := parseClock(tc.From)
		if !ok || from == 24*60 {
			return nil, invalid(join(p, "from"), ErrHours, "from %q is not a time from \"00:00\" to \"23:59\"", tc.From)
		}
		to, ok := parseClock(tc.To)
		if !ok {
			return nil, invalid(join(p, "to"), ErrHours, "to %q is not a time from \"00:01\" to \"24:00\"", tc.To)
		}
		if from >= to {
			return nil, invalid(p, ErrHours, "from %s is not before to %s; write hours across midnight as two conditions", tc.From, tc.To)
		}
		for j := range i {
			o := &out.conds[j]
			if both := o.days & tc.Days; both != 0 && from < o.to && o.from < to {
				return nil, invalid(p, ErrOverlap, "hours %s–%s overlap conditions[%d] (%s–%s) on %s",
					tc.From, tc.To, j, t.Conditions[j].From, t.Conditions[j].To, both)
			}
		}
		then, err := c.node(&tc.Then, join(p, "then"), depth+1)
		if err != nil {
			return nil, err
		}
		out.conds[i] = cond{days: tc.Days, from: from, to: to, then: then}
		out.max = max(out.max, then.max)
	}
	out.holidays = make([]int, 0, len(t.Holidays))
	for i, h := range t.Holidays {
		p := index(join(path, "holidays"), i)
		d, err := time.Parse(time.DateOnly, h)
		if err != nil || d.Format(time.DateOnly) != h {
			return nil, invalid(p, ErrDate, "holiday %q is not a date like \"2026-01-01\"", h)
		}
		y, m, day := d.Date()
		key := y*10000 + int(m)*100 + day
		at, found := slices.BinarySearch(out.holidays, key)
		if found {
			return nil, invalid(p, ErrDuplicate, "holiday %s is listed twice", h)
		}
		out.holidays = slices.Insert(out.holidays, at, key)
	}
	for _, b := range [...]struct {
		n     *Node
		field string
		dst   **node
	}{{t.OnHoliday, "on_holiday", &out.onHoliday}, {t.Other, "other", &out.other}} {
		if b.n == nil {
			continue
		}
		sub, err := c.node(b.n, join(path, b.field), depth+1)
		if err != nil {
			return nil, err
		}
		*b.dst = sub
		out.max = max(out.max, sub.max)
	}
	return out, nil
}

func (c *compiler) sticky(s *Sticky, path string, depth int) (*node, error) {
	if s.Window <= 0 || s.Window > maxStickyTime {
		return nil, invalid(join(path, "window"), ErrDuration, "window %v must be positive and at most %v", s.Window, maxStickyTime)
	}
	if err := checkRingTimeout(s.Timeout, join(path, "timeout")); err != nil {
		return nil, err
	}
	then, err := c.node(&s.Then, join(path, "then"), depth+1)
	if err != nil {
		return nil, err
	}
	return &node{kind: kindSticky, window: s.Window, timeout: s.Timeout, then: then, max: then.max + 1}, nil
}

func (c *compiler) engagement(e *Engagement, path string, depth int) (*node, error) {
	if err := checkRingTimeout(e.Timeout, join(path, "timeout")); err != nil {
		return nil, err
	}
	then, err := c.node(&e.Then, join(path, "then"), depth+1)
	if err != nil {
		return nil, err
	}
	return &node{kind: kindEngagement, timeout: e.Timeout, then: then, max: then.max + 1}, nil
}
