// gocheck is built fully offline: every module is taken from the Debian
// golang-*-dev packages under /usr/share/gocode/src via the replace block
// below, so the versions in the require block are placeholders that only
// have to be syntactically valid. See ci/build-gocheck.sh.
module fakecloud/ci/gocheck

go 1.19

require (
	github.com/gophercloud/gophercloud v0.12.0
	github.com/gophercloud/utils v0.0.0-20200508015959-b0167b94122c
)

require (
	github.com/hashicorp/go-uuid v1.0.1 // indirect
	github.com/mitchellh/go-homedir v1.1.0 // indirect
	gopkg.in/yaml.v2 v2.2.7 // indirect
)

replace (
	github.com/gophercloud/gophercloud => /usr/share/gocode/src/github.com/gophercloud/gophercloud
	github.com/gophercloud/utils => /usr/share/gocode/src/github.com/gophercloud/utils
	github.com/hashicorp/go-uuid => /usr/share/gocode/src/github.com/hashicorp/go-uuid
	github.com/mitchellh/go-homedir => /usr/share/gocode/src/github.com/mitchellh/go-homedir
	gopkg.in/yaml.v2 => /usr/share/gocode/src/gopkg.in/yaml.v2
	golang.org/x/crypto => /usr/share/gocode/src/golang.org/x/crypto
	golang.org/x/net => /usr/share/gocode/src/golang.org/x/net
	golang.org/x/sys => /usr/share/gocode/src/golang.org/x/sys
	golang.org/x/term => /usr/share/gocode/src/golang.org/x/term
	golang.org/x/text => /usr/share/gocode/src/golang.org/x/text
)
