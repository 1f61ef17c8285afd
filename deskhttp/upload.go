package deskhttp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/uuid"
	"github.com/socialdesk/socialdesk/media"
)

// MaxPreviewBytes bounds the preview image an upload may come with:
// LINE's limit for preview images, 1 MB.
const MaxPreviewBytes = 1_000_000

// uploadOverhead is what an upload's body may hold beside the content:
// multipart headers, the duration and staff fields and the preview.
const uploadOverhead = MaxPreviewBytes + 64<<10

// formats are the media formats an upload may be, with the file name
// extension their blob key gets and the Content-Type they are served with.
var formats = map[media.Format]struct{ ext, typ string }{
	media.FormatPNG:       {"png", "image/png"},
	media.FormatJPEG:      {"jpg", "image/jpeg"},
	media.FormatAAC:       {"aac", "audio/aac"},
	media.FormatM4A:       {"m4a", "audio/mp4"},
	media.FormatMP3:       {"mp3", "audio/mpeg"},
	media.FormatMPEGAudio: {"mpga", "audio/mpeg"},
	media.FormatWAV:       {"wav", "audio/wav"},
	media.FormatAMR:       {"amr", "audio/amr"},
	media.FormatAMRWB:     {"awb", "audio/amr-wb"},
	media.FormatOgg:       {"ogg", "audio/ogg"},
	media.FormatMP4:       {"mp4", "video/mp4"},
	media.Format3GP:       {"3gp", "video/3gpp"},
}

// blobType is the Content-Type of the blob under key: from the extension
// an upload's key has, else judged from its first bytes.
func blobType(key string, b enquiry.Blob) string {
	ext := strings.TrimPrefix(path.Ext(key), ".")
	for _, f := range formats {
		if f.ext == ext {
			return f.typ
		}
	}
	head := make([]byte, 512)
	n, _ := b.ReadAt(head, 0)
	return http.DetectContentType(head[:n])
}

// upload is what an upload request carries.
type upload struct {
	file     *os.File // the content, spooled
	size     int64
	preview  []byte // nil: none
	duration time.Duration
}

