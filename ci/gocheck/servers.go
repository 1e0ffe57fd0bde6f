package main

import (
	"fmt"
	"io"
	"strconv"

	"github.com/gophercloud/gophercloud/openstack/compute/v2/extensions/extendedserverattributes"
	"github.com/gophercloud/gophercloud/openstack/compute/v2/servers"
)

// serversMicroversion is the compute microversion "gocheck servers" asks for.
//
// 2.47 is the first one that embeds the flavor in a server (vcpus, ram, ...,
// original_name, extra_specs) instead of a {id, links} reference, which is
// what current clients get and what fakecloud must render correctly.
// gophercloud 0.12's servers.Server decodes it without trouble: Flavor is a
// map[string]interface{}, Image is handled by Server.UnmarshalJSON (object or
// ""), Tags (2.26) is a *[]string, and the later additions (locked, host_status,
// description, trusted_image_certificates, server_groups, ...) are simply not
// fields of the struct, so encoding/json ignores them. Nothing at or above 2.47
// is known to break 0.12's decoding; 2.47 is kept as the minimum that covers the
// embedded flavor so the test exercises the version Terraform-era tools pin.
const serversMicroversion = "2.47"

// serverWithHost is a server plus the admin-only OS-EXT-SRV-ATTR fields.
// Both structs are embedded, and gophercloud's ExtractIntoSlicePtr decodes
// each element into every embedded struct separately, so servers.Server's own
// UnmarshalJSON does not swallow the extension fields.
type serverWithHost struct {
	servers.Server
	extendedserverattributes.ServerAttributesExt
}

// runServers implements "gocheck servers [--all-projects] [--limit N]". It
// prints one line per server, in the order the API returned them (following
// pagination):
//
//	server=<id> name=<name> status=<status> project=<tenant_id> host=<host or ->
//
// host is OS-EXT-SRV-ATTR:host, which Nova only shows to admins; "-" when the
// field is absent or empty (non-admin callers, servers never scheduled).
// --all-projects sends all_tenants=true, which Nova's policy refuses (403) for
// non-admins; that error is returned unchanged. --limit N asks for pages of N
// servers; the output is the same, only the number of requests changes.
func runServers(args []string, out io.Writer) error {
	opts := servers.ListOpts{}
	for i := 0; i < len(args); i++ {
		switch arg := args[i]; arg {
		case "--all-projects":
			opts.AllTenants = true
		case "--limit":
			// Page size only: every page is still read. It lets a test
			// force limit/marker pagination on a handful of servers.
			if i+1 == len(args) {
				return fmt.Errorf("%w: servers: --limit needs a number", errUsage)
			}
			i++
			n, err := strconv.Atoi(args[i])
			if err != nil || n < 1 {
				return fmt.Errorf("%w: servers: --limit %q is not a positive number", errUsage, args[i])
			}
			opts.Limit = n
		default:
			return fmt.Errorf("%w: servers: unknown argument %q (--all-projects, --limit N)", errUsage, arg)
		}
	}

	compute, err := serviceClient("compute")
	if err != nil {
		return err
	}
	compute.Microversion = serversMicroversion

	// AllPages follows servers_links "next" until a page has none, so a
	// listing that fakecloud splits with limit/marker is read completely.
	pages, err := servers.List(compute, opts).AllPages()
	if err != nil {
		return fmt.Errorf("listing servers (all_tenants=%v): %w", opts.AllTenants, err)
	}
	var list []serverWithHost
	if err := servers.ExtractServersInto(pages, &list); err != nil {
		return fmt.Errorf("decoding servers: %w", err)
	}

	for _, s := range list {
		host := s.Host
		if host == "" {
			host = "-"
		}
		fmt.Fprintf(out, "server=%s name=%s status=%s project=%s host=%s\n",
			s.ID, s.Name, s.Status, s.TenantID, host)
	}
	return nil
}
