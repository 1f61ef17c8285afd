package whatsapp_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/media"
	"github.com/socialdesk/socialdesk/whatsapp"
	"github.com/socialdesk/socialdesk/whatsapp/whatsapptest"
)

// attended is the rig with the customer's enquiry open and attended by
// alice, the Welcome delivered.
func attended(t *testing.T) (*deskRig, enquiry.Enquiry) {
	t.Helper()
	r := newDeskRig(t)
	r.post(whatsapptest.Text(customer, "Can you show me?"))
	r.eventually("the Welcome reaches the customer", func() bool { return len(r.platform.Received(customer)) == 1 })
	e, _ := r.transcript()
	if _, err := r.desk.Attend(t.Context(), e.ID, "alice"); err != nil {
		t.Fatal(err)
	}
	return r, e
}

func TestStaffSendMediaToWhatsApp(t *testing.T) {
	tests := []struct {
		name     string
		kind     enquiry.ContentKind
		data     []byte
		mimeType string
	}{
		{"an image is uploaded and sent by its media ID", enquiry.Image, jpegOf(t, 0), "image/jpeg"},
		{"a 4 MB JPEG, within WhatsApp's 5 MB, goes too", enquiry.Image, jpegOf(t, 4_000_000), "image/jpeg"},
		{"a PNG keeps its type", enquiry.Image, tinyPNG(), "image/png"},
		{"an MP3 is uploaded as audio", enquiry.Audio, testdata(t, "ok.mp3"), "audio/mpeg"},
		{"an M4A is uploaded as MPEG-4 audio", enquiry.Audio, testdata(t, "ok.m4a"), "audio/mp4"},
		{"an H.264 and AAC MP4 is uploaded as video", enquiry.Video, testdata(t, "ok-h264-aac.mp4"), "video/mp4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, e := attended(t)
			if _, err := r.blobs.Put(t.Context(), "staff/pic", bytes.NewReader(tt.data)); err != nil {
				t.Fatal(err)
			}
			m, err := r.desk.Send(t.Context(), e.ID, "alice", enquiry.Content{Kind: tt.kind, Media: &enquiry.MediaRef{Key: "staff/pic"}})
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			r.eventually("the media reaches the customer", func() bool { return len(r.platform.Received(customer)) == 2 })
			got := r.platform.Received(customer)[1]
			if got.Type != string(tt.kind) || got.MediaID == "" || got.Link != "" {
				t.Fatalf("sent %+v, want a %s by media ID", got, tt.kind)
			}
			ups := r.platform.Uploads()
			if len(ups) != 1 || ups[0].ID != got.MediaID || ups[0].MIMEType != tt.mimeType || ups[0].Size != len(tt.data) {
				t.Fatalf("uploads %+v, want one %s of %d bytes named by the message", ups, tt.mimeType, len(tt.data))
			}
			if data, _ := r.platform.MediaData(got.MediaID); !bytes.Equal(data, tt.data) {
				t.Fatalf("the platform holds %d bytes, not the %d staff sent", len(data), len(tt.data))
			}
			r.eventually("the message is marked sent with its WhatsApp ID", func() bool {
				_, ms := r.transcript()
				for _, x := range ms {
					if x.ID == m.ID {
						return x.Delivery != nil && x.Delivery.State == enquiry.Sent && x.Delivery.RequestID == got.ID
					}
				}
				return false
			})
		})
	}
}

func TestStaffMediaOverWhatsAppsLimitIsRefusedBeforeSending(t *testing.T) {
	r, e := attended(t)
	big := jpegOf(t, 6_000_000)
	if _, err := r.blobs.Put(t.Context(), "staff/big", bytes.NewReader(big)); err != nil {
		t.Fatal(err)
	}
	if _, err := media.LINE.Check(bytes.NewReader(big), int64(len(big))); err != nil {
		t.Fatalf("LINE refuses the 6 MB JPEG too (%v): the test proves nothing", err)
	}
	calls := len(r.platform.Calls())
	_, err := r.desk.Send(t.Context(), e.ID, "alice", enquiry.Content{Kind: enquiry.Image, Media: &enquiry.MediaRef{Key: "staff/big"}})
	var me *media.Error
	if !errors.As(err, &me) || me.Code != media.CodeTooLarge {
		t.Fatalf("a 6 MB JPEG to WhatsApp: %v, want too_large", err)
	}
	if n := len(r.platform.Calls()); n != calls {
		t.Fatalf("%d requests reached the platform, want none", n-calls)
	}
}

