// A trivial HTTP target for bench/load-vs-peers: answers every request at once with a fixed ~480-byte JSON body,
// so that what a benchmark measures is the load generator, not the service.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	flag.Parse()

	user := `{"id":"45b5fbd3-755f-4379-8f07-a58d4a30fa2f","name":"User Gopher","email":"user@example.com",` +
		`"roles":["USER"],"department":"","enabled":true,"dateCreated":"2019-03-24T00:00:00Z",` +
		`"dateUpdated":"2019-03-24T00:00:00Z"}`
	body := []byte(`{"items":[` + user + `,` + strings.Replace(user, "User Gopher", "Admin Gopher", 1) + `],"total":2,"page":1,"rowsPerPage":2}`)
	length := strconv.Itoa(len(body))

	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Content-Type"] = []string{"application/json"}
		h["Content-Length"] = []string{length}
		w.Write(body)
	})

	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// The ready line: the benchmark script reads the port from it.
	fmt.Printf("listening on %s\n", listener.Addr())
	if err := http.Serve(listener, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
