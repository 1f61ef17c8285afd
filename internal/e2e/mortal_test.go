package e2e_test

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/inbox"
)

// errKilled is what a killed instance's store calls return.
var errKilled = errors.New("e2e: the instance was killed; nothing more is recorded")

// mortalStore is an instance's view of the rig's store: once dead is set
// (rig.kill), every write fails, as a killed process writes nothing.
// Reads still pass, which a dead process cannot do but which changes
// nothing.
type mortalStore struct {
	enquiry.Store
	dead *atomic.Bool
}

func (s *mortalStore) alive() error {
	if s.dead.Load() {
		return errKilled
	}
	return nil
}

func (s *mortalStore) CreateChannel(ctx context.Context, ch enquiry.Channel) error {
	if err := s.alive(); err != nil {
		return err
	}
	return s.Store.CreateChannel(ctx, ch)
}

func (s *mortalStore) UpdateChannel(ctx context.Context, ch enquiry.Channel) error {
	if err := s.alive(); err != nil {
		return err
	}
	return s.Store.UpdateChannel(ctx, ch)
}

func (s *mortalStore) DeleteChannel(ctx context.Context, id string) error {
	if err := s.alive(); err != nil {
		return err
	}
	return s.Store.DeleteChannel(ctx, id)
}

func (s *mortalStore) Receive(ctx context.Context, a enquiry.Arrival) (enquiry.Received, error) {
	if err := s.alive(); err != nil {
		return enquiry.Received{}, err
	}
	return s.Store.Receive(ctx, a)
}

func (s *mortalStore) Open(ctx context.Context, e enquiry.Enquiry) (enquiry.Enquiry, bool, error) {
	if err := s.alive(); err != nil {
		return enquiry.Enquiry{}, false, err
	}
	return s.Store.Open(ctx, e)
}

func (s *mortalStore) Update(ctx context.Context, c enquiry.Change) (enquiry.Enquiry, []enquiry.Message, error) {
	if err := s.alive(); err != nil {
		return enquiry.Enquiry{}, nil, err
	}
	return s.Store.Update(ctx, c)
}

func (s *mortalStore) ClaimDue(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]enquiry.Enquiry, error) {
	if err := s.alive(); err != nil {
		return nil, err
	}
	return s.Store.ClaimDue(ctx, owner, now, lease, limit)
}

func (s *mortalStore) EndLeases(ctx context.Context, owner string) error {
	if err := s.alive(); err != nil {
		return err
	}
	return s.Store.EndLeases(ctx, owner)
}

func (s *mortalStore) TakeReply(ctx context.Context, id string) (enquiry.Reply, error) {
	if err := s.alive(); err != nil {
		return enquiry.Reply{}, err
	}
	return s.Store.TakeReply(ctx, id)
}

func (s *mortalStore) Engage(ctx context.Context, channel, customer, staff string, at time.Time) error {
	if err := s.alive(); err != nil {
		return err
	}
	return s.Store.Engage(ctx, channel, customer, staff, at)
}

func (s *mortalStore) SetDelivery(ctx context.Context, id string, d enquiry.Delivery) error {
	if err := s.alive(); err != nil {
		return err
	}
	return s.Store.SetDelivery(ctx, id, d)
}

func (s *mortalStore) ClaimPending(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]enquiry.Message, error) {
	if err := s.alive(); err != nil {
		return nil, err
	}
	return s.Store.ClaimPending(ctx, owner, now, lease, limit)
}

func (s *mortalStore) Unsend(ctx context.Context, channel, customer, externalID string) (enquiry.Message, error) {
	if err := s.alive(); err != nil {
		return enquiry.Message{}, err
	}
	return s.Store.Unsend(ctx, channel, customer, externalID)
}

// mortalEvents is an instance's view of the rig's event log, dying with
// it as mortalStore does.
type mortalEvents struct {
	*eventLog
	dead *atomic.Bool
}

func (l *mortalEvents) alive() error {
	if l.dead.Load() {
		return errKilled
	}
	return nil
}

func (l *mortalEvents) AppendEvents(ctx context.Context, events []inbox.Record) ([]inbox.Record, error) {
	if err := l.alive(); err != nil {
		return nil, err
	}
	return l.eventLog.AppendEvents(ctx, events)
}

func (l *mortalEvents) EventDone(ctx context.Context, channel, id string) error {
	if err := l.alive(); err != nil {
		return err
	}
	return l.eventLog.EventDone(ctx, channel, id)
}

func (l *mortalEvents) LeaseKey(ctx context.Context, k inbox.Key, owner string, now, until time.Time, limit int) ([]inbox.Record, bool, error) {
	if err := l.alive(); err != nil {
		return nil, false, err
	}
	return l.eventLog.LeaseKey(ctx, k, owner, now, until, limit)
}

func (l *mortalEvents) ReleaseKey(ctx context.Context, k inbox.Key, owner string, limit int) ([]inbox.Record, error) {
	if err := l.alive(); err != nil {
		return nil, err
	}
	return l.eventLog.ReleaseKey(ctx, k, owner, limit)
}

func (l *mortalEvents) RenewKeys(ctx context.Context, owner string, keys []inbox.Key, until time.Time) error {
	if err := l.alive(); err != nil {
		return err
	}
	return l.eventLog.RenewKeys(ctx, owner, keys, until)
}
