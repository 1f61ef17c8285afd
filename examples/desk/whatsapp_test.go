package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/line/linetest"
	"github.com/socialdesk/socialdesk/whatsapp/whatsapptest"
)

const (
	waPhone    = "106540352242922"
	waToken    = "wa-access-token-do-not-log"
	waSecret   = "wa-app-secret-do-not-log"
	waVerify   = "wa-verify-token"
	waCustomer = "16505551234"
)

// waDesk is the desk run with WhatsApp's variables (and LINE's, when
// line is set), against fake platforms.
type waDesk struct {
	*liveDesk
	wa *whatsapptest.Platform
}

func startWithWhatsApp(t *testing.T, withLINE bool) *waDesk {
	t.Helper()
	wa := whatsapptest.New()
	t.Cleanup(wa.Close)
	wa.AddPhoneNumber(whatsapptest.PhoneNumber{ID: waPhone, Token: waToken, AppSecret: waSecret})
	lp := linetest.New()
	t.Cleanup(lp.Close)
	lp.AddChannel(linetest.Channel{Token: testToken, Secret: testSecret, BotUserID: testBot, DisplayName: "Test OA", WebhookActive: true})
	env := map[string]string{
		"WHATSAPP_ACCESS_TOKEN": waToken, "WHATSAPP_APP_SECRET": waSecret, "WHATSAPP_VERIFY_TOKEN": waVerify,
		"WHATSAPP_PHONE_NUMBER_ID": waPhone, "WHATSAPP_API_BASE": wa.URL(), "DESK_ADDR": "127.0.0.1:0",
	}
	if withLINE {
		env["LINE_CHANNEL_SECRET"], env["LINE_CHANNEL_ACCESS_TOKEN"] = testSecret, testToken
		env["LINE_API_BASE"], env["LINE_DATA_API_BASE"] = lp.URL(), lp.DataURL()
	}
	cfg, err := configFrom(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Demo {
		t.Fatal("WhatsApp's variables set, yet demo mode")
	}
	logs := &syncBuffer{}
	srv, err := newServer(context.Background(), cfg, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	srv.baseURL = ts.URL
	lp.SetWebhook(testBot, ts.URL+"/webhook/line/main", true)
	if err := srv.start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ts.Close()
		shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(shut)
		srv.Close()
		for _, secret := range []string{waToken, waSecret} {
			if strings.Contains(logs.String(), secret) {
				t.Errorf("a WhatsApp secret is in the logs")
			}
		}
		if t.Failed() {
			t.Logf("desk logs:\n%s", logs.String())
		}
	})
	d := &waDesk{liveDesk: &liveDesk{t: t, platform: lp, ts: ts, srv: srv, logs: logs}, wa: wa}
	for _, id := range []string{"alice", "bob"} { // real mode starts with no staff: set them up as an admin would
		d.addStaff(id)
	}
	return d
}

