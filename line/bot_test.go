package line_test

import (
	"context"
	"testing"

	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

func TestWebhookEndpointSettings(t *testing.T) {
	is := outCheck(t)
	f := newFixture(t, line.Config{})
	hook := linetest.Endpoint(t, secret)
	is.NoErr(f.c.SetWebhookEndpoint(context.Background(), f.ch, hook.URL))
	wh, err := f.c.WebhookEndpoint(context.Background(), f.ch)
	is.NoErr(err)
	is.Eq(wh, line.WebhookEndpoint{URL: hook.URL, Active: false})
	res, err := f.c.TestWebhook(context.Background(), f.ch, "")
	is.NoErr(err)
	is.True(res.Success)
	is.Eq(res.StatusCode, 200)
	info, err := f.c.BotInfo(context.Background(), f.ch)
	is.NoErr(err)
	is.Eq(info.UserID, botID)
	is.Eq(info.ChatMode, "bot")
}

// A channel without an access token is refused before LINE is asked.
func TestSettingsNeedTheChannelsToken(t *testing.T) {
	is := outCheck(t)
	f := newFixture(t, line.Config{})
	ch := f.ch
	ch.Credentials.Token = ""
	ctx := context.Background()
	_, err := f.c.BotInfo(ctx, ch)
	is.ErrIs(err, line.ErrNoToken)
	_, err = f.c.WebhookEndpoint(ctx, ch)
	is.ErrIs(err, line.ErrNoToken)
	is.ErrIs(f.c.SetWebhookEndpoint(ctx, ch, "https://example.com/hook"), line.ErrNoToken)
	_, err = f.c.TestWebhook(ctx, ch, "")
	is.ErrIs(err, line.ErrNoToken)
	is.Len(len(f.p.Calls()), 0, "LINE was not asked")
}
