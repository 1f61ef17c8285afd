package deskhttp

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"
	"time"
)

// openAPIPath is where the Handler serves its API reference, to anyone:
// it holds no secret.
const openAPIPath = "/api/openapi.json"

// openAPIDocument is the OpenAPI 3.1 document of every route under /api/.
// The package's tests compare it with the route table and check every
// API test's response against it.
//
//go:embed openapi.json
var openAPIDocument []byte

// openAPIETag identifies this build's document, for conditional GETs.
var openAPIETag = func() string {
	sum := sha256.Sum256(openAPIDocument)
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}()

// OpenAPI returns the OpenAPI 3.1 document, as JSON, of the staff API a
// Handler serves: every route under /api/, its parameters, request and
// response bodies, status codes and the credentials it takes. A Handler
// serves the same bytes at GET /api/openapi.json. Each call returns a new
// copy; it is safe for concurrent use.
func OpenAPI() []byte { return bytes.Clone(openAPIDocument) }

// serveOpenAPI serves GET /api/openapi.json without a credential. The
// document changes only with the build, so clients may keep it for an
// hour and revalidate it with its ETag.
func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("ETag", openAPIETag)
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(openAPIDocument))
}
