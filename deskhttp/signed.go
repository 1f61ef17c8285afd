package deskhttp

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// DefaultMediaTTL is how long a signed media URL stays valid unless
// MediaLinks.TTL says otherwise: a week. The LINE app downloads media
// lazily, when the customer opens the chat, hours or days after the
// message was sent; a URL that expires sooner leaves the customer with
// an image that never loads.
const DefaultMediaTTL = 7 * 24 * time.Hour

// signedMediaPath is where the Handler serves media to the platforms,
// without a credential: the URL's signature is the credential.
const signedMediaPath = "/media/"

// MediaLinks configures the signed media URLs the Handler makes for the
// platforms (Handler.MediaURL) and serves at /media/{key}. A URL carries
// its expiry and an HMAC-SHA256 signature of the key and expiry, so
// whoever has it may fetch that content until it expires, and nothing
// else. The zero value signs nothing (no PublicURL). A MediaLinks is a
// plain value, safe to share.
type MediaLinks struct {
	// PublicURL is the https base URL the platforms reach this Handler
	// at, such as "https://desk.example.com" (a path prefix is kept).
	// Empty, or not https: MediaURL returns ErrNoPublicURL, as LINE
	// fetches media only over https.
	PublicURL string
	// Key signs and verifies the URLs; use 32 random bytes or more.
	// Replicas behind one load balancer must share it, so that a URL one
	// of them made verifies on every other, and so must a process that
	// restarts, for the URLs it made to keep working. Empty: New makes a
	// random key for this process alone, and logs a warning saying so.
	Key enquiry.Secret
	// TTL is how long a URL stays valid; zero means DefaultMediaTTL.
	TTL time.Duration
}

// ErrNoPublicURL is MediaURL's error when Config.Media.PublicURL is not
// an https URL: the platforms could not fetch the content.
var ErrNoPublicURL = errors.New("deskhttp: media cannot be sent: set Config.Media.PublicURL (DESK_PUBLIC_URL) to the desk's public https address")

// Signed-URL refusals, the 403 answers of GET /media/{key}.
var (
	errBadSignature = errors.New("the media link is not valid: its signature does not match")
	errExpired      = errors.New("the media link has expired: ask the sender for the content again")
)

// signer makes and checks signed media URLs. It is a plain value, safe
// for concurrent use.
type signer struct {
	key  []byte
	base string // PublicURL without a trailing slash; "" when not https
	ttl  time.Duration
	now  func() time.Time
}

// newSigner returns the signer of cfg, with a random key when cfg has
// none (generated reports that).
func newSigner(cfg MediaLinks, now func() time.Time) (s signer, generated bool) {
	s = signer{key: []byte(cfg.Key.Reveal()), ttl: orDefault(cfg.TTL, DefaultMediaTTL), now: now}
	if len(s.key) == 0 {
		s.key, generated = make([]byte, 32), true
		rand.Read(s.key) // never fails (crypto/rand)
	}
	if u, err := url.Parse(cfg.PublicURL); err == nil && u.Scheme == "https" && u.Host != "" {
		s.base = strings.TrimSuffix(cfg.PublicURL, "/")
	}
	return s, generated
}

// mac is the signature of key valid until expires.
func (s signer) mac(key string, expires int64) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("socialdesk media v1\x00"))
	m.Write([]byte(key))
	m.Write([]byte{0})
	m.Write([]byte(strconv.FormatInt(expires, 10)))
	return m.Sum(nil)
}

// sign returns the path and query of the URL of key, valid for the TTL
// from now (rounded up to the second).
func (s signer) sign(key string) string {
	exp := s.now().Add(s.ttl + time.Second - 1).Unix()
	return signedMediaPath + escapeKey(key) + "?expires=" + strconv.FormatInt(exp, 10) +
		"&sig=" + base64.RawURLEncoding.EncodeToString(s.mac(key, exp))
}

