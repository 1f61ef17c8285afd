package media_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/socialdesk/socialdesk/media"
)

func TestCutText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"text within the limit is kept whole", "hello", 5, "hello"},
		{"ASCII is cut at the limit", "hello world", 5, "hello"},
		{"a character of the BMP counts one unit", "日本語です", 3, "日本語"},
		{"an emoji that would straddle the limit is left out whole", "ab😀c", 3, "ab"},
		{"an emoji that fits is kept", "ab😀c", 4, "ab😀"},
		{"an invalid byte counts one unit and is never joined to its neighbour", "a\xffb", 2, "a\xff"},
		{"an empty string stays empty", "", 10, ""},
		{"a limit of zero gives nothing", "abc", 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := media.CutText(tc.in, tc.max)
			if got != tc.want {
				t.Fatalf("CutText(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
			}
			if n := media.UTF16Len(got); n > tc.max && tc.max >= 0 {
				t.Fatalf("CutText(%q, %d) is %d units long", tc.in, tc.max, n)
			}
		})
	}
}

func TestCutTextNeverSplitsACharacter(t *testing.T) {
	// Every limit over a mix of one-, two-, three- and four-byte
	// characters gives valid UTF-8 within the limit, one character short
	// of it at most.
	s := strings.Repeat("aé日😀", 50)
	for max := 0; max <= media.UTF16Len(s)+1; max++ {
		got := media.CutText(s, max)
		if !utf8.ValidString(got) || !strings.HasPrefix(s, got) {
			t.Fatalf("CutText(s, %d) = %q: not a whole-character prefix", max, got)
		}
		n := media.UTF16Len(got)
		if n > max || (n < max-1 && got != s) {
			t.Fatalf("CutText(s, %d) is %d units long", max, n)
		}
	}
}

func FuzzCutText(f *testing.F) {
	f.Add("ab😀c", 3)
	f.Add("a\xffb\xe6\x97", 2)
	f.Fuzz(func(t *testing.T, s string, max int) {
		max %= 1 << 16
		got := media.CutText(s, max)
		if !strings.HasPrefix(s, got) {
			t.Fatalf("CutText(%q, %d) = %q: not a prefix", s, max, got)
		}
		if media.UTF16Len(s) <= max && got != s {
			t.Fatalf("CutText(%q, %d) = %q: cut text within the limit", s, max, got)
		}
		if n := media.UTF16Len(got); n > max && got != "" {
			t.Fatalf("CutText(%q, %d) is %d units long", s, max, n)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("CutText(%q, %d) = %q split a character", s, max, got)
		}
	})
}
