package main

// The Octavia families beyond pools and members, through gophercloud's
// loadbalancer/v2 packages: L7 policies and rules, amphorae (list and
// failover) and providers. Each subcommand does one call (or one lookup and
// one call), so a scenario advances the clock between them as the load
// balancer's locking needs.

import (
	"fmt"
	"io"
	"strconv"

	"github.com/gophercloud/gophercloud"
	"github.com/gophercloud/gophercloud/openstack/loadbalancer/v2/amphorae"
	"github.com/gophercloud/gophercloud/openstack/loadbalancer/v2/l7policies"
	"github.com/gophercloud/gophercloud/openstack/loadbalancer/v2/listeners"
	"github.com/gophercloud/gophercloud/openstack/loadbalancer/v2/loadbalancers"
	"github.com/gophercloud/gophercloud/openstack/loadbalancer/v2/providers"
)

// runL7PolicyCreate implements "gocheck l7policy-create LISTENER NAME
// [POSITION]": a REJECT policy on the named listener. It prints
//
//	l7policy=<name> action=REJECT position=<n> status=<provisioning status>
func runL7PolicyCreate(args []string, out io.Writer) error {
	if len(args) != 2 && len(args) != 3 {
		return fmt.Errorf("%w: l7policy-create takes LISTENER NAME [POSITION]", errUsage)
	}
	opts := l7policies.CreateOpts{Name: args[1], Action: l7policies.ActionReject}
	if len(args) == 3 {
		n, err := strconv.Atoi(args[2])
		if err != nil || n < 1 {
			return fmt.Errorf("%w: l7policy-create: POSITION %q is not a positive number", errUsage, args[2])
		}
		opts.Position = int32(n)
	}
	lb, err := serviceClient("load-balancer")
	if err != nil {
		return err
	}
	listener, err := listenerByName(lb, args[0])
	if err != nil {
		return err
	}
	opts.ListenerID = listener.ID
	p, err := l7policies.Create(lb, opts).Extract()
	if err != nil {
		return fmt.Errorf("creating L7 policy %s on listener %s: %w", args[1], listener.ID, err)
	}
	fmt.Fprintf(out, "l7policy=%s action=%s position=%d status=%s\n", p.Name, p.Action, p.Position, p.ProvisioningStatus)
	return nil
}

// runL7RuleCreate implements "gocheck l7rule-create POLICY PATH_PREFIX": a
// PATH STARTS_WITH rule on the named policy. It prints
//
//	l7rule policy=<name> type=PATH compare=STARTS_WITH value=<prefix> status=<provisioning status>
func runL7RuleCreate(args []string, out io.Writer) error {
	if len(args) != 2 {
		return fmt.Errorf("%w: l7rule-create takes POLICY PATH_PREFIX", errUsage)
	}
	lb, err := serviceClient("load-balancer")
	if err != nil {
		return err
	}
	policy, err := l7policyByName(lb, args[0])
	if err != nil {
		return err
	}
	opts := l7policies.CreateRuleOpts{RuleType: l7policies.TypePath, CompareType: l7policies.CompareTypeStartWith, Value: args[1]}
	r, err := l7policies.CreateRule(lb, policy.ID, opts).Extract()
	if err != nil {
		return fmt.Errorf("creating a rule in L7 policy %s: %w", policy.ID, err)
	}
	fmt.Fprintf(out, "l7rule policy=%s type=%s compare=%s value=%s status=%s\n", policy.Name, r.RuleType, r.CompareType, r.Value, r.ProvisioningStatus)
	return nil
}

// runL7Policies implements "gocheck l7policies LISTENER": the listener's
// policies in API order, each followed by its rules:
//
//	l7policy=<name> action=<action> position=<n> status=<provisioning status>
//	l7rule policy=<name> type=<type> compare=<compare type> value=<value> status=<provisioning status>
func runL7Policies(args []string, out io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("%w: l7policies takes LISTENER", errUsage)
	}
	lb, err := serviceClient("load-balancer")
	if err != nil {
		return err
	}
	listener, err := listenerByName(lb, args[0])
	if err != nil {
		return err
	}
	pages, err := l7policies.List(lb, l7policies.ListOpts{ListenerID: listener.ID}).AllPages()
	if err != nil {
		return fmt.Errorf("listing L7 policies of listener %s: %w", listener.ID, err)
	}
	list, err := l7policies.ExtractL7Policies(pages)
	if err != nil {
		return fmt.Errorf("decoding L7 policies: %w", err)
	}
	for _, p := range list {
		if p.ListenerID != listener.ID {
			return fmt.Errorf("listing L7 policies listener_id=%s returned policy %s of listener %s: filter ignored", listener.ID, p.ID, p.ListenerID)
		}
		fmt.Fprintf(out, "l7policy=%s action=%s position=%d status=%s\n", p.Name, p.Action, p.Position, p.ProvisioningStatus)
		rulePages, err := l7policies.ListRules(lb, p.ID, l7policies.ListRulesOpts{}).AllPages()
		if err != nil {
			return fmt.Errorf("listing the rules of L7 policy %s: %w", p.ID, err)
		}
		rules, err := l7policies.ExtractRules(rulePages)
		if err != nil {
			return fmt.Errorf("decoding rules: %w", err)
		}
		for _, r := range rules {
			fmt.Fprintf(out, "l7rule policy=%s type=%s compare=%s value=%s status=%s\n", p.Name, r.RuleType, r.CompareType, r.Value, r.ProvisioningStatus)
		}
	}
	return nil
}

