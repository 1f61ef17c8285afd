package inbox_test

import (
	"os"
	"testing"

	"github.com/socialdesk/socialdesk/inbox"
)

func TestHostInstanceIsTheHostAndThePort(t *testing.T) {
	host, err := os.Hostname()
	if err != nil || host == "" {
		t.Skip("this machine has no host name")
	}
	for addr, want := range map[string]string{
		"127.0.0.1:8080": host + ":8080",
		":9000":          host + ":9000",
		"[::1]:7000":     host + ":7000",
		"desk-0":         host + ":desk-0",
	} {
		if got := inbox.HostInstance(addr); got != want {
			t.Errorf("HostInstance(%q) = %q, want %q", addr, got, want)
		}
	}
}
