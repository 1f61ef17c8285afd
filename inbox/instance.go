package inbox

import (
	"cmp"
	"net"
	"os"
)

// HostInstance returns a name for Options.Instance (and for the desk's
// enquiry.Config.Instance) made of this host's name and the port of addr,
// the address the process listens on: "myhost:8080" for ":8080" on host
// myhost. It is stable across restarts of the process on that host and
// port, so a restarted process takes its own leases back at once, and
// distinct for processes on other hosts or ports. When the host has no
// name, "desk" stands for it; when addr has no port, all of addr does.
func HostInstance(addr string) string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "desk"
	}
	_, port, _ := net.SplitHostPort(addr)
	return host + ":" + cmp.Or(port, addr)
}
