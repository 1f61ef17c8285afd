package enquiry_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

var tokenForm = regexp.MustCompile(`^sdk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$`)

func TestNewToken(t *testing.T) {
	now := time.Date(2026, 12, 3, 6, 0, 0, 0, time.UTC)
	plain, tok := enquiry.NewToken("alice", now)
	if !tokenForm.MatchString(plain.Reveal()) {
		t.Fatalf("the plain token %q is not sdk_<16 hex>_<43 base64url>", plain.Reveal())
	}
	id, ok := enquiry.ParseToken(plain)
	if !ok || id != tok.ID || tok.Staff != "alice" || !tok.Created.Equal(now) || !tok.Revoked.IsZero() {
		t.Fatalf("NewToken = %+v, ParseToken = %q, %v; want the token's ID, alice, created now", tok, id, ok)
	}
	if tok.Hash != enquiry.TokenHash(plain) || len(tok.Hash.Reveal()) != 64 || strings.Contains(tok.Hash.Reveal(), plain.Reveal()[24:]) {
		t.Fatal("the stored hash is not the SHA-256 of the plain token")
	}
	if err := tok.Validate(); err != nil {
		t.Fatalf("a new token is not valid: %v", err)
	}
	if s := fmt.Sprint(plain, tok); strings.Contains(s, plain.Reveal()) || strings.Contains(s, tok.Hash.Reveal()) {
		t.Fatalf("the token prints its secret: %s", s)
	}
	seen := map[string]bool{}
	for range 100 {
		p, tk := enquiry.NewToken("alice", now)
		if seen[p.Reveal()] || seen[tk.ID] {
			t.Fatal("NewToken repeated a token or an ID in 100")
		}
		seen[p.Reveal()], seen[tk.ID] = true, true
	}
}

func TestTokenHashIsSHA256(t *testing.T) {
	// printf sdk_x | sha256sum
	if got := enquiry.TokenHash("sdk_x").Reveal(); got != "24579d0be88eecd95f7e527bec9599dcb107e82b6bd6231684f3cfb2a0b62353" {
		t.Fatalf("TokenHash(sdk_x) = %q, want its SHA-256 in hex", got)
	}
}

func TestParseTokenRefusesOtherForms(t *testing.T) {
	plain, _ := enquiry.NewToken("alice", time.Now())
	p := plain.Reveal()
	tests := []struct {
		name  string
		plain string
	}{
		{"an empty token", ""},
		{"the prefix alone", "sdk_"},
		{"another prefix", "sdq_" + p[4:]},
		{"an upper-case prefix", "SDK_" + p[4:]},
		{"an upper-case ID", "sdk_" + strings.ToUpper(p[4:20]) + p[20:]},
		{"an ID that is not hex", "sdk_0123456789abcdeg" + p[20:]},
		{"a short ID", "sdk_0123456789abcde" + p[20:]},
		{"no secret", p[:21]},
		{"a short secret", p[:len(p)-1]},
		{"a long secret", p + "A"},
		{"a padded secret", p + "="},
		{"a secret in standard base64", p[:21] + strings.Repeat("+", 43)},
		{"a space after the token", p + " "},
		{"a Bearer prefix", "Bearer " + p},
		{"a DESK_TOKEN-like secret", "s3cret-desk-token"},
	}
	for _, tc := range tests {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			if id, ok := enquiry.ParseToken(enquiry.Secret(tc.plain)); ok {
				t.Fatalf("ParseToken(%q) = %q, true", tc.plain, id)
			}
		})
	}
}

// finder is a TokenFinder that answers what it is told and counts calls.
type finder struct {
	tok   enquiry.Token
	acc   enquiry.Account
	err   error
	calls int
}

func (f *finder) TokenByHash(ctx context.Context, hash enquiry.Secret) (enquiry.Token, enquiry.Account, error) {
	f.calls++
	return f.tok, f.acc, f.err
}

