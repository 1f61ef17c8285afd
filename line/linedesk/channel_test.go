package linedesk

import (
	"context"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
	"github.com/socialdesk/socialdesk/routing"
)

func TestNewChannel(t *testing.T) {
	const (
		bot   = "U2222222222222222222222222222test"
		token = "new-channel-token-do-not-log"
	)
	p := linetest.New()
	t.Cleanup(p.Close)
	p.AddChannel(linetest.Channel{Token: token, Secret: "0123456789abcdef0123456789abcdef", BotUserID: bot, DisplayName: "Sato Bakery", ChatMode: "bot"})
	client := line.NewClient(line.Config{APIBase: p.URL(), DataAPIBase: p.DataURL()})
	ctx := context.Background()

	t.Run("it is named as the LINE account is, with its bot user ID", func(t *testing.T) {
		ch, err := NewChannel(ctx, client, "main", enquiry.Credentials{Token: token})
		if err != nil || ch.ID != "main" || ch.Kind != "line" || ch.Name != "Sato Bakery" || ch.Account != bot || ch.Credentials.Token != token {
			t.Fatalf("NewChannel = %+v, %v", ch, err)
		}
	})
	t.Run("it rings every available staff member at once", func(t *testing.T) {
		ch, _ := NewChannel(ctx, client, "main", enquiry.Credentials{Token: token})
		staff := &enquiry.Roster{}
		for _, id := range []string{"mei", "ken", "ola"} {
			staff.Add(id, automsg.Staff{First: id}, 0)
		}
		staff.SetPresence("mei", routing.Available)
		staff.SetPresence("ola", routing.Available)
		plan := ch.Routing.Route(routing.Request{}, staff)
		if len(plan.Steps) != 1 {
			t.Fatalf("plan %+v; want one step", plan)
		}
		if got := ch.Routing.Ring(plan.Steps[0], staff); strings.Join(got, ",") != "mei,ola" {
			t.Fatalf("rung %q; want mei and ola, who are available", got)
		}
	})
	t.Run("a token LINE refuses gives the default name and says why, without the token", func(t *testing.T) {
		ch, err := NewChannel(ctx, client, "main", enquiry.Credentials{Token: "wrong-token-do-not-log"})
		if err == nil || ch.Name != DefaultName || ch.Account != "" || ch.Routing == nil {
			t.Fatalf("NewChannel = %+v, %v; want the default name, routing and an error", ch, err)
		}
		if strings.Contains(err.Error(), "wrong-token-do-not-log") {
			t.Fatalf("the error holds the token: %v", err)
		}
	})
}
