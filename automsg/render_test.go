package automsg

import (
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// TestRenderMatrix covers every name format × known/unknown staff ×
// placeholder, written bare and tested by a section.
func TestRenderMatrix(t *testing.T) {
	known := Staff{First: "Ann", Last: "Lee"}
	formats := []NameFormat{NameNone, NameFirst, NameFull}
	for _, tc := range []struct {
		text string
		// want[format][staff known?]
		want [3][2]string
	}{
		{"<{staff}>", [3][2]string{
			{"<our team>", "<our team>"},
			{"<our team>", "<Ann>"},
			{"<our team>", "<Ann Lee>"},
		}},
		{"{if staff}<{staff}>{else}-{end}", [3][2]string{
			{"-", "-"},
			{"-", "<Ann>"},
			{"-", "<Ann Lee>"},
		}},
		{"<{customer}>", [3][2]string{
			{"<Bob>", "<Bob>"}, {"<Bob>", "<Bob>"}, {"<Bob>", "<Bob>"},
		}},
		{"{if customer}<{customer}>{else}-{end}", [3][2]string{
			{"<Bob>", "<Bob>"}, {"<Bob>", "<Bob>"}, {"<Bob>", "<Bob>"},
		}},
		{"<{channel}>", [3][2]string{
			{"<Acme>", "<Acme>"}, {"<Acme>", "<Acme>"}, {"<Acme>", "<Acme>"},
		}},
		{"{if channel}<{channel}>{else}-{end}", [3][2]string{
			{"<Acme>", "<Acme>"}, {"<Acme>", "<Acme>"}, {"<Acme>", "<Acme>"},
		}},
	} {
		for fi, f := range formats {
			for ki, staff := range []Staff{{}, known} {
				name := tc.text + " with format " + f.String()
				if ki == 0 {
					name += " and unknown staff"
				} else {
					name += " and known staff"
				}
				t.Run(name, func(t *testing.T) {
					c, err := Settings{Away: Message{On: true, Text: tc.text}, NameFormat: f}.Compile()
					if err != nil {
						t.Fatal(err)
					}
					got, on := c.Render(Away, Vars{Customer: "Bob", Staff: staff, Channel: "Acme"})
					if !on || got != tc.want[fi][ki] {
						t.Errorf("Render = %q, %v; want %q, true", got, on, tc.want[fi][ki])
					}
				})
			}
		}
	}
}

func TestRenderUnknownCustomerAndChannel(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"Hi {customer}!", "Hi valued customer!"},
		{"Hi{if customer} {customer}{end}!", "Hi!"},
		{"Welcome to {channel}.", "Welcome to us."},
		{"{if channel}{channel}{else}Our desk{end}", "Our desk"},
	} {
		for _, v := range []Vars{{}, {Customer: "  \t", Channel: " "}} {
			got, err := Preview(Settings{Welcome: Message{Text: tc.text}}, Welcome, v)
			if err != nil || got != tc.want {
				t.Errorf("Preview(%q, %+v) = %q, %v; want %q", tc.text, v, got, err, tc.want)
			}
		}
	}
}

func TestStaffNames(t *testing.T) {
	for _, tc := range []struct {
		staff       Staff
		first, full string
	}{
		{Staff{"Ann", "Lee"}, "Ann", "Ann Lee"},
		{Staff{" Ann ", "  Lee\n"}, "Ann", "Ann Lee"},
		{Staff{"Ann", ""}, "Ann", "Ann"},
		{Staff{"", "Lee"}, "Lee", "Lee"},
		{Staff{"  ", "Lee"}, "Lee", "Lee"},
		{Staff{"", ""}, "our team", "our team"},
		{Staff{" ", "\t"}, "our team", "our team"},
		{Staff{"\u202e", ""}, "our team", "our team"}, // only a bidi control: nothing visible
		{Staff{"José", "Núñez"}, "José", "José Núñez"},
		{Staff{"美咲", "佐藤"}, "美咲", "美咲 佐藤"},
	} {
		for _, f := range []struct {
			format NameFormat
			want   string
		}{{NameNone, "our team"}, {NameFirst, tc.first}, {NameFull, tc.full}} {
			got, err := Preview(Settings{Close: Message{Text: "{staff}"}, NameFormat: f.format}, Close, Vars{Staff: tc.staff})
			if err != nil || got != f.want {
				t.Errorf("%v of %q = %q, %v; want %q", f.format, tc.staff, got, err, f.want)
			}
		}
	}
}

