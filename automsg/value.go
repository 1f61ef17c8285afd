package automsg

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxValueUnits is the most UTF-16 units one substituted name takes in a
// rendered message, counting the ellipsis of a shortened name and the two
// bidi isolation marks around a right-to-left name. Compile reserves this
// much for every placeholder, which is how a rendered message is proven to
// stay within MaxUnits.
const MaxValueUnits = 100

// The most units a shortened name keeps before its ellipsis: plainUnits,
// or isolatedUnits when it is also written between the two isolation marks.
const (
	plainUnits    = MaxValueUnits - 1
	isolatedUnits = MaxValueUnits - 2 - 1
)

const (
	ellipsis = "…"      // U+2026, one UTF-16 unit
	fsi      = "\u2068" // FIRST STRONG ISOLATE
	pdi      = "\u2069" // POP DIRECTIONAL ISOLATE
)

// Staff is the staff member a message may name. The zero value means the
// staff member is unknown (a Welcome before anyone attends, a close by the
// system). It is a plain value, safe for concurrent use.
type Staff struct {
	First string // first (given) name
	Last  string // last (family) name
}

// Vars are the values a message's placeholders are replaced by: {customer},
// {staff}, {channel} and {back}. An empty or blank field is unknown: {if …}
// sections testing it are skipped and its placeholder renders a neutral
// fallback. It is a plain value, safe for concurrent use.
type Vars struct {
	Customer string // the customer's display name
	Staff    Staff  // the staff member, formatted by Settings.NameFormat
	Channel  string // the channel's name
	// Back says when staff are next on duty, as a phrase that follows
	// "we will get back to you", e.g. "on Monday at 09:00 (Asia/Tokyo
	// time)"; the desk fills it in for an Away message from the channel's
	// office hours when it knows them.
	Back string
}

// value is a name ready to be written: up to three pieces (first name,
// separator, last name) so that "First Last" needs no allocation.
type value struct {
	parts     [3]string
	known     bool // has some visible content
	filter    bool // contains bidi embedding controls, dropped when written
	isolate   bool // contains right-to-left text: written between FSI and PDI
	shortened bool // cut short: an ellipsis follows the parts
	size      int  // bytes written by writeTo
}

// staffValue formats s in format f.
func staffValue(s Staff, f NameFormat) value {
	switch f {
	case NameFirst:
		if strings.TrimSpace(s.First) != "" {
			return newValue(s.First, "")
		}
		return newValue(s.Last, "")
	case NameFull:
		return newValue(s.First, s.Last)
	}
	return value{}
}

// newValue prepares a (and b, joined with one space, if both are present),
// trimmed of surrounding white space, without bidi embedding controls, and
// shortened to fit MaxValueUnits.
func newValue(a, b string) value {
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
		cuts  [2]cut // the last safe cut within plain and isolated units
	)
