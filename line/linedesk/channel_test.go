package linedesk

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/deskhttp"
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

func TestDiagnoseNamesAChannelMadeWithoutLINEsAnswer(t *testing.T) {
	const bot, token = "U3333333333333333333333333333test", "diagnose-token-do-not-log"
	p := linetest.New()
	t.Cleanup(p.Close)
	p.AddChannel(linetest.Channel{Token: token, Secret: "0123456789abcdef0123456789abcdef", BotUserID: bot, DisplayName: "Ito Books"})
	client := line.NewClient(line.Config{APIBase: p.URL(), DataAPIBase: p.DataURL()})
	ctx := context.Background()
	for _, tc := range []struct {
		name, was, account, want string
	}{
		{"a channel named by default without a bot user ID takes the account's name", DefaultName, "", "Ito Books"},
		{"a channel someone named keeps its name", "Front desk", "", "Front desk"},
		{"a channel LINE answered for keeps its name", DefaultName, "U-some-older-bot", DefaultName},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := enquiry.NewMemStore()
			desk, err := enquiry.New(enquiry.Config{Store: store, Sender: client})
			if err != nil {
				t.Fatal(err)
			}
			h, err := deskhttp.New(deskhttp.Config{Desk: desk, Feed: &enquiry.Feed{}, Connectors: []deskhttp.Connector{Connector(Config{Client: client})}})
			if err != nil {
				t.Fatal(err)
			}
			ch, err := desk.CreateChannel(ctx, enquiry.Channel{ID: "main", Name: tc.was, Kind: "line", Account: tc.account, Credentials: enquiry.Credentials{Token: token}})
			if err != nil {
				t.Fatal(err)
			}
			Diagnose(ctx, h, desk, client, ch, slog.New(slog.DiscardHandler))
			got, _ := desk.Channel(ctx, "main")
			if got.Name != tc.want || got.Account != bot {
				t.Fatalf("after Diagnose: name %q, account %q; want %q, %q", got.Name, got.Account, tc.want, bot)
			}
		})
	}
}

func TestEnsureChannel(t *testing.T) {
	const (
		bot   = "U4444444444444444444444444444test"
		token = "ensure-channel-token-do-not-log"
	)
	p := linetest.New()
	t.Cleanup(p.Close)
	p.AddChannel(linetest.Channel{Token: token, Secret: "0123456789abcdef0123456789abcdef", BotUserID: bot, DisplayName: "Kato Tea", ChatMode: "bot"})
	client := line.NewClient(line.Config{APIBase: p.URL(), DataAPIBase: p.DataURL()})
	ctx := context.Background()
	newDesk := func(t *testing.T) *enquiry.Desk {
		desk, err := enquiry.New(enquiry.Config{Store: enquiry.NewMemStore(), Sender: client})
		if err != nil {
			t.Fatal(err)
		}
		return desk
	}
	welcome := automsg.Settings{Welcome: automsg.Message{On: true}}

	t.Run("an unnamed template is named as the LINE account is and keeps its settings", func(t *testing.T) {
		desk := newDesk(t)
		ch, err := EnsureChannel(ctx, desk, client, enquiry.Channel{ID: "main", Credentials: enquiry.Credentials{Token: token}, AutoMessages: welcome}, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		got, err := desk.Channel(ctx, "main")
		if err != nil || got.Name != "Kato Tea" || got.Account != bot || got.Kind != "line" || got.Routing == nil || !got.AutoMessages.Welcome.On || ch.Name != got.Name {
			t.Fatalf("created %+v (returned %+v), %v; want it named Kato Tea, with the bot user ID, routing and the Welcome on", got, ch, err)
		}
	})
	t.Run("a channel the desk has is returned as it is", func(t *testing.T) {
		desk := newDesk(t)
		if _, err := desk.CreateChannel(ctx, enquiry.Channel{ID: "main", Name: "Front desk", Kind: "line", Credentials: enquiry.Credentials{Token: token}}); err != nil {
			t.Fatal(err)
		}
		ch, err := EnsureChannel(ctx, desk, client, enquiry.Channel{ID: "main", Credentials: enquiry.Credentials{Token: token}}, slog.New(slog.DiscardHandler))
		if err != nil || ch.Name != "Front desk" || ch.Account != "" {
			t.Fatalf("EnsureChannel = %+v, %v; want the existing channel unchanged", ch, err)
		}
	})
	t.Run("when LINE refuses, the channel is made all the same under the default name, and the log says why without the token", func(t *testing.T) {
		desk := newDesk(t)
		var logged strings.Builder
		ch, err := EnsureChannel(ctx, desk, client, enquiry.Channel{ID: "main", Credentials: enquiry.Credentials{Token: "refused-token-do-not-log"}}, slog.New(slog.NewTextHandler(&logged, nil)))
		if err != nil || ch.Name != DefaultName || ch.Routing == nil {
			t.Fatalf("EnsureChannel = %+v, %v; want channel %q with routing", ch, err, DefaultName)
		}
		if !strings.Contains(logged.String(), DefaultName) || strings.Contains(logged.String(), "refused-token-do-not-log") {
			t.Fatalf("log %q; want the reason, without the token", logged.String())
		}
	})
}
