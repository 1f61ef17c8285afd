package media_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/socialdesk/socialdesk/media"
)

func TestUTF16Len(t *testing.T) {
	tests := []struct {
		s    string
		want int
	}{
		{"", 0},
		{"hello", 5},
		{"こんにちは", 5},
		{"😀", 2}, // outside the BMP: a surrogate pair
		{"a😀b", 4},
		{"👍🏽", 4},           // emoji with a skin-tone modifier: two pairs
		{"é", 1},            // precomposed
		{"e\u0301", 2},      // combining accent
		{"\xff\xfe", 2},     // invalid UTF-8: one U+FFFD each
		{"\xf0\x9f\x98", 3}, // a cut sequence: each byte becomes U+FFFD
	}
	for _, tt := range tests {
		if got := media.UTF16Len(tt.s); got != tt.want {
			t.Errorf("UTF16Len(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}

func TestCheckText(t *testing.T) {
	tests := []struct {
		name   string
		policy media.Policy
		s      string
		want   error
	}{
		{"one character is fine", media.Policy{}, "a", nil},
		{"4,999 units is the most allowed", media.Policy{}, strings.Repeat("a", 4999), nil},
		{"5,000 units is too long", media.Policy{}, strings.Repeat("a", 5000), media.ErrTextTooLong},
		{"4,999 Japanese characters are fine", media.Policy{}, strings.Repeat("あ", 4999), nil},
		{"an emoji counts twice: 4,997 + one emoji fits", media.Policy{}, strings.Repeat("a", 4997) + "😀", nil},
		{"an emoji counts twice: 4,998 + one emoji does not", media.Policy{}, strings.Repeat("a", 4998) + "😀", media.ErrTextTooLong},
		{"empty text is refused", media.Policy{}, "", media.ErrEmptyText},
		{"a policy may lower the limit", media.Policy{MaxTextUnits: 3}, "abcd", media.ErrTextTooLong},
		{"a policy limit is inclusive", media.Policy{MaxTextUnits: 3}, "abc", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.policy.CheckText(tt.s)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
	if err := media.CheckText(strings.Repeat("a", 5000)); !errors.Is(err, media.ErrTextTooLong) {
		t.Fatalf("package CheckText: got %v", err)
	}
}

func FuzzUTF16Len(f *testing.F) {
	for _, s := range []string{"", "abc", "こんにちは", "😀👍🏽", "\xff\xfe", "\xf0\x9f\x98"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := len(utf16.Encode([]rune(s)))
		if got := media.UTF16Len(s); got != want {
			t.Fatalf("UTF16Len(%q) = %d, want %d", s, got, want)
		}
	})
}

func TestCheckKind(t *testing.T) {
	for _, k := range []string{"text", "image", "video", "audio"} {
		if err := media.CheckKind(k); err != nil {
			t.Errorf("CheckKind(%q) = %v, want nil", k, err)
		}
	}
	for _, k := range []string{"file", "location", "imagemap", "template", "flex", "sticker", "", "postback"} {
		err := media.CheckKind(k)
		var e *media.Error
		if !errors.Is(err, media.ErrUnsupportedKind) || !errors.As(err, &e) || e.Reason == "" {
			t.Errorf("CheckKind(%q) = %v, want an unsupported_kind refusal with a reason", k, err)
		}
	}
}

// The refusal counts as LINE does and says so: 2,500 emoji are 5,000
// UTF-16 units, not 2,500 characters.
func TestTextRefusalCountsInUnitsAndSaysAnEmojiCountsAsTwo(t *testing.T) {
	for _, tt := range []struct {
		name, s string
		want    []string
	}{
		{"2,500 emoji", strings.Repeat("😀", 2500), []string{"5,000 units", "an emoji as 2", "at most 4,999", "by 1 "}},
		{"12,345 letters", strings.Repeat("a", 12345), []string{"12,345 units", "at most 4,999", "by 7,346 "}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var me *media.Error
			if err := media.CheckText(tt.s); !errors.As(err, &me) || me.Code != media.CodeTextTooLong {
				t.Fatalf("CheckText = %v; want a text_too_long refusal", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(me.Reason, w) {
					t.Errorf("reason %q does not say %q", me.Reason, w)
				}
			}
			if strings.Contains(me.Reason, "characters") {
				t.Errorf("reason %q counts characters; LINE counts UTF-16 units", me.Reason)
			}
		})
	}
}
