package linedesk

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/routing"
)

// DefaultName is the name of a channel whose LINE Official Account could
// not be asked for its own.
const DefaultName = "LINE"

// NewChannel returns the LINE channel id with the credentials creds, for a
// host to create: named as its LINE Official Account is (the display name
// of GET /v2/bot/info), with the account's bot user ID, and routed to
// every available staff member at once (routing.RingEveryone with the
// default ring timeout), so that a new desk rings everyone before anyone
// edits its routing. The directory of the desk must list its staff
// (routing.Lister, as enquiry.Roster does). When LINE cannot be asked,
// the channel is named DefaultName, without its bot user ID, and the
// error says why: the channel may be created all the same, and Diagnose
// reports what is wrong. It is safe for concurrent use.
func NewChannel(ctx context.Context, client *line.Client, id string, creds enquiry.Credentials) (enquiry.Channel, error) {
	ch := enquiry.Channel{ID: id, Name: DefaultName, Kind: "line", Credentials: creds, Routing: routing.RingEveryone(0)}
	info, err := client.BotInfo(ctx, ch)
	if err != nil {
		return ch, fmt.Errorf("asking LINE for the account's name: %w", err)
	}
	if info.DisplayName != "" {
		ch.Name = info.DisplayName
	}
	ch.Account = info.UserID
	return ch, nil
}

// EnsureChannel returns the desk's channel template.ID, creating it first
// from template when the desk does not have it (a PostgreSQL store keeps it
// from an earlier run). A template without a name is a LINE Official
// Account's channel: NewChannel names it and sets its bot user ID and, when
// the template has none, its routing; when LINE cannot be asked, the
// channel is created all the same, named DefaultName, and log says why
// (Diagnose reports what is wrong). It is safe for concurrent use.
func EnsureChannel(ctx context.Context, desk *enquiry.Desk, client *line.Client, template enquiry.Channel, log *slog.Logger) (enquiry.Channel, error) {
	if existing, err := desk.Channel(ctx, template.ID); err == nil {
		return existing, nil
	}
	ch := template
	if ch.Name == "" {
		named, err := NewChannel(ctx, client, ch.ID, ch.Credentials)
		if err != nil {
			log.WarnContext(ctx, "channel "+ch.ID+" is named "+DefaultName, "channel", ch.ID, "err", err)
		}
		ch.Name, ch.Account, ch.Kind = named.Name, named.Account, named.Kind
		if ch.Routing == nil {
			ch.Routing = named.Routing
		}
	}
	if _, err := desk.CreateChannel(ctx, ch); err != nil {
		return ch, fmt.Errorf("setting up channel %s: %w", ch.ID, err)
	}
	return ch, nil
}
