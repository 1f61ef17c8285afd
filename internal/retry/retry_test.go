package retry_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/socialdesk/socialdesk/internal/retry"
)

func TestRetryableFollowsTheWrappedErrorsMethod(t *testing.T) {
	base := errors.New("boom")
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"a plain error is not", base, false},
		{"nil is not", nil, false},
		{"a marked error is", retry.Error(base, true), true},
		{"a marked error that says no is not", retry.Error(base, false), false},
		{"a wrapped marked error is", fmt.Errorf("send: %w", retry.Error(base, true)), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := retry.Retryable(c.err); got != c.want {
				t.Fatalf("Retryable = %v, want %v", got, c.want)
			}
		})
	}
	if !errors.Is(retry.Error(base, true), base) {
		t.Fatal("a marked error does not unwrap to its cause")
	}
}

func TestCutIsAContextsEnd(t *testing.T) {
	if !retry.Cut(fmt.Errorf("x: %w", context.Canceled)) || !retry.Cut(context.DeadlineExceeded) || retry.Cut(errors.New("x")) {
		t.Fatal("Cut does not match exactly the context's errors")
	}
}
