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
