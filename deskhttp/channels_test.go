package deskhttp

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestChannelManagementAPI(t *testing.T) {
	d := serveDesk(t, Config{})
	creds := `"secret":"0123456789abcdef0123456789abcdef","token":"tok"`
	for _, tc := range []struct {
		name, body string
		status     int
		code       string
	}{
		{"a valid channel", `{"id":"shop","name":"Shop",` + creds + `}`, 201, ""},
		{"the same ID again", `{"id":"shop","name":"Shop 2",` + creds + `}`, 409, "channel_exists"},
		{"a 41-character name", `{"id":"x","name":"` + strings.Repeat("a", 41) + `",` + creds + `}`, 422, "invalid"},
		{"no credentials", `{"id":"y","name":"Y"}`, 422, "invalid"},
		{"10,001 characters of custom info", `{"id":"z","name":"Z",` + creds + `,"customInfo":"` + strings.Repeat("i", 10001) + `"}`, 422, "invalid"},
		{"an unknown placeholder", `{"id":"w","name":"W",` + creds + `,"autoMessages":{"welcome":{"on":true,"text":"Hi {nobody}"}}}`, 422, "invalid"},
		{"an empty routing rule", `{"id":"v","name":"V",` + creds + `,"routing":{}}`, 422, "invalid_routing"},
		{"percentages totalling 120", `{"id":"u","name":"U",` + creds + `,"routing":{"percentage":[{"percent":70,"staff":"alice"},{"percent":50,"staff":"bob"}]}}`, 422, "invalid_routing"},
		{"an unknown name format", `{"id":"t","name":"T",` + creds + `,"autoMessages":{"nameFormat":"nickname"}}`, 422, "bad_name_format"},
		{"not JSON", `{"id":`, 400, "bad_json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, v := d.call(t, "POST", "/api/channels", tc.body)
			if status != tc.status || (tc.code != "" && errCode(v) != tc.code) {
				t.Fatalf("POST /api/channels: %d %v; want %d %s", status, v, tc.status, tc.code)
			}
		})
	}
	status, v := d.call(t, "GET", "/api/channels/shop", "")
	ch := v["channel"].(map[string]any)
	if status != 200 || ch["hasSecret"] != true || strings.Contains(mustJSON(v), "0123456789abcdef") {
		t.Fatalf("GET channel: %d %v (credentials must be write-only)", status, v)
	}
	status, v = d.call(t, "PATCH", "/api/channels/shop", `{"customInfo":"Open 24/7","customInfoOn":true,"routing":{"alternative":[{"staff":"alice"}]}}`)
	if status != 200 || v["channel"].(map[string]any)["customInfo"] != "Open 24/7" {
		t.Fatalf("PATCH channel: %d %v", status, v)
	}
	if status, v = d.call(t, "PATCH", "/api/channels/shop", `{"name":""}`); status != 422 {
		t.Fatalf("PATCH with an empty name: %d %v; want 422", status, v)
	}
	status, v = d.call(t, "PATCH", "/api/channels/shop", `{"routing":{"percentage":[{"percent":30,"staff":"alice"},{"percent":30,"staff":"bob"}]}}`)
	if msg, _ := v["error"].(map[string]any)["message"].(string); status != 422 || errCode(v) != "invalid_routing" || !strings.Contains(msg, "percentage") || !strings.Contains(msg, "total 60%") {
		t.Fatalf("PATCH with percentages totalling 60: %d %v; want 422 invalid_routing naming the rule and the sum", status, v)
	}
	if status, v = d.call(t, "PATCH", "/api/channels/shop", `{"autoMessages":{"nameFormat":"nickname"}}`); status != 422 || errCode(v) != "bad_name_format" {
		t.Fatalf("PATCH with an unknown name format: %d %v; want 422 bad_name_format", status, v)
	}
	if status, v = d.call(t, "POST", "/api/channels/shop/suspend", ""); status != 200 || v["channel"].(map[string]any)["state"] != "suspended" {
		t.Fatalf("suspend: %d %v", status, v)
	}
	if status, v = d.call(t, "POST", "/api/channels/shop/resume", ""); status != 200 || v["channel"].(map[string]any)["state"] != "active" {
		t.Fatalf("resume: %d %v", status, v)
	}
	if status, _ = d.call(t, "DELETE", "/api/channels/shop", ""); status != 200 {
		t.Fatalf("delete: %d", status)
	}
	if status, _ = d.call(t, "GET", "/api/channels/shop", ""); status != 404 {
		t.Fatalf("GET after delete: %d, want 404", status)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
