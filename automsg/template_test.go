package automsg

import (
	"errors"
	"strings"
	"testing"
)

func TestCompileRefusesBadSyntax(t *testing.T) {
	for _, tc := range []struct {
		name         string
		text         string
		err          error
		line, column int
		offset       int
		tag          string
	}{
		{"an unknown placeholder", "Hi {staf}!", ErrUnknownPlaceholder, 1, 4, 3, "{staf}"},
		{"a placeholder in the wrong case", "Hi {Customer}", ErrUnknownPlaceholder, 1, 4, 3, "{Customer}"},
		{"a placeholder with spaces", "Hi { customer }", ErrUnknownPlaceholder, 1, 4, 3, "{ customer }"},
		{"an empty placeholder", "Hi {}", ErrUnknownPlaceholder, 1, 4, 3, "{}"},
		{"a section on an unknown name", "{if agent}x{end}y", ErrUnknownPlaceholder, 1, 1, 0, "{if agent}"},
		{"a section with no name", "{if}x{end}y", ErrUnknownPlaceholder, 1, 1, 0, "{if}"},
		{"an unknown placeholder on a later line, after wide characters", "こんにちは\n😀😀 {nom}", ErrUnknownPlaceholder, 2, 4, 25, "{nom}"},
		{"an unclosed brace at the end", "Hi {customer", ErrUnclosedBrace, 1, 4, 3, ""},
		{"an unclosed brace before a line break", "Hi {customer\n}", ErrUnclosedBrace, 1, 4, 3, ""},
		{"a brace inside a placeholder", "Hi {cust{omer}", ErrUnclosedBrace, 1, 4, 3, ""},
		{"a stray closing brace", "Hi :}", ErrStrayBrace, 1, 5, 4, ""},
		{"an unclosed section", "Hi{if customer} {customer}", ErrUnclosedSection, 1, 3, 2, "{if customer}"},
		{"the innermost unclosed section", "{if staff}{end}x{if channel}{if customer}y{end}", ErrUnclosedSection, 1, 17, 16, "{if channel}"},
		{"an end outside a section", "Hi{end}", ErrStraySection, 1, 3, 2, "{end}"},
		{"an else outside a section", "Hi{else}", ErrStraySection, 1, 3, 2, "{else}"},
		{"two elses", "{if staff}a{else}b{else}c{end}", ErrDuplicateElse, 1, 19, 18, "{else}"},
		{"sections nested too deep", strings.Repeat("{if staff}", MaxDepth+1) + "x" + strings.Repeat("{end}", MaxDepth+1), ErrTooDeep, 1, 81, 80, "{if staff}"},
		{"invalid UTF-8", "Hi \xff there", ErrInvalidUTF8, 1, 4, 3, ""},
	} {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			_, err := Settings{Away: Message{Text: tc.text}}.Compile()
			if !errors.Is(err, tc.err) {
				t.Fatalf("error = %v, want %v", err, tc.err)
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *SyntaxError", err)
			}
			if se.Kind != Away || se.Line != tc.line || se.Column != tc.column || se.Offset != tc.offset || se.Tag != tc.tag {
				t.Errorf("got kind %v line %d column %d offset %d tag %q; want away line %d column %d offset %d tag %q",
					se.Kind, se.Line, se.Column, se.Offset, se.Tag, tc.line, tc.column, tc.offset, tc.tag)
			}
			if !strings.HasPrefix(se.Error(), "automsg: away message, line ") {
				t.Errorf("Error() = %q does not say which message and where", se.Error())
			}
		})
	}
}

func TestSyntaxErrorMessage(t *testing.T) {
	_, err := Settings{Welcome: Message{Text: "Hello {nmae}"}}.Compile()
	want := `automsg: welcome message, line 1, column 7: unknown placeholder "{nmae}" (known: {customer}, {staff}, {channel}, {back}, {if …}, {else}, {end})`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %s", err, want)
	}
	long := "{" + strings.Repeat("x", 500) + "}"
	_, err = Settings{Welcome: Message{Text: long}}.Compile()
	var se *SyntaxError
	if !errors.As(err, &se) || len([]rune(se.Tag)) > 41 || len(err.Error()) > 300 {
		t.Errorf("a long bad placeholder is not shortened in the error: %v", err)
	}
}

