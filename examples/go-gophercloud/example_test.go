package example

// What fakecloud gives a Go test: a cloud whose time moves only when the test says so, and
// failures on demand. Each test resets the cloud to the fixture first.

import (
	"errors"
	"sort"
	"testing"

	"github.com/gophercloud/gophercloud"
	"github.com/gophercloud/gophercloud/openstack"
	"github.com/gophercloud/gophercloud/openstack/compute/v2/extensions/services"
	"github.com/gophercloud/gophercloud/openstack/compute/v2/flavors"
	"github.com/gophercloud/gophercloud/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/openstack/imageservice/v2/images"
	"github.com/gophercloud/gophercloud/openstack/networking/v2/networks"
)

func TestServerTurnsActiveOnlyWhenTheClockAdvances(t *testing.T) {
	cloud.Reset(t)
	provider := cloud.Provider(t, "demo")
	compute, err := openstack.NewComputeV2(provider, gophercloud.EndpointOpts{Region: "RegionOne"})
	if err != nil {
		t.Fatal(err)
	}
	server, err := servers.Create(compute, servers.CreateOpts{
		Name:      "example-vm",
		FlavorRef: flavorID(t, compute, "m1.tiny"),
		ImageRef:  imageID(t, provider, "cirros-0.6.2-x86_64-disk"),
		Networks:  []servers.Network{{UUID: networkID(t, provider, "private")}},
	}).Extract()
	if err != nil {
		t.Fatalf("creating a server: %v", err)
	}

	// The clock is manual: however long the test takes, the server stays in BUILD.
	if status := serverStatus(t, compute, server.ID); status != "BUILD" {
		t.Fatalf("before the clock moves: status %s, want BUILD", status)
	}
	cloud.Advance(t, 60) // scheduling and spawning take a few simulated seconds
	if status := serverStatus(t, compute, server.ID); status != "ACTIVE" {
		t.Fatalf("60 simulated seconds later: status %s, want ACTIVE", status)
	}

	var seen []string
	for _, e := range cloud.Journal(t, "transition") {
		if e.Resource == "server" && e.ID == server.ID && e.From != nil {
			seen = append(seen, *e.From+"->"+e.To)
		}
	}
	if len(seen) != 1 || seen[0] != "BUILD->ACTIVE" {
		t.Fatalf("journal transitions for the server: %v, want [BUILD->ACTIVE]", seen)
	}
}

func TestHostThatLosesPowerIsReportedDownAfterAMinute(t *testing.T) {
	cloud.Reset(t)
	compute := cloud.Compute(t, "admin")

	if state := novaComputeState(t, compute, "compute-1"); state != "up" {
		t.Fatalf("before the fault: nova-compute on compute-1 is %s, want up", state)
	}
	fault := cloud.AddFault(t, map[string]interface{}{"kind": "host-down", "host": "compute-1"})

	// Nova notices only when the service has missed its reports for 60 s.
	cloud.Advance(t, 30)
	if state := novaComputeState(t, compute, "compute-1"); state != "up" {
		t.Fatalf("30 s after power loss: %s, want still up", state)
	}
	cloud.Advance(t, 31)
	if state := novaComputeState(t, compute, "compute-1"); state != "down" {
		t.Fatalf("61 s after power loss: %s, want down", state)
	}

	cloud.RemoveFault(t, fault) // the host is powered on again
	cloud.Advance(t, 15)
	if state := novaComputeState(t, compute, "compute-1"); state != "up" {
		t.Fatalf("after the host is back: %s, want up", state)
	}
}

func TestInjectedErrorReachesGophercloudOnce(t *testing.T) {
	cloud.Reset(t)
	compute := cloud.Compute(t, "demo")
	cloud.AddFault(t, map[string]interface{}{
		"kind":   "api-error",
		"status": 503,
		"match":  map[string]string{"service": "compute", "method": "GET", "path": "/compute/v2.1/servers*"},
		"count":  1,
	})

	_, err := servers.List(compute, nil).AllPages()
	var unavailable gophercloud.ErrDefault503
	if !errors.As(err, &unavailable) {
		t.Fatalf("first listing: got %v, want gophercloud's 503 error", err)
	}

	// The fault fired its one time and removed itself: a retry gets the servers.
	pages, err := servers.List(compute, nil).AllPages()
	if err != nil {
		t.Fatalf("second listing: %v", err)
	}
	list, err := servers.ExtractServers(pages)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range list {
		names = append(names, s.Name)
	}
	sort.Strings(names)
	if want := []string{"db-0", "web-0", "web-1"}; len(names) != 3 || names[0] != want[0] || names[1] != want[1] || names[2] != want[2] {
		t.Fatalf("demo's servers: %v, want %v", names, want)
	}

	var statuses []int
	for _, e := range cloud.Journal(t, "api") {
		if e.Method == "GET" && e.Path == "/compute/v2.1/servers/detail" {
			statuses = append(statuses, e.Status)
		}
	}
	if len(statuses) != 2 || statuses[0] != 503 || statuses[1] != 200 {
		t.Fatalf("journaled GET /compute/v2.1/servers/detail statuses: %v, want [503 200]", statuses)
	}
}

func serverStatus(t *testing.T, compute *gophercloud.ServiceClient, id string) string {
	t.Helper()
	s, err := servers.Get(compute, id).Extract()
	if err != nil {
		t.Fatalf("getting server %s: %v", id, err)
	}
	return s.Status
}

func novaComputeState(t *testing.T, compute *gophercloud.ServiceClient, host string) string {
	t.Helper()
	pages, err := services.List(compute, services.ListOpts{Binary: "nova-compute", Host: host}).AllPages()
	if err != nil {
		t.Fatalf("listing compute services: %v", err)
	}
	list, err := services.ExtractServices(pages)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 {
		t.Fatalf("nova-compute services on %s: %d, want 1", host, len(list))
	}
	return list[0].State
}

func flavorID(t *testing.T, compute *gophercloud.ServiceClient, name string) string {
	t.Helper()
	pages, err := flavors.ListDetail(compute, nil).AllPages()
	if err != nil {
		t.Fatal(err)
	}
	list, err := flavors.ExtractFlavors(pages)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range list {
		if f.Name == name {
			return f.ID
		}
	}
	t.Fatalf("no flavor %s", name)
	return ""
}

func imageID(t *testing.T, provider *gophercloud.ProviderClient, name string) string {
	t.Helper()
	client, err := openstack.NewImageServiceV2(provider, gophercloud.EndpointOpts{Region: "RegionOne"})
	if err != nil {
		t.Fatal(err)
	}
	pages, err := images.List(client, images.ListOpts{Name: name}).AllPages()
	if err != nil {
		t.Fatal(err)
	}
	list, err := images.ExtractImages(pages)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 {
		t.Fatalf("images named %s: %d, want 1", name, len(list))
	}
	return list[0].ID
}

func networkID(t *testing.T, provider *gophercloud.ProviderClient, name string) string {
	t.Helper()
	client, err := openstack.NewNetworkV2(provider, gophercloud.EndpointOpts{Region: "RegionOne"})
	if err != nil {
		t.Fatal(err)
	}
	pages, err := networks.List(client, networks.ListOpts{Name: name}).AllPages()
	if err != nil {
		t.Fatal(err)
	}
	list, err := networks.ExtractNetworks(pages)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 {
		t.Fatalf("networks named %s: %d, want 1", name, len(list))
	}
	return list[0].ID
}
