package main

import (
	"bytes"
	"image"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/line/linetest"
)

// TestStaffMediaReachLINEAtASignedURLUnderThePublicURL: with
// DESK_PUBLIC_URL, an image staff upload reaches the customer with a URL
// under it, which the desk serves without a credential.
func TestStaffMediaReachLINEAtASignedURLUnderThePublicURL(t *testing.T) {
	const public = "https://desk.example"
	d := startLINE(t, map[string]string{"DESK_PUBLIC_URL": public, "DESK_MEDIA_KEY": "a media key shared by the replicas"})
	d.addStaff("alice")
	const user = "U-cust-1"
	if got := d.send(linetest.TextEvent(user, "What does it look like?")); got != http.StatusOK {
		t.Fatalf("webhook: %d", got)
	}
	eventually(t, "the enquiry", func() bool { return len(d.enquiries("?state=open")) == 1 })
	id := d.enquiries("?state=open")[0]["id"].(string)
	if code, v := d.api("POST", "/api/enquiries/"+id+"/attend", `{"staff":"alice"}`); code != http.StatusOK {
		t.Fatalf("attend: %d %v", code, v)
	}
	var img bytes.Buffer
	png.Encode(&img, image.NewGray(image.Rect(0, 0, 4, 4)))
	if code, v := d.api("POST", "/api/enquiries/"+id+"/media?staff=alice", img.String(), "Content-Type", "image/png"); code != http.StatusOK {
		t.Fatalf("upload: %d %v", code, v)
	}
	var u string
	for _, p := range d.platform.Pushes() {
		for _, m := range p.Messages {
			if p.To == user && m.Type == "image" {
				u = m.OriginalContentURL
			}
		}
	}
	path, ok := strings.CutPrefix(u, public+"/media/")
	if !ok {
		t.Fatalf("the customer received the image at %q, want a URL under %s/media/", u, public)
	}
	res, err := http.Get(d.ts.URL + "/media/" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || !bytes.Equal(body, img.Bytes()) || res.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("GET the signed URL: %s, %d bytes of %q, want 200 and the image", res.Status, len(body), res.Header.Get("Content-Type"))
	}
	if strings.Contains(d.logs.String(), "a media key shared") {
		t.Error("the logs hold DESK_MEDIA_KEY")
	}
}
