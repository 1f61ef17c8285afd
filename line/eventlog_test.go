package line_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/inbox"
	"github.com/socialdesk/socialdesk/line"
)

func TestEventLogsCarryTheEventAndTheirCallersSource(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{AddSource: true}))
	hook := line.NewWebhook(line.WebhookConfig{Channels: hookChannelSet(), Events: enquiry.NewMemStore(), Desk: &countDesk{}, Logger: log})
	// An event without a user: recorded, not processed, and logged at Info.
	rec := inbox.Record{Channel: hookChannel, ID: "E1", Key: "", Received: time.Now(),
		Payload: []byte(`{"type":"message","webhookEventId":"E1","source":{"type":"user"},"message":{"type":"text","id":"1","text":"hi"}}`)}
	wantTrue(t, line.ProcessEvent(context.Background(), hook, rec), "the event was not done")
	var got struct {
		Msg, Channel, Event, Type string
		Source                    struct{ File string }
	}
	line0, _, _ := strings.Cut(buf.String(), "\n")
	needNoErr(t, json.Unmarshal([]byte(line0), &got))
	wantEq(t, hookChannel, got.Channel, "channel attribute")
	wantEq(t, "E1", got.Event, "event attribute")
	wantEq(t, "message", got.Type, "type attribute")
	wantTrue(t, strings.Contains(got.Msg, "no user"), "message ", got.Msg)
	wantTrue(t, strings.HasSuffix(got.Source.File, "/line/event.go"), "source ", got.Source.File)

	buf.Reset()
	quiet := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelError}))
	hook = line.NewWebhook(line.WebhookConfig{Channels: hookChannelSet(), Events: enquiry.NewMemStore(), Desk: &countDesk{}, Logger: quiet})
	wantTrue(t, line.ProcessEvent(context.Background(), hook, rec), "the event was not done")
	wantEq(t, "", buf.String(), "logged below the handler's level")
}
