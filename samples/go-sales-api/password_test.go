package main

import (
	"encoding/hex"
	"testing"
)

// RFC 7914 section 11 test vectors for PBKDF2-HMAC-SHA256.
func TestPBKDF2SHA256MatchesRFC7914(t *testing.T) {
	cases := []struct {
		password, salt string
		iterations     int
		want           string
	}{
		{"passwd", "salt", 1, "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"},
		{"Password", "NaCl", 80000, "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d"},
	}
	for _, c := range cases {
		got := hex.EncodeToString(pbkdf2SHA256([]byte(c.password), []byte(c.salt), c.iterations, 64))
		if got != c.want {
			t.Errorf("pbkdf2(%q, %q, %d) = %s, want %s", c.password, c.salt, c.iterations, got, c.want)
		}
	}
}

func TestPasswordHashRejectsWrongPassword(t *testing.T) {
	h, err := hashPassword("gophers")
	if err != nil {
		t.Fatal(err)
	}
	if !h.matches("gophers") || h.matches("gopher") {
		t.Fatal("hash must match its own password only")
	}
}