// runAmphorae implements "gocheck amphorae LOADBALANCER": the load
// balancer's amphorae, one line each:
//
//	amphora=<id> role=<role> status=<status> compute_id=<server id>
func runAmphorae(args []string, out io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("%w: amphorae takes LOADBALANCER", errUsage)
	}
	lb, err := serviceClient("load-balancer")
	if err != nil {
		return err
	}
	list, err := amphoraeOf(lb, args[0])
	if err != nil {
		return err
	}
	for _, a := range list {
		fmt.Fprintf(out, "amphora=%s role=%s status=%s compute_id=%s\n", a.ID, a.Role, a.Status, a.ComputeID)
	}
	return nil
}

// runAmphoraFailover implements "gocheck amphora-failover LOADBALANCER":
// fails over the load balancer's first amphora and prints
//
//	failover amphora=<id> accepted
func runAmphoraFailover(args []string, out io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("%w: amphora-failover takes LOADBALANCER", errUsage)
	}
	lb, err := serviceClient("load-balancer")
	if err != nil {
		return err
	}
	list, err := amphoraeOf(lb, args[0])
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return fmt.Errorf("load balancer %s has no amphora", args[0])
	}
	if err := amphorae.Failover(lb, list[0].ID).ExtractErr(); err != nil {
		return fmt.Errorf("failing over amphora %s: %w", list[0].ID, err)
	}
	fmt.Fprintf(out, "failover amphora=%s accepted\n", list[0].ID)
	return nil
}

// runLBProviders implements "gocheck lb-providers": the enabled provider
// drivers, one "provider=<name> description=<description>" line each.
func runLBProviders(args []string, out io.Writer) error {
	if len(args) != 0 {
		return fmt.Errorf("%w: lb-providers takes no arguments", errUsage)
	}
	lb, err := serviceClient("load-balancer")
	if err != nil {
		return err
	}
	pages, err := providers.List(lb, providers.ListOpts{}).AllPages()
	if err != nil {
		return fmt.Errorf("listing providers: %w", err)
	}
	list, err := providers.ExtractProviders(pages)
	if err != nil {
		return fmt.Errorf("decoding providers: %w", err)
	}
	for _, p := range list {
		fmt.Fprintf(out, "provider=%s description=%s\n", p.Name, p.Description)
	}
	return nil
}

func amphoraeOf(lb *gophercloud.ServiceClient, name string) ([]amphorae.Amphora, error) {
	pages, err := loadbalancers.List(lb, loadbalancers.ListOpts{Name: name}).AllPages()
	if err != nil {
		return nil, fmt.Errorf("listing load balancers name=%s: %w", name, err)
	}
	lbs, err := loadbalancers.ExtractLoadBalancers(pages)
	if err != nil {
		return nil, fmt.Errorf("decoding load balancers: %w", err)
	}
	if len(lbs) != 1 || lbs[0].Name != name {
		return nil, fmt.Errorf("listing load balancers name=%s: want exactly that one, got %d", name, len(lbs))
	}
	pages, err = amphorae.List(lb, amphorae.ListOpts{LoadbalancerID: lbs[0].ID}).AllPages()
	if err != nil {
		return nil, fmt.Errorf("listing the amphorae of load balancer %s: %w", lbs[0].ID, err)
	}
	list, err := amphorae.ExtractAmphorae(pages)
	if err != nil {
		return nil, fmt.Errorf("decoding amphorae: %w", err)
	}
	for _, a := range list {
		if a.LoadbalancerID != lbs[0].ID {
			return nil, fmt.Errorf("listing amphorae loadbalancer_id=%s returned amphora %s of %s: filter ignored", lbs[0].ID, a.ID, a.LoadbalancerID)
		}
	}
	return list, nil
}

func listenerByName(lb *gophercloud.ServiceClient, name string) (*listeners.Listener, error) {
	pages, err := listeners.List(lb, listeners.ListOpts{Name: name}).AllPages()
	if err != nil {
		return nil, fmt.Errorf("listing listeners name=%s: %w", name, err)
	}
	list, err := listeners.ExtractListeners(pages)
	if err != nil {
		return nil, fmt.Errorf("decoding listeners: %w", err)
	}
	if len(list) != 1 || list[0].Name != name {
		return nil, fmt.Errorf("listing listeners name=%s: want exactly that one, got %d", name, len(list))
	}
	return &list[0], nil
}

func l7policyByName(lb *gophercloud.ServiceClient, name string) (*l7policies.L7Policy, error) {
	pages, err := l7policies.List(lb, l7policies.ListOpts{Name: name}).AllPages()
	if err != nil {
		return nil, fmt.Errorf("listing L7 policies name=%s: %w", name, err)
	}
	list, err := l7policies.ExtractL7Policies(pages)
	if err != nil {
		return nil, fmt.Errorf("decoding L7 policies: %w", err)
	}
	if len(list) != 1 || list[0].Name != name {
		return nil, fmt.Errorf("listing L7 policies name=%s: want exactly that one, got %d", name, len(list))
	}
	return &list[0], nil
}
