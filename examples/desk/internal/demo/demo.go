// Package demo is the desk's customer simulator: LINE users who message
// the demo channel through an embedded fake LINE platform, as LINE would
// (signed webhooks, reply tokens, content on the data API), and the
// customer phone they use: its page at /phone.html and its API under
// /demo/.
package demo

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/deskhttp"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line/linetest"
	"github.com/socialdesk/socialdesk/routing"
	"github.com/socialdesk/socialdesk/whatsapp/whatsappdesk"
	"github.com/socialdesk/socialdesk/whatsapp/whatsapptest"
)

// The demo's fake LINE Official Account.
const (
	Bot    = "U0000000000000000000000000000demo"
	Secret = "0123456789abcdef0123456789abcdef"
	Token  = "demo-channel-access-token"
	// ChannelID is the demo channel's ID.
	ChannelID = "demo"
)

// The demo's fake WhatsApp business number (channel wa).
const (
	WAPhone   = "100000000000001"
	WAAccount = "100000000000009" // its WhatsApp Business Account
	WAToken   = "demo-whatsapp-access-token"
	WASecret  = "fedcba9876543210fedcba9876543210"
	WAVerify  = "demo-whatsapp-verify-token"
)

// waCustomer is the customer phone's WhatsApp user, beside the LINE ones.
var waCustomer = linetest.User{ID: "15550100001", DisplayName: "Lucía Gómez (WhatsApp)"}

// demoCustomers are the LINE users of the customer phone.
var demoCustomers = []linetest.User{
	{ID: "U-demo-yui", DisplayName: "Yui Sato"},
	{ID: "U-demo-ken", DisplayName: "Ken Ito"},
	{ID: "U-demo-ana", DisplayName: "Ana Souza"},
}

// Demo is the customer simulator. Set Webhook before customers send;
// it is safe for concurrent use after that.
type Demo struct {
	// Platform is the fake LINE platform the desk's LINE client talks to.
	Platform *linetest.Platform
	// Webhook is the desk's own webhook URL for the demo channel.
	Webhook string
	// WhatsApp is the fake Cloud API of channel wa; WAWebhook the desk's
	// webhook URL for it, set before its customer sends.
	WhatsApp  *whatsapptest.Platform
	WAWebhook string
	client    *http.Client

	mu     sync.Mutex
	sent   map[string][]phoneMessage // what each customer sent
	quoted map[string]string         // quote token → what the customer's message showed
	staff  []int                     // the demoStaff AddStaff added, who sign in with Password
}

// phoneMessage is one line of a customer's phone screen.
type phoneMessage struct {
	From string    `json:"from"` // "customer" or "desk"
	Kind string    `json:"kind"` // text, sticker, image, video, audio
	Text string    `json:"text,omitempty"`
	Time time.Time `json:"time"`
	// Sticker and URL, when the kind needs them.
	Sticker string `json:"sticker,omitempty"`
	URL     string `json:"url,omitempty"`
	// Status of a customer message: "delivered" or the webhook's answer.
	Status string `json:"status,omitempty"`
	// Quote is what a desk message quotes, as the customer's LINE shows it.
	Quote string `json:"quote,omitempty"`
}

// New returns the simulator with its platform started; Close the
// platform when done.
func New() *Demo {
	p := linetest.New()
	p.AddChannel(linetest.Channel{Token: Token, Secret: Secret, BotUserID: Bot, BasicID: "@socialdesk", DisplayName: "socialdesk demo", ChatMode: "bot"})
	for _, u := range demoCustomers {
		p.AddUser(u)
	}
	return &Demo{Platform: p, client: &http.Client{Timeout: 10 * time.Second}, sent: map[string][]phoneMessage{}, quoted: map[string]string{}}
}

// StartWhatsApp starts the fake WhatsApp platform of channel wa, whose
// customer then joins the phone's LINE customers, and returns the
// channel's settings for a desk instance named instance. Close stops it.
func (d *Demo) StartWhatsApp(instance string) whatsappdesk.Config {
	d.WhatsApp = whatsapptest.New()
	d.WhatsApp.AddPhoneNumber(whatsapptest.PhoneNumber{ID: WAPhone, DisplayPhoneNumber: "+1 555 010 0000", VerifiedName: "socialdesk demo",
		Account: WAAccount, Token: WAToken, AppSecret: WASecret})
	return whatsappdesk.Config{AccessToken: WAToken, AppSecret: WASecret, VerifyToken: WAVerify, PhoneNumberID: WAPhone,
		APIBase: d.WhatsApp.URL(), Instance: instance}
}