func TestTemplateSyntax(t *testing.T) {
	v := Vars{Customer: "Bob", Staff: Staff{First: "Ann", Last: "Lee"}, Channel: "Acme"}
	for _, tc := range []struct{ name, text, want string }{
		{"plain text", "Hello.", "Hello."},
		{"all three placeholders", "{customer}/{staff}/{channel}", "Bob/Ann Lee/Acme"},
		{"doubled braces", "{{customer}} }}{{ {{{customer}}}", "{customer} }{ {Bob}"},
		{"a lone brace pair", "{{}}", "{}"},
		{"a known section", "A{if customer}-{customer}-{end}B", "A-Bob-B"},
		{"a known section with else", "{if staff}yes{else}no{end}", "yes"},
		{"nested sections", "{if staff}{if customer}{staff}>{customer}{end}{end}.", "Ann Lee>Bob."},
		{"sections across lines", "a{if staff}\nb\n{else}c{end}", "a\nb\n"},
		{"names are not read as tags", "{customer}", "{staff}"},
		{"an empty section", "x{if staff}{end}", "x"},
		{"the deepest allowed nesting", strings.Repeat("{if staff}", MaxDepth) + "x" + strings.Repeat("{end}", MaxDepth) + "!", "x!"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vv := v
			if tc.name == "names are not read as tags" {
				vv.Customer = "{staff}"
			}
			got, err := Preview(Settings{Welcome: Message{Text: tc.text}, NameFormat: NameFull}, Welcome, vv)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCompileRefusesBlankMessages(t *testing.T) {
	for _, text := range []string{
		" ",
		"\n\t",
		"{if staff}Hi {staff}{end}",
		"  {if customer}x{else}{end} ",
		"{if staff}{else}{if customer}x{end}{end}",
	} {
		_, err := Settings{Close: Message{Text: text}}.Compile()
		var be *BlankError
		if !errors.Is(err, ErrBlank) || !errors.As(err, &be) || be.Kind != Close {
			t.Errorf("Compile(%q) error = %v, want a *BlankError for close", text, err)
		}
	}
	for _, text := range []string{
		"{staff}", // a fallback is never blank
		"{if staff}a{else}b{end}",
		"{if staff}{if customer}a{else}b{end}{else}c{end}",
	} {
		if _, err := (Settings{Close: Message{Text: text}}).Compile(); err != nil {
			t.Errorf("Compile(%q) = %v, want no error", text, err)
		}
	}
}

func TestCompileReportsEveryFaultyMessage(t *testing.T) {
	s := Settings{
		Welcome:    Message{On: true, Text: "Hi {nmae}"},
		Away:       Message{On: false, Text: strings.Repeat("x", MaxUnits+1)}, // off, still validated
		Close:      Message{On: true, Text: "{if staff}bye{end}"},
		NameFormat: NameFormat(5),
	}
	c, err := s.Compile()
	if c != nil {
		t.Error("Compile returned settings despite errors")
	}
	var se *SyntaxError
	var tl *TooLongError
	var be *BlankError
	if !errors.As(err, &se) || se.Kind != Welcome {
		t.Errorf("no *SyntaxError for welcome in %v", err)
	}
	if !errors.As(err, &tl) || tl.Kind != Away || tl.Units != MaxUnits+1 || tl.Max != MaxUnits {
		t.Errorf("no *TooLongError for away in %v", err)
	}
	if !errors.As(err, &be) || be.Kind != Close {
		t.Errorf("no *BlankError for close in %v", err)
	}
	if !errors.Is(err, ErrUnknownNameFormat) {
		t.Errorf("no ErrUnknownNameFormat in %v", err)
	}
}

func TestDefaultTextsCompile(t *testing.T) {
	for _, k := range Kinds() {
		text := DefaultText(k)
		if text == "" {
			t.Errorf("DefaultText(%v) is empty", k)
		}
		if _, err := parse(k, text); err != nil {
			t.Errorf("DefaultText(%v) does not compile: %v", k, err)
		}
	}
	if DefaultText(Kind(3)) != "" {
		t.Error("DefaultText of an unknown kind is not empty")
	}
}

func errorsAs[T error](err error, target *T) bool { return errors.As(err, target) }
