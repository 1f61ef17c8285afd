package whatsapp_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

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
		{"a 6 MB JPEG image is refused as too large", whatsapptest.Media{Data: big, MIMEType: "image/jpeg"}, whatsapp.KindImage, media.ErrTooLarge, media.CodeTooLarge, media.KindImage},
		{"an image sent as audio is refused", whatsapptest.Media{Data: png, MIMEType: "audio/ogg"}, whatsapp.KindAudio, media.ErrUnsupportedKind, media.CodeUnsupportedKind, media.KindImage},
		{"bytes that do not match Meta's checksum are refused", whatsapptest.Media{Data: png, MIMEType: "image/png", SHA256: "00"}, whatsapp.KindImage, whatsapp.ErrChecksum, "", media.KindImage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newClientFixture(t, whatsapp.Config{})
			tt.media.PhoneNumberID = waPhone
			f.p.AddMedia("m1", tt.media)
			var dst bytes.Buffer
			info, v, err := f.c.Download(context.Background(), f.from, "m1", tt.kind, media.WhatsApp, &dst)
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
			if err == nil && !bytes.Equal(dst.Bytes(), tt.media.Data) {
				t.Fatalf("dst holds %d bytes, want %d", dst.Len(), len(tt.media.Data))
			}
			if errors.Is(err, media.ErrTooLarge) && dst.Len() > media.WhatsAppMaxImageBytes+64<<10 {
				t.Fatalf("read %d bytes of a refused download", dst.Len())
			}
		})
	}
	t.Run("an unknown kind is refused before any call", func(t *testing.T) {
		f := newClientFixture(t, whatsapp.Config{})
		before := f.calls()
		if _, _, err := f.c.Download(context.Background(), f.from, "m1", "hologram", media.WhatsApp, &bytes.Buffer{}); !errors.Is(err, whatsapp.ErrInvalidMessage) || f.calls() != before {
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
