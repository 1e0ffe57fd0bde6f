@octavia @incidents
Feature: Octavia incidents from the operations notes
  Each scenario puts the cloud into a documented state, from its cause where it has one (a member
  fault of the amphorav2 flows, host pressure, a cloud with no room for one more amphora), and
  checks that a tool under test handles it. Scenarios tagged @catches-naive must also fail when run
  with the naive reference tool. Tools poll with `sleep`, which moves the simulated clock.

  The tight fixture (fixtures/octavia-tight.yaml) is the default cloud with every host full to the
  last MB: its only amphora-sized slot is held by the server filler-0 (admin project, compute-0),
  and a second load balancer, web-lb (project demo), has its amphora on compute-1 next to the
  kube-api one.

  # ---- C1: the load balancer is ACTIVE again while the new member is still PENDING_CREATE ----

  @incident-C1
  Scenario: With amphorav2 the load balancer is ACTIVE again before the new member is
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "member-lag", "seconds": 30, "match": {"pool": "k8s-*"}}
      """
    And "admin" runs "openstack loadbalancer member create --name k8s-clusterapi-cluster-default-kube-kubeapi-6443-kube-cp-3 --address 10.6.0.60 --protocol-port 6443 k8s-clusterapi-cluster-default-kube-kubeapi-6443"
    Then it succeeds
    When the clock advances by "5s"
    And "admin" runs "openstack loadbalancer show k8s-clusterapi-cluster-default-kube-kubeapi -f value -c provisioning_status"
    Then stdout contains "ACTIVE"
    When "admin" runs "openstack loadbalancer member show k8s-clusterapi-cluster-default-kube-kubeapi-6443 k8s-clusterapi-cluster-default-kube-kubeapi-6443-kube-cp-3 -f value -c provisioning_status"
    Then stdout contains "PENDING_CREATE"
    When the clock advances by "30s"
    And "admin" runs "openstack loadbalancer member show k8s-clusterapi-cluster-default-kube-kubeapi-6443 k8s-clusterapi-cluster-default-kube-kubeapi-6443-kube-cp-3 -f value -c provisioning_status"
    Then stdout contains "ACTIVE"

  @incident-C1 @catches-naive
  Scenario: A member add is done only when the member itself is ACTIVE
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "member-lag", "seconds": 30, "match": {"pool": "k8s-*"}}
      """
    And "admin" runs the "member-reconciler" tool with "add k8s-clusterapi-cluster-default-kube-kubeapi-6443 k8s-clusterapi-cluster-default-kube-kubeapi-6443-kube-cp-3 10.6.0.60 6443"
    Then it succeeds
    When "admin" runs "openstack loadbalancer member show k8s-clusterapi-cluster-default-kube-kubeapi-6443 k8s-clusterapi-cluster-default-kube-kubeapi-6443-kube-cp-3 -f value -c provisioning_status"
    Then stdout contains "ACTIVE"

  # ---- C2: a rolling replacement of the control-plane members must keep the API reachable ----

  @incident-C2 @catches-naive
  Scenario: A rolling replacement of all members keeps the kube-api load balancer serving
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "member-lag", "seconds": 60, "match": {"pool": "k8s-*"}}
      """
    And "admin" runs the "member-reconciler" tool with "replace k8s-clusterapi-cluster-default-kube-kubeapi-6443 10.6.0.50 10.6.0.51 10.6.0.52"
    Then it succeeds
    And the load balancer "k8s-clusterapi-cluster-default-kube-kubeapi" was never without a serving member
    And no member of pool "k8s-clusterapi-cluster-default-kube-kubeapi-6443" was deleted before its replacement was ACTIVE
    When "admin" runs "openstack loadbalancer member list k8s-clusterapi-cluster-default-kube-kubeapi-6443 -f value -c address -c provisioning_status"
    Then stdout contains "ACTIVE 10.6.0.50"
    And stdout contains "ACTIVE 10.6.0.52"
    And stdout does not contain "10.6.0.4"

  # ---- C2, health variant: ACTIVE is not yet serving while the health monitor's checks rise ----

  @incident-C2
  Scenario: A new member is ACTIVE before its health checks pass, and OFFLINE until they do
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "member-health-lag", "seconds": 60, "match": {"pool": "k8s-*"}}
      """
    And "admin" runs "openstack loadbalancer member create --name k8s-clusterapi-cluster-default-kube-kubeapi-6443-kube-cp-3 --address 10.6.0.60 --protocol-port 6443 k8s-clusterapi-cluster-default-kube-kubeapi-6443"
    Then it succeeds
    When the clock advances by "20s"
    And "admin" runs "openstack loadbalancer member show k8s-clusterapi-cluster-default-kube-kubeapi-6443 k8s-clusterapi-cluster-default-kube-kubeapi-6443-kube-cp-3 -f json"
    Then stdout is JSON whose "provisioning_status" is "ACTIVE"
    And stdout is JSON whose "operating_status" is "OFFLINE"
    When the clock advances by "60s"
    And "admin" runs "openstack loadbalancer member show k8s-clusterapi-cluster-default-kube-kubeapi-6443 k8s-clusterapi-cluster-default-kube-kubeapi-6443-kube-cp-3 -f json"
    Then stdout is JSON whose "operating_status" is "ONLINE"
    And the load balancer "k8s-clusterapi-cluster-default-kube-kubeapi" was never without a serving member

  @incident-C2
  Scenario: A replacement that waits for ACTIVE only leaves the pool without a serving member
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "member-health-lag", "seconds": 90, "match": {"pool": "k8s-*"}}
      """
    And "admin" runs "openstack loadbalancer member create --name k8s-clusterapi-cluster-default-kube-kubeapi-6443-new --address 10.6.0.50 --protocol-port 6443 k8s-clusterapi-cluster-default-kube-kubeapi-6443"
    And the clock advances by "20s"
    And "admin" runs "openstack loadbalancer member show k8s-clusterapi-cluster-default-kube-kubeapi-6443 k8s-clusterapi-cluster-default-kube-kubeapi-6443-new -f value -c provisioning_status"
    Then stdout contains "ACTIVE"
    When "admin" runs "openstack loadbalancer member delete k8s-clusterapi-cluster-default-kube-kubeapi-6443 k8s-clusterapi-cluster-default-kube-kubeapi-6443-kube-cp-0"
    And the clock advances by "10s"
    And "admin" runs "openstack loadbalancer member delete k8s-clusterapi-cluster-default-kube-kubeapi-6443 k8s-clusterapi-cluster-default-kube-kubeapi-6443-kube-cp-1"
    And the clock advances by "10s"
    And "admin" runs "openstack loadbalancer member delete k8s-clusterapi-cluster-default-kube-kubeapi-6443 k8s-clusterapi-cluster-default-kube-kubeapi-6443-kube-cp-2"
    And the clock advances by "90s"
    Then the load balancer "k8s-clusterapi-cluster-default-kube-kubeapi" was without a serving member for at least 20 seconds
    When "admin" runs "openstack loadbalancer member show k8s-clusterapi-cluster-default-kube-kubeapi-6443 k8s-clusterapi-cluster-default-kube-kubeapi-6443-new -f value -c operating_status"
    Then stdout contains "ONLINE"

  @incident-C2 @catches-naive
  Scenario: A rolling replacement waits until the new members pass their health checks
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "member-health-lag", "seconds": 60, "match": {"pool": "k8s-*"}}
      """
    And "admin" runs the "member-reconciler" tool with "replace k8s-clusterapi-cluster-default-kube-kubeapi-6443 10.6.0.50 10.6.0.51 10.6.0.52"
    Then it succeeds
    And the load balancer "k8s-clusterapi-cluster-default-kube-kubeapi" was never without a serving member
    When "admin" runs "openstack loadbalancer member list k8s-clusterapi-cluster-default-kube-kubeapi-6443 -f value -c address -c operating_status"
    Then stdout contains "10.6.0.50 ONLINE"
    And stdout does not contain "10.6.0.4"

  # ---- C3: a member that never becomes ACTIVE ----

  @incident-C3 @catches-naive
  Scenario: A member stuck in PENDING_CREATE makes the reconciler give up after a bounded wait
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "member-stuck", "match": {"pool": "k8s-*"}}
      """
    And "admin" runs the "member-reconciler" tool with "add k8s-clusterapi-cluster-default-kube-kubeapi-6443 k8s-clusterapi-cluster-default-kube-kubeapi-6443-kube-cp-3 10.6.0.60 6443"
    Then the exit status is 1
    And the verdict is "gave-up"
    And the tool reports "PROBLEM timeout k8s-clusterapi-cluster-default-kube-kubeapi-6443-kube-cp-3 PENDING_CREATE"

  @incident-C3 @catches-naive
  Scenario: A member in ERROR stops the reconciler at once
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "member-error", "match": {"pool": "k8s-*"}}
      """
    And "admin" runs the "member-reconciler" tool with "add k8s-clusterapi-cluster-default-kube-kubeapi-6443 k8s-clusterapi-cluster-default-kube-kubeapi-6443-kube-cp-3 10.6.0.60 6443"
    Then the exit status is 1
    And the verdict is "gave-up"
    And the tool reports "PROBLEM error k8s-clusterapi-cluster-default-kube-kubeapi-6443-kube-cp-3"
    When "admin" runs "openstack loadbalancer member show k8s-clusterapi-cluster-default-kube-kubeapi-6443 k8s-clusterapi-cluster-default-kube-kubeapi-6443-kube-cp-3 -f value -c provisioning_status"
    Then stdout contains "ERROR"

  # ---- C4: a deleted member lingers in PENDING_DELETE with the load balancer ACTIVE ----

  @incident-C4
  Scenario: With amphorav2 a deleted member stays PENDING_DELETE after the load balancer is ACTIVE
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "member-delete-lag", "seconds": 30, "match": {"pool": "k8s-*"}}
      """
    And "admin" runs "openstack loadbalancer member delete k8s-clusterapi-cluster-default-kube-kubeapi-6443 k8s-clusterapi-cluster-default-kube-kubeapi-6443-kube-cp-2"
    Then it succeeds
    When the clock advances by "5s"
    And "admin" runs "openstack loadbalancer show k8s-clusterapi-cluster-default-kube-kubeapi -f value -c provisioning_status"
    Then stdout contains "ACTIVE"
    When "admin" runs "openstack loadbalancer member list k8s-clusterapi-cluster-default-kube-kubeapi-6443 -f value -c name -c provisioning_status"
    Then stdout contains "k8s-clusterapi-cluster-default-kube-kubeapi-6443-kube-cp-2 PENDING_DELETE"
    When the clock advances by "30s"
    And "admin" runs "openstack loadbalancer member list k8s-clusterapi-cluster-default-kube-kubeapi-6443 -f value -c name"
    Then stdout does not contain "kube-cp-2"

  @incident-C4 @catches-naive
  Scenario: A member removal is done only when the member is gone
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "member-delete-lag", "seconds": 30, "match": {"pool": "k8s-*"}}
      """
    And "admin" runs the "member-reconciler" tool with "remove k8s-clusterapi-cluster-default-kube-kubeapi-6443 k8s-clusterapi-cluster-default-kube-kubeapi-6443-kube-cp-2"
    Then it succeeds
    When "admin" runs "openstack loadbalancer member list k8s-clusterapi-cluster-default-kube-kubeapi-6443 -f value -c name"
    Then stdout does not contain "kube-cp-2"
    And stdout contains "kube-cp-1"

  # ---- O1: amphora orphans and zombies after failovers under host pressure ----
  # filler-0 deleted: one amphora slot, on compute-0. Pressure on compute-1 for 240 s: the kube-api
  # amphora goes stale (~70 s), its failover builds the replacement on compute-0 and cannot delete
  # the old VM on the starved host (an ACTIVE zombie with no amphora row); then web-lb's amphora
  # goes stale, its failover finds no room (NoValidHost) and leaves an ERROR server with no row.

  @incident-O1
  Scenario: Host pressure leaves an ERROR amphora server and a heartbeating zombie that Octavia does not list
    Given a cloud from the fixture "fixtures/octavia-tight.yaml"
    When "admin" runs "openstack server delete filler-0"
    Then it succeeds
    When the fault is injected:
      """
      {"kind": "host-pressure", "host": "compute-1", "duration": "240s"}
      """
    And the clock advances by "300s"
    And "admin" runs "openstack loadbalancer list -f value -c name -c provisioning_status -c operating_status"
    Then stdout contains "k8s-clusterapi-cluster-default-kube-kubeapi ACTIVE ONLINE"
    And stdout contains "web-lb ERROR ONLINE"
    When "admin" runs "sh -c 'echo servers=$(openstack server list --all-projects --name ^amphora- -f value -c ID | wc -l) amphorae=$(openstack loadbalancer amphora list -f value -c id | wc -l)'"
    Then stdout contains "servers=4 amphorae=2"
    When "admin" runs "openstack server list --all-projects --name ^amphora- --status ERROR -f value -c Name"
    Then stdout contains "amphora-"
    # Once the pressure is gone the zombie heartbeats again, and the health manager's log (served by
    # the control API as /var/log/containers/octavia/health-manager.log would show it) says so.
    When "admin" runs "sh -c 'curl -sf $FAKECLOUD_URL/_fakecloud/logs/octavia-health-manager'"
    Then stdout contains "is missing from the DB, so it cannot be automatically deleted"

  @incident-O1 @catches-naive
  Scenario: The sweep deletes only the amphora servers missing from Octavia's amphora list
    Given a cloud from the fixture "fixtures/octavia-tight.yaml"
    When "admin" runs "openstack server delete filler-0"
    And the fault is injected:
      """
      {"kind": "host-pressure", "host": "compute-1", "duration": "240s"}
      """
    And the clock advances by "300s"
    And "admin" runs the "amphora-sweep" tool
    Then it succeeds
    And the tool reports "COUNT deleted 2"
    When "admin" runs "openstack loadbalancer amphora list --loadbalancer k8s-clusterapi-cluster-default-kube-kubeapi -f value -c status"
    Then stdout contains "ALLOCATED"
    When "admin" runs "sh -c 'openstack server show $(openstack loadbalancer amphora list --loadbalancer k8s-clusterapi-cluster-default-kube-kubeapi --long -f value -c compute_id) -f value -c status'"
    Then it succeeds
    And stdout contains "ACTIVE"
    When "admin" runs "openstack server list --all-projects --name ^amphora- --status ERROR -f value -c Name"
    Then stdout does not contain "amphora-"
    When "admin" runs "sh -c 'echo servers=$(openstack server list --all-projects --name ^amphora- -f value -c ID | wc -l) amphorae=$(openstack loadbalancer amphora list -f value -c id | wc -l)'"
    Then stdout contains "servers=2 amphorae=2"

  # ---- O2/O3: a failover needs one amphora of headroom, and one slot means one at a time ----

  @incident-O2
  Scenario: Without headroom a failover fails fast on NoValidHost and leaves an ERROR server
    Given a cloud from the fixture "fixtures/octavia-tight.yaml"
    When "admin" runs "openstack loadbalancer failover k8s-clusterapi-cluster-default-kube-kubeapi"
    Then it succeeds
    When the clock advances by "20s"
    And "admin" runs "openstack loadbalancer show k8s-clusterapi-cluster-default-kube-kubeapi -f value -c provisioning_status -c operating_status"
    Then stdout contains "ERROR"
    And stdout contains "ONLINE"
    When "admin" runs "sh -c 'openstack server show $(openstack server list --all-projects --name ^amphora- --status ERROR -f value -c ID) -f value -c fault'"
    Then stdout contains "No valid host was found"

  @incident-O2 @catches-naive
  Scenario: The failover tool refuses when no host has room for a replacement amphora
    Given a cloud from the fixture "fixtures/octavia-tight.yaml"
    When "admin" runs the "lb-failover" tool with "k8s-clusterapi-cluster-default-kube-kubeapi"
    Then the exit status is 1
    And the verdict is "no-headroom"
    When "admin" runs "openstack server list --all-projects --name ^amphora- --status ERROR -f value -c Name"
    Then stdout does not contain "amphora-"
    When "admin" runs "openstack loadbalancer show k8s-clusterapi-cluster-default-kube-kubeapi -f value -c provisioning_status"
    Then stdout contains "ACTIVE"

  @incident-O3
  Scenario: With headroom a failover completes, ACTIVE with the same VIP
    Given a cloud from the default fixture
    When "admin" runs the "lb-failover" tool with "k8s-clusterapi-cluster-default-kube-kubeapi"
    Then it succeeds
    And the verdict is "failed-over"
    When "admin" runs "openstack loadbalancer show k8s-clusterapi-cluster-default-kube-kubeapi -f value -c provisioning_status -c operating_status -c vip_address"
    Then stdout contains "ACTIVE"
    And stdout contains "ONLINE"
    And stdout contains "10.6.0.7"
    And the load balancer "k8s-clusterapi-cluster-default-kube-kubeapi" was unavailable for at most 15 seconds

  @incident-O3 @catches-naive
  Scenario: One slot of headroom fails over two load balancers one after the other
    Given a cloud from the fixture "fixtures/octavia-tight.yaml"
    When "admin" runs "openstack server delete filler-0"
    And "admin" runs the "lb-failover" tool with "k8s-clusterapi-cluster-default-kube-kubeapi web-lb"
    Then it succeeds
    When "admin" runs "openstack loadbalancer list -f value -c name -c vip_address -c provisioning_status"
    Then stdout contains "k8s-clusterapi-cluster-default-kube-kubeapi 10.6.0.7 ACTIVE"
    And stdout contains "web-lb"
    And stdout does not contain "ERROR"
    When "admin" runs "openstack server list --all-projects --name ^amphora- --status ERROR -f value -c Name"
    Then stdout does not contain "amphora-"

  # ---- M3: the load-balancer half: provisioning ERROR while operating ONLINE ----

  @incident-M3 @catches-naive
  Scenario: A load balancer left in ERROR by a failed failover is repaired by a failover once there is room
    Given a cloud from the fixture "fixtures/octavia-tight.yaml"
    When "admin" runs "openstack loadbalancer failover k8s-clusterapi-cluster-default-kube-kubeapi"
    And the clock advances by "30s"
    And "admin" runs "openstack loadbalancer show k8s-clusterapi-cluster-default-kube-kubeapi -f value -c provisioning_status -c operating_status"
    Then stdout contains "ERROR"
    And stdout contains "ONLINE"
    When "admin" runs "openstack server delete filler-0"
    And "admin" runs the "lb-repair" tool with "k8s-clusterapi-cluster-default-kube-kubeapi"
    Then it succeeds
    When "admin" runs "openstack loadbalancer show k8s-clusterapi-cluster-default-kube-kubeapi -f value -c provisioning_status -c vip_address"
    Then stdout contains "ACTIVE"
    And stdout contains "10.6.0.7"

  @incident-M3 @catches-naive
  Scenario: The repair tool does not call an ERROR load balancer healthy when it cannot fix it
    Given a cloud from the fixture "fixtures/octavia-tight.yaml"
    When "admin" runs "openstack loadbalancer failover k8s-clusterapi-cluster-default-kube-kubeapi"
    And the clock advances by "30s"
    And "admin" runs the "lb-repair" tool with "k8s-clusterapi-cluster-default-kube-kubeapi"
    Then the exit status is 1
    And the verdict is "no-headroom"
