package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud"
	"github.com/gophercloud/gophercloud/openstack/loadbalancer/v2/loadbalancers"
	"github.com/gophercloud/gophercloud/openstack/loadbalancer/v2/pools"
)

// memberDefaultPolls is how many times "gocheck member-create" polls the new
// member when --polls is not given.
const memberDefaultPolls = 60

// memberTickBody is what --tick-url receives between two polls: fakecloud's
// control API (POST /_fakecloud/clock/advance) moves the simulated clock
// forward by that much, standing in for the one-second sleep.
const memberTickBody = `{"by":"1s"}`

// memberCreateArgs is the parsed command line of "gocheck member-create".
type memberCreateArgs struct {
	pool     string
	address  string
	port     int
	name     string
	subnetID string
	polls    int
	tickURL  string
}

// runMemberCreate implements "gocheck member-create --pool NAME --address IP
// --port N [--name NAME] [--subnet-id ID] [--polls N] [--tick-url URL]".
//
// It finds the pool by name (exactly one must match), adds a member to it and
// then waits for the member to become ACTIVE the way Terraform's Octavia
// resources do: poll the member and its load balancer, one second apart. It
// prints
//
//	created member <id> status=<provisioning_status>
//	poll <i> lb=<lb provisioning_status> member=<provisioning_status>/<operating_status>
//	observed: load balancer ACTIVE while member PENDING_CREATE   (at most once)
//	member <id> ACTIVE after <i> polls
//
// with one "poll" line per poll, i counting from 1. A member that goes to
// ERROR, or is still not ACTIVE after --polls polls (default 60), is an error.
//
// Between two polls the command sleeps for a second, unless --tick-url is
// given: then it POSTs {"by":"1s"} to that URL (fakecloud's
// /_fakecloud/clock/advance, which needs no token) instead, so a test runs
// against the simulated clock without waiting in real time.
func runMemberCreate(args []string, out io.Writer) error {
	a, err := parseMemberCreateArgs(args)
	if err != nil {
		return err
	}

	// clientconfig maps "load-balancer" to openstack.NewLoadBalancerV2, which
	// takes the catalog URL as the API root and appends v2.0/ itself.
	lb, err := serviceClient("load-balancer")
	if err != nil {
		return err
	}

	pool, err := poolByName(lb, a.pool)
	if err != nil {
		return err
	}
	if len(pool.Loadbalancers) == 0 {
		return fmt.Errorf("pool %s (%s) lists no load balancer", pool.Name, pool.ID)
	}
	lbID := pool.Loadbalancers[0].ID

	member, err := pools.CreateMember(lb, pool.ID, pools.CreateMemberOpts{
		Name:         a.name,
		Address:      a.address,
		ProtocolPort: a.port,
		SubnetID:     a.subnetID,
	}).Extract()
	if err != nil {
		return fmt.Errorf("creating member %s:%d in pool %s (%s): %w", a.address, a.port, pool.Name, pool.ID, err)
	}
	fmt.Fprintf(out, "created member %s status=%s\n", member.ID, member.ProvisioningStatus)

	observed := false
	last := member.ProvisioningStatus
	for i := 1; i <= a.polls; i++ {
		if i > 1 {
			if err := memberTick(a.tickURL); err != nil {
				return err
			}
		}

		m, err := pools.GetMember(lb, pool.ID, member.ID).Extract()
		if err != nil {
			return fmt.Errorf("poll %d: getting member %s of pool %s: %w", i, member.ID, pool.ID, err)
		}
		balancer, err := loadbalancers.Get(lb, lbID).Extract()
		if err != nil {
			return fmt.Errorf("poll %d: getting load balancer %s: %w", i, lbID, err)
		}
		last = m.ProvisioningStatus
		fmt.Fprintf(out, "poll %d lb=%s member=%s/%s\n", i, balancer.ProvisioningStatus, m.ProvisioningStatus, m.OperatingStatus)

		// Octavia moves the load balancer back to ACTIVE only after the
		// member it was updating is done; seeing it ACTIVE while the member
		// is still PENDING_CREATE is worth a line of its own.
		if !observed && balancer.ProvisioningStatus == "ACTIVE" && m.ProvisioningStatus == "PENDING_CREATE" {
			fmt.Fprintln(out, "observed: load balancer ACTIVE while member PENDING_CREATE")
			observed = true
		}

		switch m.ProvisioningStatus {
		case "ACTIVE":
			fmt.Fprintf(out, "member %s ACTIVE after %d polls\n", member.ID, i)
			return nil
		case "ERROR":
			return fmt.Errorf("member %s went to ERROR", member.ID)
		}
	}
	return fmt.Errorf("member %s not ACTIVE after %d polls (last: %s)", member.ID, a.polls, last)
}

