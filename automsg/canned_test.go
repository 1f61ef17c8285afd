package automsg

import (
	"errors"
	"strings"
	"testing"
)

// Parse refuses exactly what Compile refuses, with the same sentinel and
// position, naming the canned reply instead of the message.
func TestParseRefusesWhatCompileRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		err        error
		want       string // the start of Error()
	}{
		{"an unknown placeholder", "Hi {staf}!", ErrUnknownPlaceholder, `automsg: canned reply, line 1, column 4: unknown placeholder "{staf}"`},
		{"an unclosed brace", "Hi {customer", ErrUnclosedBrace, "automsg: canned reply, line 1, column 4: '{' is not closed"},
		{"a stray brace", "Hi :}", ErrStrayBrace, "automsg: canned reply, line 1, column 5:"},
		{"an unclosed section", "Hi{if customer} {customer}", ErrUnclosedSection, "automsg: canned reply, line 1, column 3:"},
		{"invalid UTF-8", "Hi \xff", ErrInvalidUTF8, "automsg: canned reply, line 1, column 4:"},
		{"a text that may render blank", "{if staff}{staff}{end}", ErrBlank, "automsg: canned reply may render blank"},
		{"an empty text", "", ErrBlank, "automsg: canned reply may render blank"},
		{"white space only", " \n\t", ErrBlank, "automsg: canned reply may render blank"},
		{"a text too long with the longest names", strings.Repeat("x", MaxUnits-99) + "{customer}", ErrTooLong, "automsg: canned reply may reach 5000 UTF-16 units"},
	} {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			tmpl, err := Parse(tc.text)
			if tmpl != nil || !errors.Is(err, tc.err) {
				t.Fatalf("Parse(%q) = %v, %v; want nil, %v", tc.text, tmpl, err, tc.err)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("Error() = %q, want it to start %q", err.Error(), tc.want)
			}
			if tc.text == "" {
				return // Compile takes "" as the default text
			}
			_, cerr := Settings{Welcome: Message{Text: tc.text}}.Compile()
			if !errors.Is(cerr, tc.err) {
				t.Fatalf("Compile refuses it with %v, Parse with %v", cerr, err)
			}
			var se, ce *SyntaxError
			if errors.As(err, &se) {
				if !errors.As(cerr, &ce) || se.Offset != ce.Offset || se.Tag != ce.Tag || se.Kind != Canned {
					t.Errorf("Parse's %+v and Compile's %+v differ in more than the kind", se, ce)
				}
			}
		})
	}
}

func TestParseAcceptsTheLimitAndRendersAsPreview(t *testing.T) {
	texts := []string{
		"Thank you, {customer}! {staff} from {channel} here.",
		"{if staff}I'm {staff}.{else}Hello.{end} We will get back to you {back}.",
		"{{literal}} braces",
		strings.Repeat("x", MaxUnits-100) + "{customer}",
	}
	vars := []Vars{
		{},
		{Customer: "Yui Sato", Staff: Staff{First: "Ann", Last: "Lee"}, Channel: "Acme", Back: "tomorrow at 09:00"},
		{Customer: "דנה", Staff: Staff{Last: "Lee"}, Channel: " "},
	}
	for _, text := range texts {
		tmpl, err := Parse(text)
		if err != nil {
			t.Fatalf("Parse(%.40q): %v", text, err)
		}
		if tmpl.Text() != text {
			t.Errorf("Text() = %.40q, want %.40q", tmpl.Text(), text)
		}
		for _, v := range vars {
			for _, f := range []NameFormat{NameNone, NameFirst, NameFull} {
				want, err := Preview(Settings{Away: Message{Text: text}, NameFormat: f}, Away, v)
				if err != nil {
					t.Fatal(err)
				}
				if got := tmpl.Render(v, f); got != want {
					t.Errorf("Render(%+v, %s) = %.60q, want Preview's %.60q", v, f, got, want)
				}
			}
		}
	}
}

func TestRenderWithAnUnknownNameFormatShowsNoName(t *testing.T) {
	tmpl, err := Parse("Regards, {staff}")
	if err != nil {
		t.Fatal(err)
	}
	if got := tmpl.Render(Vars{Staff: Staff{First: "Ann"}}, NameFormat(9)); got != "Regards, our team" {
		t.Fatalf("Render with NameFormat(9) = %q, want the fallback", got)
	}
}

func TestCannedIsNotAMessageKind(t *testing.T) {
	if Canned.String() != "canned" {
		t.Errorf("Canned.String() = %q", Canned.String())
	}
	if _, err := Canned.MarshalText(); !errors.Is(err, ErrUnknownKind) {
		t.Errorf("Canned.MarshalText() error = %v, want ErrUnknownKind", err)
	}
	var k Kind
	if err := k.UnmarshalText([]byte("canned")); !errors.Is(err, ErrUnknownKind) {
		t.Errorf(`UnmarshalText("canned") error = %v, want ErrUnknownKind`, err)
	}
	if _, err := Preview(Settings{}, Canned, Vars{}); !errors.Is(err, ErrUnknownKind) {
		t.Errorf("Preview(Canned) error = %v, want ErrUnknownKind", err)
	}
	c, _ := Settings{Welcome: Message{On: true}}.Compile()
	if text, on := c.Render(Canned, Vars{}); on || text != "" {
		t.Errorf("Render(Canned) = %q, %v; want nothing", text, on)
	}
}
