package whatsappdesk_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/deskhttp"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/whatsapp"
	"github.com/socialdesk/socialdesk/whatsapp/whatsappdesk"
	"github.com/socialdesk/socialdesk/whatsapp/whatsapptest"
)

func TestFromEnv(t *testing.T) {
	all := map[string]string{"WHATSAPP_ACCESS_TOKEN": "tok-123", "WHATSAPP_APP_SECRET": "sec-456",
		"WHATSAPP_VERIFY_TOKEN": "ver-789", "WHATSAPP_PHONE_NUMBER_ID": "1065", "WHATSAPP_API_BASE": "http://fake/v23.0"}
	without := func(k string) map[string]string {
		m := map[string]string{}
		for kk, v := range all {
			if kk != k {
				m[kk] = v
			}
		}
		return m
	}
	tests := []struct {
		name    string
		env     map[string]string
		ok      bool
		wantErr bool
	}{
		{"no variables means no WhatsApp channel", nil, false, false},
		{"all four connect the channel", all, true, false},
		{"a missing app secret is an error", without("WHATSAPP_APP_SECRET"), false, true},
		{"a missing phone number ID is an error", without("WHATSAPP_PHONE_NUMBER_ID"), false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, ok, err := whatsappdesk.FromEnv(func(k string) string { return tt.env[k] })
			if ok != tt.ok || (err != nil) != tt.wantErr {
				t.Fatalf("FromEnv = %v, %v; want ok %v, error %v", ok, err, tt.ok, tt.wantErr)
			}
			if ok && (cfg.APIBase != "http://fake/v23.0" || cfg.PhoneNumberID != "1065") {
				t.Fatalf("config %+v", cfg)
			}
			if s := fmt.Sprintf("%+v", cfg); strings.Contains(s, "tok-123") || strings.Contains(s, "sec-456") || strings.Contains(s, "ver-789") {
				t.Fatalf("a secret prints: %s", s)
			}
		})
	}
}

func TestChannelIsAWhatsAppChannelWithItsCredentials(t *testing.T) {
	s := whatsappdesk.New(whatsappdesk.Config{AccessToken: "tok", AppSecret: "sec", PhoneNumberID: "1065"})
	ch := s.Channel(enquiry.Channel{Name: "ignored"})
	if ch.ID != whatsappdesk.ChannelID || ch.Kind != whatsapp.ChannelKind || ch.Account != "1065" ||
		ch.Credentials.Token.Reveal() != "tok" || ch.Credentials.Secret.Reveal() != "sec" {
		t.Fatalf("channel %+v", ch)
	}
	if k := s.Kind(nil); k.MaxBatch != 1 || k.ReplyWindow != whatsapp.ServiceWindow || k.Policy.Platform != "WhatsApp" {
		t.Fatalf("kind %+v", k)
	}
}

func TestConnectorChecksTheChannel(t *testing.T) {
	p := whatsapptest.New()
	defer p.Close()
	p.AddPhoneNumber(whatsapptest.PhoneNumber{ID: "1065", Account: "2002", Token: "tok", AppSecret: "0123456789abcdef0123456789abcdef"})
	s := whatsappdesk.New(whatsappdesk.Config{AccessToken: "tok", AppSecret: "0123456789abcdef0123456789abcdef", PhoneNumberID: "1065", APIBase: p.URL()})
	c := s.Connector()
	if c.Check == nil || c.Kind != whatsapp.ChannelKind {
		t.Fatalf("connector %+v has no check", c)
	}
	if r := c.Check(context.Background(), s.Channel(enquiry.Channel{})); r.Status != deskhttp.CheckOK || len(r.Checks) != 4 {
		t.Fatalf("a healthy channel: %+v", r)
	}
	p.SetSubscribed("2002", false)
	r := c.Check(context.Background(), s.Channel(enquiry.Channel{}))
	if r.Status != deskhttp.CheckError || r.Checks[2].Name != whatsapp.CheckWebhook || r.Checks[2].Status != deskhttp.CheckError {
		t.Fatalf("an app not subscribed: %+v", r)
	}
}

func TestEnsureChannelCreatesOnceAndReturnsTheChannel(t *testing.T) {
	s := whatsappdesk.New(whatsappdesk.Config{AccessToken: "tok", AppSecret: "sec", PhoneNumberID: "1065"})
	desk, err := enquiry.New(enquiry.Config{Store: enquiry.NewMemStore(), Kinds: map[string]enquiry.Kind{whatsapp.ChannelKind: s.Kind(nil)}})
	if err != nil {
		t.Fatal(err)
	}
	first, err := s.EnsureChannel(t.Context(), desk, enquiry.Channel{CustomInfo: "first"})
	if err != nil || first.ID != whatsappdesk.ChannelID || first.CustomInfo != "first" {
		t.Fatalf("first: %+v %v", first, err)
	}
	again, err := s.EnsureChannel(t.Context(), desk, enquiry.Channel{CustomInfo: "second"})
	if err != nil || again.CustomInfo != "first" {
		t.Fatalf("again: %+v %v; want the channel of the first run, unchanged", again, err)
	}
}
