// Package example shows a Go test suite driving fakecloud with gophercloud and its control API.
// Everything is in the _test.go files; run it with `go test -v ./...` (see README.md).
package example