// parseMemberCreateArgs reads member-create's flags; every mistake is an
// errUsage error naming the flag.
func parseMemberCreateArgs(args []string) (memberCreateArgs, error) {
	a := memberCreateArgs{polls: memberDefaultPolls}
	const flags = "--pool NAME --address IP --port N [--name NAME] [--subnet-id ID] [--polls N] [--tick-url URL]"
	var havePort bool
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch arg {
		case "--pool", "--address", "--port", "--name", "--subnet-id", "--polls", "--tick-url":
		default:
			return a, fmt.Errorf("%w: member-create: unknown argument %q (%s)", errUsage, arg, flags)
		}
		if i+1 == len(args) {
			return a, fmt.Errorf("%w: member-create: %s needs a value", errUsage, arg)
		}
		i++
		value := args[i]
		switch arg {
		case "--pool":
			a.pool = value
		case "--address":
			if net.ParseIP(value) == nil {
				return a, fmt.Errorf("%w: member-create: --address %q is not an IP address", errUsage, value)
			}
			a.address = value
		case "--port":
			n, err := strconv.Atoi(value)
			if err != nil || n < 1 || n > 65535 {
				return a, fmt.Errorf("%w: member-create: --port %q is not a port number (1-65535)", errUsage, value)
			}
			a.port = n
			havePort = true
		case "--name":
			a.name = value
		case "--subnet-id":
			a.subnetID = value
		case "--polls":
			n, err := strconv.Atoi(value)
			if err != nil || n < 1 {
				return a, fmt.Errorf("%w: member-create: --polls %q is not a positive number", errUsage, value)
			}
			a.polls = n
		case "--tick-url":
			u, err := url.Parse(value)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return a, fmt.Errorf("%w: member-create: --tick-url %q is not an http(s) URL", errUsage, value)
			}
			a.tickURL = value
		}
	}

	var missing []string
	if a.pool == "" {
		missing = append(missing, "--pool")
	}
	if a.address == "" {
		missing = append(missing, "--address")
	}
	if !havePort {
		missing = append(missing, "--port")
	}
	if len(missing) > 0 {
		return a, fmt.Errorf("%w: member-create: missing %s (%s)", errUsage, strings.Join(missing, ", "), flags)
	}
	return a, nil
}

// poolByName returns the one pool called name. Octavia filters on ?name=
// server side; a pool of another name in the answer means the filter was
// ignored, which is reported rather than papered over.
func poolByName(lb *gophercloud.ServiceClient, name string) (*pools.Pool, error) {
	pages, err := pools.List(lb, pools.ListOpts{Name: name}).AllPages()
	if err != nil {
		return nil, fmt.Errorf("listing pools name=%s: %w", name, err)
	}
	list, err := pools.ExtractPools(pages)
	if err != nil {
		return nil, fmt.Errorf("decoding pools: %w", err)
	}
	for _, p := range list {
		if p.Name != name {
			return nil, fmt.Errorf("listing pools name=%s returned pool %s named %q: name filter ignored", name, p.ID, p.Name)
		}
	}
	switch len(list) {
	case 1:
		return &list[0], nil
	case 0:
		return nil, fmt.Errorf("no pool named %q", name)
	default:
		ids := make([]string, len(list))
		for i, p := range list {
			ids[i] = p.ID
		}
		return nil, fmt.Errorf("%d pools named %q (%s), need exactly one", len(list), name, strings.Join(ids, ", "))
	}
}

// memberTick lets one second pass between two polls: a real sleep, or with a
// tick URL an advance of fakecloud's simulated clock. The POST goes through
// http.DefaultTransport, so GOCHECK_DEBUG traces it like the API requests.
func memberTick(tickURL string) error {
	if tickURL == "" {
		time.Sleep(1 * time.Second)
		return nil
	}
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Post(tickURL, "application/json", strings.NewReader(memberTickBody))
	if err != nil {
		return fmt.Errorf("advancing clock: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		msg := fmt.Sprintf("advancing clock: POST %s: %s", tickURL, resp.Status)
		if body = bytes.TrimSpace(body); len(body) > 0 {
			msg += ": " + string(body)
		}
		return errors.New(msg)
	}
	return nil
}
