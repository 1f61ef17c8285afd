package deskhttp

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzUpload sends the upload route what a client may: any body under any
// Content-Type, any duration. The answer is never a 5xx or a panic; a
// refusal is a JSON error.
func FuzzUpload(f *testing.F) {
	d := serveLINEDesk(f)
	body, ct := form(f, "duration", "1200", "file", string(fixture(f, "ok.m4a")))
	f.Add(body, ct, "")
	f.Add(string(fixture(f, "ok.png")), "image/png", "")
	f.Add(string(fixture(f, "ok.m4a")), "", "1200")
	f.Add("--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n\x89PNG\r\n--x--\r\n", "multipart/form-data; boundary=x", "-1")
	f.Add("", "multipart/form-data", "99999999999999999999")
	f.Fuzz(func(t *testing.T, body, contentType, duration string) {
		req := httptest.NewRequest("POST", "/api/enquiries/"+d.enq+"/media?duration="+url.QueryEscape(duration), strings.NewReader(body))
		req.Header.Set("Authorization", aliceAuth)
		req.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		d.h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusAccepted:
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
			if !strings.Contains(rec.Body.String(), `"error"`) {
				t.Fatalf("%d without a JSON error: %q", rec.Code, rec.Body.String())
			}
		default:
			t.Fatalf("answered %d %q", rec.Code, rec.Body.String())
		}
	})
}
