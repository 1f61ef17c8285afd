package routing

import (
	"slices"
	"time"
)

// walk appends the steps of n for req. advance is false in the fall-through
// part of a Percentage, whose nested Percentages must not count a decision
// they did not make.
func (n *node) walk(steps []Step, req *Request, dir Directory, advance bool) []Step {
	switch n.kind {
	case kindAlternative:
		for i := range n.dests {
			steps = n.dests[i].walk(steps, req, dir, advance)
		}
	case kindPercentage:
		first := n.pick(advance)
		steps = n.dests[first].walk(steps, req, dir, advance)
		for i := range n.dests {
			if i != first {
				steps = n.dests[i].walk(steps, req, dir, false)
			}
		}
	case kindTime:
		if b := n.branch(req.Now); b != nil {
			steps = b.walk(steps, req, dir, advance)
		}
	case kindSticky:
		if req.LastStaff != "" && !req.LastServed.IsZero() && req.Now.Sub(req.LastServed) <= n.window {
			if _, ok := lookup(dir, req.LastStaff); ok {
				steps = append(steps, Step{Staff: req.LastStaff, Timeout: n.timeout})
			}
		}
		steps = n.then.walk(steps, req, dir, advance)
	case kindEngagement:
		if req.EngagedBy != "" {
			if _, ok := lookup(dir, req.EngagedBy); ok {
				steps = append(steps, Step{Staff: req.EngagedBy, Timeout: n.timeout})
			}
		}
		steps = n.then.walk(steps, req, dir, advance)
	}
	return steps
}

func (d *dest) walk(steps []Step, req *Request, dir Directory, advance bool) []Step {
	if d.sub != nil {
		return d.sub.walk(steps, req, dir, advance)
	}
	return append(steps, d.step)
}

// pick returns the index of the destination smooth weighted round robin
// chooses: every destination gains its percentage, the one with the most
// is chosen and pays 100. After N picks each destination i has been chosen
// within ±1 of N·percent(i)/100 times; the counters are back at zero after
// every 100 picks, so any 100 consecutive picks give each destination
// exactly its percentage; and the picks are spread evenly (70,15,15 gives
// a b a c a a …, not 70 a's and then the rest). Without advance it only
// says which would be chosen next.
func (n *node) pick(advance bool) int {
	n.mu.Lock()
	best := 0
	for i, w := range n.percents {
		if n.current[i]+w > n.current[best]+n.percents[best] {
			best = i
		}
	}
	if advance {
		for i, w := range n.percents {
			n.current[i] += w
		}
		n.current[best] -= n.total
	}
	n.mu.Unlock()
	return best
}

// branch returns the rule of a Time node that routes the moment now, or nil
// for nobody.
func (n *node) branch(now time.Time) *node {
	t := now.In(n.loc)
	if len(n.holidays) > 0 && n.holiday(t) {
		if n.onHoliday != nil {
			return n.onHoliday
		}
		return n.other
	}
	if c := n.covering(t); c != nil {
		return c.then
	}
	return n.other
}

// ring returns who of the team to ring now; see Rule.Ring.
func (t *team) ring(dir Directory) []string {
	members := t.members
	if t.everyone {
		members = everyone(dir)
	}
	switch t.method {
	case Simultaneous:
		var out []string
		for i, id := range members {
			if _, ok := lookup(dir, id); ok {
				if out == nil {
					out = make([]string, 0, len(members)-i)
				}
				out = append(out, id)
			}
		}
		return out
	case FixedOrder:
		for _, id := range members {
			if _, ok := lookup(dir, id); ok {
				return []string{id}
			}
		}
	case RoundRobin:
		n := int64(len(members))
		for {
			start := t.next.Load()
			chosen := int64(-1)
			for k := range n {
				i := (start + k) % n
				if _, ok := lookup(dir, members[i]); ok {
					chosen = i
					break
				}
			}
			if chosen < 0 {
				return nil
			}
			// Remember where we stopped; if another decision moved the
			// position meanwhile, decide again from the new one.
			if t.next.CompareAndSwap(start, (chosen+1)%n) {
				return []string{members[chosen]}
			}
		}
	case MostIdle, FewestOpen:
		best, found := -1, Staff{}
		for i, id := range members {
			s, ok := lookup(dir, id)
			if !ok {
				continue
			}
			if best < 0 || t.better(s, found) {
				best, found = i, s
			}
		}
		if best >= 0 {
			return []string{members[best]}
		}
	}
	return nil
}

// everyone returns the staff IDs dir lists, in order, for a team of
// everyone; none when dir is not a Lister.
func everyone(dir Directory) []string {
	l, ok := dir.(Lister)
	if !ok {
		return nil
	}
	ids := slices.Clone(l.IDs())
	slices.Sort(ids)
	return slices.Compact(ids)
}

// better reports whether a should be rung rather than b, who comes earlier
// in the list, by the team's method.
func (t *team) better(a, b Staff) bool {
	if t.method == FewestOpen && a.Open != b.Open {
		return a.Open < b.Open
	}
	return a.LastAssigned.Before(b.LastAssigned)
}