func TestRenderOnAndOff(t *testing.T) {
	v := Vars{Customer: "Bob"}
	c, err := Settings{Away: Message{On: true, Text: "away {customer}"}, Close: Message{Text: "closed"}}.Compile()
	if err != nil {
		t.Fatal(err)
	}
	if got, on := c.Render(Away, v); !on || got != "away Bob" {
		t.Errorf("Render(Away) = %q, %v; want the custom text, on", got, on)
	}
	for _, k := range []Kind{Welcome, Close, Kind(-1), Kind(3)} {
		if got, on := c.Render(k, v); on || got != "" {
			t.Errorf("Render(%v) = %q, %v; want \"\", false", k, got, on)
		}
	}
	var nilC *Compiled
	if got, on := nilC.Render(Away, v); on || got != "" {
		t.Errorf("nil Compiled rendered %q, %v", got, on)
	}
	if nilC.Settings() != (Settings{}) {
		t.Error("nil Compiled has settings")
	}
	if got, on := new(Compiled).Render(Away, v); on || got != "" {
		t.Errorf("zero Compiled rendered %q, %v", got, on)
	}
	if got, err := Preview(c.Settings(), Close, v); err != nil || got != "closed" {
		t.Errorf("Preview of an off message = %q, %v; want it rendered", got, err)
	}
	if _, err := Preview(c.Settings(), Kind(4), v); err == nil {
		t.Error("Preview of an unknown kind gave no error")
	}
	if _, err := Preview(Settings{NameFormat: -1}, Away, v); err == nil {
		t.Error("Preview with an unknown name format gave no error")
	}
}

func TestZeroSettingsAreOffWithDefaults(t *testing.T) {
	c, err := Settings{}.Compile()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range Kinds() {
		if got, on := c.Render(k, Vars{Customer: "Bob"}); on || got != "" {
			t.Errorf("zero settings render %v as %q, %v", k, got, on)
		}
	}
	var s Settings
	for _, k := range Kinds() {
		s.SetMessage(k, Message{On: true})
	}
	c, err = s.Compile()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range Kinds() {
		got, on := c.Render(k, Vars{Customer: "Bob", Channel: "Acme"})
		want, _ := Preview(Settings{}, k, Vars{Customer: "Bob", Channel: "Acme"})
		if !on || got != want || got == "" {
			t.Errorf("switched-on default %v = %q, %v; want %q", k, got, on, want)
		}
	}
}

func TestDefaultTextsReadNaturally(t *testing.T) {
	want := map[Kind][2]string{ // [unknown everything, everything known in full]
		Welcome: {
			"Hi! Thank you for contacting us. We have received your message.",
			"Hi Bob! Thank you for contacting Acme. Ann Lee is here to help you.",
		},
		Away: {
			"Hi, thank you for your message. No one is available to answer right now; we will get back to you as soon as we can.",
			"Hi Bob, thank you for your message. No one is available to answer right now; we will get back to you as soon as we can.",
		},
		Close: {
			"This enquiry has been closed. Thank you for contacting us! If there is anything else, just send us a new message.",
			"This enquiry has been closed by Ann Lee. Thank you for contacting Acme! If there is anything else, just send us a new message.",
		},
	}
	for _, k := range Kinds() {
		for i, v := range []Vars{{}, {Customer: "Bob", Staff: Staff{"Ann", "Lee"}, Channel: "Acme"}} {
			got, err := Preview(Settings{NameFormat: NameFull}, k, v)
			if err != nil || got != want[k][i] {
				t.Errorf("default %v with %+v = %q, %v\nwant %q", k, v, got, err, want[k][i])
			}
		}
	}
	// No combination of known and unknown values leaves a hole.
	for _, k := range Kinds() {
		for _, f := range []NameFormat{NameNone, NameFirst, NameFull} {
			for mask := range 8 {
				var v Vars
				if mask&1 != 0 {
					v.Customer = "Bob"
				}
				if mask&2 != 0 {
					v.Staff = Staff{"Ann", "Lee"}
				}
				if mask&4 != 0 {
					v.Channel = "Acme"
				}
				got, _ := Preview(Settings{NameFormat: f}, k, v)
				for _, hole := range []string{"  ", " .", " ,", " !", "{", "}", "by .", "Hi ,"} {
					if strings.Contains(got, hole) {
						t.Errorf("default %v, format %v, %+v: %q contains %q", k, f, v, got, hole)
					}
				}
			}
		}
	}
}

