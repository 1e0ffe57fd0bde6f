// Command gocheck is a small gophercloud client that fakecloud's real-client
// tests run as the "tool under test": if gophercloud can talk to fakecloud,
// Terraform's OpenStack provider and other Go tooling most likely can too.
//
// Usage:
//
//	gocheck <subcommand>
//
// Subcommands are registered in the commands table below; each one gets its
// own file (auth.go, ...), so later features only add a file and a table row.
//
// Configuration comes from the environment, exactly as for any gophercloud
// tool built on github.com/gophercloud/utils/openstack/clientconfig:
//
//	OS_CLOUD               cloud entry of clouds.yaml to use (e.g. admin,
//	                       demo, appcred-demo-ci)
//	OS_CLIENT_CONFIG_FILE  path of clouds.yaml. clientconfig (utils 0.x)
//	                       honours it natively, but silently falls back to
//	                       ./clouds.yaml, ~/.config/openstack/clouds.yaml and
//	                       /etc/openstack/clouds.yaml when the file does not
//	                       exist; gocheck refuses a missing file instead, so a
//	                       typo in a test cannot pick up some other cloud.
//	OS_*                   the other variables clientconfig understands
//	                       (OS_REGION_NAME, OS_INTERFACE, OS_PASSWORD, ...)
//	                       override the clouds.yaml entry as usual.
//	GOCHECK_DEBUG          when non-empty, trace every HTTP request and its
//	                       status to stderr (see debug.go).
//
// Exit status: 0 on success, 1 when the cloud interaction fails (the error
// goes to stderr), 2 on a usage error.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one gocheck subcommand. run writes its result to out; any error
// it returns is printed to stderr and turns into exit status 1.
type command struct {
	summary string
	run     func(args []string, out io.Writer) error
}

// commands is the registry of subcommands, keyed by their name on the command line.
var commands = map[string]command{
	"auth": {
		summary: "authenticate, validate the token and list the catalog's service types",
		run:     runAuth,
	},
	"servers": {
		summary: "list servers (compute 2.47) [--all-projects] [--limit N]",
		run:     runServers,
	},
	"hypervisors": {
		summary: "list hypervisors with their usage (compute 2.87)",
		run:     runHypervisors,
	},
	"services": {
		summary: "list compute services (compute 2.53)",
		run:     runServices,
	},
	"providers": {
		summary: "list placement resource providers and their usages (placement 1.14)",
		run:     runProviders,
	},
	"member-create": {
		summary: "create a load-balancer pool member and poll it to ACTIVE --pool NAME --address IP --port N [--name NAME] [--subnet-id ID] [--polls N] [--tick-url URL]",
		run:     runMemberCreate,
	},
	"l7policy-create": {
		summary: "create a REJECT L7 policy on a listener LISTENER NAME [POSITION]",
		run:     runL7PolicyCreate,
	},
	"l7rule-create": {
		summary: "add a PATH STARTS_WITH rule to an L7 policy POLICY PATH_PREFIX",
		run:     runL7RuleCreate,
	},
	"l7policies": {
		summary: "list a listener's L7 policies with their rules LISTENER",
		run:     runL7Policies,
	},
	"amphorae": {
		summary: "list a load balancer's amphorae (admin) LOADBALANCER",
		run:     runAmphorae,
	},
	"amphora-failover": {
		summary: "fail over a load balancer's first amphora (admin) LOADBALANCER",
		run:     runAmphoraFailover,
	},
	"lb-providers": {
		summary: "list the load-balancer provider drivers",
		run:     runLBProviders,
	},
	"coe-cluster": {
		summary: "show one Magnum cluster with its health (container-infra v1) NAME_OR_UUID",
		run:     runCOECluster,
	},
}

// errUsage marks errors caused by a bad command line rather than by the cloud,
// so main can tell the two apart and exit 2 instead of 1.
var errUsage = errors.New("usage error")

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
}

// realMain holds all of main except os.Exit, which keeps the exit-code policy
// in one place.
func realMain(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "gocheck: unknown subcommand %q\n", args[0])
		usage(stderr)
		return 2
	}
	if err := cmd.run(args[1:], stdout); err != nil {
		fmt.Fprintf(stderr, "gocheck %s: %v\n", args[0], err)
		if errors.Is(err, errUsage) {
			usage(stderr)
			return 2
		}
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: gocheck <subcommand>")
	fmt.Fprintln(w, "subcommands:")
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names) // map order is random; keep the help stable
	for _, name := range names {
		fmt.Fprintf(w, "  %-13s %s\n", name, commands[name].summary)
	}
}
