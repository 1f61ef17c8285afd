package inbox

import (
	"context"
	"testing"
	"time"
)

func TestLeaseCallsShareAContextWhileItHasMostOfItsTimeLeft(t *testing.T) {
	parent, cancelParent := context.WithCancel(context.Background())
	c := &leaseCalls{parent: parent}
	defer c.stop()
	first := c.get()
	if c.get() != first {
		t.Fatal("a second call got another context at once")
	}
	deadline, ok := first.Deadline()
	if !ok || time.Until(deadline) <= leaseCallMin || time.Until(deadline) > leaseCallTimeout {
		t.Fatalf("deadline in %v, want between %v and %v", time.Until(deadline), leaseCallMin, leaseCallTimeout)
	}
	cancelParent()
	if c.get().Err() != nil {
		t.Fatal("a lease call was cut off with the worker's context")
	}
	c.until = time.Now().Add(leaseCallMin - time.Millisecond) // as if most of its time had passed
	next := c.get()
	if next == first {
		t.Fatal("a context with less than leaseCallMin left was reused")
	}
	if first.Err() == nil {
		t.Fatal("the replaced context's timer was not released")
	}
	c.stop()
	if next.Err() == nil {
		t.Fatal("stop did not release the context")
	}
}
