package line_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/inbox"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// replica is one process's Webhook on a shared store, serving HTTP.
type replica struct {
	hook *line.Webhook
	url  string
}

func startReplica(t *testing.T, name string, store inbox.Store, desk line.Desk) *replica {
	t.Helper()
	hook := line.NewWebhook(line.WebhookConfig{Channels: hookChannelSet(), Events: store, Desk: desk,
		Logger: quietLogger(), Inbox: inbox.Options{Instance: name}})
	mux := http.NewServeMux()
	mux.Handle("POST /webhook/line/{channel}", hook)
	srv := httptest.NewServer(mux)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- hook.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		needNoErr(t, <-stopped)
		srv.Close()
	})
	return &replica{hook: hook, url: srv.URL + hookURL}
}

// Two replicas on one store (enquiry.MemStore, an inbox.Leaser): a
// customer's messages are posted to them in turn, each after the last was
// answered, as LINE posts through a load balancer; some take the desk a
// while. Each customer's messages reach the desk once each, one at a time
// and in order, whichever replica recorded them.
func TestReplicasHandEachCustomersEventsToTheDeskOnceInOrder(t *testing.T) {
	const customers, per = 6, 12
	store := enquiry.NewMemStore()
	desk := &fakeDesk{ch: make(chan deskCall, customers*per+10)}
	var mu sync.Mutex
	busy := map[string]bool{}
	desk.hook = func(c deskCall) error {
		mu.Lock()
		if busy[c.Customer] {
			t.Errorf("customer %s: two of their events handled at once", c.Customer)
		}
		busy[c.Customer] = true
		mu.Unlock()
		if n, _ := strconv.Atoi(c.In.Content.Text); n%3 == 0 {
			time.Sleep(15 * time.Millisecond) // a slow download, say
		}
		mu.Lock()
		busy[c.Customer] = false
		mu.Unlock()
		return nil
	}
	replicas := []*replica{startReplica(t, "A", store, desk), startReplica(t, "B", store, desk)}

	var wg sync.WaitGroup
	for u := range customers {
		wg.Go(func() {
			for i := range per {
				req := linetest.NewWebhookRequest(hookSecret, replicas[(u+i)%2].url, linetest.TextEvent(hookCustomer(u), strconv.Itoa(i)))
				req.RequestURI = ""
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					t.Errorf("status %d", res.StatusCode)
				}
			}
		})
	}
	wg.Wait()
	desk.wait(t, customers*per)
	inOrder(t, desk.all(), customers, per)
	// Each is marked done just after the desk has it.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		pending, err := store.PendingEvents(context.Background(), time.Now().Add(time.Hour), 0)
		needNoErr(t, err)
		if len(pending) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d events left pending", len(pending))
		}
	}
}

// A customer's backlog longer than what one lease reads at a time (the
// desk held up while 100 of their messages arrive) still reaches the desk
// once each and in order.
func TestLeasedBacklogReachesTheDeskInOrder(t *testing.T) {
	const per = 100
	store := enquiry.NewMemStore()
	desk := &fakeDesk{ch: make(chan deskCall, per+10)}
	release := make(chan struct{})
	desk.hook = func(deskCall) error { <-release; return nil }
	r := startReplica(t, "A", store, desk)
	for i := range per {
		req := linetest.NewWebhookRequest(hookSecret, r.url, linetest.TextEvent(hookCustomer(0), strconv.Itoa(i)))
		req.RequestURI = ""
		res, err := http.DefaultClient.Do(req)
		needNoErr(t, err)
		res.Body.Close()
		needEq(t, http.StatusOK, res.StatusCode)
	}
	close(release)
	desk.wait(t, per)
	inOrder(t, desk.all(), 1, per)
}