// post delivers items to the WhatsApp webhook, signed, and returns the status.
func (d *waDesk) post(items ...whatsapptest.Item) int {
	d.t.Helper()
	body := d.wa.Deliver(waPhone, items...)
	req, _ := http.NewRequest(http.MethodPost, d.ts.URL+"/webhook/whatsapp/wa", strings.NewReader(string(body)))
	req.Header.Set("X-Hub-Signature-256", whatsapptest.SignBody(waSecret, body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func TestWhatsAppBesideLINEInOneDesk(t *testing.T) {
	d := startWithWhatsApp(t, true)
	if code := d.send(linetest.TextEvent("U-cust-1", "Hi from LINE")); code != http.StatusOK {
		t.Fatalf("LINE webhook: %d", code)
	}
	if code := d.post(whatsapptest.Text(waCustomer, "Hi from WhatsApp", whatsapptest.WithName("Sheena"))); code != http.StatusOK {
		t.Fatalf("WhatsApp webhook: %d", code)
	}
	eventually(t, "both enquiries listed", func() bool { return len(d.enquiries("")) == 2 })
	channels := map[string]string{}
	for _, e := range d.enquiries("") {
		channels[e["channel"].(string)] = e["id"].(string)
	}
	if channels["main"] == "" || channels["wa"] == "" {
		t.Fatalf("enquiries by channel %v, want main and wa", channels)
	}
	eventually(t, "the WhatsApp customer's Welcome", func() bool { return len(d.wa.Received(waCustomer)) == 1 })
	for ch, want := range map[string]float64{"main": 4999, "wa": 4096} {
		if _, v := d.api("GET", "/api/enquiries/"+channels[ch], ""); v["textLimit"] != want {
			t.Errorf("the %s enquiry's textLimit is %v, want %v", ch, v["textLimit"], want)
		}
	}

	id := channels["wa"]
	if code, v := d.api("POST", "/api/enquiries/"+id+"/attend", `{"staff":"alice"}`); code != http.StatusOK {
		t.Fatalf("attend: %d %v", code, v)
	}
	if code, v := d.api("POST", "/api/enquiries/"+id+"/messages", `{"staff":"alice","text":"Hello Sheena"}`); code != http.StatusOK && code != http.StatusAccepted {
		t.Fatalf("send: %d %v", code, v)
	}
	eventually(t, "staff's answer on WhatsApp", func() bool {
		r := d.wa.Received(waCustomer)
		return len(r) == 2 && r[1].Text == "Hello Sheena"
	})
	code, v := d.api("POST", "/api/enquiries/"+id+"/messages", `{"staff":"alice","text":"`+strings.Repeat("a", 4097)+`"}`)
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("a 4,097-character text on WhatsApp: %d %v, want 422 (LINE would take it)", code, v)
	}
}

func TestWhatsAppAlone(t *testing.T) {
	d := startWithWhatsApp(t, false)
	rec := httptest.NewRecorder()
	d.srv.Handler().ServeHTTP(rec, whatsapptest.NewVerificationRequest("/webhook/whatsapp/wa", waVerify, "1158201444"))
	if rec.Code != http.StatusOK || rec.Body.String() != "1158201444" {
		t.Fatalf("verification: %d %q", rec.Code, rec.Body.String())
	}
	if code := d.post(whatsapptest.Text(waCustomer, "Hello")); code != http.StatusOK {
		t.Fatalf("webhook: %d", code)
	}
	eventually(t, "the enquiry listed", func() bool { return len(d.enquiries("")) == 1 })
	code, v := d.api("GET", "/api/channels", "")
	chans, _ := v["channels"].([]any)
	if code != http.StatusOK || len(chans) != 1 || chans[0].(map[string]any)["id"] != "wa" {
		t.Fatalf("channels: %d %v, want wa alone (no LINE variables, no channel main)", code, v)
	}
}

func TestWhatsAppChannelCheck(t *testing.T) {
	d := startWithWhatsApp(t, false)
	eventually(t, "the start-up check logged", func() bool { return strings.Contains(d.logs.String(), "WhatsApp check") })
	code, v := d.api("POST", "/api/channels/wa/check", "")
	if code != http.StatusOK {
		t.Fatalf("POST /api/channels/wa/check: %d %v", code, v)
	}
	got, checks := checksOf(t, v)
	want := map[string]string{"access token": "ok", "phone number": "ok",
		"webhook subscription": "warning", // the fake number names no business account
		"app secret":           "warning"} // waSecret is not 32 hexadecimal characters
	for name, w := range want {
		if s, _ := checks[name]["status"].(string); s != w {
			t.Errorf("%s: %s (%v), want %s", name, s, checks[name]["reason"], w)
		}
	}
	if got != "warning" {
		t.Errorf("report status %s, want warning", got)
	}

	d.wa.AddPhoneNumber(whatsapptest.PhoneNumber{ID: waPhone, Token: waToken, AppSecret: waSecret, TokenExpires: time.Now().Add(-time.Minute)})
	_, v = d.api("POST", "/api/channels/wa/check", "")
	got, checks = checksOf(t, v)
	if s, _ := checks["access token"]["status"].(string); got != "error" || s != "error" || checks["access token"]["fix"] == "" {
		t.Fatalf("an expired token: report %s, access token %v; want an error with a fix", got, checks["access token"])
	}
	_, v = d.api("GET", "/api/channels", "")
	chans, _ := v["channels"].([]any)
	if len(chans) != 1 {
		t.Fatalf("channels: %v", v)
	}
	last, _ := chans[0].(map[string]any)["check"].(map[string]any)
	if last["status"] != "error" {
		t.Errorf("the channel list shows the last check as %v, want its error", last)
	}
}

func TestWhatsAppNeedsAllItsVariables(t *testing.T) {
	env := map[string]string{"WHATSAPP_ACCESS_TOKEN": waToken}
	if _, err := configFrom(func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "WHATSAPP_APP_SECRET") {
		t.Fatalf("only the token set: err = %v, want the missing variables named", err)
	}
}

func TestDemoHasAWhatsAppCustomerBesideLINEs(t *testing.T) {
	ctx := context.Background()
	srv, err := newServer(ctx, config{Demo: true, Addr: "127.0.0.1:0"}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	srv.baseURL = ts.URL
	if err := srv.start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ts.Close(); srv.Close() })
	for _, who := range []string{"U-demo-yui", "15550100001"} {
		if status, v := call(t, ts, "POST", "/demo/customers/"+who+"/messages", `{"text":"hello"}`); status != 202 || v["ok"] != true {
			t.Fatalf("%s sends: %d %v", who, status, v)
		}
	}
	eventually(t, "both enquiries, one per channel", func() bool {
		_, v := call(t, ts, "GET", "/api/enquiries", "")
		list, _ := v["enquiries"].([]any)
		chans := map[any]bool{}
		for _, e := range list {
			chans[e.(map[string]any)["channel"]] = true
		}
		return len(list) == 2 && chans["demo"] && chans["wa"]
	})
	eventually(t, "the WhatsApp customer's phone shows the Welcome", func() bool {
		_, v := call(t, ts, "GET", "/demo/customers/15550100001/messages", "")
		msgs, _ := v["messages"].([]any)
		for _, m := range msgs {
			if m.(map[string]any)["from"] == "desk" {
				return true
			}
		}
		return false
	})
}

func TestDemoWithoutWhatsApp(t *testing.T) {
	for _, tc := range []struct {
		env  string
		want int
	}{{"", 2}, {"1", 2}, {"0", 1}} {
		t.Run("DESK_DEMO_WHATSAPP="+tc.env, func(t *testing.T) {
			cfg, err := configFrom(func(k string) string {
				return map[string]string{"DESK_DEMO_WHATSAPP": tc.env, "DESK_ADDR": "127.0.0.1:0"}[k]
			})
			if err != nil || !cfg.Demo {
				t.Fatalf("configFrom: %+v %v; want demo mode", cfg.Demo, err)
			}
			srv, err := newServer(context.Background(), cfg, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			ts := httptest.NewServer(srv.Handler())
			srv.baseURL = ts.URL
			if err := srv.start(context.Background()); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { ts.Close(); srv.Close() })
			_, v := call(t, ts, "GET", "/api/channels", "")
			_, c := call(t, ts, "GET", "/demo/customers", "")
			chans, _ := v["channels"].([]any)
			customers, _ := c["customers"].([]any)
			if len(chans) != tc.want || len(customers) != 2+tc.want {
				t.Fatalf("%d channels and %d phone customers, want %d and %d", len(chans), len(customers), tc.want, 2+tc.want)
			}
		})
	}
}
