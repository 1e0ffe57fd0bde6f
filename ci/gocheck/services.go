package main

import (
	"fmt"
	"io"

	"github.com/gophercloud/gophercloud/openstack/compute/v2/extensions/services"
)

// servicesMicroversion is the compute microversion "gocheck services" asks
// for. 2.53 is where service ids become UUID strings (gophercloud 0.12's
// Service.UnmarshalJSON accepts ints and strings) and the newest shape change
// to os-services before 2.69; 2.11 added forced_down. Nothing later changes
// the listing, so 2.53 checks the modern body without depending on fakecloud
// supporting anything newer than the other subcommands already need.
//
// The one field 0.12 is strict about is updated_at: it is parsed with
// gophercloud.RFC3339MilliNoZ ("2006-01-02T15:04:05.999999", Nova's
// microseconds without a zone; null is accepted), so a trailing "Z" or an
// offset makes the whole listing fail to decode.
const servicesMicroversion = "2.53"

// runServices implements "gocheck services". It prints one line per compute
// service (nova-compute, nova-scheduler, nova-conductor, ...), in API order:
//
//	service=<binary> host=<host> zone=<zone> status=<enabled|disabled> state=<up|down>
//
// os-services is admin-only; a non-admin caller gets Nova's 403 as the error.
func runServices(args []string, out io.Writer) error {
	if len(args) != 0 {
		return fmt.Errorf("%w: services takes no arguments", errUsage)
	}

	compute, err := serviceClient("compute")
	if err != nil {
		return err
	}
	compute.Microversion = servicesMicroversion

	pages, err := services.List(compute, nil).AllPages()
	if err != nil {
		return fmt.Errorf("listing compute services: %w", err)
	}
	list, err := services.ExtractServices(pages)
	if err != nil {
		return fmt.Errorf("decoding compute services: %w", err)
	}

	for _, s := range list {
		fmt.Fprintf(out, "service=%s host=%s zone=%s status=%s state=%s\n",
			s.Binary, s.Host, s.Zone, s.Status, s.State)
	}
	return nil
}