// escapeKey escapes each of key's slash-separated segments for a path.
func escapeKey(key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// signedLink is a parsed signed media URL.
type signedLink struct {
	Key     string
	Expires int64 // Unix seconds
	Sig     []byte
}

// parseSignedLink parses the key (the path after /media/, unescaped) and
// query of a signed media URL. It checks the form only; verify checks
// the signature and the expiry.
func parseSignedLink(key string, q url.Values) (signedLink, error) {
	exp, sig := q["expires"], q["sig"]
	if key == "" || len(exp) != 1 || len(sig) != 1 {
		return signedLink{}, errBadSignature
	}
	e := exp[0]
	// Digits only, without leading zeros: one spelling per expiry.
	if e == "" || len(e) > 19 || strings.TrimLeft(e, "0123456789") != "" || (e[0] == '0' && e != "0") {
		return signedLink{}, errBadSignature
	}
	n, err := strconv.ParseInt(e, 10, 64)
	if err != nil {
		return signedLink{}, errBadSignature
	}
	if len(sig[0]) != base64.RawURLEncoding.EncodedLen(sha256.Size) {
		return signedLink{}, errBadSignature
	}
	// The decoder skips \r and \n, so only the decoded length proves that
	// every one of the 43 characters was part of the signature.
	b, err := base64.RawURLEncoding.Strict().DecodeString(sig[0])
	if err != nil || len(b) != sha256.Size {
		return signedLink{}, errBadSignature
	}
	return signedLink{Key: key, Expires: n, Sig: b}, nil
}

// verify says whether l was signed with s's key (errBadSignature) and has
// not expired (errExpired).
func (s signer) verify(l signedLink) error {
	if !hmac.Equal(l.Sig, s.mac(l.Key, l.Expires)) {
		return errBadSignature
	}
	if !s.now().Before(time.Unix(l.Expires, 0)) {
		return errExpired
	}
	return nil
}

// MediaURL returns the signed https URLs of ref's content and of its
// preview image (ref.PreviewKey; "" when it has none), valid for
// Config.Media.TTL. Its signature is that of line.Config.MediaURL: a host
// wires it there, so LINE's image, audio and video messages carry URLs
// this Handler serves at /media/{key}. It returns ErrNoPublicURL without
// an https Config.Media.PublicURL. It is safe for concurrent use.
func (h *Handler) MediaURL(ctx context.Context, ref enquiry.MediaRef) (original, preview string, err error) {
	if h.signer.base == "" {
		return "", "", ErrNoPublicURL
	}
	if ref.Key == "" {
		return "", "", errors.New("deskhttp: the media has no key in the blob store")
	}
	original = h.signer.base + h.signer.sign(ref.Key)
	if ref.PreviewKey != "" {
		preview = h.signer.base + h.signer.sign(ref.PreviewKey)
	}
	return original, preview, nil
}

// serveSigned serves GET /media/{key...}: the content of a signed media
// URL, with its Content-Type and Content-Length and range requests, to
// anyone who has the URL until it expires; 403 otherwise.
func (h *Handler) serveSigned(w http.ResponseWriter, r *http.Request) {
	l, err := parseSignedLink(r.PathValue("key"), r.URL.Query())
	if err == nil {
		err = h.signer.verify(l)
	}
	if err != nil {
		code := "bad_signature"
		if errors.Is(err, errExpired) {
			code = "expired"
		}
		writeError(w, http.StatusForbidden, code, err.Error())
		return
	}
	if h.cfg.Blobs == nil {
		writeError(w, http.StatusNotFound, "not_found", "not found")
		return
	}
	b, err := h.cfg.Blobs.Open(r.Context(), l.Key)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	defer b.Close()
	hd := w.Header()
	hd.Set("Content-Type", blobType(l.Key, b))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	// Caches may keep it while the link is valid: the content under a
	// key never changes.
	if left := time.Unix(l.Expires, 0).Sub(h.cfg.Now()); left > 0 {
		hd.Set("Cache-Control", "public, max-age="+strconv.FormatInt(int64(left/time.Second), 10))
	}
	http.ServeContent(w, r, "", time.Time{}, readSeeker(b))
}