func TestLengthLimit(t *testing.T) {
	huge := strings.Repeat("名", 1000)
	v := Vars{Customer: huge, Staff: Staff{huge, huge}, Channel: huge}
	t.Run("a text at the limit with the longest names renders at the limit", func(t *testing.T) {
		const n = 49
		text := strings.Repeat("{customer}", n) + strings.Repeat("x", MaxUnits-n*MaxValueUnits)
		c, err := Settings{Welcome: Message{On: true, Text: text}}.Compile()
		if err != nil {
			t.Fatal(err)
		}
		got, _ := c.Render(Welcome, v)
		if u := utf16Len(got); u != MaxUnits {
			t.Errorf("rendered %d units, want exactly %d", u, MaxUnits)
		}
	})
	for _, tc := range []struct {
		name  string
		text  string
		units int
	}{
		{"a text one unit over is refused", strings.Repeat("{customer}", 49) + strings.Repeat("x", MaxUnits-4900+1), MaxUnits + 1},
		{"astral characters count twice", strings.Repeat("😀", 2500), 5000},
		{"escaped braces count once", strings.Repeat("{{", 5000), 5000},
		{"the longer branch of a section counts", "{if staff}" + strings.Repeat("a", 4950) + "{else}b{end}{staff}", 5050},
		{"the else branch counts too", "{if staff}b{else}" + strings.Repeat("a", 4950) + "{end}{channel}", 5050},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Settings{Welcome: Message{Text: tc.text}}.Compile()
			var tl *TooLongError
			if !errorsAs(err, &tl) || tl.Units != tc.units || tl.Kind != Welcome {
				t.Errorf("error = %v, want a *TooLongError of %d units", err, tc.units)
			}
		})
	}
	t.Run("a text of exactly the limit in astral characters is accepted", func(t *testing.T) {
		text := strings.Repeat("😀", 2499) + "x"
		got, err := Preview(Settings{Welcome: Message{Text: text}}, Welcome, Vars{})
		if err != nil || got != text {
			t.Errorf("Preview = %d units, %v", utf16Len(got), err)
		}
	})
	t.Run("long names never push a rendering over the limit", func(t *testing.T) {
		for _, f := range []NameFormat{NameNone, NameFirst, NameFull} {
			for _, k := range Kinds() {
				got, err := Preview(Settings{NameFormat: f}, k, v)
				if err != nil || utf16Len(got) > MaxUnits || !utf8.ValidString(got) {
					t.Errorf("%v/%v: %d units, %v", k, f, utf16Len(got), err)
				}
			}
		}
	})
}

func TestCompiledIsSafeForConcurrentUse(t *testing.T) {
	var s Settings
	for _, k := range Kinds() {
		s.SetMessage(k, Message{On: true})
	}
	s.NameFormat = NameFull
	c, err := s.Compile()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := c.Render(Close, Vars{Customer: "Bob", Staff: Staff{"Ann", "Lee"}, Channel: "Acme"})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				if got, _ := c.Render(Close, Vars{Customer: "Bob", Staff: Staff{"Ann", "Lee"}, Channel: "Acme"}); got != want {
					t.Errorf("concurrent Render = %q, want %q", got, want)
					return
				}
				c.Render(Welcome, Vars{Customer: "Eve"})
			}
		})
	}
	wg.Wait()
}

func TestDefaultAwaySaysWhenStaffAreBackWhenKnown(t *testing.T) {
	for _, tc := range []struct{ back, want string }{
		{"", "Hi Bob, thank you for your message. No one is available to answer right now; we will get back to you as soon as we can."},
		{"on Monday at 09:00 (Asia/Tokyo time)", "Hi Bob, thank you for your message. No one is available to answer right now; we will get back to you on Monday at 09:00 (Asia/Tokyo time)."},
	} {
		got, err := Preview(Settings{}, Away, Vars{Customer: "Bob", Back: tc.back})
		if err != nil || got != tc.want {
			t.Errorf("default Away with back %q = %q, %v\nwant %q", tc.back, got, err, tc.want)
		}
	}
}
