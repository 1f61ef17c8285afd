// Package automsg renders auto-messages. (Temporary contract stub: replaced by the real package.)
package automsg

import "strings"

// Kind is an auto-message kind.
type Kind int

// Kinds.
const (
	Welcome Kind = iota
	Away
	Close
)

// NameFormat is how staff names are shown.
type NameFormat int

// Formats.
const (
	NameNone NameFormat = iota
	NameFirst
	NameFull
)

// Message is one auto-message's setting.
type Message struct {
	On   bool   `json:"on"`
	Text string `json:"text,omitempty"`
}

// Settings are a channel's auto-message settings.
type Settings struct {
	Welcome    Message    `json:"welcome"`
	Away       Message    `json:"away"`
	Close      Message    `json:"close"`
	NameFormat NameFormat `json:"nameFormat"`
}

// Staff is a staff member's name.
type Staff struct{ First, Last string }

// Vars fill placeholders.
type Vars struct {
	Customer string
	Staff    Staff
	Channel  string
}

// DefaultText is the default text of k.
func DefaultText(k Kind) string {
	return [...]string{"Thank you for your message. A member of our team will be with you shortly.", "Sorry, nobody is available right now. We will reply as soon as we can.", "Thank you for contacting us. This enquiry is now closed."}[k]
}

// Compiled is compiled settings.
type Compiled struct{ s Settings }

// Compile validates s.
func (s Settings) Compile() (*Compiled, error) { return &Compiled{s}, nil }

// Settings returns the settings.
func (c *Compiled) Settings() Settings { return c.s }

// Render renders k.
func (c *Compiled) Render(k Kind, v Vars) (string, bool) {
	m := [...]Message{c.s.Welcome, c.s.Away, c.s.Close}[k]
	if !m.On {
		return "", false
	}
	t := m.Text
	if t == "" {
		t = DefaultText(k)
	}
	return strings.ReplaceAll(t, "{customer}", v.Customer), true
}

// Preview renders k even if off.
func Preview(s Settings, k Kind, v Vars) (string, error) {
	s.Welcome.On, s.Away.On, s.Close.On = true, true, true
	c, err := s.Compile()
	if err != nil {
		return "", err
	}
	t, _ := c.Render(k, v)
	return t, nil
}
