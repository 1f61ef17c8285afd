package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"github.com/socialdesk/socialdesk/setup"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/apiclient"
)

// Permissions a WhatsApp channel's access token needs.
const (
	// ScopeMessaging lets the token send messages and read media.
	ScopeMessaging = "whatsapp_business_messaging"
	// ScopeManagement lets the token read the business account's
	// settings, among them its webhook subscriptions.
	ScopeManagement = "whatsapp_business_management"
)

// TokenInfo is what the Graph API tells of an access token (GET
// /debug_token). It is a plain value, safe for concurrent use.
type TokenInfo struct {
	// Valid reports Meta accepts the token.
	Valid bool
	// AppID and Application are the Meta app the token was issued for:
	// the app whose webhook receives the business account's events.
	AppID, Application string
	// Type is USER, SYSTEM_USER, PAGE or APP.
	Type string
	// Expires is when the token stops working; zero for a token that
	// never expires (a system user's).
	Expires time.Time
	// Scopes are the token's permissions.
	Scopes []string
	// Accounts are the IDs of the WhatsApp Business Accounts the token
	// may manage or message for (the targets of its WhatsApp scopes).
	Accounts []string
}

// TokenInfo asks Meta about the number's access token, with the token
// itself; it also proves the token is valid. It is safe for concurrent
// use.
func (c *Client) TokenInfo(ctx context.Context, from Number) (TokenInfo, error) {
	if from.Token.IsZero() {
		return TokenInfo{}, ErrNoToken
	}
	var w struct {
		Data struct {
			AppID       string   `json:"app_id"`
			Type        string   `json:"type"`
			Application string   `json:"application"`
			ExpiresAt   int64    `json:"expires_at"`
			IsValid     bool     `json:"is_valid"`
			Scopes      []string `json:"scopes"`
			Granular    []struct {
				Scope     string   `json:"scope"`
				TargetIDs []string `json:"target_ids"`
			} `json:"granular_scopes"`
		} `json:"data"`
	}
	req := &apiclient.Request{Op: "debug token", Method: http.MethodGet,
		URL:     c.base + "/debug_token?input_token=" + url.QueryEscape(from.Token.Reveal()),
		Channel: from.PhoneNumberID, Token: from.Token}
	if _, err := c.api.JSON(ctx, req, &w); err != nil {
		return TokenInfo{}, err
	}
	d := w.Data
	t := TokenInfo{Valid: d.IsValid, AppID: d.AppID, Application: d.Application, Type: d.Type, Scopes: d.Scopes}
	if d.ExpiresAt > 0 {
		t.Expires = time.Unix(d.ExpiresAt, 0)
	}
	for _, g := range d.Granular {
		if g.Scope != ScopeMessaging && g.Scope != ScopeManagement {
			continue
		}
		for _, id := range g.TargetIDs {
			if !slices.Contains(t.Accounts, id) {
				t.Accounts = append(t.Accounts, id)
			}
		}
	}
	return t, nil
}

// PhoneNumberInfo is what the Graph API tells of a business phone number
// (GET /{phone-number-id}). It is a plain value, safe for concurrent use.
type PhoneNumberInfo struct {
	ID                 string `json:"id"`
	DisplayPhoneNumber string `json:"display_phone_number"`
	VerifiedName       string `json:"verified_name"`
	// QualityRating is GREEN, YELLOW, RED or UNKNOWN: RED means Meta may
	// soon limit what the number sends.
	QualityRating string `json:"quality_rating"`
	// CodeVerificationStatus is VERIFIED, NOT_VERIFIED or EXPIRED.
	CodeVerificationStatus string `json:"code_verification_status"`
}

// phoneNumberFields are the fields PhoneNumber asks for.
const phoneNumberFields = "id,display_phone_number,verified_name,quality_rating,code_verification_status"

