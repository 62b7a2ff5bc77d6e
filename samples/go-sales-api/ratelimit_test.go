package main

import (
	"testing"
	"time"
)

func TestTokenLimiterAllowsABurstThenTwoASecondPerClient(t *testing.T) {
	now := time.Unix(1000, 0)
	l := newTokenLimiter(func() time.Time { return now })
	allowed := 0
	for i := 0; i < 50; i++ {
		if ok, _ := l.allow("10.0.0.1"); ok {
			allowed++
		}
	}
	if allowed != tokenBurst {
		t.Fatalf("50 guesses at once: %d allowed, want %d", allowed, tokenBurst)
	}
	if ok, _ := l.allow("10.0.0.2"); !ok {
		t.Fatal("another client was limited by the first one's guesses")
	}
	now = now.Add(time.Second)
	allowed = 0
	for i := 0; i < 10; i++ {
		if ok, _ := l.allow("10.0.0.1"); ok {
			allowed++
		}
	}
	if allowed != tokenPerSecond {
		t.Fatalf("a second later: %d allowed, want %d", allowed, tokenPerSecond)
	}
}
