package automsg

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCompile feeds the template parser arbitrary text: it never panics,
// every refusal is one of the documented typed errors with a position
// inside the text, and a text it accepts renders within MaxUnits, never
// blank, with any names, in every name format.
func FuzzCompile(f *testing.F) {
	for _, text := range defaultTexts {
		f.Add(text, "Bob", "Ann", "Lee", "Acme")
	}
	for _, text := range []string{
		"", "{", "}", "{{", "}}", "{}", "{{customer}}", "Hi {customer}", "{staff}", "{channel}",
		"{if staff}a{else}b{end}", "{if staff}{if customer}x{end}{end}y", "{else}", "{end}", "{if x}",
		"{if staff}a{else}b{else}c{end}", "a\n{b", "\xff{customer}", strings.Repeat("{if staff}", 9),
		strings.Repeat("😀", 2500), strings.Repeat("{customer}", 50),
	} {
		f.Add(text, "", "", "", "")
	}
	f.Add("{customer} {staff} {channel}", "דנה\u202e", "👩‍👩‍👧", "e\u0301", "🇯🇵🇯")
	f.Fuzz(func(t *testing.T, text, customer, first, last, channel string) {
		s := Settings{Welcome: Message{On: true, Text: text}}
		c, err := s.Compile()
		if err != nil {
			var se *SyntaxError
			var tl *TooLongError
			var be *BlankError
			switch {
			case errors.As(err, &se):
				if se.Offset < 0 || se.Offset > len(text) || se.Line < 1 || se.Column < 1 || se.Kind != Welcome {
					t.Fatalf("bad position in %#v", se)
				}
			case errors.As(err, &tl):
				if tl.Units <= MaxUnits {
					t.Fatalf("too long at %d units", tl.Units)
				}
			case errors.As(err, &be):
			default:
				t.Fatalf("undocumented error %T: %v", err, err)
			}
			return
		}
		long := func(s string) string { return strings.Repeat(s, 1+200/(1+len(s))) }
		for _, v := range []Vars{
			{},
			{Customer: customer, Staff: Staff{first, last}, Channel: channel},
			{Customer: long(customer), Staff: Staff{long(first), long(last)}, Channel: long(channel)},
		} {
			for _, nf := range []NameFormat{NameNone, NameFirst, NameFull} {
				c.settings.NameFormat = nf
				got, on := c.Render(Welcome, v)
				if !on {
					t.Fatal("an on message rendered off")
				}
				if u := utf16Len(got); u > MaxUnits || u > c.tmpl[Welcome].maxUnits {
					t.Fatalf("rendered %d units, over the limit (compiled worst case %d)", u, c.tmpl[Welcome].maxUnits)
				}
				if strings.TrimSpace(got) == "" {
					t.Fatalf("rendered blank: %q", got)
				}
				valid := utf8.ValidString(text) && utf8.ValidString(customer) && utf8.ValidString(first) &&
					utf8.ValidString(last) && utf8.ValidString(channel)
				if valid && !utf8.ValidString(got) {
					t.Fatalf("rendered invalid UTF-8: %q", got)
				}
			}
		}
	})
}

// FuzzName feeds the name shortener arbitrary names: it never panics, a
// rendered name stays within MaxValueUnits, and a shortened one is cut at a
// safe place.
func FuzzName(f *testing.F) {
	for _, s := range []string{"Bob", "דנה", "👩‍👩‍👧‍👦", "e\u0301", "🇯🇵", "\u202e", "  ", "\xff\xfe"} {
		f.Add(s, 1)
	}
	f.Fuzz(func(t *testing.T, name string, times int) {
		times = 1 + max(0, min(times, 300, 10000/(1+len(name))))
		in := strings.Repeat(name, times)
		v := newValue(in, "")
		var b strings.Builder
		v.writeTo(&b)
		got := b.String()
		if len(got) != v.size {
			t.Fatalf("wrote %d bytes, measured %d", len(got), v.size)
		}
		if u := utf16Len(got); u > MaxValueUnits {
			t.Fatalf("%d units, over %d", u, MaxValueUnits)
		}
		if v.known != (strings.TrimSpace(got) != "") {
			t.Fatalf("known = %v for %q", v.known, got)
		}
		if v.shortened && !v.filter && utf8.ValidString(in) {
			checkClip(t, strings.TrimSpace(in), got)
		}
	})
}
