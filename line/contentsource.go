package line

import "time"

// ContentSource says where an inbound message's content is: on LINE (by
// MessageID) or, for contentProvider "external", at ExternalURL.
type ContentSource struct {
	MessageID, Kind /*"image"|"video"|"audio"*/, ExternalURL, PreviewURL string
	Duration                                                             time.Duration
}
