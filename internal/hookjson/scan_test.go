package hookjson

import (
	"encoding/json"
	"testing"
)

func TestScannerReadsWhatEncodingJSONReadsAndRefusesInvalidJSON(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{`{"a":[1,-2.5e+3,true,false,null,"x\u00e9\n"],"b":{}}`, true},
		{` [ ] `, true},
		{`"\ud800"`, true},
		{`{"a":1,}`, false},
		{`[1 2]`, false},
		{`01`, false},
		{`1.`, false},
		{`-`, false},
		{`"tab	inside"`, false},
		{`"\x"`, false},
		{`"\u12"`, false},
		{`tru`, false},
		{`{"a" 1}`, false},
		{`[1]]`, false},
	} {
		var s Scanner
		s.Reset([]byte(tc.in))
		_, ok := s.Skip()
		ok = ok && s.End()
		if ok != tc.ok {
			t.Errorf("%s: read %v, want %v", tc.in, ok, tc.ok)
		}
		if ok && !json.Valid([]byte(tc.in)) {
			t.Errorf("%s: read, but encoding/json finds it invalid", tc.in)
		}
	}
}

func TestScannerGivesUpOnKeysEncodingJSONMatchesWithoutCase(t *testing.T) {
	known := []string{"type", "userId"}
	for key, want := range map[string]struct {
		i  int
		ok bool
	}{"type": {0, true}, "userId": {1, true}, "USERID": {-1, false}, "Type": {-1, false}, "other": {-1, true}} {
		i, ok := Key([]byte(key), known)
		if i != want.i || ok != want.ok {
			t.Errorf("Key(%q) = %d, %v; want %d, %v", key, i, ok, want.i, want.ok)
		}
	}
	var s Scanner
	s.Reset([]byte(`{"typ\u0065":1}`))
	if s.Object(func([]byte) bool { _, ok := s.Skip(); return ok }) {
		t.Error("an escaped key was read")
	}
}

// FuzzScanner checks that the scanner reads only valid JSON, and strings
// as encoding/json decodes them.
func FuzzScanner(f *testing.F) {
	f.Add([]byte(`{"a":[1,-2.5e+3,true,false,null,"x\u00e9\n"],"b":{}}`))
	f.Add([]byte("\"\xff\\ud83d\\ude00\""))
	f.Add([]byte(`"plain"`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var s Scanner
		s.Reset(b)
		if _, ok := s.Skip(); ok && s.End() && !json.Valid(b) {
			t.Fatalf("read %q, which is not JSON", b)
		}
		s.Reset(b)
		got, ok := s.String()
		if !ok || !s.End() {
			return
		}
		var want string
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatalf("read %q as a string; encoding/json: %v", b, err)
		}
		if got != want {
			t.Fatalf("%q: read %q, encoding/json %q", b, got, want)
		}
		s.Reset(b)
		if common, ok := s.StringOf([]string{"plain", "x"}); !ok || common != want {
			t.Fatalf("%q: StringOf read %q, %v; encoding/json %q", b, common, ok, want)
		}
	})
}

func TestFieldsReadsKnownKeysOnceAndGivesUpWhereEncodingJSONReadsOtherwise(t *testing.T) {
	known := []string{"type", "id"}
	read := func(in string) (map[string]string, bool) {
		got := map[string]string{}
		var s Scanner
		s.Reset([]byte(in))
		ok := s.Fields(known, func(i int) bool {
			v, ok := s.String()
			got[known[i]] = v
			return ok
		})
		return got, ok && s.End()
	}
	got, ok := read(`{"id":"1","other":{"type":"x"},"type":"text"}`)
	if !ok || got["id"] != "1" || got["type"] != "text" || len(got) != 2 {
		t.Fatalf("read %v, %v; want id 1 and type text, the other key skipped", got, ok)
	}
	for name, in := range map[string]string{
		"a known key repeated (encoding/json keeps the last)": `{"type":"a","type":"b"}`,
		"a known key in another case":                         `{"Type":"a"}`,
		"a known key's value of another type":                 `{"id":1}`,
	} {
		if _, ok := read(in); ok {
			t.Errorf("%s: %s was read", name, in)
		}
	}
}
