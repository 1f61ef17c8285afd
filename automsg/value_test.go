package automsg

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func renderName(t *testing.T, name string) string {
	t.Helper()
	got, err := Preview(Settings{Welcome: Message{Text: "{customer}"}}, Welcome, Vars{Customer: name})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestNamesInAnyScript(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"emoji", "Ann 👩‍👩‍👧 🇯🇵", "Ann 👩‍👩‍👧 🇯🇵"},
		{"combining marks", "Zoe\u0308 Nguye\u0302\u0303n", "Zoe\u0308 Nguye\u0302\u0303n"},
		{"Thai with spacing marks", "สมชาย", "สมชาย"},
		{"Japanese", "さくら", "さくら"},
		{"Hebrew, isolated", "דנה", "\u2068דנה\u2069"},
		{"Arabic with a Latin part, isolated", "محمد 2", "\u2068محمد 2\u2069"},
		{"an override control, dropped", "\u202Eevil", "evil"},
		{"isolate controls, dropped", "a\u2069\u202Eb\u2066", "ab"},
		{"Arabic with a stray isolate control", "\u2069محمد", "\u2068محمد\u2069"},
		{"surrounding white space, trimmed", " \t Bob \n", "Bob"},
		{"inner white space, kept", "Bob  Lee", "Bob  Lee"},
		{"braces, kept as text", "{{x}}", "{{x}}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := renderName(t, tc.in); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("RTL names cannot reorder the text around them", func(t *testing.T) {
		got, err := Preview(Settings{Welcome: Message{Text: "Hi {customer}, order 123."}}, Welcome, Vars{Customer: "\u202Eדנה"})
		if err != nil || got != "Hi \u2068דנה\u2069, order 123." {
			t.Errorf("got %q, %v", got, err)
		}
	})
}

// checkClip asserts that out is in shortened to at most MaxValueUnits at a
// safe place.
func checkClip(t *testing.T, in, out string) {
	t.Helper()
	if u := utf16Len(out); u > MaxValueUnits {
		t.Fatalf("%d units, more than %d", u, MaxValueUnits)
	}
	if !utf8.ValidString(out) {
		t.Fatalf("invalid UTF-8: %q", out)
	}
	body := out
	if strings.HasPrefix(body, fsi) {
		if !strings.HasSuffix(body, pdi) {
			t.Fatalf("isolate not closed: %q", out)
		}
		body = strings.TrimSuffix(strings.TrimPrefix(body, fsi), pdi)
	}
	if !strings.HasSuffix(body, ellipsis) {
		t.Fatalf("no ellipsis: %q", out)
	}
	prefix := strings.TrimSuffix(body, ellipsis)
	if !strings.HasPrefix(in, prefix) {
		t.Fatalf("%q is not a prefix of the name", prefix)
	}
	last, _ := utf8.DecodeLastRuneInString(prefix)
	if last == zwj {
		t.Errorf("ends in a zero-width joiner: %q", out)
	}
	if strings.TrimRightFunc(prefix, isSpace) != prefix {
		t.Errorf("white space before the ellipsis: %q", out)
	}
	rest := in[len(prefix):]
	next, _ := utf8.DecodeRuneInString(rest)
	if prefix == "" || rest == "" || isSpaceOrJoiner(next) {
		return // cut at the start, or after white space (then trimmed)
	}
	if extends(next) {
		t.Errorf("cut before %U, which belongs to the character before it", next)
	}
	ri := 0
	for _, r := range prefix {
		if isRegionalIndicator(r) {
			ri++
		} else {
			ri = 0
		}
	}
	if ri%2 == 1 && isRegionalIndicator(next) {
		t.Errorf("cut a flag in half: %q", out)
	}
}

func TestLongNamesAreShortenedSafely(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		units    int // expected units of the result, 0 to skip
	}{
		{"ASCII", strings.Repeat("abcdefghij", 20), 100},
		{"astral characters, never split", "a" + strings.Repeat("😀", 100), 100},
		{"astral characters at an even offset", strings.Repeat("😀", 100), 99},
		{"combining marks stay with their letter", "x" + strings.Repeat("e\u0301\u0302", 60), 0},
		{"ZWJ sequences are kept whole", "x" + strings.Repeat("👩‍👩‍👧‍👦", 20), 0},
		{"skin tones are kept whole", strings.Repeat("👍🏽", 40), 0},
		{"flags are kept whole", "x" + strings.Repeat("🇯🇵", 40), 0},
		{"Devanagari spacing marks are kept whole", "xy" + strings.Repeat("कि", 60), 0},
		{"Thai marks are kept whole", strings.Repeat("กั", 60), 0},
		{"trailing space before the cut is dropped", strings.Repeat("a", 98) + "  bcd" + strings.Repeat("e", 50), 99},
		{"a joiner left at the end by trimming is dropped", strings.Repeat("0\u200d ", 60), 98},
		{"Hebrew, isolated within the reserve", strings.Repeat("דנה ", 40), 0},
		{"one giant character becomes an ellipsis", "a" + strings.Repeat("\u0301", 200), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := renderName(t, tc.in)
			checkClip(t, tc.in, out)
			if tc.units != 0 && utf16Len(out) != tc.units {
				t.Errorf("%d units, want %d: %q", utf16Len(out), tc.units, out)
			}
		})
	}
	t.Run("full names are shortened across first and last name", func(t *testing.T) {
		first, last := strings.Repeat("a", 60), strings.Repeat("b", 60)
		got, err := Preview(Settings{Close: Message{Text: "{staff}"}, NameFormat: NameFull}, Close, Vars{Staff: Staff{first, last}})
		if err != nil {
			t.Fatal(err)
		}
		want := first + " " + strings.Repeat("b", 38) + ellipsis
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("a cut right after the first name drops the space", func(t *testing.T) {
		first := strings.Repeat("a", 99)
		got, _ := Preview(Settings{Close: Message{Text: "{staff}"}, NameFormat: NameFull}, Close, Vars{Staff: Staff{first, "b"}})
		if want := first + ellipsis; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("a name exactly at the reserve is kept whole", func(t *testing.T) {
		in := strings.Repeat("x", MaxValueUnits)
		if got := renderName(t, in); got != in {
			t.Errorf("got %d units, want the name unchanged", utf16Len(got))
		}
	})
}
