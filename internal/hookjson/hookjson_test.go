package hookjson

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

type item struct {
	ID  string
	Raw []byte
}

func TestDedupeIDsKeepsIdenticalRepeatsAndSuffixesOthers(t *testing.T) {
	items := []item{{"a", []byte("1")}, {"a", []byte("1")}, {"a", []byte("2")}, {"b", []byte("3")}}
	DedupeIDs(items, func(i *item) *string { return &i.ID }, func(i *item) []byte { return i.Raw })
	got := []string{items[0].ID, items[1].ID, items[2].ID, items[3].ID}
	want := []string{"a", "a", "a#2", "b"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("IDs %q, want %q", got, want)
		}
	}
}

func TestFaultNeverQuotesTheBody(t *testing.T) {
	for _, body := range []string{`{"x":SECRET}`, `{"events":12345678901234567890}`} {
		var v struct {
			Events []int `json:"events"`
		}
		err := json.Unmarshal([]byte(body), &v)
		if err == nil {
			t.Fatalf("%s decoded", body)
		}
		_, why := Fault(err)
		if strings.Contains(why, "SECRET") || strings.Contains(why, "1234") || why == "" {
			t.Errorf("Fault(%v) = %q", err, why)
		}
	}
}

func TestFirstNonSpace(t *testing.T) {
	for in, want := range map[string]int{"": -1, " \t\r\n": -1, "{}": 0, "\n {": 2, "x": 0} {
		if got := FirstNonSpace([]byte(in)); got != want {
			t.Errorf("FirstNonSpace(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestDerivedIDIsTheSameForTheSameBytesOnly(t *testing.T) {
	a, b := DerivedID([]byte(`{"type":"x"}`)), DerivedID([]byte(`{"type":"x"}`))
	// printf '%s' '{"type":"x"}' | sha256sum | cut -c1-32
	if want := "sha256:c432d16d2a54b09f4af18a18a547a31b"; a != want || b != want {
		t.Fatalf("IDs %q and %q, want %q for both", a, b, want)
	}
	if c := DerivedID([]byte(`{"type":"y"}`)); c == a {
		t.Fatalf("other bytes, the same ID %q", c)
	}
}

func TestErrorsSayWhereUnderTheConnectorsSentinel(t *testing.T) {
	errX := errors.New("x: malformed webhook body")
	if err := Object([]byte(" \n{}"), errX); err != nil {
		t.Errorf("an object is refused: %v", err)
	}
	err := Object([]byte("  [1]"), errX)
	var e *Error
	if !errors.As(err, &e) || e.Offset != 2 || !errors.Is(err, errX) {
		t.Fatalf("Object([1]) = %#v", err)
	}
	if got, want := err.Error(), "x: malformed webhook body: not a JSON object (at byte 2)"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	var v struct{ A int }
	m := Malformed(errX, json.Unmarshal([]byte(`{"A":"secret-ish"}`), &v))
	if !errors.Is(m, errX) || strings.Contains(m.Error(), "secret-ish") || m.Offset == 0 {
		t.Errorf("Malformed = %q (offset %d)", m.Error(), m.Offset)
	}
	if got := (&Error{Reason: "r"}).Error(); got != "malformed webhook body: r (at byte 0)" {
		t.Errorf("without a sentinel: %q", got)
	}
}
