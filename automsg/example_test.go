package automsg_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/socialdesk/socialdesk/automsg"
)

// A host switches on all three messages, customises two of them, shows
// staff first names, validates the settings once when they are saved, and
// renders them as enquiries open, go unanswered and close.
func Example() {
	settings := automsg.Settings{
		Welcome: automsg.Message{On: true, Text: "Hi{if customer} {customer}{end}, welcome to {channel}!{if staff} I'm {staff}, how can I help?{end}"},
		Away:    automsg.Message{On: true}, // the default text
		Close: automsg.Message{On: true, Text: "Thanks for chatting with {channel}{if staff} — {staff}{end}. " +
			"Reply any time to open a new enquiry."},
		NameFormat: automsg.NameFirst,
	}
	compiled, err := settings.Compile()
	if err != nil {
		fmt.Println(err)
		return
	}

	// A new enquiry, before any staff member attends.
	text, on := compiled.Render(automsg.Welcome, automsg.Vars{Customer: "Bob", Channel: "Acme Support"})
	fmt.Println(on, text)

	// A new enquiry picked up at once by Ann Lee.
	text, _ = compiled.Render(automsg.Welcome, automsg.Vars{
		Customer: "Bob", Staff: automsg.Staff{First: "Ann", Last: "Lee"}, Channel: "Acme Support",
	})
	fmt.Println(text)

	// Nobody could answer.
	text, _ = compiled.Render(automsg.Away, automsg.Vars{Customer: "Bob", Channel: "Acme Support"})
	fmt.Println(text)

	// Ann closes the enquiry; later the system closes another one.
	text, _ = compiled.Render(automsg.Close, automsg.Vars{Staff: automsg.Staff{First: "Ann", Last: "Lee"}, Channel: "Acme Support"})
	fmt.Println(text)
	text, _ = compiled.Render(automsg.Close, automsg.Vars{Channel: "Acme Support"})
	fmt.Println(text)
	// Output:
	// true Hi Bob, welcome to Acme Support!
	// Hi Bob, welcome to Acme Support! I'm Ann, how can I help?
	// Hi Bob, thank you for your message. No one is available to answer right now; we will get back to you as soon as we can.
	// Thanks for chatting with Acme Support — Ann. Reply any time to open a new enquiry.
	// Thanks for chatting with Acme Support. Reply any time to open a new enquiry.
}

// Compile rejects a text with a mistake when it is saved, saying where the
// mistake is, so that a settings screen can point at it.
func ExampleSettings_Compile() {
	settings := automsg.Settings{
		Welcome: automsg.Message{On: true, Text: "Hello {customer}!\nI'm {staf}."},
	}
	_, err := settings.Compile()
	var syntax *automsg.SyntaxError
	if errors.As(err, &syntax) {
		fmt.Println(syntax.Kind, syntax.Line, syntax.Column, syntax.Tag, errors.Is(err, automsg.ErrUnknownPlaceholder))
	}
	fmt.Println(err)
	// Output:
	// welcome 2 5 {staf} true
	// automsg: welcome message, line 2, column 5: unknown placeholder "{staf}" (known: {customer}, {staff}, {channel}, {back}, {if …}, {else}, {end})
}

// Messages that are off are not sent: Render says so.
func ExampleCompiled_Render() {
	compiled, _ := automsg.Settings{}.Compile() // the zero value: all off
	text, on := compiled.Render(automsg.Welcome, automsg.Vars{Customer: "Bob"})
	fmt.Printf("%q %v\n", text, on)
	// Output:
	// "" false
}

// A settings screen previews a message, on or off, in each name format.
func ExamplePreview() {
	s := automsg.Settings{Close: automsg.Message{Text: "Closed by {staff}."}}
	staff := automsg.Staff{First: "Ann", Last: "Lee"}
	for _, f := range []automsg.NameFormat{automsg.NameNone, automsg.NameFirst, automsg.NameFull} {
		s.NameFormat = f
		text, _ := automsg.Preview(s, automsg.Close, automsg.Vars{Staff: staff})
		fmt.Printf("%s: %s\n", f, text)
	}
	// Output:
	// none: Closed by our team.
	// first: Closed by Ann.
	// full: Closed by Ann Lee.
}

// Settings travel as JSON in a settings API; the zero value is all off.
func ExampleSettings_json() {
	var s automsg.Settings
	_ = json.Unmarshal([]byte(`{"away":{"on":true,"text":"Back soon, {customer}!"},"nameFormat":"full"}`), &s)
	fmt.Printf("%+v\n", s)
	b, _ := json.Marshal(automsg.Settings{})
	fmt.Println(string(b))
	// Output:
	// {Welcome:{On:false Text:} Away:{On:true Text:Back soon, {customer}!} Close:{On:false Text:} NameFormat:full}
	// {"welcome":{"on":false},"away":{"on":false},"close":{"on":false},"nameFormat":"none"}
}

func ExampleDefaultText() {
	fmt.Println(automsg.DefaultText(automsg.Close))
	// Output:
	// This enquiry has been closed{if staff} by {staff}{end}. Thank you for contacting {if channel}{channel}{else}us{end}! If there is anything else, just send us a new message.
}

// A canned reply is parsed once, when an admin saves it, and rendered in
// each enquiry as the channel writes staff names.
func ExampleParse() {
	reply, err := automsg.Parse("Thank you{if customer}, {customer}{end}! I'm {staff} from {channel}.")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(reply.Render(automsg.Vars{Customer: "Bob", Staff: automsg.Staff{First: "Ann", Last: "Lee"}, Channel: "Acme"}, automsg.NameFirst))
	_, err = automsg.Parse("Hi {nmae}")
	fmt.Println(err)
	// Output:
	// Thank you, Bob! I'm Ann from Acme.
	// automsg: canned reply, line 1, column 4: unknown placeholder "{nmae}" (known: {customer}, {staff}, {channel}, {back}, {if …}, {else}, {end})
}
