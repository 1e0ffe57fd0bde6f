package main

import (
	"fmt"
	"io"

	"github.com/gophercloud/gophercloud/openstack/identity/v3/tokens"
)

// runAuth implements "gocheck auth". It prints
//
//	token=<first 12 chars> project=<project id> user=<user id>
//	service=<type>        (one line per catalog entry, in catalog order)
//
// project is empty for a token that is not project-scoped.
func runAuth(args []string, out io.Writer) error {
	if len(args) != 0 {
		return fmt.Errorf("%w: auth takes no arguments", errUsage)
	}

	// Asking for the identity client does the whole login: version discovery
	// on auth_url, POST /v3/auth/tokens, then an endpoint lookup of the
	// "identity" type in the returned catalog.
	identity, err := serviceClient("identity")
	if err != nil {
		return err
	}
	provider := identity.ProviderClient

	// The v3 login stores its tokens.CreateResult; anything else means
	// gophercloud fell back to another identity version.
	created, ok := provider.GetAuthResult().(tokens.CreateResult)
	if !ok {
		return fmt.Errorf("expected an identity v3 token, got %T", provider.GetAuthResult())
	}
	catalog, err := created.ExtractServiceCatalog()
	if err != nil {
		return fmt.Errorf("reading catalog: %w", err)
	}

	// Validate the token as a service would (GET /v3/auth/tokens with
	// X-Subject-Token) and report the identity the server resolves it to,
	// rather than merely echoing the login response back.
	token := provider.Token()
	validated := tokens.Get(identity, token)
	user, err := validated.ExtractUser()
	if err != nil {
		return fmt.Errorf("validating token: %w", err)
	}
	project, err := validated.ExtractProject()
	if err != nil {
		return fmt.Errorf("validating token: %w", err)
	}

	// Login and validation must agree about whom the token belongs to.
	createdUser, err := created.ExtractUser()
	if err != nil {
		return fmt.Errorf("reading login user: %w", err)
	}
	createdProject, err := created.ExtractProject()
	if err != nil {
		return fmt.Errorf("reading login project: %w", err)
	}
	if createdUser.ID != user.ID || projectID(createdProject) != projectID(project) {
		return fmt.Errorf("token validation disagrees with login: login user=%s project=%s, validation user=%s project=%s",
			createdUser.ID, projectID(createdProject), user.ID, projectID(project))
	}

	fmt.Fprintf(out, "token=%s project=%s user=%s\n", prefix(token, 12), projectID(project), user.ID)
	for _, entry := range catalog.Entries {
		fmt.Fprintf(out, "service=%s\n", entry.Type)
	}
	return nil
}

// projectID returns the id of a possibly absent project (domain-scoped and
// unscoped tokens carry none).
func projectID(p *tokens.Project) string {
	if p == nil {
		return ""
	}
	return p.ID
}

// prefix returns at most n leading bytes of s; tokens are ASCII, and only a
// prefix is printed so logs never hold a usable credential.
func prefix(s string, n int) string {
	if len(s) < n {
		return s
	}
	return s[:n]
}
