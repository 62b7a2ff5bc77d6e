package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadOrCreateKeyCreatesAPrivateFolderAndFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sales-api", "keys", "k.pem")
	if _, err := loadOrCreateKey(path); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{filepath.Dir(path): 0o700, path: 0o600} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s has mode %04o, want %04o", p, info.Mode().Perm(), want)
		}
	}
	if _, err := loadOrCreateKey(path); err != nil {
		t.Fatalf("the key it wrote is refused: %v", err)
	}
}

func TestLoadOrCreateKeyRefusesAKeyOthersCanRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "k.pem")
	if _, err := loadOrCreateKey(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := loadOrCreateKey(path)
	if err == nil || !strings.Contains(err.Error(), "has mode 0644: others can use it") {
		t.Fatalf("a 0644 key was not refused: %v", err)
	}
}

func TestLoadOrCreateKeyRefusesAKeyAnotherUserOwns(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a file to another user")
	}
	path := filepath.Join(t.TempDir(), "keys", "k.pem")
	if _, err := loadOrCreateKey(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	_, err := loadOrCreateKey(path)
	if err == nil || !strings.Contains(err.Error(), "is owned by uid 65534") {
		t.Fatalf("a key owned by nobody was not refused: %v", err)
	}
}

func TestLoadOrCreateKeyRefusesASymlinkedKey(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.pem")
	if _, err := loadOrCreateKey(real); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.pem")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if _, err := loadOrCreateKey(link); err == nil || !strings.Contains(err.Error(), "is a symlink") {
		t.Fatalf("a symlinked key was not refused: %v", err)
	}
}
