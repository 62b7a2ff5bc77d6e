// Command go-sales-api is the article's sales-api in Go with the standard library only: a token endpoint
// (HTTP Basic -> RS256 JWT), /v1/users behind it, readiness and liveness, and a debug server with expvar
// and pprof. Headroom runs it under memory limits to reproduce the article's GOMEMLIMIT findings.
package main

import (
	"context"
	"expvar"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof/ on the default mux, which only the debug server serves
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

const shutdownTimeout = 10 * time.Second

// unknownUserHash is checked against when the email is unknown, so both cases cost the same.
var unknownUserHash passwordHash

func main() {
	log.SetFlags(log.LstdFlags | log.LUTC)
	if err := run(os.Args[1:]); err != nil {
		log.Printf("error: %v", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	cfg, err := loadConfig(args)
	if err != nil {
		return err
	}
	key, err := loadOrCreateKey(cfg.keysPath)
	if err != nil {
		return err
	}
	users := newUserStore()
	if err := seedUsers(users); err != nil {
		return err
	}
	if unknownUserHash, err = hashPassword("not a password anyone has"); err != nil {
		return err
	}
	app := &api{users: users, authority: tokenAuthority{kid: cfg.activeKid, key: key}, now: time.Now}

	apiListener, err := net.Listen("tcp", net.JoinHostPort(cfg.apiHost, strconv.Itoa(cfg.apiPort)))
	if err != nil {
		return fmt.Errorf("api listener: %w", err)
	}
	debugListener, err := net.Listen("tcp", net.JoinHostPort(cfg.debugHost, strconv.Itoa(cfg.debugPort)))
	if err != nil {
		apiListener.Close()
		return fmt.Errorf("debug listener: %w", err)
	}
	apiServer := &http.Server{Handler: app.routes(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 5 * time.Second, WriteTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	debugServer := &http.Server{Handler: http.DefaultServeMux, ReadHeaderTimeout: 5 * time.Second}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	serveErrors := make(chan error, 2)
	go func() { serveErrors <- apiServer.Serve(apiListener) }()
	go func() { serveErrors <- debugServer.Serve(debugListener) }()
	log.Printf("startup: api on %s, debug on %s, key %s (kid %s), memlimit %v", apiListener.Addr(), debugListener.Addr(), cfg.keysPath, cfg.activeKid, expvar.Get("memlimit"))

	select {
	case err := <-serveErrors:
		return fmt.Errorf("server stopped: %w", err)
	case <-ctx.Done():
	}
	log.Printf("shutdown: signal received, draining requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	apiErr := apiServer.Shutdown(shutdownCtx)
	debugErr := debugServer.Shutdown(shutdownCtx)
	if apiErr != nil {
		return fmt.Errorf("api shutdown: %w", apiErr)
	}
	if debugErr != nil {
		return fmt.Errorf("debug shutdown: %w", debugErr)
	}
	log.Printf("shutdown: complete")
	return nil
}
