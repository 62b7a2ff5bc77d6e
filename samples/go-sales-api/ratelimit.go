package main

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// The token endpoint's limit per client address: a burst of 20, then 5 a second. Each PBKDF2 check costs ~35 ms of
// CPU, so without a limit one client guesses ~30 passwords a second; the article's load asks for one token per run.
const (
	tokenBurst     = 20
	tokenPerSecond = 5
	// Buckets idle this long are full again and are dropped, so the map holds only recent clients.
	tokenIdle = tokenBurst / tokenPerSecond * time.Second
)

// tokenLimiter is a token bucket per client IP, with the standard library only.
type tokenLimiter struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	now     func() time.Time
	swept   time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newTokenLimiter(now func() time.Time) *tokenLimiter {
	return &tokenLimiter{buckets: map[string]*bucket{}, now: now}
}

// allow takes a token for client, or says how long until one is there.
func (l *tokenLimiter) allow(client string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.swept) > tokenIdle {
		for key, b := range l.buckets {
			if now.Sub(b.last) > tokenIdle {
				delete(l.buckets, key)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[client]
	if !ok {
		b = &bucket{tokens: tokenBurst, last: now}
		l.buckets[client] = b
	}
	b.tokens += now.Sub(b.last).Seconds() * tokenPerSecond
	if b.tokens > tokenBurst {
		b.tokens = tokenBurst
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / tokenPerSecond * float64(time.Second))
}

// limited answers 429 with Retry-After when the client has no token left.
func (l *tokenLimiter) limited(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		client, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			client = r.RemoteAddr
		}
		if ok, wait := l.allow(client); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
			writeError(w, http.StatusTooManyRequests, "too many token requests; retry later")
			return
		}
		next(w, r)
	}
}
