// Command desk is socialdesk's reference host: a LINE webhook, the staff
// JSON API, live events and a web console, over the library's packages.
//
// Without LINE credentials it runs a demo: an embedded fake LINE platform
// with a customer simulator, an in-memory store and two demo staff.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "socialdesk demo desk: being wired (see README)")
}
