package postgres

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCleanJSONReplacesOnlyEscapedNUL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`"plain"`, `"plain"`},
		{`"a\u0000b"`, `"a\ufffdb"`},
		{`"\\u0000"`, `"\\u0000"`},
		{`"\\\u0000"`, `"\\\ufffd"`},
		{`["\u0000","\u0000"]`, `["\ufffd","\ufffd"]`},
	} {
		if got := string(cleanJSON([]byte(tc.in))); got != tc.want {
			t.Errorf("cleanJSON(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// FuzzCleanJSON checks, for any customer text, that the cleaned JSON
// decodes to the text with U+0000 replaced and nothing else changed.
func FuzzCleanJSON(f *testing.F) {
	for _, s := range []string{"", "hello", "a\x00b", `\u0000`, `\\u0000`, "\\\x00", "\x00\x00", "日本\x00語", "\xff\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var got string
		if err := json.Unmarshal(cleanJSON(b), &got); err != nil {
			t.Fatalf("cleaned JSON of %q does not decode: %v", s, err)
		}
		var want string
		json.Unmarshal(b, &want) // what JSON keeps of s: invalid UTF-8 becomes U+FFFD
		if want = strings.ReplaceAll(want, "\x00", "\uFFFD"); got != want {
			t.Fatalf("cleaned %q = %q, want %q", s, got, want)
		}
		if strings.Contains(string(cleanJSON(b)), `\u0000`) && !strings.Contains(s, `\u0000`) {
			t.Fatalf("an escaped NUL is left in %s", cleanJSON(b))
		}
	})
}
