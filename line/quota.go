package line

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/socialdesk/socialdesk/enquiry"
)

const (
	endpointQuota       = "GET /v2/bot/message/quota"
	endpointConsumption = "GET /v2/bot/message/quota/consumption"
)

// DefaultQuotaRecheck is how often, at most, a channel whose monthly
// message quota ran out has its quota read again before a push, in case
// it was raised.
const DefaultQuotaRecheck = 15 * time.Minute

// quotaZone is the time zone of LINE's month: the count of sent messages
// starts again on the first of the month in Japan time. (Were it later
// elsewhere, the cost is one refused push, which marks the channel again.)
var quotaZone = time.FixedZone("JST", 9*60*60)

// Quota is a channel's monthly message quota on LINE and how much of it
// this month's messages used. Pushes count against it, one per recipient
// however many messages a request holds; replies are free.
type Quota struct {
	// Limited reports LINE's quota type "limited": LINE refuses pushes
	// once Used reaches Limit this month. Otherwise the type is "none":
	// no target limit is set.
	Limited bool  `json:"limited"`
	Limit   int64 `json:"limit,omitempty"`
	// Used is the number of messages sent this month (by any means,
	// including LINE Official Account Manager).
	Used int64 `json:"used"`
}

// Exhausted reports whether the quota is limited and used up: pushes are
// refused until the month turns or the limit is raised.
func (q Quota) Exhausted() bool { return q.Limited && q.Used >= q.Limit }

// Remaining returns how many more messages may be pushed this month; ok
// is false when the quota has no limit.
func (q Quota) Remaining() (n int64, ok bool) {
	if !q.Limited {
		return 0, false
	}
	return max(q.Limit-q.Used, 0), true
}

// Quota reads the channel's monthly message quota (GET
// /v2/bot/message/quota) and this month's consumption (GET
// /v2/bot/message/quota/consumption); neither costs a message. A quota
// found with room ends what the client remembered of an exhausted quota
// (QuotaExhausted), so pushes go out again. It is safe for concurrent use.
func (c *Client) Quota(ctx context.Context, ch enquiry.Channel) (Quota, error) {
	var q messaging_api.MessageQuotaResponse
	if _, err := c.getJSON(ctx, c.request("quota", endpointQuota, ch, nil), &q); err != nil {
		return Quota{}, err
	}
	var u messaging_api.QuotaConsumptionResponse
	if _, err := c.getJSON(ctx, c.request("quota consumption", endpointConsumption, ch, nil), &u); err != nil {
		return Quota{}, err
	}
	out := Quota{Limited: q.Type == messaging_api.QuotaType_LIMITED, Used: u.TotalUsage}
	if out.Limited {
		out.Limit = q.Value
	}
	if !out.Exhausted() {
		c.setQuotaRoom(ch.ID)
	}
	return out, nil
}

// QuotaExhausted reports whether the client saw the channel's monthly
// message quota used up (LINE refused a push with "You have reached your
// monthly limit."), and until when it pushes nothing for the channel: the
// start of next month in Japan time, unless a read of the quota (Quota,
// or the recheck before a push every Config.QuotaRecheck) finds room
// sooner. It does no I/O, and knows only what this client saw since it
// was created. It is safe for concurrent use.
func (c *Client) QuotaExhausted(channelID string) (until time.Time, ok bool) {
	c.quotaMu.Lock()
	defer c.quotaMu.Unlock()
	m, ok := c.quotas[channelID]
	if !ok || m.room || !c.clock.Now().Before(m.until) {
		return time.Time{}, false
	}
	return m.until, true
}

// pushAllowed refuses a push for a channel whose quota ran out this
// month, without asking LINE, unless the month turned or a recheck of
// the quota (one at a time, every Config.QuotaRecheck) finds room.
func (c *Client) pushAllowed(ctx context.Context, ch enquiry.Channel) error {
	now := c.clock.Now()
	c.quotaMu.Lock()
	m, ok := c.quotas[ch.ID]
	recheck := ok && !m.room && now.Sub(m.checked) >= c.cfg.QuotaRecheck
	if recheck {
		m.checked = now
		c.quotas[ch.ID] = m
	}
	c.quotaMu.Unlock()
	switch {
	case !ok || m.room:
		return nil
	case !now.Before(m.until):
		c.log.LogAttrs(ctx, slog.LevelInfo, "line: a new month: pushing again", slog.String("channel", ch.ID))
		c.setQuotaRoom(ch.ID)
		return nil
	}
	if recheck {
		if q, err := c.Quota(ctx, ch); err == nil && !q.Exhausted() {
			c.log.LogAttrs(ctx, slog.LevelInfo, "line: the monthly message quota has room again: pushing again", slog.String("channel", ch.ID))
			return nil
		}
	}
	return &Error{Service: service, Op: "push", Message: "not pushed: the monthly message limit was reached; nothing is pushed until " +
		m.until.Format("2 January 2006 15:04 MST") + " or until the quota is raised", Err: ErrMonthlyLimit}
}

// noteQuota remembers a push refused for the monthly limit, and warns
// once per channel and month (however often a recheck finds room that
// LINE then refuses).
func (c *Client) noteQuota(ctx context.Context, ch enquiry.Channel, err error) {
	le, ok := errors.AsType[*Error](err)
	if !ok || !errors.Is(le, ErrMonthlyLimit) || le.Status == 0 {
		return // not LINE's refusal (the client's own refusal has no status)
	}
	now := c.clock.Now()
	t := now.In(quotaZone)
	until := time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, quotaZone)
	c.quotaMu.Lock()
	first := !c.quotas[ch.ID].until.Equal(until)
	c.quotas[ch.ID] = quotaMark{until: until, checked: now}
	c.quotaMu.Unlock()
	if first {
		c.log.LogAttrs(ctx, slog.LevelWarn, "line: the monthly message quota is used up: pushes stop until the month turns or the quota is raised; replies still go out",
			slog.String("channel", ch.ID), slog.Time("until", until), slog.String("request_id", le.RequestID))
	}
}

// setQuotaRoom lets pushes for the channel go out again. Its mark stays,
// so that a refusal in the same month does not warn again.
func (c *Client) setQuotaRoom(channelID string) {
	c.quotaMu.Lock()
	defer c.quotaMu.Unlock()
	if m, ok := c.quotas[channelID]; ok {
		m.room = true
		c.quotas[channelID] = m
	}
}

// quotaMark is what the client remembers of a channel whose monthly
// quota it saw run out (Client.quotas).
type quotaMark struct {
	until   time.Time // the month's end, in quotaZone
	checked time.Time // the last time the quota was read, or marked
	room    bool      // the month turned, or a read of the quota found room
}
