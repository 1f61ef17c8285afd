package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/deskhttp"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// staffIDs returns the IDs GET /api/staff lists.
func (d *liveDesk) staffIDs(header ...string) []string {
	d.t.Helper()
	code, v := d.api("GET", "/api/staff", "", header...)
	if code != http.StatusOK {
		d.t.Fatalf("GET /api/staff: %d %v", code, v)
	}
	ids := []string{}
	for _, s := range v["staff"].([]any) {
		ids = append(ids, s.(map[string]any)["id"].(string))
	}
	return ids
}

// signIn signs staff in with password and returns the session cookie as
// a header.
func (d *liveDesk) signIn(staff, password string) []string {
	d.t.Helper()
	res, err := http.Post(d.ts.URL+"/api/session", "application/json", strings.NewReader(`{"staff":"`+staff+`","password":"`+password+`"}`))
	if err != nil {
		d.t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || bytes.Contains(body, []byte(password)) {
		d.t.Fatalf("signing in %s: %s %s", staff, res.Status, body)
	}
	for _, c := range res.Cookies() {
		if c.Name == deskhttp.SessionCookie {
			return []string{"Cookie", c.Name + "=" + c.Value}
		}
	}
	d.t.Fatalf("signing in %s set no session cookie", staff)
	return nil
}

func TestRealModeStartsWithNoDemoStaff(t *testing.T) {
	const token = "desk-token-do-not-log"
	service := []string{"Authorization", "Bearer " + token}
	t.Run("without DESK_ADMIN_PASSWORD the staff list is empty", func(t *testing.T) {
		d := startLINE(t, map[string]string{"DESK_TOKEN": token})
		if ids := d.staffIDs(service...); len(ids) != 0 {
			t.Fatalf("GET /api/staff lists %q; want nobody until an admin creates them", ids)
		}
		if code, v := d.api("GET", "/api/config", "", service...); code != 200 || len(v["staff"].([]any)) != 0 {
			t.Fatalf("GET /api/config: %d %v; want no staff", code, v)
		}
	})
	t.Run("with DESK_ADMIN_PASSWORD only the built-in admin is listed, and signs in with it", func(t *testing.T) {
		const adminPassword = "admin-password-do-not-log"
		d := startLINE(t, map[string]string{"DESK_TOKEN": token, "DESK_ADMIN_PASSWORD": adminPassword})
		if ids := d.staffIDs(service...); strings.Join(ids, ",") != "admin" {
			t.Fatalf("GET /api/staff lists %q; want the admin alone", ids)
		}
		admin := d.signIn("admin", adminPassword)
		if code, v := d.api("GET", "/api/session", "", admin...); code != 200 || v["staff"] != "admin" || v["role"] != "admin" {
			t.Fatalf("GET /api/session as the admin: %d %v", code, v)
		}
		if strings.Contains(d.logs.String(), adminPassword) {
			t.Fatal("the admin password is in the logs")
		}
	})
	t.Run("a DESK_ADMIN_PASSWORD too short to keep stops the desk with a reason that does not hold it", func(t *testing.T) {
		env := map[string]string{
			"LINE_CHANNEL_SECRET": testSecret, "LINE_CHANNEL_ACCESS_TOKEN": testToken, "LINE_API_BASE": "http://127.0.0.1:1",
			"DESK_ADDR": "127.0.0.1:0", "DESK_TOKEN": token, "DESK_ADMIN_PASSWORD": "short-pw",
		}
		var out, logs bytes.Buffer
		err := run(t.Context(), func(k string) string { return env[k] }, &out, &logs)
		if err == nil || !strings.Contains(err.Error(), "DESK_ADMIN_PASSWORD") || strings.Contains(err.Error()+logs.String(), "short-pw") {
			t.Fatalf("run = %v; want an error naming DESK_ADMIN_PASSWORD, not the password", err)
		}
	})
}

func TestRealModeChannelIsNamedFromLINEAndRingsEveryAvailableStaffMember(t *testing.T) {
	const token = "desk-token-do-not-log"
	service := []string{"Authorization", "Bearer " + token}
	d := startLINE(t, map[string]string{"DESK_TOKEN": token})
	code, ch := d.api("GET", "/api/channels/main", "", service...)
	if code != 200 || ch["channel"].(map[string]any)["name"] != "Test OA" {
		t.Fatalf("GET /api/channels/main: %d %v; want it named Test OA, as LINE's bot info says", code, ch)
	}

	// The admin (DESK_TOKEN) creates two staff members with passwords.
	const meiPassword, kenPassword = "mei-password-do-not-log", "ken-password-do-not-log"
	for _, body := range []string{
		`{"id":"mei","first":"Mei","last":"Lin","role":"staff","password":"` + meiPassword + `"}`,
		`{"id":"ken","first":"Ken","role":"staff","password":"` + kenPassword + `"}`,
	} {
		if code, v := d.api("POST", "/api/staff", body, service...); code != http.StatusCreated {
			t.Fatalf("POST /api/staff: %d %v", code, v)
		}
	}
	if ids := d.staffIDs(service...); strings.Join(ids, ",") != "ken,mei" {
		t.Fatalf("GET /api/staff lists %q; want ken and mei", ids)
	}
	mei, ken := d.signIn("mei", meiPassword), d.signIn("ken", kenPassword)
	for name, who := range map[string][]string{"mei": mei, "ken": ken} {
		if code, v := d.api("POST", "/api/staff/"+name+"/presence", `{"presence":"available"}`, who...); code != 200 {
			t.Fatalf("%s making themself available: %d %v", name, code, v)
		}
	}

	// A customer's first message rings both at once.
	const user = "U-cust-1"
	if got := d.send(linetest.TextEvent(user, "Hello?", linetest.WithReplyToken(d.platform.IssueReplyToken(testBot, user)))); got != http.StatusOK {
		t.Fatalf("webhook: %d", got)
	}
	var id string
	eventually(t, "an enquiry ringing mei and ken", func() bool {
		_, v := d.api("GET", "/api/enquiries?state=ringing", "", service...)
		list, _ := v["enquiries"].([]any)
		if len(list) != 1 {
			return false
		}
		e := list[0].(map[string]any)
		id = e["id"].(string)
		var rung []string
		for _, s := range e["ringing"].([]any) {
			rung = append(rung, s.(string))
		}
		return strings.Join(rung, ",") == "ken,mei"
	})

	// mei attends as herself; the reference host's DESK_TOKEN naming her
	// still answers and closes.
	if code, v := d.api("POST", "/api/enquiries/"+id+"/attend", `{"staff":"ken"}`, mei...); code != http.StatusForbidden {
		t.Fatalf("mei attending as ken: %d %v; want 403", code, v)
	}
	if code, v := d.api("POST", "/api/enquiries/"+id+"/attend", "", mei...); code != 200 || v["enquiry"].(map[string]any)["staff"] != "mei" {
		t.Fatalf("mei attending: %d %v", code, v)
	}
	if code, v := d.api("POST", "/api/enquiries/"+id+"/messages", `{"staff":"mei","text":"Hello, Mei here."}`, service...); code != 200 && code != 202 {
		t.Fatalf("DESK_TOKEN sending as mei: %d %v", code, v)
	}
	if code, v := d.api("POST", "/api/enquiries/"+id+"/close", `{"staff":"mei"}`, service...); code != 200 {
		t.Fatalf("DESK_TOKEN closing as mei: %d %v", code, v)
	}
	logs := d.logs.String()
	for _, secret := range []string{token, meiPassword, kenPassword, testSecret, testToken} {
		if strings.Contains(logs, secret) {
			t.Fatalf("a secret is in the logs")
		}
	}
}

func TestConfigNeverPrintsASecret(t *testing.T) {
	env := map[string]string{
		"DESK_ADMIN_PASSWORD": "admin-password-do-not-print", "DESK_TOKEN": "desk-token-do-not-print",
		"LINE_CHANNEL_SECRET": "line-secret-do-not-print", "LINE_CHANNEL_ACCESS_TOKEN": "line-token-do-not-print",
		"WHATSAPP_ACCESS_TOKEN": "wa-token-do-not-print", "WHATSAPP_APP_SECRET": "wa-secret-do-not-print",
		"WHATSAPP_VERIFY_TOKEN": "wa-verify-do-not-print", "WHATSAPP_PHONE_NUMBER_ID": "123",
	}
	cfg, err := configFrom(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.AdminPassword.Reveal() != env["DESK_ADMIN_PASSWORD"] || cfg.Token.Reveal() != env["DESK_TOKEN"] || cfg.LINE.Secret.Reveal() != env["LINE_CHANNEL_SECRET"] {
		t.Fatalf("the secrets were not read")
	}
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		got := fmt.Sprintf(format, cfg)
		for k, v := range env {
			if strings.HasSuffix(v, "do-not-print") && (strings.Contains(got, v) || strings.Contains(got, fmt.Sprintf("%x", v))) {
				t.Errorf("%s of the config holds %s: %s", format, k, got)
			}
		}
	}
}
