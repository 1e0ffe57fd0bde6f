//! pcs's usage texts: the top level, `pcs resource`, `pcs status` and `pcs cluster`, for `--help`
//! (on stdout) and for a mistake (on stderr).

pub(super) fn main_usage() -> String {
    "\nUsage: pcs [-f file] [-h] [commands]...\n\
Control and configure pacemaker and corosync.\n\
\n\
Options:\n\
\x20   -h, --help         Display usage and exit.\n\
\x20   -f file            Perform actions on file instead of active CIB.\n\
\x20   --debug            Print all network traffic and external commands run.\n\
\x20   --version          Print pcs version information.\n\
\x20   --request-timeout  Timeout for each outgoing request to another node in\n\
\x20                      seconds. Default is 60s.\n\
\x20   --force            Override checks and errors, the exact behavior depends on\n\
\x20                      the command.\n\
\n\
Commands:\n\
\x20   cluster     Configure cluster options and nodes.\n\
\x20   resource    Manage cluster resources.\n\
\x20   stonith     Manage fence devices.\n\
\x20   constraint  Manage resource constraints.\n\
\x20   property    Manage pacemaker properties.\n\
\x20   acl         Manage pacemaker access control lists.\n\
\x20   quorum      Manage cluster quorum settings.\n\
\x20   booth       Manage booth (cluster ticket manager).\n\
\x20   status      View cluster status.\n\
\x20   config      View and manage cluster configuration.\n\
\x20   pcsd        Manage pcs daemon.\n\
\x20   node        Manage cluster nodes.\n\
\x20   alert       Manage pacemaker alerts.\n\
\n"
    .to_string()
}

/// The `pcs resource` subcommands this shell knows, with their usage entries.
const RESOURCE_COMMANDS: &[(&str, &str)] = &[
    (
        "status",
        "    [status [--hide-inactive]]\n        Show status of all currently configured resources. If --hide-inactive\n        is specified, only show active resources.\n",
    ),
    (
        "config",
        "    config [<resource id>]...\n        Show options of all currently configured resources or if resource ids\n        are specified show the options for the specified resource ids.\n",
    ),
    (
        "show",
        "    show [<resource id>]... | --full\n        Show options of the specified resources, or the status of all\n        resources when none is specified (--full: options of all of them).\n",
    ),
    (
        "restart",
        "    restart <resource id> [node] [--wait=n]\n        Restart the resource specified. If a node is specified and if the\n        resource is a clone or bundle it will be restarted only on the node\n        specified. If --wait is specified, then we will wait up to 'n' seconds\n        for the resource to be restarted and return 0 if the restart was\n        successful or 1 if it was not.\n",
    ),
    (
        "cleanup",
        "    cleanup [<resource id>] [node=<node>] [operation=<operation>\n            [interval=<interval>]]\n        Make the cluster forget failed operations from history of the resource\n        and re-detect its current state. This can be useful to purge knowledge\n        of past failures that have since been resolved. If a resource id is not\n        specified then all resources / stonith devices will be cleaned up.\n",
    ),
    (
        "enable",
        "    enable <resource id>... [--wait[=n]]\n        Allow the cluster to start the resources.\n",
    ),
    (
        "disable",
        "    disable <resource id>... [--wait[=n]]\n        Attempt to stop the resources if they are running and forbid the\n        cluster from starting them again.\n",
    ),
    (
        "move",
        "    move <resource id> [destination node] [--master] [lifetime=<lifetime>]\n        Move the resource off the node it is currently running on.\n",
    ),
    ("clear", "    clear <resource id> [node] [--master] [--expired]\n        Remove constraints created by move and/or ban on the specified\n        resource.\n"),
];

pub(super) fn resource_usage(sub: Option<&str>) -> String {
    match sub.and_then(|s| RESOURCE_COMMANDS.iter().find(|(c, _)| *c == s)) {
        Some((name, entry)) => format!("\nUsage: pcs resource {name}...\n{entry}\n"),
        None => {
            let mut out = "\nUsage: pcs resource [commands]...\nManage pacemaker resources\n\nCommands:\n".to_string();
            for (_, entry) in RESOURCE_COMMANDS {
                out.push_str(entry);
                out.push('\n');
            }
            out
        }
    }
}

pub(super) fn status_usage() -> String {
    "\nUsage: pcs status [commands]...\n\
View current cluster and resource status\n\
Commands:\n\
\x20   [status] [--full | --hide-inactive]\n\
\x20       View all information about the cluster and resources (--full provides\n\
\x20       more details, --hide-inactive hides inactive resources).\n\
\n\
\x20   resources [--hide-inactive]\n\
\x20       Show status of all currently configured resources.\n\
\n\
\x20   cluster\n\
\x20       View current cluster status.\n\
\n\
\x20   nodes [corosync | both | config]\n\
\x20       View current status of nodes from pacemaker.\n\
\n\
\x20   pcsd [<node>]...\n\
\x20       Show current status of pcsd on nodes specified, or on all nodes\n\
\x20       configured in the local cluster if no nodes are specified.\n\
\n"
    .to_string()
}

pub(super) fn cluster_usage() -> String {
    "\nUsage: pcs cluster [commands]...\n\
Configure cluster for use with pacemaker\n\
\n\
Commands:\n\
\x20   status\n\
\x20       View current cluster status (an alias of 'pcs status cluster').\n\
\n\
\x20   start [--all | <node>...] [--wait[=<n>]]\n\
\x20       Start a cluster on specified node(s). If no nodes are specified then\n\
\x20       start a cluster on the local node. If --all is specified then start\n\
\x20       a cluster on all nodes.\n\
\n\
\x20   stop [--all | <node>...]\n\
\x20       Stop a cluster on specified node(s). If no nodes are specified then\n\
\x20       stop a cluster on the local node. If --all is specified then stop\n\
\x20       a cluster on all nodes.\n\
\n"
    .to_string()
}
