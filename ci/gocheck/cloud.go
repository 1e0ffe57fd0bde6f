package main

import (
	"fmt"
	"os"

	"github.com/gophercloud/gophercloud"
	"github.com/gophercloud/utils/openstack/clientconfig"
)

// clientOpts builds the clientconfig options shared by every subcommand.
//
// Cloud is filled from OS_CLOUD even though clientconfig reads that variable
// itself: it makes the dependency explicit and keeps working if a later
// utils release stops consulting the environment.
func clientOpts() (*clientconfig.ClientOpts, error) {
	// clientconfig only uses OS_CLIENT_CONFIG_FILE when the file exists and
	// otherwise searches the working directory and the user's and system
	// config directories. A test that points at a file expects exactly that
	// file, so a missing one is an error here.
	if path := os.Getenv("OS_CLIENT_CONFIG_FILE"); path != "" {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("OS_CLIENT_CONFIG_FILE: %w", err)
		}
	}
	return &clientconfig.ClientOpts{Cloud: os.Getenv("OS_CLOUD")}, nil
}

// serviceClient authenticates and returns a client for one catalog service
// type ("identity", "compute", ...), resolved through the token's catalog
// with the region and interface configured for the cloud, the same path
// Terraform and other gophercloud consumers take.
func serviceClient(service string) (*gophercloud.ServiceClient, error) {
	opts, err := clientOpts()
	if err != nil {
		return nil, err
	}
	client, err := clientconfig.NewServiceClient(service, opts)
	if err != nil {
		return nil, fmt.Errorf("cloud %q, %s service: %w", opts.Cloud, service, err)
	}
	return client, nil
}

// newServiceClient is the shape of gophercloud's openstack.NewXxxV1/V2
// constructors (NewPlacementV1, NewContainerInfraV1, ...).
type newServiceClient func(*gophercloud.ProviderClient, gophercloud.EndpointOpts) (*gophercloud.ServiceClient, error)

// catalogClient authenticates and builds a client with one of gophercloud's
// own constructors, for services clientconfig.NewServiceClient does not know
// (placement) or where a subcommand wants the constructor spelled out.
//
// It repeats what NewServiceClient does: log in through clientconfig, take
// the region and interface from OS_REGION_NAME and OS_INTERFACE with the
// clouds.yaml entry taking precedence (its own order), then let gophercloud
// resolve the service's catalog entry. service only names the client in
// error messages; newClient decides the catalog type.
func catalogClient(service string, newClient newServiceClient) (*gophercloud.ServiceClient, error) {
	opts, err := clientOpts()
	if err != nil {
		return nil, err
	}
	provider, err := clientconfig.AuthenticatedClient(opts)
	if err != nil {
		return nil, fmt.Errorf("cloud %q: %w", opts.Cloud, err)
	}

	region := os.Getenv("OS_REGION_NAME")
	endpointType := os.Getenv("OS_INTERFACE")
	if opts.Cloud != "" {
		// GetCloudFromYAML has already copied "interface" into EndpointType
		// when only the former is set.
		cloud, err := clientconfig.GetCloudFromYAML(opts)
		if err != nil {
			return nil, fmt.Errorf("cloud %q: %w", opts.Cloud, err)
		}
		if cloud.RegionName != "" {
			region = cloud.RegionName
		}
		if cloud.EndpointType != "" {
			endpointType = cloud.EndpointType
		}
	}

	client, err := newClient(provider, gophercloud.EndpointOpts{
		Region:       region,
		Availability: clientconfig.GetEndpointType(endpointType),
	})
	if err != nil {
		return nil, fmt.Errorf("cloud %q, %s service: %w", opts.Cloud, service, err)
	}
	return client, nil
}