// The sender judges the bytes itself too: a host may call it without the
// desk's check.
func TestDeskSenderJudgesMediaItself(t *testing.T) {
	f := newClientFixture(t, whatsapp.Config{})
	blobs := &enquiry.MemBlobs{}
	ctx := context.Background()
	for key, data := range map[string][]byte{"big": jpegOf(t, 6_000_000), "gif": []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")} {
		if _, err := blobs.Put(ctx, key, bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
	}
	s := whatsapp.DeskSender{Client: f.c, Blobs: blobs}
	out := func(c enquiry.Content) enquiry.Outbound {
		return enquiry.Outbound{Channel: enquiry.Channel{Kind: whatsapp.ChannelKind, Account: waPhone, Credentials: enquiry.Credentials{Token: waToken}},
			Customer: enquiry.Customer{ID: waCustomer}, Messages: []enquiry.Message{{Content: c}}}
	}
	before := f.calls()
	for _, tc := range []struct {
		name string
		c    enquiry.Content
		want media.Code
	}{
		{"a JPEG over 5 MB", enquiry.Content{Kind: enquiry.Image, Media: &enquiry.MediaRef{Key: "big"}}, media.CodeTooLarge},
		{"a GIF", enquiry.Content{Kind: enquiry.Image, Media: &enquiry.MediaRef{Key: "gif"}}, media.CodeUnsupportedFormat},
	} {
		_, err := s.Send(ctx, out(tc.c))
		var me *media.Error
		if !errors.As(err, &me) || me.Code != tc.want {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.want)
		}
	}
	if _, err := (whatsapp.DeskSender{Client: f.c}).Send(ctx, out(enquiry.Content{Kind: enquiry.Image, Media: &enquiry.MediaRef{Key: "big"}})); !errors.Is(err, whatsapp.ErrMediaUnsupported) {
		t.Errorf("without a blob store: %v, want ErrMediaUnsupported", err)
	}
	if f.calls() != before {
		t.Fatalf("%d requests reached the platform, want none", f.calls()-before)
	}

	id, err := s.Send(ctx, out(enquiry.Content{Kind: enquiry.Video, Media: &enquiry.MediaRef{URL: "https://cdn.example.com/v.mp4"}}))
	sent := f.p.Sent()
	if err != nil || len(sent) != 1 || sent[0].Link != "https://cdn.example.com/v.mp4" || sent[0].Type != "video" || sent[0].ID != id.RequestID {
		t.Fatalf("media with an https URL goes by link: %v %+v", err, sent)
	}
	if len(f.p.Uploads()) != 0 {
		t.Fatalf("a link was uploaded: %+v", f.p.Uploads())
	}
}

func TestClientUpload(t *testing.T) {
	f := newClientFixture(t, whatsapp.Config{})
	ctx := context.Background()
	id, err := f.c.Upload(ctx, f.from, "image/png", tinyPNG())
	if err != nil || id == "" {
		t.Fatalf("Upload: %q %v", id, err)
	}
	if _, err := f.c.SendMedia(ctx, f.from, waCustomer, whatsapp.MediaMessage{Kind: whatsapp.KindImage, ID: id}); err != nil {
		t.Fatalf("sending the upload by ID: %v", err)
	}
	_, err = f.c.Upload(ctx, f.from, "image/jpeg", tinyPNG())
	if !errors.Is(err, whatsapp.ErrMediaRefused) {
		t.Fatalf("a PNG declared as JPEG: %v, want ErrMediaRefused (code 131053)", err)
	}
	if _, err := f.c.Upload(ctx, whatsapp.Number{PhoneNumberID: waPhone, Token: "wrong"}, "image/png", tinyPNG()); !errors.Is(err, whatsapp.ErrUnauthorized) {
		t.Fatalf("a wrong token: %v, want ErrUnauthorized", err)
	}
	f.p.SetFaults(whatsapptest.Faults{ServerErrors: 0.5, Seed: 3})
	for i := range 5 {
		if _, err := f.c.Upload(ctx, f.from, "image/png", tinyPNG()); err != nil {
			t.Fatalf("upload %d with half the answers failing: %v, want it retried", i, err)
		}
	}
}

// testdata is a media file of testdata/media (copies of the shared
// fixtures, all accepted by WhatsApp's rules).
func testdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "media", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
