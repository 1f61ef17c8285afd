package automsg

import (
	"strings"
	"testing"
)

// FuzzNewValueMatchesRangeScan checks newValue, which decodes runes by hand
// and counts runs of CJK and Hangul without its other checks, against
// newValueByRange, the straightforward scan it replaced: both prepare the
// same value for any pair of names, valid UTF-8 or not.
func FuzzNewValueMatchesRangeScan(f *testing.F) {
	for _, s := range []string{
		"Bob", "名", "דנה", "👩‍👩‍👧‍👦", "e\u0301", "🇯🇵", "\u202e", "  ", "\xff\xfe", "\xe4\xb8", "\xed\xa0\x80",
		"\xe0\x80\x80", "名\u200d姓", "\u3000名", "한국어", "\ud7ff\ue000", "a\u0300名", "\u4e00\xe4",
	} {
		f.Add(s, s, 1)
		f.Add(s, "姓", 60)
	}
	f.Fuzz(func(t *testing.T, a, b string, times int) {
		times = 1 + max(0, min(times, 300, 4000/(1+len(a)+len(b))))
		for _, tc := range [][2]string{
			{a, b},
			{strings.Repeat(a, times), b},
			{a, strings.Repeat(b, times)},
			{strings.Repeat(a, times), strings.Repeat(b, times)},
		} {
			if got, want := newValue(tc[0], tc[1]), newValueByRange(tc[0], tc[1]); got != want {
				t.Fatalf("newValue(%q, %q) = %+v, want %+v", tc[0], tc[1], got, want)
			}
		}
	})
}

func TestNewValueMatchesRangeScanOnRunsOfCJK(t *testing.T) {
	for _, tc := range []struct{ name, a, b string }{
		{"ideographs past the reserve", strings.Repeat("名", 80), strings.Repeat("姓", 80)},
		{"Hangul past the reserve", strings.Repeat("한", 150), ""},
		{"ideographs up to the reserve exactly", strings.Repeat("名", 100), ""},
		{"ideographs one past the reserve", strings.Repeat("名", 101), ""},
		{"ideographs after a joiner", "a\u200d" + strings.Repeat("名", 120), ""},
		{"ideographs after a right-to-left name", "דנה", strings.Repeat("名", 120)},
		{"ideographs around an invalid byte", strings.Repeat("名", 50) + "\xff" + strings.Repeat("名", 60), ""},
		{"ideographs and a surrogate encoding", strings.Repeat("名", 50) + "\xed\xa0\x80" + strings.Repeat("名", 60), ""},
		{"ideographs and a truncated rune", strings.Repeat("名", 99) + "\xe4\xb8", "姓"},
		{"a control just past the reserve is not seen", strings.Repeat("名", 101) + "\u202e", ""},
		{"right-to-left text just past the reserve is not seen", strings.Repeat("名", 101), "דנה"},
		{"ideographs with marks", strings.Repeat("名\u0301", 70), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, want := newValue(tc.a, tc.b), newValueByRange(tc.a, tc.b); got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

// newValueByRange is newValue as it was before its scan decoded runes by
// hand: a range over each part and every check on every rune.
func newValueByRange(a, b string) value {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	v := value{parts: [3]string{a, " ", b}}
	switch {
	case a == "" && b == "":
		return value{}
	case a == "":
		v.parts = [3]string{b}
	case b == "":
		v.parts = [3]string{a}
	}
	if v.asciiHead() {
		// The common case: ASCII as far as the reserve reaches. Trimmed,
		// so not blank; one unit a byte; any cut there is safe.
		v.known = true
		if n := len(v.parts[0]) + len(v.parts[1]) + len(v.parts[2]); n > MaxValueUnits {
			v.cutAt(v.byteCut(MaxValueUnits - 1))
		}
		v.size = v.measure()
		return v
	}
	// One pass, only as far as the reserve (whatever lies beyond it is cut
	// off), finding the last safe cut within the two possible budgets: a
	// cut leaves no surrogate half, no dangling combining mark, no broken
	// emoji sequence and no half flag.
	var (
		units int
		prev  rune
		ri    int    // regional indicators in a row before the rune
		cuts  [2]cut // the last safe cut within plainUnits and isolatedUnits
	)
scan:
	for pi, p := range v.parts {
		for i, r := range p {
			// Latin, Greek, Cyrillic letters and CJK need none of the
			// checks for controls, right-to-left text, marks and flags.
			simple := r < 0x300 || (r >= 0x3100 && r <= 0xD7FF)
			switch {
			case simple:
			case isBidiControl(r):
				v.filter = true
				continue
			case isRTL(r):
				v.isolate = true
			}
			if units <= plainUnits && prev != zwj && (simple || !extends(r) && (!isRegionalIndicator(r) || ri%2 == 0)) {
				cuts[0] = cut{pi, i}
				if units <= isolatedUnits {
					cuts[1] = cut{pi, i}
				}
			}
			if !simple && isRegionalIndicator(r) {
				ri++
			} else {
				ri = 0
			}
			if !v.known && !isSpace(r) {
				v.known = true
			}
			prev = r
			units += utf16RuneLen(r)
			if units > MaxValueUnits {
				break scan
			}
		}
	}
	if !v.known {
		return value{}
	}
	budget, c := MaxValueUnits, cuts[0]
	if v.isolate {
		budget, c = MaxValueUnits-2, cuts[1]
	}
	if units > budget {
		v.cutAt(c)
	}
	v.size = v.measure()
	return v
}
