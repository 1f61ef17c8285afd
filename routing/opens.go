package routing

import (
	"slices"
	"time"
)

// Opens tells when the office hours of the rule's Time rule next begin
// after now: the start of the first condition, skipping holidays. It
// reports false when now is within office hours, when the rule has no
// Time rule (the first one met, outer rules first, is the one used), or
// when no hours begin within a year. A host uses it to tell a customer
// when staff are back. Opens is safe for concurrent use.
func (r *Rule) Opens(now time.Time) (time.Time, bool) {
	st := r.st
	if st == nil || st.root == nil {
		return time.Time{}, false
	}
	n := st.root.firstTime()
	if n == nil || n.inHours(now) {
		return time.Time{}, false
	}
	t := now.In(n.loc)
	y, m, d := t.Date()
	for i := 0; i <= 366; i++ {
		day := time.Date(y, m, d+i, 0, 0, 0, 0, n.loc)
		if n.holiday(day) {
			continue
		}
		var first time.Time
		for _, c := range n.conds {
			if c.days&(Days(1)<<day.Weekday()) == 0 {
				continue
			}
			start := time.Date(day.Year(), day.Month(), day.Day(), c.from/60, c.from%60, 0, 0, n.loc)
			if start.After(now) && (first.IsZero() || start.Before(first)) {
				first = start
			}
		}
		if !first.IsZero() {
			return first, true
		}
	}
	return time.Time{}, false
}

// firstTime returns the first Time node of n's tree, depth first.
func (n *node) firstTime() *node {
	switch n.kind {
	case kindTime:
		return n
	case kindSticky, kindEngagement:
		return n.then.firstTime()
	case kindAlternative, kindPercentage:
		for _, d := range n.dests {
			if d.sub != nil {
				if t := d.sub.firstTime(); t != nil {
					return t
				}
			}
		}
	}
	return nil
}

// holiday reports whether the date of t (in the node's zone) is a holiday.
func (n *node) holiday(t time.Time) bool {
	y, m, d := t.Date()
	_, found := slices.BinarySearch(n.holidays, y*10000+int(m)*100+d)
	return found
}

// inHours reports whether a condition of Time node n covers now.
func (n *node) inHours(now time.Time) bool {
	t := now.In(n.loc)
	return !n.holiday(t) && n.covering(t) != nil
}

// covering returns the first condition of Time node n that covers t (in
// the node's zone), or nil.
func (n *node) covering(t time.Time) *cond {
	h, m, _ := t.Clock()
	minute := h*60 + m
	day := Days(1) << t.Weekday()
	for i := range n.conds {
		c := &n.conds[i]
		if c.days&day != 0 && minute >= c.from && minute < c.to {
			return c
		}
	}
	return nil
}
