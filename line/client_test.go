package line_test

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
)

// outChecker holds the few assertions the outbound tests need, so they
// run on the standard library alone.
type outChecker struct{ t testing.TB }

func outCheck(t testing.TB) outChecker { return outChecker{t} }

func (c outChecker) NoErr(err error) {
	c.t.Helper()
	if err != nil {
		c.t.Fatalf("unexpected error: %v", err)
	}
}

func (c outChecker) Eq(got, want any, msg ...any) {
	c.t.Helper()
	if !reflect.DeepEqual(got, want) {
		c.t.Errorf("%s\n got: %#v\nwant: %#v", fmt.Sprint(msg...), got, want)
	}
}

func (c outChecker) Len(n, want int, msg ...any) {
	c.t.Helper()
	if n != want {
		c.t.Fatalf("%s: length %d, want %d", fmt.Sprint(msg...), n, want)
	}
}

func (c outChecker) True(ok bool, msg ...any) {
	c.t.Helper()
	if !ok {
		c.t.Errorf("not true: %s", fmt.Sprint(msg...))
	}
}

func (c outChecker) ErrIs(err, target error) {
	c.t.Helper()
	if !errors.Is(err, target) {
		c.t.Errorf("error %v does not match %v", err, target)
	}
}

func (c outChecker) ErrAs(err error, target any) {
	c.t.Helper()
	if !errors.As(err, target) {
		c.t.Fatalf("error %v (%T) is not a %T", err, err, target)
	}
}
