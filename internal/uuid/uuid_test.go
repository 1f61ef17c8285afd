package uuid

import (
	"slices"
	"testing"
	"time"
)

func TestNewIsValidVersion4AndUnique(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		checkNew(t, "New()", New(), '4', seen)
	}
}

// checkNew fails t unless u, made by name, is a valid UUID of the version,
// with RFC 9562's variant, and not in seen; it adds u to seen.
func checkNew(t *testing.T, name, u string, version byte, seen map[string]bool) {
	t.Helper()
	if !Valid(u) {
		t.Fatalf("%s = %q, not a valid UUID", name, u)
	}
	if u[14] != version {
		t.Fatalf("%s = %q, version nibble %q, want %q", name, u, u[14], version)
	}
	if c := u[19]; c != '8' && c != '9' && c != 'a' && c != 'b' {
		t.Fatalf("%s = %q, variant nibble %q, want 8-b", name, u, c)
	}
	if seen[u] {
		t.Fatalf("%s repeated %q", name, u)
	}
	seen[u] = true
}

func TestValid(t *testing.T) {
	for s, want := range map[string]bool{
		"123e4567-e89b-42d3-a456-426614174000":  true,
		"123E4567-E89B-42D3-A456-426614174000":  true,
		"123e4567e89b42d3a456426614174000":      false,
		"123e4567-e89b-42d3-a456-42661417400":   false,
		"123e4567-e89b-42d3-a456-4266141740000": false,
		"123e4567-e89b-42d3-a456_426614174000":  false,
		"g23e4567-e89b-42d3-a456-426614174000":  false,
		"":                                      false,
	} {
		if got := Valid(s); got != want {
			t.Errorf("Valid(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestNewOrderedIsValidVersion7SortedByTimeAndUnique(t *testing.T) {
	t0 := time.Date(2026, 12, 8, 1, 2, 3, 4_000_000, time.UTC)
	var ids []string
	seen := map[string]bool{}
	for i := range 1000 {
		u := orderedAt(t0.Add(time.Duration(i) * time.Millisecond))
		checkNew(t, "orderedAt", u, '7', seen)
		ids = append(ids, u)
	}
	if !slices.IsSorted(ids) {
		t.Error("IDs of later milliseconds do not sort after earlier ones")
	}
	// The first 48 bits are the milliseconds: 0x01a2532c02fc is t0.
	if got, want := ids[0][:13], "01a2532c-02fc"; got != want {
		t.Errorf("orderedAt(%v) starts %q, want %q", t0, got, want)
	}
	checkNew(t, "NewOrdered()", NewOrdered(), '7', seen)
}
