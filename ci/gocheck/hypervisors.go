package main

import (
	"fmt"
	"io"

	"github.com/gophercloud/gophercloud/openstack/compute/v2/extensions/hypervisors"
)

// hypervisorsMicroversion is the compute microversion "gocheck hypervisors"
// asks for.
//
// 2.87 is the last microversion whose os-hypervisors/detail still carries the
// usage figures (vcpus, vcpus_used, memory_mb, memory_mb_used, running_vms,
// cpu_info, local_gb, free_disk_gb, ...); 2.88 removes them. Asking for 2.88 or
// later would not just print zeros: gophercloud 0.12's Hypervisor.UnmarshalJSON
// insists on cpu_info, free_disk_gb and local_gb being present and fails with
// "CPUInfo has unexpected type: <nil>" when they are not. Without any
// microversion header Nova would answer at 2.1, where the usage figures are
// present too, but pinning 2.87 also exercises the 2.53+ shape (hypervisor
// and service ids are UUID strings instead of integers); 0.12's custom
// UnmarshalJSON for Hypervisor and its Service accepts both, so either shape
// decodes.
const hypervisorsMicroversion = "2.87"

// runHypervisors implements "gocheck hypervisors". It prints one line per
// hypervisor, in API order:
//
//	hypervisor=<hostname> state=<up|down> status=<enabled|disabled> vcpus=<n> vcpus_used=<n> memory_mb=<n> memory_mb_used=<n> running_vms=<n>
//
// os-hypervisors is admin-only; a non-admin caller gets Nova's 403 as the error.
func runHypervisors(args []string, out io.Writer) error {
	if len(args) != 0 {
		return fmt.Errorf("%w: hypervisors takes no arguments", errUsage)
	}

	compute, err := serviceClient("compute")
	if err != nil {
		return err
	}
	compute.Microversion = hypervisorsMicroversion

	// hypervisors.List in 0.12 takes no options and always requests
	// GET /os-hypervisors/detail as a single page.
	pages, err := hypervisors.List(compute).AllPages()
	if err != nil {
		return fmt.Errorf("listing hypervisors: %w", err)
	}
	list, err := hypervisors.ExtractHypervisors(pages)
	if err != nil {
		return fmt.Errorf("decoding hypervisors: %w", err)
	}

	for _, h := range list {
		fmt.Fprintf(out, "hypervisor=%s state=%s status=%s vcpus=%d vcpus_used=%d memory_mb=%d memory_mb_used=%d running_vms=%d\n",
			h.HypervisorHostname, h.State, h.Status, h.VCPUs, h.VCPUsUsed, h.MemoryMB, h.MemoryMBUsed, h.RunningVMs)
	}
	return nil
}
