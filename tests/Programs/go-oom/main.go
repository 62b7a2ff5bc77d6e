// Test targets in Go (standard library only).
//
//	go-oom runtime-oom        lowers its address-space limit and allocates until the Go runtime gives up
//	                          with "fatal error: runtime: out of memory" (a runtime OOM, not a kernel kill)
//	go-oom serve PORT MIB     serves /ready, and allocates and keeps MIB MiB on every other request
package main

import (
	"fmt"
	"net/http"
	"os"
	"strconv"
	"syscall"
)

var kept [][]byte

func touch(mib int) []byte {
	b := make([]byte, mib<<20)
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
	return b
}

func main() {
	switch os.Args[1] {
	case "runtime-oom":
		var limit syscall.Rlimit
		syscall.Getrlimit(syscall.RLIMIT_AS, &limit)
		limit.Cur = 1 << 30
		if err := syscall.Setrlimit(syscall.RLIMIT_AS, &limit); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		for {
			kept = append(kept, touch(64))
		}
	case "serve":
		mib, _ := strconv.Atoi(os.Args[3])
		http.HandleFunc("/ready", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
		http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			kept = append(kept, touch(mib))
			fmt.Fprintln(w, len(kept))
		})
		if err := http.ListenAndServe("127.0.0.1:"+os.Args[2], nil); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
