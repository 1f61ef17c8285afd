package deskhttp

import (
	"context"
	"strings"

	"github.com/socialdesk/socialdesk/enquiry"
)

// Connector is what the API knows of one kind of channel; the host or the
// connector package supplies it, so that this package names no platform.
// Only Kind is required.
type Connector struct {
	// Kind is the channel kind, as in enquiry.Channel.Kind: "line".
	Kind string
	// Name is the platform's name in the API's messages: "LINE".
	// Default: Kind.
	Name string
	// Webhook is the path of a channel's webhook, with "{channel}" where
	// its ID goes: "/webhook/line/{channel}". The API shows it on each
	// channel.
	Webhook string
	// NeedsCredentials, when set, says what a new channel lacks when its
	// secret or token is missing, and where the user finds them; such a
	// channel is refused.
	NeedsCredentials string
	// Connect, when set, completes a new channel before it is created
	// (e.g. its platform account ID, from the platform). Its error is
	// shown to the user: it says what the platform refused, never a
	// credential.
	Connect func(ctx context.Context, ch *enquiry.Channel) error
	// Quota, when set, reads a channel's message quota for GET
	// /api/channels/{id}/quota.
	Quota func(ctx context.Context, ch enquiry.Channel) Quota
	// Check, when set, runs the channel's set-up checks for POST
	// /api/channels/{id}/check.
	Check func(ctx context.Context, ch enquiry.Channel) CheckReport
	// MaxTextUnits, when set, is the most UTF-16 code units of one text
	// the kind's channels take (its media policy's MaxTextUnits): GET
	// /api/enquiries/{id} shows it as textLimit, so that a console
	// counts a reply by the platform's rule. 0: not shown.
	MaxTextUnits int
	// Words are what the staff console says of the kind's channels, in
	// the platform's terms; GET /api/config shows them. An empty field
	// leaves the console's neutral wording.
	Words Words
}

// Words are the staff console's platform-specific words for one kind of
// channel. Each is plain text, shown as it is.
type Words struct {
	// Webhook introduces a channel's webhook URL, saying where on the
	// platform it is entered: "Webhook URL for the LINE Developers
	// console:".
	Webhook string `json:"webhook,omitempty"`
	// Check says what the set-up checks ask the platform.
	Check string `json:"check,omitempty"`
	// Credentials names a channel's two credentials together, as in
	// "Change the …": "channel secret or access token".
	Credentials string `json:"credentials,omitempty"`
	// Secret and Token label the fields that change them, with where
	// on the platform each is found: "Channel secret (Basic settings
	// tab)".
	Secret string `json:"secret,omitempty"`
	Token  string `json:"token,omitempty"`
	// Blocked says that nothing can be sent to a customer who blocked
	// the channel's account, and what would change it.
	Blocked string `json:"blocked,omitempty"`
}

// kindJSON is a connector as GET /api/config shows it to the console.
type kindJSON struct {
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Checks    bool   `json:"checks"`
	Quota     bool   `json:"quota"`
	TextLimit int    `json:"textLimit,omitempty"`
	Words     Words  `json:"words"`
}

// view returns c as the console sees it.
func (c Connector) view() kindJSON {
	return kindJSON{Kind: c.Kind, Name: c.name(), Checks: c.Check != nil, Quota: c.Quota != nil, TextLimit: c.MaxTextUnits, Words: c.Words}
}

// name returns the platform's name for messages.
func (c Connector) name() string {
	if c.Name != "" {
		return c.Name
	}
	return c.Kind
}

// platformName is the name of kind's platform for messages: its
// connector's Name, else the kind itself.
func (h *Handler) platformName(kind string) string {
	if c, ok := h.connector(kind); ok {
		return c.name()
	}
	return kind
}

// webhook returns the webhook path of channel, or "" without a pattern.
func (c Connector) webhook(channel string) string {
	return strings.ReplaceAll(c.Webhook, "{channel}", channel)
}
