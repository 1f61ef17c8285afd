package line

import (
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/media"
)

// ChannelKind is the enquiry.Channel.Kind of LINE channels. Such a
// channel's Account is its bot user ID and its Credentials the channel
// secret and channel access token.
const ChannelKind = "line"

// DeskKind returns what the desk needs for channels of kind ChannelKind
// (enquiry.Config.Kinds[ChannelKind]): c as their sender, LINE's media
// policy and text limit (media.LINE), at most MaxMessagesPerRequest
// messages a request, and the reply token's life (Config.ReplyFreshness)
// as the reply window, after which messages are pushed
// (PushAfterWindow): each message's reply token is its reply handle.
func DeskKind(c *Client) enquiry.Kind {
	return enquiry.Kind{Sender: c, Policy: media.LINE, MaxBatch: MaxMessagesPerRequest,
		ReplyWindow: c.cfg.ReplyFreshness, PushAfterWindow: true}
}
