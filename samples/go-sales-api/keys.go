package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// loadOrCreateKey reads the PEM RSA private key at path (PKCS#1 or PKCS#8); when the file does not exist it
// generates a 2048-bit key and writes it there as PKCS#1, so later starts (and tests) sign with the same key.
// A key file (or its folder) another user owns, or others can read, is refused: in a shared $TMPDIR anyone could
// plant one, and every token signed with it would be accepted.
func loadOrCreateKey(path string) (*rsa.PrivateKey, error) {
	if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
		return createKey(path)
	}
	if err := checkPrivate(filepath.Dir(path), true); err != nil {
		return nil, err
	}
	if err := checkPrivate(path, false); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("key %s: no PEM block", path)
	}
	if key, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return key, nil
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("key %s: not an RSA private key: %w", path, err)
	}
	key, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("key %s: not an RSA private key", path)
	}
	return key, nil
}

func createKey(path string) (*rsa.PrivateKey, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return nil, fmt.Errorf("create key directory: %w", err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("create key directory: %w", err)
	}
	if err := checkPrivate(dir, true); err != nil {
		return nil, err
	}
	block := &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}
	// O_EXCL: never written through a symlink or into a file someone else created meanwhile.
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("write key: %w", err)
	}
	if _, err := file.Write(pem.EncodeToMemory(block)); err != nil {
		file.Close()
		return nil, fmt.Errorf("write key: %w", err)
	}
	if err := file.Close(); err != nil {
		return nil, fmt.Errorf("write key: %w", err)
	}
	return key, nil
}

// checkPrivate refuses a path that is a symlink, is owned by another user, or that others can use (for a folder:
// write to; for a key file: read).
func checkPrivate(path string, folder bool) error {
	info, err := os.Lstat(path)
	if err != nil {
		return fmt.Errorf("key %s: %w", path, err)
	}
	what := "key file"
	if folder {
		what = "key folder"
	}
	if info.Mode()&os.ModeSymlink != 0 {
		return fmt.Errorf("%s %s is a symlink; refusing it (give a real file with SALES_KEYS_PATH)", what, path)
	}
	if stat, ok := info.Sys().(*syscall.Stat_t); ok && int(stat.Uid) != os.Geteuid() {
		return fmt.Errorf("%s %s is owned by uid %d, not by this user (%d); refusing a key another user could have planted", what, path, stat.Uid, os.Geteuid())
	}
	others := os.FileMode(0o077)
	if folder {
		others = 0o022
	}
	if info.Mode().Perm()&others != 0 {
		return fmt.Errorf("%s %s has mode %04o: others can use it; chmod %s it or remove it", what, path, info.Mode().Perm(), map[bool]string{true: "700", false: "600"}[folder])
	}
	return nil
}
