package enquiry

import "testing"

func TestDecoyHashDecodes(t *testing.T) {
	p, salt, key, ok := decodeArgon(decoyHash)
	if !ok || p != (argonParams{memory: argonMemory, time: argonTime, threads: argonThreads}) || len(salt) != argonSalt || len(key) != argonKey {
		t.Fatalf("decodeArgon(decoyHash) = %+v, %d-byte salt, %d-byte key, %v; want HashPassword's parameters", p, len(salt), len(key), ok)
	}
}

// FuzzDecodeArgon checks the parser of stored hashes: it never panics,
// accepts only parameters within its bounds, and accepts only the one
// canonical spelling of what it decodes.
func FuzzDecodeArgon(f *testing.F) {
	f.Add(decoyHash)
	f.Add("")
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$$")
	f.Add("$argon2id$v=19$m=019456,t=2,p=1$c29jaWFsZGVzayBkZWNveQ$w0D9X8a0IsNRIXFlE5QDGj0jerMB7P6jvGaq2mEjr4Y")
	f.Add("$argon2id$v=19$m=+19456,t=2,p=1$c29jaWFsZGVzayBkZWNveQ$w0D9X8a0IsNRIXFlE5QDGj0jerMB7P6jvGaq2mEjr4Y")
	f.Fuzz(func(t *testing.T, s string) {
		p, salt, key, ok := decodeArgon(s)
		if !ok {
			return
		}
		if p.time < 1 || p.time > maxArgonTime || p.threads < 1 || p.threads > maxArgonThreads ||
			p.memory < 8*uint32(p.threads) || p.memory > maxArgonMemory || len(salt) < 8 || len(key) < 16 {
			t.Fatalf("decodeArgon(%q) accepted %+v, %d-byte salt, %d-byte key", s, p, len(salt), len(key))
		}
		if again := p.encode(salt, key); again != s {
			t.Fatalf("decodeArgon(%q) accepted a spelling other than %q", s, again)
		}
	})
}
