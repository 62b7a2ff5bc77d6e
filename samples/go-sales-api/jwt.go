package main

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

const tokenIssuer = "service project"

// claims are the token's payload, as the article's sales-api issues them.
type claims struct {
	Subject   string   `json:"sub"`
	Issuer    string   `json:"iss"`
	IssuedAt  int64    `json:"iat"`
	ExpiresAt int64    `json:"exp"`
	Roles     []string `json:"roles"`
}

type jwtHeader struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	Typ string `json:"typ"`
}

// tokenAuthority signs and verifies RS256 tokens with one key, known by its kid.
type tokenAuthority struct {
	kid string
	key *rsa.PrivateKey
}

var b64 = base64.RawURLEncoding

var errInvalidToken = errors.New("invalid token")

func (a tokenAuthority) sign(c claims) (string, error) {
	header, err := json.Marshal(jwtHeader{Alg: "RS256", Kid: a.kid, Typ: "JWT"})
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	signingInput := b64.EncodeToString(header) + "." + b64.EncodeToString(payload)
	digest := sha256.Sum256([]byte(signingInput))
	signature, err := rsa.SignPKCS1v15(rand.Reader, a.key, crypto.SHA256, digest[:])
	if err != nil {
		return "", err
	}
	return signingInput + "." + b64.EncodeToString(signature), nil
}

// verify accepts only RS256 with this authority's kid, a valid signature, this issuer and an unexpired exp;
// "alg":"none" and every other algorithm are refused before the signature is looked at.
func (a tokenAuthority) verify(token string, now time.Time) (claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return claims{}, errInvalidToken
	}
	var header jwtHeader
	if err := decodeSegment(parts[0], &header); err != nil {
		return claims{}, errInvalidToken
	}
	if header.Alg != "RS256" || header.Kid != a.kid {
		return claims{}, errInvalidToken
	}
	signature, err := b64.DecodeString(parts[2])
	if err != nil {
		return claims{}, errInvalidToken
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(&a.key.PublicKey, crypto.SHA256, digest[:], signature) != nil {
		return claims{}, errInvalidToken
	}
	var c claims
	if err := decodeSegment(parts[1], &c); err != nil {
		return claims{}, errInvalidToken
	}
	if c.Issuer != tokenIssuer || c.Subject == "" || now.Unix() >= c.ExpiresAt {
		return claims{}, errInvalidToken
	}
	return c, nil
}

func decodeSegment(segment string, v any) error {
	raw, err := b64.DecodeString(segment)
	if err != nil {
		return err
	}
	return json.NewDecoder(bytes.NewReader(raw)).Decode(v)
}

func (c claims) hasRole(role string) bool {
	for _, r := range c.Roles {
		if r == role {
			return true
		}
	}
	return false
}
