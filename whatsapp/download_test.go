package whatsapp_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/media"
	"github.com/socialdesk/socialdesk/whatsapp"
	"github.com/socialdesk/socialdesk/whatsapp/whatsapptest"
)

func TestDownload(t *testing.T) {
	png := tinyPNG()
	pdf := []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
	big := bigJPEG(6_000_000)
	tests := []struct {
		name     string
		media    whatsapptest.Media
		kind     string
		want     error
		wantCode media.Code
		verdict  media.Kind
	}{
		{"an image is fetched and judged", whatsapptest.Media{Data: png, MIMEType: "image/png"}, whatsapp.KindImage, nil, "", media.KindImage},
		{"a document is fetched whatever it holds", whatsapptest.Media{Data: pdf, MIMEType: "application/pdf"}, whatsapp.KindDocument, nil, "", media.KindDocument},
		{"a 6 MB JPEG image is refused as too large by its Content-Length, unread", whatsapptest.Media{Data: big, MIMEType: "image/jpeg"}, whatsapp.KindImage, media.ErrTooLarge, media.CodeTooLarge, ""},
		{"an image sent as audio is refused", whatsapptest.Media{Data: png, MIMEType: "audio/ogg"}, whatsapp.KindAudio, media.ErrUnsupportedKind, media.CodeUnsupportedKind, media.KindImage},
		{"bytes that do not match Meta's checksum are refused", whatsapptest.Media{Data: png, MIMEType: "image/png", SHA256: "00"}, whatsapp.KindImage, whatsapp.ErrChecksum, "", media.KindImage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newClientFixture(t, whatsapp.Config{})
			tt.media.PhoneNumberID = waPhone
			f.p.AddMedia("m1", tt.media)
			var blobs enquiry.MemBlobs
			info, v, err := f.c.Download(context.Background(), f.from, "m1", tt.kind, media.WhatsApp, &blobs, "k")
			if !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if tt.wantCode != "" {
				var me *media.Error
				if !errors.As(err, &me) || me.Code != tt.wantCode {
					t.Fatalf("got %#v, want a media refusal %s", err, tt.wantCode)
				}
			}
			if v.Kind != tt.verdict || info.ID != "m1" {
				t.Fatalf("verdict %+v info %+v", v, info)
			}
			if err != nil {
				if n := blobs.Len(); n != 0 {
					t.Fatalf("%d blobs stored by a refused download; want none", n)
				}
				return
			}
			b, err := blobs.Open(context.Background(), "k")
			if err != nil {
				t.Fatal(err)
			}
			got := make([]byte, b.Size())
			if _, err := b.ReadAt(got, 0); err != nil || !bytes.Equal(got, tt.media.Data) || v.Size != int64(len(got)) {
				t.Fatalf("stored %d bytes (%v), verdict size %d; want the %d downloaded", len(got), err, v.Size, len(tt.media.Data))
			}
		})
	}
	t.Run("an unknown kind is refused before any call", func(t *testing.T) {
		f := newClientFixture(t, whatsapp.Config{})
		before := f.calls()
		if _, _, err := f.c.Download(context.Background(), f.from, "m1", "hologram", media.WhatsApp, &enquiry.MemBlobs{}, "k"); !errors.Is(err, whatsapp.ErrInvalidMessage) || f.calls() != before {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("no blob store is refused before any call", func(t *testing.T) {
		f := newClientFixture(t, whatsapp.Config{})
		before := f.calls()
		if _, _, err := f.c.Download(context.Background(), f.from, "m1", whatsapp.KindImage, media.WhatsApp, nil, "k"); !errors.Is(err, whatsapp.ErrInvalidMessage) || f.calls() != before {
			t.Fatalf("got %v", err)
		}
	})
}

func bigJPEG(n int) []byte {
	seg := func(marker byte, payload []byte) []byte {
		l := len(payload) + 2
		return append([]byte{0xFF, marker, byte(l >> 8), byte(l)}, payload...)
	}
	b := []byte{0xFF, 0xD8}
	b = append(b, seg(0xC0, []byte{8, 0, 16, 0, 16, 1, 1, 0x11, 0})...)
	b = append(b, seg(0xDA, []byte{1, 1, 0, 0, 63, 0})...)
	b = append(b, make([]byte, n)...)
	return append(b, 0xFF, 0xD9)
}
