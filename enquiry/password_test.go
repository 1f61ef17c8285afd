package enquiry_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/enquiry"
)

func TestHashPasswordRefusesWeakAndOversizedPasswords(t *testing.T) {
	tests := []struct {
		name     string
		password string
		ok       bool
	}{
		{"an empty password is refused", "", false},
		{"11 characters are refused", "abcdefghijk", false},
		{"12 characters are accepted", "abcdefghijkl", true},
		{"11 two-byte characters are refused, though 22 bytes", strings.Repeat("é", 11), false},
		{"12 two-byte characters are accepted", strings.Repeat("é", 12), true},
		{"1024 bytes are accepted", strings.Repeat("a", enquiry.MaxPassword), true},
		{"1025 bytes are refused", strings.Repeat("a", enquiry.MaxPassword+1), false},
		{"a password that is not UTF-8 is refused", "abcdefghijkl\xff", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hash, err := enquiry.HashPassword(tc.password)
			if tc.ok {
				if err != nil || !enquiry.CheckPassword(hash, tc.password) {
					t.Fatalf("HashPassword = %v; want a hash that checks", err)
				}
				return
			}
			var verr *enquiry.ValidationError
			if !errors.As(err, &verr) || verr.Field != "password" || !errors.Is(err, enquiry.ErrInvalid) || !hash.IsZero() {
				t.Fatalf("HashPassword = %v, %v; want a ValidationError of the password and no hash", hash, err)
			}
			if tc.password != "" && strings.Contains(err.Error(), tc.password) {
				t.Fatalf("the error quotes the password: %v", err)
			}
		})
	}
}

func TestHashPasswordIsSaltedArgon2id(t *testing.T) {
	const pw = "correct horse battery staple"
	a, err := enquiry.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	b, err := enquiry.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []enquiry.Secret{a, b} {
		if !strings.HasPrefix(h.Reveal(), "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Count(h.Reveal(), "$") != 5 {
			t.Fatalf("hash %q is not an argon2id PHC string with the documented parameters", h.Reveal())
		}
		if strings.Contains(h.Reveal(), pw) {
			t.Fatal("the hash holds the password")
		}
	}
	if a == b {
		t.Fatal("two hashes of one password are equal: no random salt")
	}
	if !enquiry.CheckPassword(a, pw) || !enquiry.CheckPassword(b, pw) {
		t.Fatal("a hash does not check its password")
	}
}

func TestCheckPasswordRefuses(t *testing.T) {
	const pw = "correct horse battery staple"
	good, err := enquiry.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good.Reveal(), "$") // "", argon2id, v=19, params, salt, key
	with := func(i int, v string) enquiry.Secret {
		p := append([]string(nil), parts...)
		p[i] = v
		return enquiry.Secret(strings.Join(p, "$"))
	}
	tests := []struct {
		name     string
		hash     enquiry.Secret
		password string
	}{
		{"a wrong password", good, "correct horse battery stapler"},
		{"the password with other case", good, strings.ToUpper(pw)},
		{"an empty password", good, ""},
		{"a password of more than MaxPassword bytes", good, pw + strings.Repeat("x", enquiry.MaxPassword)},
		{"an empty hash (an account without a password)", "", pw},
		{"a hash that is the password", enquiry.Secret(pw), pw},
		{"argon2i, not argon2id", with(1, "argon2i"), pw},
		{"another argon2 version", with(2, "v=16"), pw},
		{"parameters out of order", with(3, "t=2,m=19456,p=1"), pw},
		{"extra parameters", with(3, "m=19456,t=2,p=1,x=1"), pw},
		{"a gigabyte of memory", with(3, "m=1048576,t=2,p=1"), pw},
		{"a thousand passes", with(3, "m=19456,t=1000,p=1"), pw},
		{"no passes", with(3, "m=19456,t=0,p=1"), pw},
		{"no lanes", with(3, "m=19456,t=2,p=0"), pw},
		{"a salt that is not base64", with(4, "!!!!"), pw},
		{"a short salt", with(4, "c2FsdA"), pw},
		{"a key that is not base64", with(5, "*"), pw},
		{"another key", with(5, "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U"), pw},
		{"a truncated hash", enquiry.Secret(good.Reveal()[:len(good.Reveal())-10]), pw},
		{"a hash with a field more", good + "$x", pw},
	}
	for _, tc := range tests {
		t.Run(tc.name+" does not check", func(t *testing.T) {
			if enquiry.CheckPassword(tc.hash, tc.password) {
				t.Fatal("CheckPassword = true")
			}
		})
	}
	t.Run("the hash itself still checks its password", func(t *testing.T) {
		if !enquiry.CheckPassword(good, pw) {
			t.Fatal("CheckPassword = false")
		}
	})
}

func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := enquiry.HashPassword("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheckPassword(b *testing.B) {
	hash, err := enquiry.HashPassword("correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("the right password", func(b *testing.B) {
		for b.Loop() {
			enquiry.CheckPassword(hash, "correct horse battery staple")
		}
	})
	b.Run("an account without a password", func(b *testing.B) {
		for b.Loop() {
			enquiry.CheckPassword("", "correct horse battery staple")
		}
	})
}
