package main

// TEMPORARY: a stand-in for the demo server (newServer in demo mode, with
// the customer simulator of demo.go) so the console's browser test can run
// before that lands on main. Delete this file when it has.

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/routing"
)

type phoneMsg struct {
	From string    `json:"from"`
	Kind string    `json:"kind"`
	Text string    `json:"text,omitempty"`
	Time time.Time `json:"time"`
}

type fakeServer struct {
	mux    *http.ServeMux
	cancel context.CancelFunc
	done   chan struct{}

	mu    sync.Mutex
	phone map[string][]phoneMsg
	seq   int
}

func newFakeServer(ctx context.Context, log *slog.Logger) (*fakeServer, error) {
	s := &fakeServer{mux: http.NewServeMux(), done: make(chan struct{}), phone: map[string][]phoneMsg{}}
	roster := &enquiry.Roster{}
	roster.Add("alice", automsg.Staff{First: "Alice", Last: "Tanaka"}, 5)
	roster.Add("bob", automsg.Staff{First: "Bob", Last: "Suzuki"}, 5)
	roster.SetPresence("alice", routing.Available)
	roster.SetPresence("bob", routing.Available)
	feed := &enquiry.Feed{}
	blobs := &enquiry.MemBlobs{}
	desk, err := enquiry.New(enquiry.Config{
		Sender: enquiry.SenderFunc(func(ctx context.Context, out enquiry.Outbound) (enquiry.Receipt, error) {
			s.mu.Lock()
			defer s.mu.Unlock()
			for _, m := range out.Messages {
				s.phone[out.Customer.ID] = append(s.phone[out.Customer.ID], phoneMsg{From: "desk", Kind: string(m.Content.Kind), Text: m.Content.Text, Time: time.Now()})
			}
			return enquiry.Receipt{RequestID: "req"}, nil
		}),
		Directory: roster, Sink: feed, Blobs: blobs, Logger: log,
	})
	if err != nil {
		return nil, err
	}
	_, err = desk.CreateChannel(ctx, enquiry.Channel{
		ID: "demo", Name: "Demo shop", Kind: "line", Account: "Udemo",
		Credentials:  enquiry.Credentials{Secret: "s", Token: "t"},
		Routing:      &routing.Rule{Node: routing.Node{Alternative: []routing.Destination{routing.ToStaff("alice"), routing.ToStaff("bob")}}},
		AutoMessages: automsg.Settings{Welcome: automsg.Message{On: true}, Away: automsg.Message{On: true}, Close: automsg.Message{On: true}},
		CustomInfo:   "Opening hours: 9:00–18:00 JST.\nReturns within 30 days with receipt.",
		CustomInfoOn: true,
	})
	if err != nil {
		return nil, err
	}
	a := &api{desk: desk, feed: feed, roster: roster, blobs: blobs, log: log, closing: make(chan struct{})}
	a.routes(s.mux)
	s.mux.HandleFunc("GET /api/config", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"demo": true, "staff": []string{"alice", "bob"}, "channel": "demo"})
	})
	customers := map[string]string{"U-demo-yui": "Yui Sato", "U-demo-ken": "Ken Ito"}
	s.mux.HandleFunc("GET /demo/customers", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"customers": []map[string]string{{"id": "U-demo-yui", "name": "Yui Sato"}, {"id": "U-demo-ken", "name": "Ken Ito"}}})
	})
	s.mux.HandleFunc("GET /demo/customers/{id}/messages", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		writeJSON(w, 200, map[string]any{"messages": append([]phoneMsg{}, s.phone[r.PathValue("id")]...)})
	})
	s.mux.HandleFunc("POST /demo/customers/{id}/messages", func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		name, ok := customers[id]
		if !ok {
			writeError(w, 404, "not_found", "no such demo customer")
			return
		}
		var b struct {
			Text    string              `json:"text"`
			Sticker *enquiry.StickerRef `json:"sticker"`
			Image   string              `json:"image"`
		}
		if !readJSON(w, r, &b) {
			return
		}
		s.mu.Lock()
		s.seq++
		ext := fmt.Sprintf("ext-%d", s.seq)
		s.mu.Unlock()
		c := enquiry.Content{Kind: enquiry.Text, Text: b.Text}
		switch {
		case b.Sticker != nil:
			c = enquiry.Content{Kind: enquiry.Sticker, Sticker: b.Sticker}
		case b.Image != "":
			raw, err := base64.StdEncoding.DecodeString(b.Image)
			if err != nil {
				writeError(w, 422, "bad_image", "not base64")
				return
			}
			n, _ := blobs.Put(r.Context(), ext, bytes.NewReader(raw))
			c = enquiry.Content{Kind: enquiry.Image, Media: &enquiry.MediaRef{Kind: "image", Format: "jpeg", Size: n, Key: ext}}
		}
		s.mu.Lock()
		s.phone[id] = append(s.phone[id], phoneMsg{From: "customer", Kind: string(c.Kind), Text: c.Text, Time: time.Now()})
		s.mu.Unlock()
		if _, err := desk.Receive(context.WithoutCancel(r.Context()), enquiry.Inbound{Channel: "demo", Customer: enquiry.Customer{ID: id, Name: name}, ExternalID: ext, Time: time.Now(), Content: c}); err != nil {
			writeError(w, 500, "internal", err.Error())
			return
		}
		writeJSON(w, 202, map[string]any{"ok": true})
	})
	s.mux.Handle("/", consoleHandler())
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.cancel = cancel
	go func() { defer close(s.done); desk.Run(rctx) }()
	return s, nil
}

func (s *fakeServer) Handler() http.Handler { return s.mux }

func (s *fakeServer) Close() error { s.cancel(); <-s.done; return nil }
