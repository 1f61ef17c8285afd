package uuid

import (
	"slices"
	"testing"
	"time"
)

func TestNewIsValidVersion4AndUnique(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		u := New()
		if !Valid(u) {
			t.Fatalf("New() = %q, not a valid UUID", u)
		}
		if u[14] != '4' {
			t.Fatalf("New() = %q, version nibble %q, want 4", u, u[14])
		}
		if c := u[19]; c != '8' && c != '9' && c != 'a' && c != 'b' {
			t.Fatalf("New() = %q, variant nibble %q, want 8-b", u, c)
		}
		if seen[u] {
			t.Fatalf("New() repeated %q", u)
		}
		seen[u] = true
	}
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
		if !Valid(u) {
			t.Fatalf("orderedAt = %q, not a valid UUID", u)
		}
		if u[14] != '7' {
			t.Fatalf("orderedAt = %q, version nibble %q, want 7", u, u[14])
		}
		if c := u[19]; c != '8' && c != '9' && c != 'a' && c != 'b' {
			t.Fatalf("orderedAt = %q, variant nibble %q, want 8-b", u, c)
		}
		if seen[u] {
			t.Fatalf("orderedAt repeated %q", u)
		}
		seen[u] = true
		ids = append(ids, u)
	}
	if !slices.IsSorted(ids) {
		t.Error("IDs of later milliseconds do not sort after earlier ones")
	}
	// The first 48 bits are the milliseconds: 0x01a2532c02fc is t0.
	if got, want := ids[0][:13], "01a2532c-02fc"; got != want {
		t.Errorf("orderedAt(%v) starts %q, want %q", t0, got, want)
	}
	if u := NewOrdered(); !Valid(u) || u[14] != '7' {
		t.Errorf("NewOrdered() = %q", u)
	}
}
