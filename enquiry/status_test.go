package enquiry_test

import (
	"errors"
	"testing"

	"github.com/socialdesk/socialdesk/enquiry"
)

func TestDeliveryStatusMovesASentMessageOnlyForward(t *testing.T) {
	tests := []struct {
		name    string
		reports []enquiry.DeliveryState
		want    enquiry.DeliveryState
	}{
		{"delivered after sent is shown", []enquiry.DeliveryState{enquiry.Delivered}, enquiry.Delivered},
		{"read after delivered is shown", []enquiry.DeliveryState{enquiry.Delivered, enquiry.Read}, enquiry.Read},
		{"a late delivered after read changes nothing", []enquiry.DeliveryState{enquiry.Read, enquiry.Delivered}, enquiry.Read},
		{"a failure after sent is shown", []enquiry.DeliveryState{enquiry.Failed}, enquiry.Failed},
		{"a failure after read changes nothing", []enquiry.DeliveryState{enquiry.Read, enquiry.Failed}, enquiry.Read},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, enquiry.Config{}, nil)
			id := f.receive("U1", "m1", "hi", "").Enquiry.ID
			welcome := f.transcript(id)[1]
			if welcome.Delivery.State != enquiry.Sent {
				t.Fatalf("welcome %+v, want sent", welcome.Delivery)
			}
			for _, s := range tt.reports {
				err := f.desk.DeliveryStatus(t.Context(), "main", "U1", enquiry.StatusReport{RequestID: welcome.Delivery.RequestID, State: s, Reason: "gone"})
				if err != nil {
					t.Fatal(err)
				}
			}
			if got := f.message(id, welcome.ID).Delivery.State; got != tt.want {
				t.Fatalf("state %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("a report on an unknown request is ErrNotFound", func(t *testing.T) {
		f := newFixture(t, enquiry.Config{}, nil)
		f.receive("U1", "m1", "hi", "")
		err := f.desk.DeliveryStatus(t.Context(), "main", "U1", enquiry.StatusReport{RequestID: "nope", State: enquiry.Read})
		if !errors.Is(err, enquiry.ErrNotFound) {
			t.Fatalf("err = %v, want ErrNotFound", err)
		}
	})
}