// PhoneNumber returns what Meta tells of the number; it fails with
// ErrNotFound when the token cannot see a number of that ID. It is safe
// for concurrent use.
func (c *Client) PhoneNumber(ctx context.Context, from Number) (PhoneNumberInfo, error) {
	if from.Token.IsZero() {
		return PhoneNumberInfo{}, ErrNoToken
	}
	if !plainID(from.PhoneNumberID) {
		return PhoneNumberInfo{}, invalid("the phone number ID must be a plain ID")
	}
	var p PhoneNumberInfo
	req := &apiclient.Request{Op: "phone number", Method: http.MethodGet,
		URL: c.base + "/" + from.PhoneNumberID + "?fields=" + phoneNumberFields, Channel: from.PhoneNumberID, Token: from.Token}
	_, err := c.api.JSON(ctx, req, &p)
	return p, err
}

// SubscribedApp is an app subscribed to a business account's webhooks.
type SubscribedApp struct {
	ID, Name string
}

// SubscribedApps returns the apps whose webhooks receive the events of
// the WhatsApp Business Account account (GET /{waba-id}/subscribed_apps).
// It is safe for concurrent use.
func (c *Client) SubscribedApps(ctx context.Context, from Number, account string) ([]SubscribedApp, error) {
	if from.Token.IsZero() {
		return nil, ErrNoToken
	}
	if !plainID(account) {
		return nil, invalid("the business account ID must be a plain ID")
	}
	var w struct {
		Data []struct {
			App struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"whatsapp_business_api_data"`
		} `json:"data"`
	}
	req := &apiclient.Request{Op: "subscribed apps", Method: http.MethodGet,
		URL: c.base + "/" + account + "/subscribed_apps", Channel: from.PhoneNumberID, Token: from.Token}
	if _, err := c.api.JSON(ctx, req, &w); err != nil {
		return nil, err
	}
	apps := make([]SubscribedApp, 0, len(w.Data))
	for _, d := range w.Data {
		apps = append(apps, SubscribedApp{ID: d.App.ID, Name: d.App.Name})
	}
	return apps, nil
}

// ErrNoToken: the channel has no access token; nothing was asked.
var ErrNoToken = errors.New("whatsapp: no access token is saved on the channel")

func plainID(id string) bool { return id != "" && !strings.ContainsAny(id, "/?#&= ") }

// Names of Doctor's checks, in the order it reports them.
const (
	// CheckToken: the access token is valid, lasts, and may send
	// messages (GET /debug_token).
	CheckToken = "access token"
	// CheckPhoneNumber: the token knows the channel's phone number ID
	// (GET /{phone-number-id}).
	CheckPhoneNumber = "phone number"
	// CheckWebhook: the token's app is subscribed to the business
	// account's webhooks (GET /{waba-id}/subscribed_apps), so that Meta
	// sends the number's messages to the app's callback URL.
	CheckWebhook = "webhook subscription"
	// CheckAppSecret: the saved app secret has the form of one (Meta
	// cannot be asked whether it matches).
	CheckAppSecret = "app secret"
)

// expiresSoon is how close a token's expiry must be for Doctor to warn.
const expiresSoon = 7 * 24 * time.Hour

// Messages of Doctor that more than one check gives.
const (
	fixToken    = "Generate a permanent access token for a system user in Meta Business Suite (Business settings → Users → System users → Generate new token) with the whatsapp_business_messaging and whatsapp_business_management permissions, and save it on the channel."
	fixNetwork  = "Check this server's connection to graph.facebook.com and check again."
	skipNoToken = "Not checked: the access token must work first."
)

// Doctor checks what a WhatsApp channel (of kind ChannelKind) needs to
// work: the access token is valid, does not expire soon and may send
// messages; the channel's phone number ID is a number the token can use;
// the token's app is subscribed to the webhooks of the business account
// the number belongs to; and the saved app secret, which signs the
// webhooks, has the form of one. Meta cannot be asked whether the app
// secret or the verify token match: a wrong secret shows as webhook
// requests refused with 401 in the desk's log, a wrong verify token as a
// callback URL Meta refuses to save. Doctor is safe for concurrent use.
func (c *Client) Doctor(ctx context.Context, ch enquiry.Channel) []setup.Check {
	var checks []setup.Check
	add := func(name string, s setup.Status, detail, fix string) {
		checks = append(checks, setup.Check{Name: name, Status: s, Detail: detail, Fix: fix})
	}
	from := numberOf(ch)
	c.doctor(ctx, from, add)
	st, detail, fix := appSecretCheck(ch.Credentials.Secret.Reveal())
	return append(checks, setup.Check{Name: CheckAppSecret, Status: st, Detail: detail, Fix: fix})
}

// doctor runs the checks that ask Meta and adds them with add.
func (c *Client) doctor(ctx context.Context, from Number, add func(name string, s setup.Status, detail, fix string)) {

	tok, err := c.TokenInfo(ctx, from)
	switch {
	case errors.Is(err, ErrNoToken):
		add(CheckToken, setup.Fail, "No access token is saved.", fixToken)
	case errors.Is(err, ErrUnauthorized) || err == nil && !tok.Valid:
		add(CheckToken, setup.Fail, "Meta refused the access token: it is wrong, revoked or expired.", fixToken)
	case err != nil:
		add(CheckToken, setup.Fail, fmt.Sprintf("Could not ask Meta about the access token: %s.", err), fixNetwork)
	case !slices.Contains(tok.Scopes, ScopeMessaging):
		add(CheckToken, setup.Fail, fmt.Sprintf("The access token of app %s lacks the %s permission: it cannot send messages.", appName(tok), ScopeMessaging), fixToken)
	case !tok.Expires.IsZero() && tok.Expires.Sub(c.clock.Now()) < expiresSoon:
		add(CheckToken, setup.Warn, fmt.Sprintf("The access token of app %s works but expires at %s: the channel stops sending then.", appName(tok), tok.Expires.UTC().Format(time.RFC3339)), fixToken)
	default:
		lasts := "never expires"
		if !tok.Expires.IsZero() {
			lasts = "expires at " + tok.Expires.UTC().Format(time.RFC3339)
		}
		add(CheckToken, setup.Pass, fmt.Sprintf("The access token of app %s works and %s.", appName(tok), lasts), "")
	}
	if err != nil || !tok.Valid {
		add(CheckPhoneNumber, setup.Skip, skipNoToken, "")
		add(CheckWebhook, setup.Skip, skipNoToken, "")
		return
	}

	pn, err := c.PhoneNumber(ctx, from)
	fixID := "Copy the phone number ID from Meta for Developers (your app → WhatsApp → API Setup; it is not the phone number itself) and save it as the channel's account, or use a token of the business account that owns the number."
	switch {
	case errors.Is(err, ErrInvalidMessage):
		add(CheckPhoneNumber, setup.Fail, "No phone number ID is saved on the channel, or it is not a plain ID.", fixID)
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrUnauthorized), errors.Is(err, ErrBadRequest):
		add(CheckPhoneNumber, setup.Fail, fmt.Sprintf("The access token cannot use phone number ID %s: no such number, or it belongs to a business account the token is not for.", from.PhoneNumberID), fixID)
	case err != nil:
		add(CheckPhoneNumber, setup.Fail, fmt.Sprintf("Could not ask Meta about phone number ID %s: %s.", from.PhoneNumberID, err), fixNetwork)
	case pn.QualityRating == "RED":
		add(CheckPhoneNumber, setup.Warn, fmt.Sprintf("Phone number %s (%s) works, but its quality rating is RED: Meta may limit what it sends.", pn.DisplayPhoneNumber, orUnnamed(pn.VerifiedName)), "Read the number's quality in WhatsApp Manager (Account tools → Phone numbers) and the customer feedback behind it.")
	default:
		add(CheckPhoneNumber, setup.Pass, fmt.Sprintf("Phone number ID %s is %s (%s).", from.PhoneNumberID, pn.DisplayPhoneNumber, orUnnamed(pn.VerifiedName)), "")
	}
	c.webhookCheck(ctx, from, tok, add)
}

// webhookCheck adds CheckWebhook: whether the token's app is subscribed
// to the webhooks of the business accounts the token is for.
func (c *Client) webhookCheck(ctx context.Context, from Number, tok TokenInfo, add func(name string, s setup.Status, detail, fix string)) {
	fixSubscribe := fmt.Sprintf("Subscribe app %s to the business account's webhooks: POST /{waba-id}/subscribed_apps with this token, or in Meta for Developers (your app → WhatsApp → Configuration), and subscribe the messages field.", appName(tok))
	if len(tok.Accounts) == 0 {
		add(CheckWebhook, setup.Warn, "The access token names no WhatsApp Business Account, so the webhook subscription was not checked.", "Give the token the whatsapp_business_management permission on the business account that owns the number, then check again.")
		return
	}
	var on, off []string
	for _, account := range tok.Accounts {
		apps, err := c.SubscribedApps(ctx, from, account)
		if err != nil {
			if errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrBadRequest) || errors.Is(err, ErrNotFound) {
				add(CheckWebhook, setup.Warn, fmt.Sprintf("Meta did not show the webhook subscriptions of business account %s: %s.", account, err), "Give the token the whatsapp_business_management permission, then check again.")
			} else {
				add(CheckWebhook, setup.Warn, fmt.Sprintf("Could not read the webhook subscriptions of business account %s: %s.", account, err), fixNetwork)
			}
			return
		}
		if slices.ContainsFunc(apps, func(a SubscribedApp) bool { return a.ID == tok.AppID }) {
			on = append(on, account)
		} else {
			off = append(off, account)
		}
	}
	switch {
	case len(off) == 0:
		add(CheckWebhook, setup.Pass, fmt.Sprintf("App %s is subscribed to the webhooks of business account %s.", appName(tok), strings.Join(on, ", ")), "")
	case len(on) == 0:
		add(CheckWebhook, setup.Fail, fmt.Sprintf("App %s is not subscribed to the webhooks of business account %s, so Meta sends no messages to the desk.", appName(tok), strings.Join(off, ", ")), fixSubscribe)
	default:
		add(CheckWebhook, setup.Warn, fmt.Sprintf("App %s is subscribed to the webhooks of business account %s but not of %s; if the number belongs to the latter, Meta sends no messages to the desk.", appName(tok), strings.Join(on, ", "), strings.Join(off, ", ")), fixSubscribe)
	}
}

// appSecretCheck judges the form of a saved app secret (32 hexadecimal
// characters, as Meta issues them).
func appSecretCheck(s string) (setup.Status, string, string) {
	const fix = "Copy the app secret from Meta for Developers (your app → App settings → Basic → App secret) and save it on the channel; it is not the access token."
	switch {
	case s == "":
		return setup.Fail, "No app secret is saved: webhook requests cannot be verified, and the desk refuses them.", fix
	case !isHex(s, 32):
		return setup.Warn, "The saved app secret does not look like a Meta app secret (32 hexadecimal characters); if it is wrong, the desk refuses Meta's webhook requests with 401.", fix
	}
	return setup.Pass, "The app secret has the right form; Meta cannot be asked whether it matches: a wrong one shows as webhook requests refused with 401 in the desk's log.", ""
}

func appName(t TokenInfo) string {
	if t.Application != "" {
		return fmt.Sprintf("%q (%s)", t.Application, t.AppID)
	}
	return t.AppID
}

func orUnnamed(name string) string {
	if name == "" {
		return "no verified name"
	}
	return "verified name " + name
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F') {
			return false
		}
	}
	return true
}
