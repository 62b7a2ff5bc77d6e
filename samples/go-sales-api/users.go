package main

import (
	"sync"
	"time"
)

// user is a row of the users table; the JSON names are the article's sales-api's.
type user struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Email        string    `json:"email"`
	Roles        []string  `json:"roles"`
	Department   string    `json:"department"`
	Enabled      bool      `json:"enabled"`
	DateCreated  time.Time `json:"dateCreated"`
	DateUpdated  time.Time `json:"dateUpdated"`
	passwordHash passwordHash
}

// userStore is the in-memory users table. Readers share the lock, so requests do not queue behind each other.
type userStore struct {
	mu      sync.RWMutex
	rows    []user
	byEmail map[string]int
	byID    map[string]int
}

func newUserStore() *userStore {
	return &userStore{byEmail: map[string]int{}, byID: map[string]int{}}
}

func (s *userStore) add(u user) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byEmail[u.Email] = len(s.rows)
	s.byID[u.ID] = len(s.rows)
	s.rows = append(s.rows, u)
}

func (s *userStore) byEmailAddress(email string) (user, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	i, ok := s.byEmail[email]
	if !ok {
		return user{}, false
	}
	return s.rows[i], true
}

func (s *userStore) isEnabled(id string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	i, ok := s.byID[id]
	return ok && s.rows[i].Enabled
}

// page returns one page of users (1-based page number) and the total count, read under one lock.
func (s *userStore) page(pageNumber, rowsPerPage int) ([]user, int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	total := len(s.rows)
	start := (pageNumber - 1) * rowsPerPage
	if start >= total {
		return []user{}, total
	}
	end := start + rowsPerPage
	if end > total {
		end = total
	}
	out := make([]user, end-start)
	copy(out, s.rows[start:end])
	return out, total
}

// seedUsers fills the table with the article's two users: an admin and a plain user, both with password "gophers".
// As in the article's seed data they have no department, which makes a page of both 481 bytes, as in its Listing 4.
func seedUsers(s *userStore) error {
	created := time.Date(2019, 3, 24, 0, 0, 0, 0, time.UTC)
	seed := []user{
		{ID: "5cf37266-3473-4006-984f-9325122678b7", Name: "Admin Gopher", Email: "admin@example.com", Roles: []string{"ADMIN"}},
		{ID: "45b5fbd3-755f-4379-8f07-a58d4a30fa2f", Name: "User Gopher", Email: "user@example.com", Roles: []string{"USER"}},
	}
	for _, u := range seed {
		h, err := hashPassword("gophers")
		if err != nil {
			return err
		}
		u.passwordHash = h
		u.Enabled = true
		u.DateCreated = created
		u.DateUpdated = created
		s.add(u)
	}
	return nil
}
