package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"sort"
	"time"

	"github.com/gophercloud/gophercloud"
	"github.com/gophercloud/gophercloud/openstack"
	"github.com/gophercloud/gophercloud/openstack/containerinfra/v1/clusters"
)

// runCOECluster implements "gocheck coe-cluster NAME_OR_UUID". It shows one
// Magnum cluster and prints
//
//	cluster <name> <uuid> status=<status> health=<health_status> created=<created_at, RFC 3339> masters=<n> nodes=<n>
//	reason <key>=<value>      (one line per health_status_reason key, sorted by key)
//
// health is "-" when health_status is null (Magnum has not polled the
// cluster's health yet). created is printed in UTC, so Magnum's "+00:00"
// comes out as "Z". A reason value that is not a string is printed as JSON.
//
// The argument goes into the URL path as given (GET /v1/clusters/<arg>,
// path-escaped): Magnum resolves a name or a uuid itself and answers 404 for
// neither and 409 for a name several clusters share. gophercloud 0.12 prints
// a 409 with its body but a 404 as a bare "Resource not found", so Magnum's
// own detail ("Cluster x could not be found.") is appended where gophercloud
// drops it (see magnumDetail).
//
// No microversion is requested: gophercloud 0.12's clusters.Cluster already
// has HealthStatus and HealthStatusReason, and Magnum's show body carries
// health_status and health_status_reason at every microversion (1.1 included).
func runCOECluster(args []string, out io.Writer) error {
	if len(args) != 1 || args[0] == "" {
		return fmt.Errorf("%w: coe-cluster takes one argument, a cluster name or uuid", errUsage)
	}
	id := args[0]

	// clientconfig knows "container-infra" too, but the constructor is
	// spelled out here: openstack.NewContainerInfraV1 resolves the
	// "container-infra" catalog entry, whose URL ends in /v1, and the
	// clusters package appends clusters/<id> to it.
	coe, err := catalogClient("container-infra", openstack.NewContainerInfraV1)
	if err != nil {
		return err
	}

	// clusters.Get joins the id into the URL unescaped; escaping keeps a name
	// with "/", "?" or "#" in the path segment it belongs to and is a no-op
	// for ordinary names and uuids.
	c, err := clusters.Get(coe, url.PathEscape(id)).Extract()
	if err != nil {
		return fmt.Errorf("showing cluster %q: %w%s", id, err, magnumDetail(err))
	}
	if c == nil {
		return fmt.Errorf("showing cluster %q: the response body holds no cluster", id)
	}

	health := c.HealthStatus
	if health == "" {
		health = "-"
	}
	fmt.Fprintf(out, "cluster %s %s status=%s health=%s created=%s masters=%d nodes=%d\n",
		c.Name, c.UUID, c.Status, health, c.CreatedAt.UTC().Format(time.RFC3339), c.MasterCount, c.NodeCount)

	keys := make([]string, 0, len(c.HealthStatusReason))
	for key := range c.HealthStatusReason {
		keys = append(keys, key)
	}
	sort.Strings(keys) // map order is random; keep the output stable
	for _, key := range keys {
		value, err := reasonValue(c.HealthStatusReason[key])
		if err != nil {
			return fmt.Errorf("cluster %s: health_status_reason %q: %w", c.Name, key, err)
		}
		fmt.Fprintf(out, "reason %s=%s\n", key, value)
	}
	return nil
}

// reasonValue renders one health_status_reason value: strings as they are
// (Magnum's drivers put "Ready", "False", ... there), anything else as JSON.
func reasonValue(v interface{}) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// magnumDetail returns ": <detail>" for an HTTP error whose body is Magnum's
// {"errors": [{"detail": ...}]} and whose gophercloud 0.12 Error() text
// leaves that body out, and "" otherwise. The ErrDefaultNNN types below keep
// the body in their embedded ErrUnexpectedResponseCode but print a fixed
// sentence; 400, 403, 409 and any other status already print the raw body.
func magnumDetail(err error) string {
	var body []byte
	switch e := err.(type) {
	case gophercloud.ErrDefault401:
		body = e.Body
	case gophercloud.ErrDefault404:
		body = e.Body
	case gophercloud.ErrDefault405:
		body = e.Body
	case gophercloud.ErrDefault408:
		body = e.Body
	case gophercloud.ErrDefault429:
		body = e.Body
	case gophercloud.ErrDefault500:
		body = e.Body
	case gophercloud.ErrDefault503:
		body = e.Body
	default:
		return ""
	}
	var fault struct {
		Errors []struct {
			Detail string `json:"detail"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &fault) != nil || len(fault.Errors) == 0 || fault.Errors[0].Detail == "" {
		return ""
	}
	return ": " + fault.Errors[0].Detail
}
