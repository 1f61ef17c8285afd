// Package setup is the shape of a connector's set-up checks, the same for
// every platform: each check has a name, an outcome, one line on what was
// found and, when something is to be done, what to do. line/linecheck and
// whatsapp's Doctor report them; deskhttp shows them.
//
//	checks := linecheck.Run(ctx, client, ch, linecheck.Config{})
//	if setup.Worst(checks) == setup.Fail { … }
package setup

// Status is the outcome of one check.
type Status string

// Check outcomes.
const (
	// Pass: the check found nothing wrong.
	Pass Status = "pass"
	// Warn: it works, or could not be proved, and needs a look by hand.
	Warn Status = "warn"
	// Fail: something is wrong; Fix says what to do.
	Fail Status = "fail"
	// Skip: not run, because an earlier check failed; Detail says which.
	Skip Status = "skip"
)

// Check is one set-up check: what was checked, the outcome, in one line
// what was found (and what could not be checked), and what to do. It never
// contains a secret. It is a plain value, safe for concurrent use.
type Check struct {
	Name   string `json:"name"`
	Status Status `json:"status"`
	// Detail is what was found, in one line.
	Detail string `json:"detail"`
	// Fix is what to do, in words the platform's account admin
	// understands; "" when there is nothing to do.
	Fix string `json:"fix,omitempty"`
}

// Worst returns the worst outcome of checks: Fail when any failed, else
// Warn when any needs a look, else Pass (also for no checks). A skipped
// check follows a failed one, so it changes nothing.
func Worst(checks []Check) Status {
	worst := Pass
	for _, c := range checks {
		switch {
		case c.Status == Fail:
			return Fail
		case c.Status == Warn:
			worst = Warn
		}
	}
	return worst
}
