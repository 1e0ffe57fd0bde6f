package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/gophercloud/gophercloud"
	"github.com/gophercloud/gophercloud/openstack"
	"github.com/gophercloud/gophercloud/openstack/placement/v1/resourceproviders"
)

// placementMicroversion is the Placement microversion "gocheck providers"
// asks for (sent as "OpenStack-API-Version: placement 1.14"). 1.14 is where
// resource providers gain parent_provider_uuid and root_provider_uuid, the two
// newest fields of gophercloud 0.12's ResourceProvider struct, so the client
// reads everything it knows about. Without a header Placement answers at 1.0,
// which omits them (and the usages' resource_provider_generation, 1.9+).
const placementMicroversion = "1.14"

// runProviders implements "gocheck providers". It prints, for each resource
// provider in API order,
//
//	provider=<name> uuid=<uuid> generation=<n>
//	usage provider=<name> <CLASS>=<n> ...   (classes sorted by name)
//
// The usage line lists every class the provider reports in GET
// /resource_providers/{uuid}/usages (Placement includes classes with
// inventory but no allocations, at 0); a provider with no inventory prints
// "usage provider=<name>" with nothing after it.
func runProviders(args []string, out io.Writer) error {
	if len(args) != 0 {
		return fmt.Errorf("%w: providers takes no arguments", errUsage)
	}

	placement, err := placementClient()
	if err != nil {
		return err
	}
	placement.Microversion = placementMicroversion

	// resourceproviders.List is a single, unpaginated page in Placement.
	pages, err := resourceproviders.List(placement, nil).AllPages()
	if err != nil {
		return fmt.Errorf("listing resource providers: %w", err)
	}
	list, err := resourceproviders.ExtractResourceProviders(pages)
	if err != nil {
		return fmt.Errorf("decoding resource providers: %w", err)
	}

	for _, rp := range list {
		fmt.Fprintf(out, "provider=%s uuid=%s generation=%d\n", rp.Name, rp.UUID, rp.Generation)

		usage, err := resourceproviders.GetUsages(placement, rp.UUID).Extract()
		if err != nil {
			return fmt.Errorf("usages of resource provider %s (%s): %w", rp.Name, rp.UUID, err)
		}
		classes := make([]string, 0, len(usage.Usages))
		for class := range usage.Usages {
			classes = append(classes, class)
		}
		sort.Strings(classes) // map order is random; keep the output stable
		var line strings.Builder
		fmt.Fprintf(&line, "usage provider=%s", rp.Name)
		for _, class := range classes {
			fmt.Fprintf(&line, " %s=%d", class, usage.Usages[class])
		}
		fmt.Fprintln(out, line.String())
	}
	return nil
}

// placementClient authenticates and returns a Placement client.
//
// clientconfig.NewServiceClient (gophercloud/utils as packaged by Debian)
// has no "placement" case and fails with "unable to create a service client
// for placement", so serviceClient cannot be used; catalogClient (cloud.go)
// does the same login and endpoint resolution around openstack.NewPlacementV1.
func placementClient() (*gophercloud.ServiceClient, error) {
	return catalogClient("placement", openstack.NewPlacementV1)
}