// uploadMedia serves POST /api/enquiries/{id}/media: staff send an image,
// audio or video file, as the whole body or as the "file" part of a
// multipart form, with optionally a "preview" image and the audio's
// "duration" in milliseconds (which the query may give instead); a
// service credential names the staff member in the query (?staff=). The
// file is judged by the media policy of the enquiry's channel kind before
// anything is stored: a refusal is 422 with the rule's code and reason,
// and nothing is stored or sent. An accepted file is stored in the blob
// store and sent as a staff message, answered as POST …/messages is.
func (h *Handler) uploadMedia(w http.ResponseWriter, r *http.Request) {
	if h.cfg.Blobs == nil {
		writeError(w, http.StatusUnprocessableEntity, "no_blob_store", "this desk has no blob store configured for media")
		return
	}
	e, err := h.cfg.Desk.Enquiry(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	staff, ok := h.actor(w, r, q.Get("staff"))
	if !ok {
		return
	}
	// Refused before the body is read: a large upload is not read for
	// nothing. Send checks all of it again.
	switch {
	case e.State == enquiry.Closed:
		h.fail(w, r, enquiry.ErrClosed)
		return
	case !e.MayWrite(staff):
		h.fail(w, r, enquiry.ErrNotOwner)
		return
	}
	policy, err := h.cfg.Desk.MediaPolicy(r.Context(), e.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	limit := max(policy.Limit(media.KindImage), policy.Limit(media.KindAudio), policy.Limit(media.KindVideo))
	r.Body = http.MaxBytesReader(w, r.Body, limit+uploadOverhead)
	up, err := readUpload(r)
	if up.file != nil {
		defer func() {
			up.file.Close()
			os.Remove(up.file.Name())
		}()
	}
	if errors.Is(err, errSpool) {
		h.fail(w, r, err) // the host's disk: 500, logged
		return
	}
	if err != nil {
		uploadError(w, err, limit)
		return
	}
	if q.Has("duration") {
		if up.duration, err = parseDuration(q.Get("duration")); err != nil {
			uploadError(w, err, limit)
			return
		}
	}
	v, err := policy.Check(up.file, up.size)
	if err == nil {
		_, err = up.file.Seek(0, io.SeekStart)
	}
	if err != nil {
		h.fail(w, r, err) // a *media.Error: 422 with its code and reason
		return
	}
	if v.Kind == media.KindImage && up.preview == nil && v.Size > MaxPreviewBytes {
		// Too large to be its own preview on LINE: draw one.
		if up.preview, err = drawPreview(up.file); err != nil {
			writeError(w, http.StatusUnprocessableEntity, "preview_needed", "An image over 1 MB needs a preview image, and the desk could not draw one of this image: send one (JPEG or PNG, at most 1 MB) as the preview part.")
			return
		}
	}
	ref, no := describe(v, up)
	if no != nil {
		writeError(w, http.StatusUnprocessableEntity, no.Code, no.Reason)
		return
	}
	keys, err := h.store(r, e.ID, ref, up)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	m, err := h.cfg.Desk.Send(r.Context(), e.ID, staff, enquiry.Content{Kind: enquiry.ContentKind(v.Kind), Media: ref})
	if err != nil {
		h.forget(r, keys)
		h.fail(w, r, err)
		return
	}
	h.answerSent(w, r, m)
}

// refusal is an upload the API refuses although its content passes the
// media policy: 422 with Code and Reason.
type refusal struct{ Code, Reason string }

func (r *refusal) Error() string { return "deskhttp: " + r.Code + ": " + r.Reason }

// describe returns the MediaRef of accepted content v, checking that the
// upload has what the kind needs: an image or video may come with a
// preview image (JPEG or PNG of at most MaxPreviewBytes), which a video
// needs; audio needs its duration.
func describe(v media.Verdict, up upload) (*enquiry.MediaRef, *refusal) {
	ref := &enquiry.MediaRef{Kind: v.Kind, Format: v.Format, Size: v.Size, Duration: up.duration}
	switch v.Kind {
	case media.KindImage, media.KindVideo:
		if up.preview == nil {
			if v.Kind == media.KindVideo {
				return nil, &refusal{"preview_needed", "A video needs a preview image to show before it plays: send one (JPEG or PNG, at most 1 MB) as the preview part."}
			}
			break
		}
		pv, err := media.Policy{MaxImageBytes: MaxPreviewBytes}.Check(bytes.NewReader(up.preview), int64(len(up.preview)))
		if me, ok := errors.AsType[*media.Error](err); ok {
			return nil, &refusal{"bad_preview", "The preview image cannot be used: " + me.Reason}
		}
		if err != nil || pv.Kind != media.KindImage {
			return nil, &refusal{"bad_preview", "The preview must be a JPEG or PNG image of at most 1 MB."}
		}
		ref.PreviewKey = string(pv.Format) // the format, until stored
	case media.KindAudio:
		if up.duration <= 0 {
			return nil, &refusal{"duration_needed", "Say how long the audio is: the duration field (or query parameter), in milliseconds."}
		}
	default:
		return nil, &refusal{string(media.CodeUnsupportedKind), "Only images, audio and video can be uploaded here; this file is " + string(v.Kind) + " content."}
	}
	return ref, nil
}

// store puts the upload's content (and preview) in the blob store under
// new keys, "staff/{enquiry}/{uuid}.{ext}", which it sets on ref and
// returns.
func (h *Handler) store(r *http.Request, enq string, ref *enquiry.MediaRef, up upload) ([]string, error) {
	base := "staff/" + enq + "/" + uuid.New()
	ref.Key = base + "." + formats[ref.Format].ext
	if _, err := up.file.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	if _, err := h.cfg.Blobs.Put(r.Context(), ref.Key, up.file); err != nil {
		return nil, fmt.Errorf("storing an upload: %w", err)
	}
	keys := []string{ref.Key}
	if ref.PreviewKey != "" {
		ref.PreviewKey = base + "-preview." + formats[media.Format(ref.PreviewKey)].ext
		if _, err := h.cfg.Blobs.Put(r.Context(), ref.PreviewKey, bytes.NewReader(up.preview)); err != nil {
			h.forget(r, keys)
			return nil, fmt.Errorf("storing an upload's preview: %w", err)
		}
		keys = append(keys, ref.PreviewKey)
	}
	return keys, nil
}

// forget removes the blobs under keys, when the blob store can.
func (h *Handler) forget(r *http.Request, keys []string) {
	d, ok := h.cfg.Blobs.(enquiry.BlobDeleter)
	if !ok {
		return
	}
	for _, k := range keys {
		if err := d.Delete(r.Context(), k); err != nil {
			h.log.WarnContext(r.Context(), "removing an upload that was not sent", "key", k, "err", err)
		}
	}
}

// errUpload is a request whose body is not an upload the API takes.
type errUpload struct{ msg string }

func (e errUpload) Error() string { return e.msg }

// uploadError answers an upload that could not be read: 413 past the
// cap, 400 for a body that is not an upload.
func uploadError(w http.ResponseWriter, err error, limit int64) {
	var (
		tooBig *http.MaxBytesError
		bad    errUpload
	)
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("the upload is larger than %d bytes, the most this channel's platform takes", limit))
	case errors.As(err, &bad):
		writeError(w, http.StatusBadRequest, "bad_upload", bad.msg)
	default:
		writeError(w, http.StatusBadRequest, "bad_upload", "the upload could not be read: send the file as the body, or as the file part of a multipart/form-data body")
	}
}

