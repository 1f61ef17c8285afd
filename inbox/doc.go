// Package inbox is the channel-neutral durable inbox of webhook events: a
// connector records each event it accepts in a Store (which drops
// redeliveries) before it answers the platform, and Workers hand the
// recorded events to the connector's Handler after the answer, each
// customer's in order, different customers in parallel. What does not
// fit in memory, what a crashed process left and what failed for now is
// fetched again from the store, so nothing accepted is lost. With a
// Leaser store shared by replicas, one replica at a time handles a
// customer's events; with a Pruner, old handled events are forgotten.
//
// The two lines a connector writes first:
//
//	workers := inbox.New(store, handle, inbox.Options{})
//	go workers.Run(ctx)
//
// and, in its webhook handler, after answering:
//
//	fresh, err := store.AppendEvents(ctx, events) // before the answer
//	workers.Offer(fresh)                          // after it
package inbox
