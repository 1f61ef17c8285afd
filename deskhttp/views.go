package deskhttp

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/socialdesk/socialdesk/enquiry"
)

// slug makes a channel ID from a name: lower-case letters, digits and
// dashes; a name with none of them gives a number from now.
func slug(name string, now time.Time) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimSuffix(b.String(), "-")
	if s == "" {
		s = fmt.Sprintf("channel-%d", now.UnixNano()%100000)
	}
	return s
}

// readSeeker reads a blob through its ReaderAt.
func readSeeker(b enquiry.Blob) io.ReadSeeker { return io.NewSectionReader(b, 0, b.Size()) }

// eventView is a desk event as the live event stream shows it.
func eventView(ev enquiry.Notice) map[string]any {
	v := map[string]any{"kind": ev.Kind, "channel": ev.Channel, "at": ev.At}
	if ev.Enquiry != nil {
		v["enquiry"] = enquiryView(*ev.Enquiry)
	}
	if ev.Message != nil {
		v["message"] = messageView(*ev.Message)
	}
	return v
}
