package main

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"hash"
)

// PBKDF2-HMAC-SHA256 (RFC 8018), written out because golang.org/x/crypto is not in the standard library.
// The token endpoint is called once per load run, so the iteration count costs nothing under load.
const (
	passwordIterations = 100_000
	passwordKeyLen     = 32
	passwordSaltLen    = 16
)

type passwordHash struct {
	salt []byte
	key  []byte
}

func hashPassword(password string) (passwordHash, error) {
	salt := make([]byte, passwordSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return passwordHash{}, err
	}
	return passwordHash{salt: salt, key: pbkdf2SHA256([]byte(password), salt, passwordIterations, passwordKeyLen)}, nil
}

func (h passwordHash) matches(password string) bool {
	candidate := pbkdf2SHA256([]byte(password), h.salt, passwordIterations, len(h.key))
	return subtle.ConstantTimeCompare(candidate, h.key) == 1
}

func pbkdf2SHA256(password, salt []byte, iterations, keyLen int) []byte {
	prf := hmac.New(sha256.New, password)
	blocks := (keyLen + prf.Size() - 1) / prf.Size()
	out := make([]byte, 0, blocks*prf.Size())
	for block := 1; block <= blocks; block++ {
		out = append(out, pbkdf2Block(prf, salt, iterations, uint32(block))...)
	}
	return out[:keyLen]
}

func pbkdf2Block(prf hash.Hash, salt []byte, iterations int, index uint32) []byte {
	var counter [4]byte
	binary.BigEndian.PutUint32(counter[:], index)
	prf.Reset()
	prf.Write(salt)
	prf.Write(counter[:])
	u := prf.Sum(nil)
	t := append([]byte(nil), u...)
	for i := 1; i < iterations; i++ {
		prf.Reset()
		prf.Write(u)
		u = prf.Sum(u[:0])
		for j := range t {
			t[j] ^= u[j]
		}
	}
	return t
}
