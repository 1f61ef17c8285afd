package line_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// Small assertion helpers (the module's go.sum does not carry testify's
// YAML dependency, so these tests use the standard library only).

func wantEq[T any](t testing.TB, want, got T, msg ...any) {
	t.Helper()
	if !reflect.DeepEqual(want, got) {
		t.Errorf("%sgot  %#v\nwant %#v", msgPrefix(msg), got, want)
	}
}

func needEq[T any](t testing.TB, want, got T, msg ...any) {
	t.Helper()
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("%sgot  %#v\nwant %#v", msgPrefix(msg), got, want)
	}
}

func needNoErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

func wantIn(t testing.TB, s, sub string) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Errorf("%q does not contain %q", s, sub)
	}
}

func wantNotIn(t testing.TB, s, sub string) {
	t.Helper()
	if strings.Contains(s, sub) {
		t.Errorf("%q contains %q", s, sub)
	}
}

func wantTrue(t testing.TB, ok bool, msg ...any) {
	t.Helper()
	if !ok {
		t.Error(fmt.Sprint(msg...))
	}
}

func msgPrefix(msg []any) string {
	if len(msg) == 0 {
		return ""
	}
	return fmt.Sprint(msg...) + ":\n"
}
