package deskhttp

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/enquiry"
)

func TestTokenInTheQueryOnlyWhereABrowserCannotSendAHeader(t *testing.T) {
	const token = "t0k-right"
	d := serveDesk(t, Config{Auth: ServiceToken(token)})
	if _, err := d.desk.CreateChannel(context.Background(), enquiry.Channel{ID: "demo", Name: "Demo", Kind: "line"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, method, path, auth string
		want                     int
	}{
		{"a POST with the right token in the query is refused", "POST", "/api/channels/demo/suspend?access_token=" + token, "", 401},
		{"a POST with the token in the header and the query is refused", "POST", "/api/channels/demo/resume?access_token=" + token, "Bearer " + token, 401},
		{"a POST with the token in the header passes", "POST", "/api/channels/demo/resume", "Bearer " + token, 200},
		{"a GET of the API with the token in the query is refused", "GET", "/api/enquiries?access_token=" + token, "", 401},
		{"the event stream takes the token in the query", "GET", "/api/events?access_token=" + token, "", 200},
		{"the event stream refuses a wrong token in the query", "GET", "/api/events?access_token=nope", "", 401},
		{"the event stream refuses no token", "GET", "/api/events", "", 401},
		{"media take the token in the query", "GET", "/api/media/no-such-key?access_token=" + token, "", 404},
		{"media refuse no token", "GET", "/api/media/no-such-key", "", 401},
		{"a POST to the event stream's path with the token in the query is refused", "POST", "/api/events?access_token=" + token, "", 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, d.url+tc.path, strings.NewReader(`{}`))
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close() // ends a stream
			if res.StatusCode != tc.want {
				t.Fatalf("%s %s: %s, want %d", tc.method, tc.path, res.Status, tc.want)
			}
		})
	}
}

func TestLoopbackAcceptsOnlyLoopbackAddresses(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "[::1]:80": true, "localhost:80": true, "127.0.0.2:1": true,
		"0.0.0.0:8080": false, ":8080": false, "10.0.0.1:80": false, "example.com:80": false, "127.0.0.1": false,
	} {
		if got := Loopback(addr); got != want {
			t.Errorf("Loopback(%q) = %v, want %v", addr, got, want)
		}
	}
}
