package e2e_test

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

var (
	long = flag.Bool("long", os.Getenv("SOCIALDESK_E2E_LONG") == "1",
		"run the long form: the full numbers of customers, messages and concurrent webhooks")
	seed = flag.Uint64("seed", 1, "seed of the injected faults and of the redelivery schedule")
)

// size returns the short-form number, or the long-form one with -long.
func size(short, full int) int {
	if *long {
		return full
	}
	return short
}

// TestMain runs the suite and then checks that nothing it started is
// still running: every test shuts its servers, desks and webhooks down,
// so the goroutine count must come back to what it was before.
func TestMain(m *testing.M) {
	flag.Parse()
	before := runtime.NumGoroutine()
	code := m.Run()
	if code == 0 {
		if leaked := leftovers(before, 10*time.Second); leaked != "" {
			fmt.Fprintf(os.Stderr, "goroutines leaked after shutdown (%d before the tests):\n%s\n", before, leaked)
			code = 1
		}
	}
	os.Exit(code)
}

// leftovers waits up to wait for the goroutine count to fall back to
// before, and returns a dump of the goroutines if it does not.
func leftovers(before int, wait time.Duration) string {
	deadline := time.Now().Add(wait)
	for {
		if runtime.NumGoroutine() <= before {
			return ""
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	return strings.TrimSpace(string(buf))
}
