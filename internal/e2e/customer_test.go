package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/socialdesk/socialdesk/line/linetest"
)

// sent is one customer message as LINE numbers it.
type sent struct {
	eventID, messageID string
	text               string // "" for an image
	image              []byte
	at                 time.Time
	replyToken         string
}

// customer is a LINE user and the messages they send, in LINE's order.
type customer struct {
	id, name string
	msgs     []sent
	rng      *rand.Rand
}

func newCustomer(r *rig, i int) *customer {
	c := &customer{
		id:   fmt.Sprintf("U%032x", 0xc0ffee0000+i),
		name: fmt.Sprintf("Customer %d", i),
		rng:  rand.New(rand.NewPCG(*seed, uint64(i))),
	}
	r.addCustomer(c.id, c.name)
	return c
}

// compose adds n messages, every imageEvery-th an image (0: none), with
// reply tokens the platform issued and timestamps after the previous
// message's.
func (c *customer) compose(r *rig, n, imageEvery int) []sent {
	start := len(c.msgs)
	at := time.Now()
	if start > 0 {
		at = c.msgs[start-1].at.Add(time.Millisecond)
	}
	for i := range n {
		k := start + i
		m := sent{
			eventID: linetest.NewEventID(), messageID: linetest.NewMessageID(),
			at: at.Add(time.Duration(i) * time.Millisecond), replyToken: r.platform.IssueReplyToken(bot, c.id),
		}
		if imageEvery > 0 && k%imageEvery == imageEvery-1 {
			m.image = pngImage(40, byte(k))
			r.platform.AddContent(m.messageID, linetest.Content{Data: m.image, ContentType: "image/png"})
		} else {
			m.text = fmt.Sprintf("%s says #%d", c.name, k)
		}
		c.msgs = append(c.msgs, m)
	}
	return c.msgs[start:]
}

// event is m as a webhook event; a redelivery carries LINE's flag.
func (c *customer) event(m sent, redelivery bool) json.RawMessage {
	opts := []linetest.EventOption{
		linetest.WithEventID(m.eventID), linetest.WithMessageID(m.messageID),
		linetest.WithReplyToken(m.replyToken), linetest.At(m.at),
	}
	if redelivery {
		opts = append(opts, linetest.Redelivered())
	}
	if m.image != nil {
		return linetest.ImageEvent(c.id, opts...)
	}
	return linetest.TextEvent(c.id, m.text, opts...)
}

// storm sends msgs as LINE does in a redelivery storm: each is delivered
// 1 to 5 times; the first deliveries go in order, one after the other,
// and the redeliveries are interleaved with later messages. It returns
// the number of requests made.
func (c *customer) storm(ctx context.Context, r *rig, msgs []sent) (int, error) {
	var owed []sent // redeliveries still to make
	requests := 0
	send := func(m sent, again bool) error {
		requests++
		return r.deliver(ctx, c.event(m, again))
	}
	for _, m := range msgs {
		if err := send(m, false); err != nil {
			return requests, err
		}
		for range c.rng.IntN(5) {
			owed = append(owed, m)
		}
		// Pay back some owed redeliveries now, in random order.
		c.rng.Shuffle(len(owed), func(i, j int) { owed[i], owed[j] = owed[j], owed[i] })
		k := c.rng.IntN(len(owed) + 1)
		for _, o := range owed[:k] {
			if err := send(o, true); err != nil {
				return requests, err
			}
		}
		owed = owed[k:]
	}
	for _, o := range owed {
		if err := send(o, true); err != nil {
			return requests, err
		}
	}
	return requests, nil
}