scan:
	for pi, p := range v.parts {
		for i, size := 0, 0; i < len(p); i += size {
			// Decoded here rather than by range, which calls the runtime
			// for every rune beyond ASCII: long names in CJK and most
			// other scripts are three-byte runes.
			var r rune
			r, size = rune(p[i]), 1
			if r >= utf8.RuneSelf {
				if i+2 < len(p) && r&0xF0 == 0xE0 && p[i+1]&0xC0 == 0x80 && p[i+2]&0xC0 == 0x80 {
					r, size = (r&0x0F)<<12|rune(p[i+1]&0x3F)<<6|rune(p[i+2]&0x3F), 3
				}
				if size == 1 || r < 0x800 || (r >= 0xD800 && r <= 0xDFFF) {
					r, size = utf8.DecodeRuneInString(p[i:])
				}
			}
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
			if simple {
				i, size, prev, units = hanRun(p, i+size, pi, prev, units, &cuts)
				v.known = v.known || size == 3
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

// hanRun counts the run of CJK ideographs, Yi and Hangul (U+4000–U+D7FF)
// at byte i of part pi of a value, following a rune that is not a joiner,
// up to MaxValueUnits: each is one unit, none is white space, and a cut is
// safe before each, so the run needs none of newValue's other checks. It
// returns the offset and size of the run's last rune (or i and 0 when there
// is none), that rune, and the units counted with it.
func hanRun(p string, i, pi int, prev rune, units int, cuts *[2]cut) (int, int, rune, int) {
	start, before := i, units
	for i+2 < len(p) && units < MaxValueUnits {
		c0, c1, c2 := p[i], p[i+1], p[i+2]
		if c0 < 0xE4 || c0 > 0xED || c1&0xC0 != 0x80 || c2&0xC0 != 0x80 || (c0 == 0xED && c1 >= 0xA0) {
			break
		}
		units++
		i += 3
	}
	n := (i - start) / 3
	if n == 0 {
		return i, 0, prev, units
	}
	// Rune j of the run starts at start+3j with before+j units ahead of
	// it: the last safe cut within a budget is before the last rune with
	// at most budget units ahead.
	for k, budget := range [2]int{plainUnits, isolatedUnits} {
		if j := min(budget-before, n-1); j >= 0 {
			cuts[k] = cut{pi, start + 3*j}
		}
	}
	last := i - 3
	prev = rune(p[last]&0x0F)<<12 | rune(p[last+1]&0x3F)<<6 | rune(p[last+2]&0x3F)
	return last, 3, prev, units
}

// asciiHead reports whether the value is ASCII up to its first
// MaxValueUnits+1 bytes: as far as a rendering or a cut can reach.
func (v *value) asciiHead() bool {
	n := MaxValueUnits + 1
	for _, p := range v.parts {
		for i := 0; i < len(p) && n > 0; i++ {
			if p[i] >= utf8.RuneSelf {
				return false
			}
			n--
		}
	}
	return true
}

// byteCut returns the place n bytes into the value.
func (v *value) byteCut(n int) cut {
	for pi, p := range v.parts {
		if n <= len(p) {
			return cut{pi, n}
		}
		n -= len(p)
	}
	return cut{len(v.parts) - 1, len(v.parts[len(v.parts)-1])}
}

func isSpace(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return r == ' ' || ('\t' <= r && r <= '\r')
	case r > '\u3000': // the last white space character
		return false
	}
	return unicode.IsSpace(r)
}

func isSpaceOrJoiner(r rune) bool { return r == zwj || r == zwnj || isSpace(r) }

// cut is a place in a value: before byte off of part.
type cut struct{ part, off int }

// cutAt shortens the value to what lies before c, drops the white space
// (and any joiner it exposes, which would join nothing) that then ends it,
// and marks it shortened.
func (v *value) cutAt(c cut) {
	v.parts[c.part] = v.parts[c.part][:c.off]
	for i := c.part + 1; i < len(v.parts); i++ {
		v.parts[i] = ""
	}
	for i := len(v.parts) - 1; i >= 0; i-- {
		v.parts[i] = strings.TrimRightFunc(v.parts[i], isSpaceOrJoiner)
		if v.parts[i] != "" {
			break
		}
	}
	v.shortened = true
}

// measure returns the bytes writeTo writes.
func (v *value) measure() int {
	n := 0
	for _, p := range v.parts {
		if !v.filter {
			n += len(p)
			continue
		}
		for _, r := range p {
			if !isBidiControl(r) {
				n += utf8.RuneLen(r)
			}
		}
	}
	if v.shortened {
		n += len(ellipsis)
	}
	if v.isolate {
		n += len(fsi) + len(pdi)
	}
	return n
}

func (v *value) writeTo(b *strings.Builder) {
	if v.isolate {
		b.WriteString(fsi)
	}
	for _, p := range v.parts {
		if !v.filter {
			b.WriteString(p)
			continue
		}
		for _, r := range p {
			if !isBidiControl(r) {
				b.WriteRune(r)
			}
		}
	}
	if v.shortened {
		b.WriteString(ellipsis)
	}
	if v.isolate {
		b.WriteString(pdi)
	}
}

const (
	zwj  = '\u200D' // ZERO WIDTH JOINER
	zwnj = '\u200C' // ZERO WIDTH NON-JOINER
)

// extends reports whether r belongs to the character before it: a
// combining mark, a joiner, a variation selector, an emoji skin-tone
// modifier or an emoji tag. A cut is never made just before such a rune.
func extends(r rune) bool {
	switch {
	case r < 0x300:
		return false
	case r == zwj, r == zwnj:
		return true
	case r >= 0x1F3FB && r <= 0x1F3FF: // skin tones
		return true
	case r >= 0xE0020 && r <= 0xE007F: // emoji tags
		return true
	case r >= 0x3100 && r <= 0xD7FF: // CJK, Hangul syllables: no marks
		return false
	}
	return unicode.Is(unicode.M, r)
}

func isRegionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// isBidiControl reports the explicit embedding, override and isolate
// controls, which a name could use to reorder the message around it.
func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// isRTL reports runes of the right-to-left blocks (Hebrew, Arabic, Syriac,
// Thaana, N'Ko and others).
func isRTL(r rune) bool {
	return (r >= 0x0590 && r <= 0x08FF) ||
		(r >= 0xFB1D && r <= 0xFDFF) ||
		(r >= 0xFE70 && r <= 0xFEFE) ||
		(r >= 0x10800 && r <= 0x10FFF) ||
		(r >= 0x1E800 && r <= 0x1EFFF)
}
