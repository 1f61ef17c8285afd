package automsg

import (
	"errors"
	"fmt"
)

// MaxUnits is the most UTF-16 code units a rendered message has: LINE's
// limit for one text message.
const MaxUnits = 4999

// Message is the setting of one auto-message. Its zero value is "off, with
// the default text". It is a plain value, safe for concurrent use.
type Message struct {
	On   bool   `json:"on"`             // send this message
	Text string `json:"text,omitempty"` // custom text; "" means DefaultText
}

// Settings are a channel's auto-message settings. The zero value means all
// three messages off, with their default texts, and no staff names shown.
// Settings are validated by Compile when saved. It is a plain value, safe
// for concurrent use.
type Settings struct {
	Welcome    Message    `json:"welcome"`
	Away       Message    `json:"away"`
	Close      Message    `json:"close"`
	NameFormat NameFormat `json:"nameFormat"` // how {staff} is written
}

// Message returns the setting of message k, or the zero Message for a Kind
// that is none of the three.
func (s Settings) Message(k Kind) Message {
	switch k {
	case Welcome:
		return s.Welcome
	case Away:
		return s.Away
	case Close:
		return s.Close
	}
	return Message{}
}

// SetMessage replaces the setting of message k. It does nothing for a Kind
// that is none of the three.
func (s *Settings) SetMessage(k Kind, m Message) {
	switch k {
	case Welcome:
		s.Welcome = m
	case Away:
		s.Away = m
	case Close:
		s.Close = m
	}
}

// defaultTexts never contradict one another: the Welcome promises no one
// unless a staff member already attends (auto pick-up names them), so an
// Away that follows it, when nobody can answer, does not take a promise back.
var defaultTexts = [numKinds]string{
	Welcome: "Hi{if customer} {customer}{end}! Thank you for contacting {if channel}{channel}{else}us{end}. " +
		"{if staff}{staff} is here to help you.{else}We have received your message.{end}",
	Away: "Hi{if customer} {customer}{end}, thank you for your message. No one is available to answer right now; " +
		"we will get back to you {back}.",
	Close: "This enquiry has been closed{if staff} by {staff}{end}. Thank you for contacting {if channel}{channel}{else}us{end}! " +
		"If there is anything else, just send us a new message.",
}

// defaults are the compiled default texts.
var defaults = func() (t [numKinds]*template) {
	for k, text := range defaultTexts {
		var err error
		if t[k], err = parse(Kind(k), text); err != nil {
			panic(err) // a defect in the texts above, caught by every test
		}
	}
	return t
}()

// DefaultText returns the text message k has when its Text is empty, or ""
// for a Kind that is none of the three. It is safe for concurrent use.
func DefaultText(k Kind) string {
	if !k.valid() {
		return ""
	}
	return defaultTexts[k]
}

// Compiled is a validated Settings, ready to render messages many times.
// It is immutable and safe for concurrent use. A nil or zero Compiled
// renders nothing: every message is off.
type Compiled struct {
	settings Settings
	tmpl     [numKinds]*template
}

// Compile validates s, as a channel's settings are saved, and prepares its
// messages for rendering. Every message's text is checked, whether it is on
// or off. The error joins one error per faulty message: a *SyntaxError for
// a mistake at a position (an unknown placeholder, an unclosed brace, …),
// a *TooLongError when the longest possible rendering exceeds MaxUnits, a
// *BlankError when the message could render blank; or it wraps
// ErrUnknownNameFormat. Use errors.As and errors.Is on it.
func (s Settings) Compile() (*Compiled, error) {
	c := &Compiled{settings: s}
	var errs []error
	if !s.NameFormat.valid() {
		errs = append(errs, fmt.Errorf("%w: %d", ErrUnknownNameFormat, int(s.NameFormat)))
	}
	for k := range Kind(numKinds) {
		t, err := compileText(k, s.Message(k).Text)
		if err != nil {
			errs = append(errs, err)
		}
		c.tmpl[k] = t
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

func compileText(k Kind, text string) (*template, error) {
	if text == "" {
		return defaults[k], nil
	}
	return parse(k, text)
}

// Settings returns the settings c was compiled from.
func (c *Compiled) Settings() Settings {
	if c == nil {
		return Settings{}
	}
	return c.settings
}

// Render returns the text of message k with the values of v, and whether
// the message is on. When it is off (or k is none of the three kinds) it
// returns "", false. The text never exceeds MaxUnits UTF-16 units and is
// never blank. Render is safe for concurrent use.
func (c *Compiled) Render(k Kind, v Vars) (text string, on bool) {
	if c == nil || !k.valid() || !c.settings.Message(k).On || c.tmpl[k] == nil {
		return "", false
	}
	return c.tmpl[k].render(v, c.settings.NameFormat), true
}

// Preview renders message k of s with the values of v, whether the message
// is on or off, for a settings screen to show what customers will read. It
// validates only what it renders: message k's text and the name format, with
// the errors Compile would give. It is safe for concurrent use.
func Preview(s Settings, k Kind, v Vars) (string, error) {
	if !k.valid() {
		return "", fmt.Errorf("%w: %d", ErrUnknownKind, int(k))
	}
	if !s.NameFormat.valid() {
		return "", fmt.Errorf("%w: %d", ErrUnknownNameFormat, int(s.NameFormat))
	}
	t, err := compileText(k, s.Message(k).Text)
	if err != nil {
		return "", err
	}
	return t.render(v, s.NameFormat), nil
}
