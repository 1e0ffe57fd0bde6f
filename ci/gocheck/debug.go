package main

import (
	"fmt"
	"net/http"
	"os"
)

// When GOCHECK_DEBUG is non-empty, every HTTP exchange is traced to stderr as
// "gocheck: METHOD URL -> STATUS". gophercloud's own errors (e.g. "Resource
// not found") do not say which request failed, and when fakecloud breaks a
// client that is the first thing one needs to know.
//
// The tracer wraps http.DefaultTransport because clientconfig authenticates
// with gophercloud's default HTTP client before ClientOpts.HTTPClient is
// applied, so the option would miss the login requests.
func init() {
	if os.Getenv("GOCHECK_DEBUG") != "" {
		http.DefaultTransport = tracingTransport{next: http.DefaultTransport}
	}
}

type tracingTransport struct {
	next http.RoundTripper
}

func (t tracingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gocheck: %s %s -> %v\n", req.Method, req.URL, err)
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "gocheck: %s %s -> %s\n", req.Method, req.URL, resp.Status)
	return resp, nil
}
