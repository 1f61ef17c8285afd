package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/socialdesk/socialdesk/enquiry"
)

// slug makes a channel ID from a name: lower-case letters, digits and dashes.
func slug(name string) string {
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
		s = fmt.Sprintf("channel-%d", time.Now().UnixNano()%100000)
	}
	return s
}

func sortBy[T any](s []T, key func(T) string) {
	sort.Slice(s, func(i, j int) bool { return key(s[i]) < key(s[j]) })
}

// readSeeker reads a blob through its ReaderAt.
func readSeeker(b enquiry.Blob) io.ReadSeeker { return io.NewSectionReader(b, 0, b.Size()) }

// events streams desk events as server-sent events: one "desk" event per
// change, JSON, and a "resync" event when this stream missed some.
func (a *api) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, "internal", "streaming unsupported")
		return
	}
	sub := a.feed.Subscribe(256)
	defer sub.Close()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": socialdesk events\nretry: 2000\n\n")
	fl.Flush()
	ping := time.NewTicker(15 * time.Second)
	defer ping.Stop()
	var dropped int64
	for {
		select {
		case <-r.Context().Done():
			return
		case <-a.closing:
			return
		case <-ping.C:
			fmt.Fprint(w, ": ping\n\n")
		case ev, ok := <-sub.C:
			if !ok {
				return
			}
			if n := sub.Dropped(); n != dropped {
				dropped = n
				fmt.Fprint(w, "event: resync\ndata: {}\n\n")
			}
			data, _ := json.Marshal(eventView(ev))
			fmt.Fprintf(w, "event: desk\ndata: %s\n\n", data)
		}
		fl.Flush()
	}
}

func eventView(ev enquiry.DeskEvent) map[string]any {
	v := map[string]any{"kind": ev.Kind, "channel": ev.Channel, "at": ev.At}
	if ev.Enquiry != nil {
		v["enquiry"] = enquiryView(*ev.Enquiry)
	}
	if ev.Message != nil {
		v["message"] = messageView(*ev.Message)
	}
	return v
}

func encodeBase64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
