// The benchmark's Go helpers, standard library only:
//
//	peers proxy -listen ADDR -upstream URL -token TOKEN
//	    the data path of the original Go relengapi-proxy: net/http/httputil.ReverseProxy with the default
//	    transport, whose Director sets Authorization: Bearer TOKEN.
//	peers controlplane -listen ADDR -task ID -scopes S1,S2
//	    a Taskcluster queue (GET /api/queue/v1/task/ID) and a RelengAPI token service (POST /tokens) on one
//	    port, for relengapi-proxy; GET /issued says how many tokens it issued.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		log.Fatal("usage: peers proxy|controlplane [flags]")
	}
	flags := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	listen := flags.String("listen", "127.0.0.1:0", "listen address")
	switch os.Args[1] {
	case "proxy":
		upstream := flags.String("upstream", "", "upstream base URL")
		token := flags.String("token", "", "token to inject")
		flags.Parse(os.Args[2:])
		target, err := url.Parse(*upstream)
		if err != nil {
			log.Fatal(err)
		}
		proxy := httputil.NewSingleHostReverseProxy(target)
		direct := proxy.Director
		proxy.Director = func(r *http.Request) {
			direct(r)
			r.Header.Set("Authorization", "Bearer "+*token)
		}
		log.Fatal(http.ListenAndServe(*listen, proxy))
	case "controlplane":
		task := flags.String("task", "", "task id")
		scopes := flags.String("scopes", "", "comma-separated scopes of the task")
		flags.Parse(os.Args[2:])
		log.Fatal(http.ListenAndServe(*listen, controlPlane(*task, strings.Split(*scopes, ","))))
	default:
		log.Fatalf("unknown mode %q", os.Args[1])
	}
}

func controlPlane(task string, scopes []string) http.Handler {
	var issued int64
	mux := http.NewServeMux()
	mux.HandleFunc("/api/queue/v1/task/"+task, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]interface{}{
			"scopes":   scopes,
			"deadline": time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339),
		})
	})
	mux.HandleFunc("/tokens", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		var asked struct {
			Permissions []string `json:"permissions"`
			Expires     string   `json:"expires"`
		}
		if err := json.NewDecoder(r.Body).Decode(&asked); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		n := atomic.AddInt64(&issued, 1)
		writeJSON(w, map[string]interface{}{"result": map[string]interface{}{
			"typ": "tmp", "token": fmt.Sprintf("bench-temporary-token-%d", n), "expires": asked.Expires,
			"permissions": asked.Permissions, "metadata": map[string]string{},
		}})
	})
	mux.HandleFunc("/issued", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, atomic.LoadInt64(&issued))
	})
	return mux
}

func writeJSON(w http.ResponseWriter, body interface{}) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(body)
}
