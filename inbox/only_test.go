package inbox

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestOnlyLetsTwoConnectorsShareOneStore(t *testing.T) {
	for _, leasing := range []bool{true, false} {
		t.Run(fmt.Sprintf("each handles only its own channels (leasing store: %v)", leasing), func(t *testing.T) {
			mem := newMemStore()
			var store Store = mem
			if !leasing {
				store = struct{ Store }{mem} // hides Leaser
			}
			var mu sync.Mutex
			seen := map[string][]string{} // connector → channels handled
			workers := map[string]*Workers{}
			for _, name := range []string{"a", "b"} {
				own := Only(store, func(ch string) bool { return ch[0] == name[0] })
				workers[name] = New(own, func(_ context.Context, ev Record) error {
					mu.Lock()
					defer mu.Unlock()
					seen[name] = append(seen[name], ev.Channel)
					return nil
				}, Options{RetryInterval: 10 * time.Millisecond})
			}
			// Recorded before the workers run: found by their sweeps.
			var evs []Record
			for i := range 20 {
				ch := []string{"a1", "b1"}[i%2]
				evs = append(evs, Record{Channel: ch, ID: fmt.Sprint(i), Key: "k", Received: time.Now()})
			}
			if _, err := store.AppendEvents(t.Context(), evs); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(t.Context())
			var wg sync.WaitGroup
			for _, w := range workers {
				wg.Go(func() { w.Run(ctx) })
			}
			for end := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
				mu.Lock()
				n := len(seen["a"]) + len(seen["b"])
				mu.Unlock()
				if n >= 20 || time.Now().After(end) {
					break
				}
			}
			cancel()
			wg.Wait()
			for name, chans := range seen {
				if len(chans) != 10 {
					t.Errorf("connector %s handled %d events, want its 10", name, len(chans))
				}
				for _, ch := range chans {
					if ch[0] != name[0] {
						t.Errorf("connector %s handled an event of channel %s", name, ch)
					}
				}
			}
		})
	}
}

func TestOnlyLeasesNoOtherChannelsKeys(t *testing.T) {
	s := Only(newMemStore(), func(ch string) bool { return ch == "mine" }).(Leaser)
	now := time.Now()
	if _, ok, err := s.LeaseKey(t.Context(), Key{Channel: "theirs", Key: "k"}, "me", now, now.Add(time.Minute), 10); ok || err != nil {
		t.Fatalf("LeaseKey of another channel's key = %v, %v; want refused", ok, err)
	}
	if _, ok, err := s.LeaseKey(t.Context(), Key{Channel: "mine", Key: "k"}, "me", now, now.Add(time.Minute), 10); !ok || err != nil {
		t.Fatalf("LeaseKey of its own key = %v, %v; want granted", ok, err)
	}
}
