@magnum
Feature: Magnum through the real CLI
  The default fixture has one cluster template (k8s-1.28-capi, public) and one workload cluster,
  `kube`, in project capi-mgmt: three control-plane machines (kube-cp-0/1/2) behind the kube-api
  load balancer, and a default worker group scaled to zero. Its health comes from the simulated
  CAPI management plane on capi-mgmt-vm, polled every 60 s.

  Scenario: Admins list clusters across projects; Nova's list is per project
    Given a cloud from the default fixture
    When "admin" runs "openstack coe cluster list -f value -c name -c status -c health_status -c master_count -c node_count"
    Then it succeeds
    And stdout contains "kube 0 3 CREATE_COMPLETE HEALTHY"
    When "admin" runs "openstack server list -f value -c Name"
    Then stdout does not contain "kube-cp-0"
    When "demo" runs "openstack coe cluster list -f value -c name"
    Then it succeeds
    And stdout does not contain "kube"

  Scenario: A cluster is shown by name, with its health and the driver's reason
    Given a cloud from the default fixture
    When "admin" runs "openstack coe cluster show kube -f value -c health_status"
    Then it succeeds
    And stdout contains "HEALTHY"
    And stdout does not contain "UNHEALTHY"
    When "admin" runs "openstack coe cluster show kube -f value -c health_status_reason"
    Then stdout contains "'cluster': 'Ready', 'infrastructure': 'Ready', 'controlplane': 'Ready', 'nodegroup': 'Ready'"
    When "admin" runs "openstack coe cluster show no-such-cluster"
    Then it fails
    And stderr contains "Cluster no-such-cluster could not be found"

  Scenario: gophercloud reads a cluster by name
    Given a cloud from the default fixture
    When "admin" runs "gocheck coe-cluster kube"
    Then it succeeds
    And stdout contains "status=CREATE_COMPLETE health=HEALTHY"
    And stdout contains "created=2026-"
    And stdout contains "reason infrastructure=Ready"
    When the fault is injected:
      """
      {"kind": "capi-contract-miss"}
      """
    And the clock advances by "60s"
    And "admin" runs "gocheck coe-cluster kube"
    Then stdout contains "health=UNHEALTHY"
    And stdout contains "reason infrastructure=Infrastructure resource not found."

  Scenario: Templates and node groups
    Given a cloud from the default fixture
    When "demo" runs "openstack coe cluster template list -f value -c name"
    Then it succeeds
    And stdout contains "k8s-1.28-capi"
    When "admin" runs "openstack --os-project-name capi-mgmt coe nodegroup list kube -f value -c name -c role -c node_count -c status"
    Then it succeeds
    And stdout contains "default-master 3 CREATE_COMPLETE master"
    And stdout contains "default-worker 0 CREATE_COMPLETE worker"

  Scenario: A cluster is created, resized and deleted; its machines are Nova servers
    Given a cloud from the default fixture
    When "demo" runs "openstack coe cluster create --cluster-template k8s-1.28-capi --master-count 1 --node-count 1 --fixed-network private demo-k8s"
    Then it succeeds
    When "demo" runs "openstack coe cluster show demo-k8s -f value -c status"
    Then stdout contains "CREATE_IN_PROGRESS"
    When the clock advances by "5m"
    And "demo" runs "openstack coe cluster show demo-k8s -f value -c status -c health_status"
    Then stdout contains "CREATE_COMPLETE"
    When "demo" runs "openstack server list -f value -c Name"
    Then stdout contains "demo-k8s-"
    When "demo" runs "openstack coe cluster resize demo-k8s 2"
    Then it succeeds
    When the clock advances by "3m"
    And "demo" runs "openstack coe cluster show demo-k8s -f value -c status -c node_count"
    Then stdout contains "UPDATE_COMPLETE"
    And stdout contains "2"
    When "demo" runs "openstack coe cluster delete demo-k8s"
    Then it succeeds
    When the clock advances by "3m"
    And "demo" runs "openstack coe cluster list -f value -c name"
    Then stdout does not contain "demo-k8s"

  Scenario: Bad input gets Magnum's own error
    Given a cloud from the default fixture
    When "demo" runs "openstack coe cluster create --cluster-template no-such-template demo-k8s"
    Then it fails
    And stderr contains "ClusterTemplate no-such-template could not be found"
    When "observer" runs "openstack coe cluster create --cluster-template k8s-1.28-capi demo-k8s"
    Then it fails
    And stderr contains "cluster:create"
    When "demo" runs "openstack coe cluster list -f value -c name"
    Then stdout does not contain "demo-k8s"

  @health-status @catches-naive
  Scenario: A cluster stays CREATE_COMPLETE when a control-plane machine goes down; the report reads its health
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "host-down", "host": "compute-2"}
      """
    And the clock advances by "12m"
    And "admin" runs the "coe-health-report" tool
    Then it fails
    And the tool reports "PROBLEM unhealthy kube UNHEALTHY"
    And the tool reports "PROBLEM not-ready kube controlplane"
    And the verdict is "problems"
