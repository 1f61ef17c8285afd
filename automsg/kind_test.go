package automsg

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestKindStringAndText(t *testing.T) {
	for _, tc := range []struct {
		k    Kind
		want string
	}{{Welcome, "welcome"}, {Away, "away"}, {Close, "close"}} {
		if got := tc.k.String(); got != tc.want {
			t.Errorf("%d.String() = %q, want %q", int(tc.k), got, tc.want)
		}
		b, err := tc.k.MarshalText()
		if err != nil || string(b) != tc.want {
			t.Errorf("%v.MarshalText() = %q, %v; want %q", tc.k, b, err, tc.want)
		}
		var back Kind = 99
		if err := back.UnmarshalText([]byte(tc.want)); err != nil || back != tc.k {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", tc.want, back, err, tc.k)
		}
	}
	if got := Kind(7).String(); got != "Kind(7)" {
		t.Errorf("Kind(7).String() = %q", got)
	}
	if _, err := Kind(-1).MarshalText(); !errors.Is(err, ErrUnknownKind) {
		t.Errorf("Kind(-1).MarshalText() error = %v, want ErrUnknownKind", err)
	}
	var k Kind
	if err := k.UnmarshalText([]byte("Welcome")); !errors.Is(err, ErrUnknownKind) {
		t.Errorf("UnmarshalText(Welcome) error = %v, want ErrUnknownKind (names are lower case)", err)
	}
	if got := Kinds(); len(got) != 3 || got[0] != Welcome || got[1] != Away || got[2] != Close {
		t.Errorf("Kinds() = %v", got)
	}
}

func TestNameFormatStringAndText(t *testing.T) {
	for _, tc := range []struct {
		f    NameFormat
		want string
	}{{NameNone, "none"}, {NameFirst, "first"}, {NameFull, "full"}} {
		if got := tc.f.String(); got != tc.want {
			t.Errorf("%d.String() = %q, want %q", int(tc.f), got, tc.want)
		}
		var back NameFormat = 99
		if err := back.UnmarshalText([]byte(tc.want)); err != nil || back != tc.f {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", tc.want, back, err, tc.f)
		}
	}
	if got := NameFormat(3).String(); got != "NameFormat(3)" {
		t.Errorf("NameFormat(3).String() = %q", got)
	}
	if _, err := NameFormat(3).MarshalText(); !errors.Is(err, ErrUnknownNameFormat) {
		t.Errorf("NameFormat(3).MarshalText() error = %v, want ErrUnknownNameFormat", err)
	}
}

func TestSettingsJSON(t *testing.T) {
	t.Run("the zero value is all off with default texts", func(t *testing.T) {
		b, err := json.Marshal(Settings{})
		if err != nil {
			t.Fatal(err)
		}
		want := `{"welcome":{"on":false},"away":{"on":false},"close":{"on":false},"nameFormat":"none"}`
		if string(b) != want {
			t.Errorf("json = %s\nwant   %s", b, want)
		}
	})
	t.Run("settings survive a round trip", func(t *testing.T) {
		in := Settings{
			Welcome:    Message{On: true, Text: "Hi {customer}"},
			Close:      Message{On: true},
			NameFormat: NameFull,
		}
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		want := `{"welcome":{"on":true,"text":"Hi {customer}"},"away":{"on":false},"close":{"on":true},"nameFormat":"full"}`
		if string(b) != want {
			t.Errorf("json = %s\nwant   %s", b, want)
		}
		var out Settings
		if err := json.Unmarshal(b, &out); err != nil || out != in {
			t.Errorf("round trip = %+v, %v; want %+v", out, err, in)
		}
	})
	t.Run("an unknown name format is refused", func(t *testing.T) {
		var s Settings
		err := json.Unmarshal([]byte(`{"nameFormat":"nickname"}`), &s)
		if !errors.Is(err, ErrUnknownNameFormat) {
			t.Errorf("error = %v, want ErrUnknownNameFormat", err)
		}
	})
	t.Run("kinds work as JSON map keys", func(t *testing.T) {
		b, err := json.Marshal(map[Kind]bool{Away: true})
		if err != nil || string(b) != `{"away":true}` {
			t.Errorf("json = %s, %v", b, err)
		}
	})
}

func TestSettingsMessage(t *testing.T) {
	var s Settings
	for i, k := range Kinds() {
		s.SetMessage(k, Message{On: true, Text: string(rune('a' + i))})
	}
	s.SetMessage(Kind(9), Message{On: true, Text: "ignored"})
	want := Settings{Welcome: Message{true, "a"}, Away: Message{true, "b"}, Close: Message{true, "c"}}
	if s != want {
		t.Errorf("after SetMessage: %+v, want %+v", s, want)
	}
	if got := s.Message(Away); got != want.Away {
		t.Errorf("Message(Away) = %+v", got)
	}
	if got := s.Message(Kind(9)); got != (Message{}) {
		t.Errorf("Message(Kind(9)) = %+v, want zero", got)
	}
}
