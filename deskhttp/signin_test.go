package deskhttp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// The passwords of the sign-in tests' accounts.
const (
	alicePassword = "correct horse battery staple"
	adminPassword = "admin-pass-7f3a"
)

// accountsDesk serves a desk with staff accounts: alice (staff), carol
// (admin), on a clock the test moves, with the service token "service".
func accountsDesk(t *testing.T, cfg Config) (*servedDesk, *fakeAccounts, *testClock) {
	t.Helper()
	return accountsDeskOn(t, cfg, nil)
}

// accountsDeskOn is accountsDesk whose desk sends through kinds, as
// serveDeskOn.
func accountsDeskOn(t *testing.T, cfg Config, kinds map[string]enquiry.Kind) (*servedDesk, *fakeAccounts, *testClock) {
	t.Helper()
	accts, clock := newFakeAccounts(), &testClock{t: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
	ctx := context.Background()
	accts.CreateAccount(ctx, Account{ID: "alice", First: "Alice", Last: "Chen", Role: RoleStaff}, alicePassword)
	accts.CreateAccount(ctx, Account{ID: "carol", First: "Carol", Role: RoleAdmin}, adminPassword)
	cfg.Accounts, cfg.Now, cfg.Auth = accts, clock.Now, ServiceToken("service")
	d := serveDeskOn(t, cfg, kinds)
	if err := d.h.LoadAccounts(ctx); err != nil {
		t.Fatal(err)
	}
	return d, accts, clock
}

// send sends a request with the header key: value pairs and answers the
// response and its body, which it checks against the API reference as
// call does.
func (d *servedDesk) send(t *testing.T, method, path, body string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, d.url+path, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	checkResponse(t, req, res, b)
	return res, string(b)
}

// signIn signs staff in and returns the session cookie's header.
func (d *servedDesk) signIn(t *testing.T, staff, password string) []string {
	t.Helper()
	res, body := d.send(t, "POST", "/api/session", fmt.Sprintf(`{"staff":%q,"password":%q}`, staff, password))
	if res.StatusCode != 200 {
		t.Fatalf("signing in %s: %s %s", staff, res.Status, body)
	}
	for _, c := range res.Cookies() {
		if c.Name == SessionCookie {
			return []string{"Cookie", SessionCookie + "=" + c.Value}
		}
	}
	t.Fatalf("signing in %s set no session cookie", staff)
	return nil
}

func TestSignIn(t *testing.T) {
	d, _, _ := accountsDesk(t, Config{})
	t.Run("the right password answers the staff member and a session cookie", func(t *testing.T) {
		res, body := d.send(t, "POST", "/api/session", `{"staff":"alice","password":"`+alicePassword+`"}`)
		var v struct{ Staff staffJSON }
		json.Unmarshal([]byte(body), &v)
		if res.StatusCode != 200 || v.Staff.ID != "alice" || v.Staff.Role != RoleStaff || v.Staff.First != "Alice" {
			t.Fatalf("sign-in: %s %s", res.Status, body)
		}
		if strings.Contains(body, alicePassword) {
			t.Fatal("the answer holds the password")
		}
		var c *http.Cookie
		for _, k := range res.Cookies() {
			if k.Name == SessionCookie {
				c = k
			}
		}
		if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure || c.Path != "/" || c.Value == "" {
			t.Fatalf("session cookie %+v; want HttpOnly, SameSite=Lax, not Secure over plain HTTP, for /", c)
		}
		if status, v := d.call(t, "GET", "/api/session", "", "Cookie", SessionCookie+"="+c.Value); status != 200 || v["staff"] != "alice" || v["via"] != "session" {
			t.Fatalf("GET /api/session with the cookie: %d %v", status, v)
		}
	})
	for _, tc := range []struct{ name, body string }{
		{"a wrong password is 401", `{"staff":"alice","password":"nope"}`},
		{"an unknown staff member is 401 alike", `{"staff":"zed","password":"nope"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := d.send(t, "POST", "/api/session", tc.body)
			if res.StatusCode != 401 || len(res.Cookies()) != 0 {
				t.Fatalf("sign-in: %s %s, cookies %v; want 401 and no cookie", res.Status, body, res.Cookies())
			}
		})
	}
	t.Run("signing out ends the session at once", func(t *testing.T) {
		cookie := d.signIn(t, "alice", alicePassword)
		if res, _ := d.send(t, "DELETE", "/api/session", "", cookie...); res.StatusCode != 204 {
			t.Fatalf("sign-out: %s", res.Status)
		}
		if status, v := d.call(t, "GET", "/api/enquiries", "", cookie...); status != 401 {
			t.Fatalf("the ended session still works: %d %v", status, v)
		}
	})
	t.Run("the cookie is Secure behind a TLS proxy", func(t *testing.T) {
		d, _, _ := accountsDesk(t, Config{SecureCookies: true})
		res, _ := d.send(t, "POST", "/api/session", `{"staff":"alice","password":"`+alicePassword+`"}`)
		if cs := res.Cookies(); len(cs) != 1 || !cs[0].Secure {
			t.Fatalf("cookies %v; want one, Secure", cs)
		}
	})
}

func TestFailedSignInsAreThrottled(t *testing.T) {
	t.Run("20 wrong passwords for one account are throttled, the right one too, until time passes", func(t *testing.T) {
		d, _, clock := accountsDesk(t, Config{})
		throttled := 0
		for i := range 20 {
			res, _ := d.send(t, "POST", "/api/session", fmt.Sprintf(`{"staff":"alice","password":"guess-%d"}`, i))
			switch res.StatusCode {
			case 401:
			case 429:
				throttled++
				if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || s < 1 {
					t.Fatalf("429 with Retry-After %q; want seconds", res.Header.Get("Retry-After"))
				}
			default:
				t.Fatalf("wrong password %d: %s", i, res.Status)
			}
		}
		if throttled < 10 {
			t.Fatalf("%d of 20 wrong passwords were throttled; want most", throttled)
		}
		res, _ := d.send(t, "POST", "/api/session", `{"staff":"alice","password":"`+alicePassword+`"}`)
		if res.StatusCode != 429 {
			t.Fatalf("the right password while throttled: %s; want 429 without checking it", res.Status)
		}
		wait, _ := strconv.Atoi(res.Header.Get("Retry-After"))
		clock.Add(time.Duration(wait) * time.Second)
		d.signIn(t, "alice", alicePassword)
	})
	t.Run("wrong passwords for many accounts from one address are throttled", func(t *testing.T) {
		d, _, _ := accountsDesk(t, Config{})
		last := 0
		for i := range 30 {
			res, _ := d.send(t, "POST", "/api/session", fmt.Sprintf(`{"staff":"user%d","password":"guess"}`, i))
			last = res.StatusCode
		}
		if last != 429 {
			t.Fatalf("the 30th wrong sign-in from one address, each for a new account: %d; want 429", last)
		}
	})
}

func TestCrossOriginCookieRequestsAreRefused(t *testing.T) {
	d, _, _ := accountsDesk(t, Config{})
	cookie := d.signIn(t, "alice", alicePassword)
	id := openEnquiry(t, d)
	for _, tc := range []struct {
		name   string
		header []string
		want   int
	}{
		{"a cross-site POST (Sec-Fetch-Site) is 403", []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"a POST from another origin is 403", []string{"Origin", "https://evil.example"}, 403},
		{"a same-origin POST passes", []string{"Sec-Fetch-Site", "same-origin"}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, v := d.call(t, "POST", "/api/enquiries/"+id+"/attend", "", append(cookie, tc.header...)...)
			if status != tc.want || (tc.want == 403 && errCode(v) != "cross_origin") {
				t.Fatalf("attend: %d %v; want %d", status, v, tc.want)
			}
		})
	}
	t.Run("a cross-site sign-in is 403", func(t *testing.T) {
		res, _ := d.send(t, "POST", "/api/session", `{"staff":"alice","password":"`+alicePassword+`"}`, "Sec-Fetch-Site", "cross-site")
		if res.StatusCode != 403 || len(res.Cookies()) != 0 {
			t.Fatalf("cross-site sign-in: %s", res.Status)
		}
	})
}

func TestStaffCannotActAsAnotherBySessionOrToken(t *testing.T) {
	d, _, _ := accountsDesk(t, Config{})
	_, tok := d.send(t, "POST", "/api/staff/alice/tokens", "", "Authorization", "Bearer service")
	var v struct{ Token string }
	json.Unmarshal([]byte(tok), &v)
	for name, header := range map[string][]string{
		"session": d.signIn(t, "alice", alicePassword),
		"token":   {"Authorization", "Bearer " + v.Token},
	} {
		t.Run("alice's "+name+" cannot attend as bob", func(t *testing.T) {
			id := openEnquiry(t, d)
			if status, v := d.call(t, "POST", "/api/enquiries/"+id+"/attend", `{"staff":"bob"}`, header...); status != 403 || errCode(v) != "not_yourself" {
				t.Fatalf("attend as bob: %d %v; want 403", status, v)
			}
			status, v := d.call(t, "POST", "/api/enquiries/"+id+"/attend", `{}`, header...)
			if e, _ := v["enquiry"].(map[string]any); status != 200 || e["staff"] != "alice" {
				t.Fatalf("attend as herself: %d %v; want 200 by alice", status, v)
			}
		})
	}
}

func TestAStaffSessionCannotManageStaff(t *testing.T) {
	d, accts, _ := accountsDesk(t, Config{})
	cookie := d.signIn(t, "alice", alicePassword)
	for _, tc := range []struct{ name, method, path, body string }{
		{"create a staff member", "POST", "/api/staff", `{"id":"mallory","first":"M","role":"admin","password":"x"}`},
		{"make herself admin", "PATCH", "/api/staff/alice", `{"role":"admin"}`},
		{"disable someone", "PATCH", "/api/staff/carol", `{"disabled":true}`},
		{"make a token", "POST", "/api/staff/carol/tokens", ``},
		{"revoke a token", "DELETE", "/api/staff/carol/tokens/t1", ``},
	} {
		t.Run("a staff session cannot "+tc.name, func(t *testing.T) {
			status, v := d.call(t, tc.method, tc.path, tc.body, cookie...)
			e, _ := v["error"].(map[string]any)
			if status != 403 || e["role"] != "admin" {
				t.Fatalf("%s %s: %d %v; want 403 naming the admin role", tc.method, tc.path, status, v)
			}
		})
	}
	if a, _ := accts.Account(context.Background(), "alice"); a.Role != RoleStaff {
		t.Fatalf("alice is %s after the refused requests", a.Role)
	}
	if _, err := accts.Account(context.Background(), "mallory"); err == nil {
		t.Fatal("mallory was created")
	}
}

func TestADisabledAccountStopsWorkingAtOnce(t *testing.T) {
	d, _, _ := accountsDesk(t, Config{})
	cookie := d.signIn(t, "alice", alicePassword)
	_, tok := d.send(t, "POST", "/api/staff/alice/tokens", "", "Authorization", "Bearer service")
	var v struct{ Token string }
	json.Unmarshal([]byte(tok), &v)
	token := []string{"Authorization", "Bearer " + v.Token}
	for _, h := range [][]string{cookie, token} {
		if status, v := d.call(t, "GET", "/api/enquiries", "", h...); status != 200 {
			t.Fatalf("before disabling: %d %v", status, v)
		}
	}
	admin := d.signIn(t, "carol", adminPassword)
	if status, v := d.call(t, "PATCH", "/api/staff/alice", `{"disabled":true}`, admin...); status != 200 {
		t.Fatalf("disabling alice: %d %v", status, v)
	}
	for name, h := range map[string][]string{"session": cookie, "token": token} {
		if status, v := d.call(t, "GET", "/api/enquiries", "", h...); status != 401 {
			t.Errorf("alice's %s after she was disabled: %d %v; want 401", name, status, v)
		}
	}
	if res, _ := d.send(t, "POST", "/api/session", `{"staff":"alice","password":"`+alicePassword+`"}`); res.StatusCode != 401 {
		t.Errorf("a disabled account signing in: %s; want 401", res.Status)
	}
}

func TestStaffManagementAPI(t *testing.T) {
	d, _, _ := accountsDesk(t, Config{})
	admin := d.signIn(t, "carol", adminPassword)
	const davePassword = "dave-secret-pass"
	res, body := d.send(t, "POST", "/api/staff", `{"id":"dave","first":"Dave","last":"Lee","role":"staff","password":"`+davePassword+`"}`, admin...)
	if res.StatusCode != 201 || strings.Contains(body, davePassword) {
		t.Fatalf("POST /api/staff: %s %s", res.Status, body)
	}
	if res, _ := d.send(t, "POST", "/api/staff", `{"id":"dave","first":"Dave"}`, admin...); res.StatusCode != 409 {
		t.Fatalf("POST /api/staff again: %s; want 409", res.Status)
	}
	if res, _ := d.send(t, "POST", "/api/staff", `{"id":"eve","first":"Eve","role":"root"}`, admin...); res.StatusCode != 422 {
		t.Fatalf("POST /api/staff with an unknown role: %s; want 422", res.Status)
	}
	res, body = d.send(t, "POST", "/api/staff/dave/tokens", "", admin...)
	var tok struct{ ID, Token string }
	json.Unmarshal([]byte(body), &tok)
	if res.StatusCode != 201 || tok.Token == "" || tok.ID == "" {
		t.Fatalf("POST tokens: %s %s", res.Status, body)
	}
	bearer := []string{"Authorization", "Bearer " + tok.Token}
	if status, v := d.call(t, "GET", "/api/session", "", bearer...); status != 200 || v["staff"] != "dave" || v["via"] != "token" {
		t.Fatalf("GET /api/session with dave's token: %d %v", status, v)
	}
	res, body = d.send(t, "GET", "/api/staff", "", admin...)
	var list struct{ Staff []map[string]any }
	json.Unmarshal([]byte(body), &list)
	if res.StatusCode != 200 || len(list.Staff) != 3 || strings.Contains(body, tok.Token) || strings.Contains(body, davePassword) {
		t.Fatalf("GET /api/staff: %s %s; want alice, carol and dave, no password or token", res.Status, body)
	}
	for _, s := range list.Staff {
		for _, k := range []string{"id", "first", "last", "presence", "role", "disabled"} {
			if _, ok := s[k]; !ok {
				t.Errorf("staff %v has no %q", s["id"], k)
			}
		}
	}
	if status, v := d.call(t, "PATCH", "/api/staff/dave", `{"last":"Park","role":"admin"}`, admin...); status != 200 || v["staff"].(map[string]any)["role"] != "admin" {
		t.Fatalf("PATCH dave: %d %v", status, v)
	}
	if res, _ := d.send(t, "DELETE", "/api/staff/dave/tokens/"+tok.ID, "", admin...); res.StatusCode != 204 {
		t.Fatalf("revoking: %s", res.Status)
	}
	if status, _ := d.call(t, "GET", "/api/session", "", bearer...); status != 401 {
		t.Fatalf("a revoked token: %d; want 401", status)
	}
	if res, _ := d.send(t, "DELETE", "/api/staff/dave/tokens/"+tok.ID, "", admin...); res.StatusCode != 404 {
		t.Fatalf("revoking again: %s; want 404", res.Status)
	}
}

// TestAnAdminListsAStaffMembersTokens: GET /api/staff/{id}/tokens lists
// a staff member's tokens oldest first, a revoked one with when it was
// revoked, and never a token's value or hash; it needs the admin role.
func TestAnAdminListsAStaffMembersTokens(t *testing.T) {
	d, _, _ := accountsDesk(t, Config{})
	admin := d.signIn(t, "carol", adminPassword)
	if res, body := d.send(t, "POST", "/api/staff", `{"id":"dave","first":"Dave","password":"dave-secret-pass"}`, admin...); res.StatusCode != 201 {
		t.Fatalf("POST /api/staff: %s %s", res.Status, body)
	}
	var made []struct{ ID, Token string }
	for range 2 {
		res, body := d.send(t, "POST", "/api/staff/dave/tokens", "", admin...)
		var tok struct{ ID, Token string }
		if err := json.Unmarshal([]byte(body), &tok); err != nil || res.StatusCode != 201 {
			t.Fatalf("POST tokens: %s %s", res.Status, body)
		}
		made = append(made, tok)
	}
	if res, _ := d.send(t, "DELETE", "/api/staff/dave/tokens/"+made[0].ID, "", admin...); res.StatusCode != 204 {
		t.Fatalf("revoking the first token: %s", res.Status)
	}

	res, body := d.send(t, "GET", "/api/staff/dave/tokens", "", admin...)
	var list struct {
		Tokens []struct {
			ID, Created, Revoked string
		}
	}
	if err := json.Unmarshal([]byte(body), &list); err != nil || res.StatusCode != 200 {
		t.Fatalf("GET /api/staff/dave/tokens: %s %s", res.Status, body)
	}
	if len(list.Tokens) != 2 || list.Tokens[0].ID != made[0].ID || list.Tokens[1].ID != made[1].ID {
		t.Fatalf("GET /api/staff/dave/tokens: %s; want %s then %s", body, made[0].ID, made[1].ID)
	}
	if list.Tokens[0].Revoked == "" || list.Tokens[1].Revoked != "" || list.Tokens[0].Created == "" {
		t.Fatalf("GET /api/staff/dave/tokens: %s; want the first revoked, the second not", body)
	}
	for _, tok := range made {
		if strings.Contains(body, tok.Token) || strings.Contains(body, fmt.Sprintf("%x", hash(enquiry.Secret(tok.Token)))) || strings.Contains(body, "hash") {
			t.Fatalf("GET /api/staff/dave/tokens: %s holds a token's value or hash", body)
		}
	}

	t.Run("a staff session may not list them", func(t *testing.T) {
		status, v := d.call(t, "GET", "/api/staff/dave/tokens", "", d.signIn(t, "alice", alicePassword)...)
		if e, _ := v["error"].(map[string]any); status != 403 || e["role"] != "admin" {
			t.Fatalf("GET /api/staff/dave/tokens as alice: %d %v; want 403 naming the admin role", status, v)
		}
	})
	t.Run("an unknown staff member is not found", func(t *testing.T) {
		status, v := d.call(t, "GET", "/api/staff/no-such/tokens", "", admin...)
		if e, _ := v["error"].(map[string]any); status != 404 || e["code"] != "not_found" {
			t.Fatalf("GET /api/staff/no-such/tokens: %d %v; want 404 not_found", status, v)
		}
	})
}

// TestTheLastAdminIsKept: the desk's one enabled admin account can be
// neither disabled nor made staff (409 last_admin), by itself or by
// another credential; once a second admin exists, either may go.
func TestTheLastAdminIsKept(t *testing.T) {
	d, _, _ := accountsDesk(t, Config{})
	admin := d.signIn(t, "carol", adminPassword)
	for _, body := range []string{`{"disabled":true}`, `{"role":"staff"}`} {
		for _, who := range [][]string{admin, {"Authorization", "Bearer service"}} {
			if status, v := d.call(t, "PATCH", "/api/staff/carol", body, who...); status != http.StatusConflict || errCode(v) != "last_admin" {
				t.Fatalf("PATCH the last admin %s: %d %v; want 409 last_admin", body, status, v)
			}
		}
	}
	if status, v := d.call(t, "PATCH", "/api/staff/carol", `{"first":"Caroline","disabled":false}`, admin...); status != 200 {
		t.Fatalf("PATCH the last admin's name: %d %v", status, v)
	}
	if status, v := d.call(t, "PATCH", "/api/staff/alice", `{"role":"admin"}`, admin...); status != 200 {
		t.Fatalf("PATCH alice to admin: %d %v", status, v)
	}
	if status, v := d.call(t, "PATCH", "/api/staff/carol", `{"role":"staff"}`, admin...); status != 200 || v["staff"].(map[string]any)["role"] != "staff" {
		t.Fatalf("PATCH carol to staff beside another admin: %d %v", status, v)
	}
}

func TestCredentialsNeverPrint(t *testing.T) {
	c := Credential{Bearer: enquiry.Secret("bearer-value-123"), Session: enquiry.Secret("session-value-456")}
	b, _ := json.Marshal(c)
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), fmt.Sprintf("%q", c.Bearer), string(b)} {
		if strings.Contains(s, "value-") {
			t.Errorf("a credential printed its value: %s", s)
		}
	}
}

func TestNoLogLineHoldsAPasswordSessionOrToken(t *testing.T) {
	d, _, _ := accountsDesk(t, Config{})
	d.send(t, "POST", "/api/session", `{"staff":"alice","password":"wrong-password-xyz"}`)
	cookie := d.signIn(t, "alice", alicePassword)
	_, body := d.send(t, "POST", "/api/staff/alice/tokens", "", "Authorization", "Bearer service")
	var v struct{ Token string }
	json.Unmarshal([]byte(body), &v)
	id := openEnquiry(t, d)
	d.call(t, "POST", "/api/enquiries/"+id+"/attend", "", cookie...)
	d.call(t, "POST", "/api/enquiries/"+id+"/close", "", "Authorization", "Bearer "+v.Token)
	session := strings.TrimPrefix(cookie[1], SessionCookie+"=")
	logs := d.logs.String()
	if !strings.Contains(logs, "sign-in failed") || !strings.Contains(logs, "via=session") || !strings.Contains(logs, "via=token") {
		t.Fatalf("the logs do not show the sign-ins and who acted through what:\n%s", logs)
	}
	for name, secret := range map[string]string{"a wrong password": "wrong-password-xyz", "the password": alicePassword, "the session": session, "the token": v.Token, "the service token": "Bearer service"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the logs hold %s:\n%s", name, logs)
		}
	}
}

func TestCredentialsNeverReachSlog(t *testing.T) {
	c := Credential{Bearer: enquiry.Secret("bearer-value-123"), Session: enquiry.Secret("session-value-456")}
	for name, newHandler := range map[string]func(io.Writer) slog.Handler{
		"text": func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) },
		"JSON": func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) },
	} {
		t.Run("the "+name+" handler", func(t *testing.T) {
			var b strings.Builder
			slog.New(newHandler(&b)).Info("credential", "c", c, "bearer", c.Bearer, "session", c.Session)
			if strings.Contains(b.String(), "value-") {
				t.Fatalf("a credential reached the log: %s", b.String())
			}
		})
	}
}

func TestTheTranscriptSaysWhoActedThroughWhat(t *testing.T) {
	d, _, _ := accountsDesk(t, Config{})
	_, body := d.send(t, "POST", "/api/staff/alice/tokens", "", "Authorization", "Bearer service")
	var tok struct{ Token string }
	json.Unmarshal([]byte(body), &tok)
	id := openEnquiry(t, d)
	d.call(t, "POST", "/api/enquiries/"+id+"/attend", `{"staff":"alice"}`, "Authorization", "Bearer service")
	for _, tc := range []struct {
		via    string
		header []string
	}{
		{"service", []string{"Authorization", "Bearer service"}},
		{"session", d.signIn(t, "alice", alicePassword)},
		{"token", []string{"Authorization", "Bearer " + tok.Token}},
	} {
		status, v := d.call(t, "POST", "/api/enquiries/"+id+"/messages", `{"staff":"alice","text":"through `+tc.via+`"}`, tc.header...)
		if status != 200 && status != 202 {
			t.Fatalf("send through %s: %d %v", tc.via, status, v)
		}
	}
	_, room := d.call(t, "GET", "/api/enquiries/"+id, "", "Authorization", "Bearer service")
	got := map[string]string{}
	for _, m := range room["messages"].([]any) {
		m := m.(map[string]any)
		if m["author"] == "staff" {
			got[m["text"].(string)] = fmt.Sprint(m["staff"], " via ", m["via"])
		}
	}
	for _, via := range []string{"service", "session", "token"} {
		if want := "alice via " + via; got["through "+via] != want {
			t.Errorf("the message sent through %s shows %q, want %q", via, got["through "+via], want)
		}
	}
}
