package media_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/media"
)

func TestErrorsMatchTheirSentinelAndNoOther(t *testing.T) {
	sentinels := map[media.Code]error{
		media.CodeTooLarge:          media.ErrTooLarge,
		media.CodeUnsupportedFormat: media.ErrUnsupportedFormat,
		media.CodeUnsupportedCodec:  media.ErrUnsupportedCodec,
		media.CodeMultipleAudio:     media.ErrMultipleAudio,
		media.CodeMalformed:         media.ErrMalformed,
		media.CodeTextTooLong:       media.ErrTextTooLong,
		media.CodeEmptyText:         media.ErrEmptyText,
		media.CodeUnsupportedKind:   media.ErrUnsupportedKind,
	}
	for c, s := range sentinels {
		err := error(&media.Error{Code: c, Reason: "Because."})
		for c2, s2 := range sentinels {
			if got := errors.Is(err, s2); got != (c == c2) {
				t.Errorf("errors.Is(%s error, sentinel of %s) = %v", c, c2, got)
			}
		}
		if !errors.Is(err, &media.Error{Code: c}) {
			t.Errorf("%s error does not match an *Error of the same code", c)
		}
		if !strings.Contains(err.Error(), string(c)) || !strings.HasPrefix(s.Error(), "media: ") {
			t.Errorf("messages: %q / %q", err.Error(), s.Error())
		}
	}
}

func TestRefusalsCarryCodeReasonKindAndFormat(t *testing.T) {
	_, err := judge(t, media.Policy{}, movie(trak("vide", visual("hvc1")), aacTrak))
	var e *media.Error
	if !errors.As(err, &e) {
		t.Fatalf("got %T %v, want *media.Error", err, err)
	}
	if e.Code != media.CodeUnsupportedCodec || e.Kind != media.KindVideo || e.Format != media.FormatMP4 {
		t.Fatalf("got %+v", e)
	}
	if !strings.Contains(e.Reason, "HEVC") || !strings.Contains(e.Reason, "H.264") {
		t.Fatalf("reason %q should name the codec found and the one accepted", e.Reason)
	}
	_, err = judge(t, media.Policy{MaxImageBytes: 50}, pngFile(100))
	if !errors.As(err, &e) || !strings.Contains(e.Reason, "50 bytes") {
		t.Fatalf("too-large reason should state the limit: %v", err)
	}
	_, err = judge(t, media.Policy{}, bigPNGBytes())
	if !errors.As(err, &e) || !strings.Contains(e.Reason, "10 MB") {
		t.Fatalf("too-large reason should state LINE's limit in MB: %v", err)
	}
}

func bigPNGBytes() []byte { return pngFile(10_000_000) }