func TestCheckToken(t *testing.T) {
	plain, tok := enquiry.NewToken("alice", time.Now())
	alice := enquiry.Account{ID: "alice", First: "Alice", Role: enquiry.RoleStaff}
	other, otherTok := enquiry.NewToken("alice", time.Now())
	storeDown := errors.New("store: connection refused")
	tests := []struct {
		name    string
		plain   enquiry.Secret
		f       finder
		want    error
		lookups int
	}{
		{"a known token of an enabled account checks", plain, finder{tok: tok, acc: alice}, nil, 1},
		{"a malformed token is refused without a lookup", "sdk_nope", finder{tok: tok, acc: alice}, enquiry.ErrBadToken, 0},
		{"an unknown token is refused", plain, finder{err: enquiry.ErrNotFound}, enquiry.ErrBadToken, 1},
		{"a store that gives another token's record is refused", other, finder{tok: tok, acc: alice}, enquiry.ErrBadToken, 1},
		{"a record with the hash but another ID is refused", plain, finder{tok: enquiry.Token{ID: otherTok.ID, Staff: "alice", Hash: tok.Hash}, acc: alice}, enquiry.ErrBadToken, 1},
		{"a record of another account is refused", plain, finder{tok: tok, acc: enquiry.Account{ID: "bob", Role: enquiry.RoleAdmin}}, enquiry.ErrBadToken, 1},
		{"a revoked token is refused even if the store returns it", plain, finder{tok: enquiry.Token{ID: tok.ID, Staff: "alice", Hash: tok.Hash, Revoked: time.Now()}, acc: alice}, enquiry.ErrBadToken, 1},
		{"a disabled account is refused even if the store returns it", plain, finder{tok: tok, acc: enquiry.Account{ID: "alice", Role: enquiry.RoleStaff, Disabled: true}}, enquiry.ErrBadToken, 1},
		{"a store failure is the store's error, not a refusal", plain, finder{err: storeDown}, storeDown, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gotTok, gotAcc, err := enquiry.CheckToken(t.Context(), &tc.f, tc.plain)
			if (tc.want == nil) != (err == nil) || !errors.Is(err, tc.want) ||
				(tc.want == storeDown && errors.Is(err, enquiry.ErrBadToken)) {
				t.Fatalf("CheckToken: err = %v, want %v", err, tc.want)
			}
			if tc.f.calls != tc.lookups {
				t.Fatalf("CheckToken looked up %d times, want %d", tc.f.calls, tc.lookups)
			}
			if tc.want == nil && (gotTok.ID != tok.ID || gotAcc.ID != "alice") {
				t.Fatalf("CheckToken = %s of %s, want %s of alice", gotTok.ID, gotAcc.ID, tok.ID)
			}
			if tc.want != nil && (gotTok.ID != "" || gotAcc.ID != "") {
				t.Fatalf("a refused token gave %s of %s", gotTok.ID, gotAcc.ID)
			}
			if err != nil && strings.Contains(err.Error(), tc.plain.Reveal()) {
				t.Fatalf("the error quotes the token: %v", err)
			}
		})
	}
}

func FuzzParseToken(f *testing.F) {
	plain, _ := enquiry.NewToken("alice", time.Now())
	f.Add(plain.Reveal())
	f.Add("")
	f.Add("sdk_0123456789abcdef_")
	f.Add("sdk_0123456789abcdef_" + strings.Repeat("_", 43))
	f.Fuzz(func(t *testing.T, s string) {
		id, ok := enquiry.ParseToken(enquiry.Secret(s))
		// The form, with a last character that ends 32 bytes exactly
		// (its unused low bits zero).
		canonical := tokenForm.MatchString(s) && strings.ContainsRune("AEIMQUYcgkosw048", rune(s[len(s)-1]))
		if ok != canonical {
			t.Fatalf("ParseToken(%q) = %v, want %v", s, ok, canonical)
		}
		if ok && s[4:20] != id {
			t.Fatalf("ParseToken(%q) = %q, want the ID it holds", s, id)
		}
	})
}

func BenchmarkCheckToken(b *testing.B) {
	s := enquiry.NewMemStore()
	if err := s.CreateAccount(b.Context(), enquiry.Account{ID: "alice", First: "Alice", Role: enquiry.RoleStaff}); err != nil {
		b.Fatal(err)
	}
	plain, tok := enquiry.NewToken("alice", time.Now())
	if err := s.CreateToken(b.Context(), tok); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := enquiry.CheckToken(b.Context(), s, plain); err != nil {
			b.Fatal(err)
		}
	}
}
