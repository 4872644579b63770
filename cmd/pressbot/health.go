package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/pressbot/pressbot/internal/config"
)

func init() {
	register(command{name: "health", summary: "probe a running pressbot (for container health checks)", run: runHealth})
}

// healthURL returns the /healthz URL of a serve listening on addr
// (PRESSBOT_HTTP_ADDR; "" for the default): a wildcard host is probed on
// loopback, as a container's health check runs beside it.
func healthURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + config.DefaultHTTPAddr + "/healthz"
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz"
}

// healthAddr returns the address serve listens on by the configuration
// file path (with the environment over it), or by PRESSBOT_HTTP_ADDR
// when path is "".
func healthAddr(path string) (string, error) {
	if path == "" {
		return os.Getenv(config.EnvPrefix + "HTTP_ADDR"), nil
	}
	cfg, err := config.Load(path, nil)
	if err != nil {
		return "", err
	}
	return cfg.HTTP.Addr, nil
}

// healthSource names where healthAddr took the address from.
func healthSource(path string) string {
	if path == "" {
		return config.EnvPrefix + "HTTP_ADDR"
	}
	return "http.addr of " + path
}

// runHealth GETs a health URL and exits 0 on 200, 1 otherwise; images
// without curl use it as their health check.
func runHealth(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("health", "[-url URL | -config FILE]", "Probe a running pressbot's health endpoint; exit 0 when it answers 200.", stderr)
	url := fs.String("url", "", "health `URL` (/healthz: alive; /readyz: database, queue and channels ready); default: /healthz where serve listens (http.addr of -config, PRESSBOT_HTTP_ADDR, or 127.0.0.1:8080)")
	cfgPath := fs.String("config", "", "serve's configuration `file`, whose http.addr is probed")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *url == "" {
		addr, err := healthAddr(*cfgPath)
		if err != nil {
			fmt.Fprintln(stderr, "pressbot health:", err)
			return exitUsage
		}
		if _, port, err := net.SplitHostPort(addr); err == nil && port == "0" {
			fmt.Fprintf(stderr, "pressbot health: %s listens on port 0, a free port serve picks as it starts, so there is no address to probe: "+
				"give serve a fixed port, or pass -url with the address serve logs at start (\"health=\" in its \"newsroom and API listening\" line)\n", healthSource(*cfgPath))
			return exitUsage
		}
		*url = healthURL(addr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		fmt.Fprintln(stderr, "pressbot health:", err)
		return exitUsage
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintln(stderr, "pressbot health:", err)
		return exitProblems
	}
	defer resp.Body.Close()
	// The probes answer in a few lines of text or JSON; anything else
	// (a newsroom page: a wrong URL) is only named.
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") && !strings.HasPrefix(ct, "application/json") {
		body = []byte("(" + ct + ", not a pressbot probe: check the URL)\n")
	}
	fmt.Fprintf(stdout, "%s %s", resp.Status, body)
	if resp.StatusCode != http.StatusOK {
		return exitProblems
	}
	return exitOK
}
