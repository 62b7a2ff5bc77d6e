package main

import (
	"expvar"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
)

// The debug server's /debug/vars shows these beside expvar's own "memstats" and "cmdline".
var (
	requestCount = expvar.NewInt("requests")
	errorCount   = expvar.NewInt("errors")
)

func init() {
	expvar.Publish("goroutines", expvar.Func(func() any { return runtime.NumGoroutine() }))
	// A negative argument reads the limit without changing it: GOMEMLIMIT as the runtime applies it
	// (math.MaxInt64 when unset).
	expvar.Publish("memlimit", expvar.Func(func() any { return debug.SetMemoryLimit(-1) }))
	expvar.Publish("gogc", expvar.Func(func() any { return os.Getenv("GOGC") }))
}

// statusRecorder remembers the status a handler wrote, so failed requests can be counted.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// counted counts every API request in "requests", and those answered with a 4xx or 5xx status in "errors".
func counted(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			requestCount.Add(1)
			if rec.status >= 400 {
				errorCount.Add(1)
			}
		}()
		next.ServeHTTP(rec, r)
	})
}