// readUpload reads the upload in r's body into a temporary file (the
// caller removes it): the whole body, or the parts of a multipart form.
func readUpload(r *http.Request) (upload, error) {
	var up upload
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		err := up.spool(r.Body)
		return up, err
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return up, errUpload{"the multipart body has no boundary"}
	}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return up, err
		}
		switch name := p.FormName(); name {
		case "file":
			if up.file != nil {
				return up, errUpload{"send one file part"}
			}
			if err := up.spool(p); err != nil {
				return up, err
			}
		case "preview":
			if up.preview, err = io.ReadAll(io.LimitReader(p, MaxPreviewBytes+1)); err != nil {
				return up, err
			}
		case "duration":
			b, err := io.ReadAll(io.LimitReader(p, 100))
			if err != nil {
				return up, err
			}
			if up.duration, err = parseDuration(string(b)); err != nil {
				return up, err
			}
		default:
			return up, errUpload{fmt.Sprintf("unknown part %q: an upload has the parts file, preview and duration", name)}
		}
	}
	if up.file == nil {
		return up, errUpload{"the multipart body has no file part"}
	}
	return up, nil
}

// errSpool: an upload could not be written to a temporary file.
var errSpool = errors.New("deskhttp: spooling an upload to a temporary file")

// spool copies r into a new temporary file.
func (up *upload) spool(r io.Reader) error {
	f, err := os.CreateTemp("", "deskhttp-upload-*")
	if err != nil {
		return fmt.Errorf("%w: %w", errSpool, err)
	}
	up.file = f
	var werr error
	up.size, err = io.Copy(writerFunc(func(p []byte) (int, error) {
		n, err := f.Write(p)
		werr = err
		return n, err
	}), r)
	if werr != nil {
		return fmt.Errorf("%w: %w", errSpool, werr)
	}
	if err == nil && up.size == 0 {
		err = errUpload{"the upload is empty: send the file as the body, or as the file part of a multipart/form-data body"}
	}
	return err
}

// writerFunc is an io.Writer of a function.
type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// parseDuration parses a duration in milliseconds.
func parseDuration(s string) (time.Duration, error) {
	ms, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || ms <= 0 || ms > int64(24*time.Hour/time.Millisecond) {
		return 0, errUpload{"duration is the audio's length in milliseconds: a whole number from 1 to 86,400,000"}
	}
	return time.Duration(ms) * time.Millisecond, nil
}