// Close stops the fake platforms.
func (d *Demo) Close() {
	d.Platform.Close()
	if d.WhatsApp != nil {
		d.WhatsApp.Close()
	}
}

// customers are the phone's customers: LINE's, and WhatsApp's when started.
func (d *Demo) customers() []linetest.User {
	if d.WhatsApp == nil {
		return demoCustomers
	}
	return append(demoCustomers[:len(demoCustomers):len(demoCustomers)], waCustomer)
}

// Routes mounts the customer phone on mux: its page and script, which
// take precedence over a catch-all "/" such as deskhttp's, and its API.
func (d *Demo) Routes(mux *http.ServeMux) {
	mux.Handle("GET /phone.html", phoneFiles)
	mux.Handle("GET /phone.js", phoneFiles)
	mux.HandleFunc("GET /demo/customers", d.listCustomers)
	mux.HandleFunc("GET /demo/staff", d.listStaff)
	mux.HandleFunc("POST /demo/customers/{id}/messages", d.send)
	mux.HandleFunc("GET /demo/customers/{id}/messages", d.phone)
}

func (d *Demo) customer(id string) (linetest.User, bool) {
	for _, u := range d.customers() {
		if u.ID == id {
			return u, true
		}
	}
	return linetest.User{}, false
}

func (d *Demo) listCustomers(w http.ResponseWriter, r *http.Request) {
	type c struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		// Platform is "LINE" or "WhatsApp": the phone groups its
		// customers by it, and the WhatsApp customer sends text only.
		Platform string `json:"platform"`
	}
	var out []c
	for _, u := range d.customers() {
		platform := "LINE"
		if u.ID == waCustomer.ID {
			platform = "WhatsApp"
		}
		out = append(out, c{u.ID, u.DisplayName, platform})
	}
	writeJSON(w, http.StatusOK, map[string]any{"customers": out})
}

// send posts a customer's message to the desk as a signed LINE webhook.
func (d *Demo) send(w http.ResponseWriter, r *http.Request) {
	u, ok := d.customer(r.PathValue("id"))
	if !ok {
		writeError(w, http.StatusNotFound, "not_found", "no such demo customer")
		return
	}
	var b struct {
		Text    string `json:"text"`
		Sticker *struct {
			Package string `json:"package"`
			ID      string `json:"id"`
		} `json:"sticker"`
		Image string `json:"image"` // base64
	}
	if !readJSON(w, r, &b) {
		return
	}
	if u.ID == waCustomer.ID {
		d.sendWhatsApp(w, r, u, b.Text)
		return
	}
	// The platform's tokens, as LINE sends them: the reply token, and the
	// read and quote tokens that staff's read marks and quotes use.
	quote := d.Platform.IssueQuoteToken(Bot, u.ID)
	tokens := []linetest.EventOption{
		linetest.WithReplyToken(d.Platform.IssueReplyToken(Bot, u.ID)),
		linetest.WithReadToken(d.Platform.IssueReadToken(Bot, u.ID)),
		linetest.WithQuoteToken(quote),
	}
	msg := phoneMessage{From: "customer", Time: time.Now()}
	var event json.RawMessage
	switch {
	case b.Text != "":
		event = linetest.TextEvent(u.ID, b.Text, tokens...)
		msg.Kind, msg.Text = "text", b.Text
	case b.Sticker != nil:
		event = linetest.StickerEvent(u.ID, b.Sticker.Package, b.Sticker.ID, nil, tokens...)
		msg.Kind, msg.Sticker = "sticker", b.Sticker.Package+"/"+b.Sticker.ID
	case b.Image != "":
		data, err := base64.StdEncoding.DecodeString(b.Image)
		if err != nil {
			writeError(w, http.StatusUnprocessableEntity, "invalid", "image must be base64")
			return
		}
		id := linetest.NewMessageID()
		d.Platform.AddContent(id, linetest.Content{Data: data, ContentType: http.DetectContentType(data)})
		event = linetest.ImageEvent(u.ID, append(tokens, linetest.WithMessageID(id))...)
		msg.Kind = "image"
	default:
		writeError(w, http.StatusUnprocessableEntity, "invalid", `send {"text":…}, {"sticker":{"package","id"}} or {"image":"<base64>"}`)
		return
	}
	status, err := d.deliver(r.Context(), linetest.WebhookBody(Bot, event))
	if err != nil {
		writeError(w, http.StatusBadGateway, "webhook_failed", err.Error())
		return
	}
	msg.Status = "delivered"
	if status != http.StatusOK {
		msg.Status = fmt.Sprintf("webhook answered %d", status)
	}
	d.mu.Lock()
	d.sent[u.ID] = append(d.sent[u.ID], msg)
	d.quoted[quote] = cmp.Or(msg.Text, msg.Kind)
	d.mu.Unlock()
	writeJSON(w, http.StatusAccepted, map[string]any{"ok": status == http.StatusOK, "webhookStatus": status})
}

