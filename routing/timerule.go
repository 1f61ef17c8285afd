package routing

import (
	"encoding/json"
	"strings"
	"time"
)

// Time routes by the wall clock in a time zone: office hours per weekday,
// holidays, and everything else. Wall-clock times are read in Zone, so
// daylight-saving changes move the hours with the local clock.
//
// It is a plain value: safe for concurrent use while nobody modifies it.
type Time struct {
	// Zone is an IANA time zone name such as "Asia/Tokyo" or "UTC".
	Zone string `json:"zone"`
	// Conditions are checked in order; the first whose days and hours
	// contain the moment of the decision routes it. Conditions must not
	// overlap.
	Conditions []Condition `json:"conditions,omitempty"`
	// Holidays are dates ("2006-01-02", in Zone) on which no condition
	// applies: OnHoliday routes them, or Other when OnHoliday is nil.
	Holidays []string `json:"holidays,omitempty"`
	// OnHoliday routes the enquiries of a holiday; nil means Other does.
	OnHoliday *Node `json:"on_holiday,omitempty"`
	// Other routes everything no condition covers ("other times"); nil
	// means nobody, so the enquiry is missed at once.
	Other *Node `json:"other,omitempty"`
}

// Condition is one set of office hours: on Days, from From up to (not
// including) To, wall-clock time in the rule's zone. From and To are "15:04"
// times; To may be "24:00" for the end of the day. Hours across midnight are
// written as two conditions.
//
// It is a plain value: safe for concurrent use while nobody modifies it.
type Condition struct {
	Days Days   `json:"days"`
	From string `json:"from"`
	To   string `json:"to"`
	// Then routes the enquiries that arrive within these hours.
	Then Node `json:"then"`
}

// Days is a set of weekdays. Its JSON form is a list of three-letter
// lower-case names in week order from Monday: ["mon","tue"].
//
// It is a plain value: safe for concurrent use while nobody modifies it.
type Days uint8

// Common sets of days.
const (
	Weekdays Days = 1<<time.Monday | 1<<time.Tuesday | 1<<time.Wednesday | 1<<time.Thursday | 1<<time.Friday
	Weekend  Days = 1<<time.Saturday | 1<<time.Sunday
	EveryDay      = Weekdays | Weekend
)

// DaysOf returns the set of the given weekdays.
func DaysOf(days ...time.Weekday) Days {
	var d Days
	for _, w := range days {
		if w >= time.Sunday && w <= time.Saturday {
			d |= 1 << w
		}
	}
	return d
}

// Has reports whether w is in the set.
func (d Days) Has(w time.Weekday) bool {
	return w >= time.Sunday && w <= time.Saturday && d&(1<<w) != 0
}

// weekOrder lists the days Monday first, as the JSON form does.
var weekOrder = [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

func dayName(w time.Weekday) string { return strings.ToLower(w.String()[:3]) }

// String returns the days as "mon,tue", Monday first.
func (d Days) String() string {
	var b strings.Builder
	for _, w := range weekOrder {
		if d.Has(w) {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(dayName(w))
		}
	}
	return b.String()
}

// MarshalJSON returns the days as a JSON list of names, Monday first.
func (d Days) MarshalJSON() ([]byte, error) {
	names := make([]string, 0, 7)
	for _, w := range weekOrder {
		if d.Has(w) {
			names = append(names, dayName(w))
		}
	}
	return json.Marshal(names)
}

// UnmarshalJSON sets the days from a JSON list of names ("mon" … "sun").
func (d *Days) UnmarshalJSON(b []byte) error {
	var names []string
	if err := json.Unmarshal(b, &names); err != nil {
		return err
	}
	var out Days
	for _, n := range names {
		found := false
		for _, w := range weekOrder {
			if n == dayName(w) {
				if out.Has(w) {
					return invalid("", ErrDuplicate, "day %q is listed twice", n)
				}
				out |= 1 << w
				found = true
				break
			}
		}
		if !found {
			return invalid("", ErrHours, "day %q is not one of mon, tue, wed, thu, fri, sat, sun", n)
		}
	}
	*d = out
	return nil
}

// parseClock parses "HH:MM" (00:00 to 24:00) into minutes after midnight.
func parseClock(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	for _, i := range [4]int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}
