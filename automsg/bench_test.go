package automsg

import (
	"strings"
	"testing"
)

// BenchmarkRender measures one rendered message per iteration, as a desk
// renders it for each new, missed or closed enquiry.
func BenchmarkRender(b *testing.B) {
	var s Settings
	for _, k := range Kinds() {
		s.SetMessage(k, Message{On: true})
	}
	s.NameFormat = NameFull
	c, err := s.Compile()
	if err != nil {
		b.Fatal(err)
	}
	custom := s
	custom.Welcome.Text = "Hi {customer}! {if staff}I'm {staff} from {channel}.{else}Welcome to {channel}.{end} How can we help?"
	cc, err := custom.Compile()
	if err != nil {
		b.Fatal(err)
	}
	known := Vars{Customer: "Bob Smith", Staff: Staff{First: "Ann", Last: "Lee"}, Channel: "Acme Support"}
	for _, bc := range []struct {
		name string
		c    *Compiled
		k    Kind
		v    Vars
	}{
		{"welcome/default/known", c, Welcome, known},
		{"welcome/default/unknown", c, Welcome, Vars{Channel: "Acme Support"}},
		{"welcome/custom/known", cc, Welcome, known},
		{"away/default", c, Away, known},
		{"close/default/known", c, Close, known},
		{"close/rtl-emoji", c, Close, Vars{Staff: Staff{First: "דנה", Last: "👩‍👩‍👧 e\u0301"}, Channel: "Acme"}},
		{"close/long-names", c, Close, Vars{Staff: Staff{First: strings.Repeat("名", 80), Last: strings.Repeat("姓", 80)}, Channel: strings.Repeat("x", 300)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, on := bc.c.Render(bc.k, bc.v); !on {
					b.Fatal("off")
				}
			}
		})
	}
}

// BenchmarkCompile measures validating a channel's settings on save.
func BenchmarkCompile(b *testing.B) {
	s := Settings{
		Welcome: Message{On: true, Text: "Hi {customer}! {if staff}I'm {staff} from {channel}.{else}Welcome to {channel}.{end} How can we help?"},
		Away:    Message{On: true},
		Close:   Message{On: true, Text: strings.Repeat("Thank you for contacting {channel}. ", 20)},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Compile(); err != nil {
			b.Fatal(err)
		}
	}
}
