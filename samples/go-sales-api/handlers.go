package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

const maxRowsPerPage = 100

type api struct {
	users     *userStore
	authority tokenAuthority
	now       func() time.Time
}

func (a *api) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/users/token/", getOnly(newTokenLimiter(time.Now).limited(a.token)))
	mux.HandleFunc("/v1/users", getOnly(a.queryUsers))
	mux.HandleFunc("/v1/readiness", getOnly(a.readiness))
	mux.HandleFunc("/v1/liveness", getOnly(a.liveness))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not found")
	})
	return counted(mux)
}

// token answers GET /v1/users/token/{kid} for HTTP Basic credentials with an RS256 JWT valid for one hour.
func (a *api) token(w http.ResponseWriter, r *http.Request) {
	kid := strings.TrimPrefix(r.URL.Path, "/v1/users/token/")
	if kid != a.authority.kid {
		writeError(w, http.StatusNotFound, "unknown key id")
		return
	}
	email, password, ok := r.BasicAuth()
	if !ok {
		writeError(w, http.StatusUnauthorized, "basic authentication required")
		return
	}
	u, found := a.users.byEmailAddress(email)
	// Hash even for an unknown email, so the answer takes as long as for a known one.
	if !found {
		u.passwordHash = unknownUserHash
	}
	if !u.passwordHash.matches(password) || !found || !u.Enabled {
		writeError(w, http.StatusUnauthorized, "email or password is wrong")
		return
	}
	now := a.now()
	token, err := a.authority.sign(claims{Subject: u.ID, Issuer: tokenIssuer, IssuedAt: now.Unix(), ExpiresAt: now.Add(time.Hour).Unix(), Roles: u.Roles})
	if err != nil {
		writeError(w, http.StatusInternalServerError, "could not sign the token")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"token": token})
}

type usersPage struct {
	Items       []user `json:"items"`
	Total       int    `json:"total"`
	Page        int    `json:"page"`
	RowsPerPage int    `json:"rowsPerPage"`
}

// queryUsers answers GET /v1/users?page=&rows= for an enabled caller holding the ADMIN role.
func (a *api) queryUsers(w http.ResponseWriter, r *http.Request) {
	c, status, err := a.authenticate(r)
	if err != nil {
		writeError(w, status, err.Error())
		return
	}
	if !c.hasRole("ADMIN") {
		writeError(w, http.StatusForbidden, "the ADMIN role is required")
		return
	}
	page, err := queryInt(r, "page", 1, 1, 1_000_000)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	rows, err := queryInt(r, "rows", 10, 1, maxRowsPerPage)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	items, total := a.users.page(page, rows)
	writeJSON(w, http.StatusOK, usersPage{Items: items, Total: total, Page: page, RowsPerPage: rows})
}

// authenticate checks the bearer token and that its subject is still an enabled user.
func (a *api) authenticate(r *http.Request) (claims, int, error) {
	header := r.Header.Get("Authorization")
	const prefix = "Bearer "
	if len(header) <= len(prefix) || !strings.EqualFold(header[:len(prefix)], prefix) {
		return claims{}, http.StatusUnauthorized, errors.New("expected authorization header format: Bearer <token>")
	}
	c, err := a.authority.verify(header[len(prefix):], a.now())
	if err != nil {
		return claims{}, http.StatusUnauthorized, errors.New("invalid or expired token")
	}
	if !a.users.isEnabled(c.Subject) {
		return claims{}, http.StatusUnauthorized, errors.New("user is disabled or unknown")
	}
	return c, http.StatusOK, nil
}

func queryInt(r *http.Request, name string, fallback, min, max int) (int, error) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return fallback, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < min || n > max {
		return 0, errors.New(name + " must be a whole number from " + strconv.Itoa(min) + " to " + strconv.Itoa(max))
	}
	return n, nil
}

func (a *api) readiness(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (a *api) liveness(w http.ResponseWriter, _ *http.Request) {
	host, _ := os.Hostname()
	writeJSON(w, http.StatusOK, map[string]any{"status": "up", "host": host, "GOMAXPROCS": runtime.GOMAXPROCS(0)})
}

func getOnly(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", http.MethodGet)
			writeError(w, http.StatusMethodNotAllowed, "method not allowed")
			return
		}
		next(w, r)
	}
}

// writeJSON writes v without json.Encoder's trailing newline, so the body is exactly the JSON document.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":"could not encode the response"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]string{"error": message})
}
