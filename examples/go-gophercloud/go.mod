// The replace block takes gophercloud from Debian's golang-github-gophercloud-gophercloud-dev
// package (/usr/share/gocode/src), so this builds offline with GOFLAGS=-mod=mod GOPROXY=off
// GOSUMDB=off, as fakecloud's own test suite runs it. Elsewhere, delete the replace block and run
// `go mod tidy` to take gophercloud from the module proxy instead.
module fakecloud/examples/go-gophercloud

go 1.19

require github.com/gophercloud/gophercloud v0.12.0

replace (
	github.com/gophercloud/gophercloud => /usr/share/gocode/src/github.com/gophercloud/gophercloud
	golang.org/x/crypto => /usr/share/gocode/src/golang.org/x/crypto
	golang.org/x/net => /usr/share/gocode/src/golang.org/x/net
	golang.org/x/sys => /usr/share/gocode/src/golang.org/x/sys
	golang.org/x/term => /usr/share/gocode/src/golang.org/x/term
	golang.org/x/text => /usr/share/gocode/src/golang.org/x/text
	gopkg.in/yaml.v2 => /usr/share/gocode/src/gopkg.in/yaml.v2
)