func (d *Demo) deliver(ctx context.Context, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.Webhook, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Line-Signature", linetest.SignBody(Secret, body))
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// phone shows what the customer sent and received, in order.
func (d *Demo) phone(w http.ResponseWriter, r *http.Request) {
	u, ok := d.customer(r.PathValue("id"))
	if !ok {
		writeError(w, http.StatusNotFound, "not_found", "no such demo customer")
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	out := append([]phoneMessage(nil), d.sent[u.ID]...)
	for _, m := range d.whatsAppReceived(u.ID) {
		out = append(out, phoneMessage{From: "desk", Kind: m.Type, Text: m.Text, Time: m.Time})
	}
	for _, del := range append(d.Platform.Replies(), d.Platform.Pushes()...) {
		if del.To != u.ID {
			continue
		}
		for _, m := range del.Messages {
			pm := phoneMessage{From: "desk", Kind: m.Type, Text: m.Text, Time: del.Time, URL: m.OriginalContentURL, Quote: d.quoted[m.QuoteToken]}
			if m.Type == "sticker" {
				pm.Sticker = m.PackageID + "/" + m.StickerID
			}
			out = append(out, pm)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	writeJSON(w, http.StatusOK, map[string]any{"customer": map[string]string{"id": u.ID, "name": u.DisplayName}, "messages": out})
}

func (d *Demo) whatsAppReceived(id string) []whatsapptest.Sent {
	if d.WhatsApp == nil || id != waCustomer.ID {
		return nil
	}
	return d.WhatsApp.Received(id)
}

// sendWhatsApp posts the WhatsApp customer's text to the desk as a signed
// WhatsApp webhook; the demo's WhatsApp customer sends text only.
func (d *Demo) sendWhatsApp(w http.ResponseWriter, r *http.Request, u linetest.User, text string) {
	if text == "" {
		writeError(w, http.StatusUnprocessableEntity, "invalid", `the WhatsApp customer sends {"text":…}`)
		return
	}
	at := time.Now() // before the desk's answers: the phone shows them after
	body := d.WhatsApp.Deliver(WAPhone, whatsapptest.Text(u.ID, text, whatsapptest.WithName(u.DisplayName)))
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, d.WAWebhook, bytes.NewReader(body))
	if err != nil {
		writeError(w, http.StatusBadGateway, "webhook_failed", err.Error())
		return
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature-256", whatsapptest.SignBody(WASecret, body))
	resp, err := d.client.Do(req)
	if err != nil {
		writeError(w, http.StatusBadGateway, "webhook_failed", err.Error())
		return
	}
	resp.Body.Close()
	msg := phoneMessage{From: "customer", Kind: "text", Text: text, Time: at, Status: "delivered"}
	if resp.StatusCode != http.StatusOK {
		msg.Status = fmt.Sprintf("webhook answered %d", resp.StatusCode)
	}
	d.mu.Lock()
	d.sent[u.ID] = append(d.sent[u.ID], msg)
	d.mu.Unlock()
	writeJSON(w, http.StatusAccepted, map[string]any{"ok": resp.StatusCode == http.StatusOK, "webhookStatus": resp.StatusCode})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

// readJSON decodes a JSON body of at most 1 MiB into v, answering 400
// itself when it cannot.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "bad_json", "request body is not the expected JSON")
		return false
	}
	return true
}

// Channel points the fake platform's webhook for the demo account at the
// desk at deskURL and returns the demo channel, for the desk to create.
func (d *Demo) Channel(deskURL string) enquiry.Channel {
	d.Webhook = deskURL + "/webhook/line/" + ChannelID
	d.Platform.SetWebhook(Bot, d.Webhook, true)
	return enquiry.Channel{
		ID: ChannelID, Name: "Demo Shop", Kind: "line", Account: Bot,
		Credentials:  enquiry.Credentials{Secret: Secret, Token: Token},
		CustomInfo:   "Demo Shop is open 9:00–18:00 (JST), Monday to Friday. Orders ship within two working days; returns are free within 30 days.",
		CustomInfoOn: true,
	}
}

// AddStaff adds the demo's staff, alice (Alice Chen) and bob (Bob
// Tanaka), to the accounts (staff, with the passwords Password gives) and
// to r, available; the demo page offers one-click sign-in as those it
// added. An account of that ID already in the store (a database that ran
// the demo, or serves a real alice) is left as it is, unless it still has
// the demo password published before passwords were drawn per process
// (legacyPassword): that one gets this run's password, and its sessions
// end.
func (d *Demo) AddStaff(ctx context.Context, accounts *deskhttp.StoreAccounts, r *enquiry.Roster) error {
	hashes, err := demoHashes()
	if err != nil {
		return err
	}
	now := time.Now()
	for i, st := range demoStaff {
		a := enquiry.Account{ID: st.id, First: st.name.First, Last: st.name.Last, Role: enquiry.RoleStaff,
			PasswordHash: hashes[i], Created: now, Updated: now}
		err := accounts.Store.CreateAccount(ctx, a)
		if errors.Is(err, enquiry.ErrAccountExists) {
			var kept enquiry.Account
			if kept, err = accounts.Store.Account(ctx, st.id); err == nil {
				if !enquiry.CheckPassword(kept.PasswordHash, legacyPassword(st.id)) {
					continue // not the demo's to change
				}
				pw := enquiry.Secret(Password(st.id))
				_, err = accounts.UpdateAccount(ctx, st.id, deskhttp.AccountChange{Password: &pw})
			}
		}
		if err != nil {
			return fmt.Errorf("adding the demo's staff: %w", err)
		}
		d.mu.Lock()
		d.staff = append(d.staff, i)
		d.mu.Unlock()
		r.Add(st.id, st.name, 0)
		r.SetPresence(st.id, routing.Available)
	}
	return nil
}

// legacyPassword is the demo password a staff member had before each
// process drew its own: published, so an account that still has it is
// the demo's.
func legacyPassword(staff string) string { return staff + "-demo-password" }

// demoHashes hashes the demo staff's passwords once per process: argon2id
// is slow on purpose, and a test binary starts many demo desks.
var demoHashes = sync.OnceValues(func() ([]enquiry.Secret, error) {
	out := make([]enquiry.Secret, len(demoStaff))
	for i, st := range demoStaff {
		h, err := enquiry.HashPassword(Password(st.id))
		if err != nil {
			return nil, err
		}
		out[i] = h
	}
	return out, nil
})

// demoStaff are the demo's staff members.
var demoStaff = []struct {
	id   string
	name automsg.Staff
}{{"alice", automsg.Staff{First: "Alice", Last: "Chen"}}, {"bob", automsg.Staff{First: "Bob", Last: "Tanaka"}}}

// Password is a demo staff member's password, which the demo page shows
// so that one click signs in as them: no secret while the demo runs, but
// drawn afresh by each process (AddStaff sets it), so that a database
// that once ran the demo does not keep accounts with a known password
// for the day it serves the desk for real.
func Password(staff string) string { return staff + "-demo-" + passwordSalt() }

// passwordSalt is the random part of this process's demo passwords.
var passwordSalt = sync.OnceValue(func() string {
	var b [9]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b[:])
})

// listStaff serves GET /demo/staff: the demo's staff with their
// passwords, for the demo page's "sign in as" buttons: those AddStaff
// added, who sign in with them.
func (d *Demo) listStaff(w http.ResponseWriter, _ *http.Request) {
	type s struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	d.mu.Lock()
	added := slices.Clone(d.staff)
	d.mu.Unlock()
	out := make([]s, 0, len(added))
	for _, i := range added {
		st := demoStaff[i]
		out = append(out, s{st.id, st.name.First + " " + st.name.Last, Password(st.id)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"staff": out})
}

// Routing rings alice, then bob, for 30 s each; then the enquiry is missed.
func Routing() *routing.Rule {
	r := &routing.Rule{Node: routing.Node{Alternative: []routing.Destination{
		{Staff: "alice", Timeout: 30 * time.Second},
		{Staff: "bob", Timeout: 30 * time.Second},
	}}}
	if err := r.Validate(); err != nil {
		panic(err)
	}
	return r
}

// AutoMessages switches every auto-message on with its default text.
var AutoMessages = automsg.Settings{
	Welcome: automsg.Message{On: true}, Away: automsg.Message{On: true}, Close: automsg.Message{On: true},
	NameFormat: automsg.NameFirst,
}
