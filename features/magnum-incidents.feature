@magnum @incidents
Feature: CAPI/Magnum incidents from the operations notes
  Three situations share Magnum's UNHEALTHY at a glance; the reason tells them apart. Each scenario
  produces its signature from its cause: the management VM stopped (M1), a driver/CAPO contract miss
  (M2), the kube-api load balancer's reconcile timing out during a management-plane cold start (M3).
  The recovery scenarios start a parked management plane and bring Magnum's health back bottom-up
  (M4). Scenarios tagged @catches-naive must also fail with the naive reference tool. Tools poll with
  `sleep`, which moves the simulated clock.

  The parked fixture (fixtures/capi-parked.yaml) is the default cloud with the management VM
  stopped before Magnum's conductor last reached it: the cluster's recorded health is UNHEALTHY
  with an empty reason.

  # ---- M1: the management API cannot be reached ----

  @incident-M1
  Scenario: With the management VM parked the reason is empty and the workload keeps serving
    Given a cloud from the fixture "fixtures/capi-parked.yaml"
    When the clock advances by "10m"
    And "admin" runs "openstack coe cluster show kube -f value -c health_status"
    Then stdout contains "UNHEALTHY"
    When "admin" runs "openstack coe cluster show kube -f value -c health_status_reason"
    Then stdout contains "{}"
    And the CAPI management plane is "parked"
    And the load balancer "k8s-clusterapi-cluster-default-kube-kubeapi" was never without a serving member

  @incident-M1
  Scenario: Parking the management VM leaves the last health in place
    Given a cloud from the default fixture
    When "admin" runs "openstack --os-project-name capi-mgmt server stop capi-mgmt-vm"
    And the clock advances by "10m"
    Then the CAPI management plane is "parked"
    When "admin" runs "openstack coe cluster show kube -f value -c health_status"
    Then stdout does not contain "UNHEALTHY"
    And the load balancer "k8s-clusterapi-cluster-default-kube-kubeapi" was never without a serving member

  @incident-M1 @catches-naive
  Scenario: Triage does not page for a parked management plane
    Given a cloud from the fixture "fixtures/capi-parked.yaml"
    When "admin" runs the "coe-triage" tool with "kube"
    Then it succeeds
    And the verdict is "management-unreachable"

  # ---- M2: the cosmetic contract miss ----

  @incident-M2
  Scenario: A driver/CAPO contract miss reports infrastructure not found while all is well
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "capi-contract-miss"}
      """
    And the clock advances by "60s"
    And "admin" runs "openstack coe cluster show kube -f value -c health_status"
    Then stdout contains "UNHEALTHY"
    When "admin" runs "openstack coe cluster show kube -f value -c health_status_reason"
    Then stdout contains "'cluster': 'Ready', 'infrastructure': 'Infrastructure resource not found.', 'controlplane': 'Ready', 'nodegroup': 'Ready'"
    And the CAPI condition "Available" of cluster "kube" is "True"

  @incident-M2 @catches-naive
  Scenario: Triage does not page for the cosmetic signature
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "capi-contract-miss"}
      """
    And the clock advances by "60s"
    And "admin" runs the "coe-triage" tool with "kube"
    Then it succeeds
    And the verdict is "cosmetic"

  # ---- M3: a real infrastructure failure ----

  @incident-M3
  Scenario: An LB reconcile that times out in a cold start leaves the LB in ERROR and Available False
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "capi-lb-timeout", "match": {"loadbalancer": "k8s-clusterapi-cluster-*-kubeapi"}}
      """
    And "admin" runs "openstack --os-project-name capi-mgmt server stop capi-mgmt-vm"
    And the clock advances by "1m"
    And "admin" runs "openstack --os-project-name capi-mgmt server start capi-mgmt-vm"
    And the clock advances by "25m"
    Then the CAPI management plane is "ready"
    And the CAPI condition "Available" of cluster "kube" is "False"
    When "admin" runs "openstack loadbalancer show k8s-clusterapi-cluster-default-kube-kubeapi -f value -c provisioning_status -c operating_status"
    Then stdout contains "ERROR"
    And stdout contains "ONLINE"
    When "admin" runs "openstack coe cluster show kube -f value -c health_status"
    Then stdout contains "UNHEALTHY"
    When "admin" runs "openstack coe cluster show kube -f value -c health_status_reason"
    Then stdout contains "'infrastructure': 'UpdateError: failed to reconcile load balancer"
    And stdout contains "InfrastructureReady"

  @incident-M3 @catches-naive
  Scenario: Triage pages for a real infrastructure failure and names it
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "capi-lb-timeout", "match": {"loadbalancer": "k8s-clusterapi-cluster-*-kubeapi"}}
      """
    And "admin" runs "openstack --os-project-name capi-mgmt server stop capi-mgmt-vm"
    And the clock advances by "1m"
    And "admin" runs "openstack --os-project-name capi-mgmt server start capi-mgmt-vm"
    And the clock advances by "25m"
    And "admin" runs the "coe-triage" tool with "kube"
    Then the exit status is 2
    And the verdict is "infrastructure-failure"
    And the tool reports "PROBLEM infrastructure kube"

  @incident-M3
  Scenario: Repairing the LB clears Available and Magnum's health within the resync window
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "capi-lb-timeout", "match": {"loadbalancer": "k8s-clusterapi-cluster-*-kubeapi"}, "count": 1}
      """
    And "admin" runs "openstack --os-project-name capi-mgmt server stop capi-mgmt-vm"
    And the clock advances by "1m"
    And "admin" runs "openstack --os-project-name capi-mgmt server start capi-mgmt-vm"
    And the clock advances by "25m"
    And "admin" runs "openstack loadbalancer failover k8s-clusterapi-cluster-default-kube-kubeapi"
    And the clock advances by "2m"
    And "admin" runs "openstack loadbalancer show k8s-clusterapi-cluster-default-kube-kubeapi -f value -c provisioning_status"
    Then stdout contains "ACTIVE"
    When the clock advances by "11m"
    Then the CAPI condition "Available" of cluster "kube" is "True"
    When "admin" runs "openstack coe cluster show kube -f value -c health_status"
    Then stdout does not contain "UNHEALTHY"

  # ---- M4: cold start and the bottom-up recovery ----

  @incident-M4
  Scenario: A cold start: ACTIVE in seconds, SSH after about 3.5 min, Kubernetes noisy for about 20 min
    Given a cloud from the default fixture
    When "admin" runs "openstack --os-project-name capi-mgmt server stop capi-mgmt-vm"
    And the clock advances by "1m"
    And "admin" runs "openstack --os-project-name capi-mgmt server start capi-mgmt-vm"
    And the clock advances by "20s"
    And "admin" runs "openstack --os-project-name capi-mgmt server show capi-mgmt-vm -f value -c status"
    Then stdout contains "ACTIVE"
    And the CAPI management plane is "booting"
    When the clock advances by "3m15s"
    Then the CAPI management plane is "converging"
    When the clock advances by "15m"
    Then the CAPI management plane is "converging"
    When the clock advances by "2m"
    Then the CAPI management plane is "ready"

  @incident-M4 @catches-naive
  Scenario: Recovery goes bottom-up and waits at each gate
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "capi-lb-timeout", "match": {"loadbalancer": "k8s-clusterapi-cluster-*-kubeapi"}}
      """
    And "admin" runs "openstack --os-project-name capi-mgmt server stop capi-mgmt-vm"
    And the clock advances by "10m"
    And "admin" runs the "capi-recovery" tool with "capi-mgmt capi-mgmt-vm kube"
    Then it succeeds
    When the clock advances by "30m"
    And "admin" runs "openstack loadbalancer show k8s-clusterapi-cluster-default-kube-kubeapi -f value -c provisioning_status"
    Then stdout contains "ACTIVE"
    And the CAPI condition "Available" of cluster "kube" is "True"
    When "admin" runs "openstack coe cluster show kube -f value -c health_status"
    Then stdout does not contain "UNHEALTHY"

  Scenario: The runbook's CAPI verification lines: pods of every controller, wide nodes and machines
    Given a cloud from the default fixture
    When "admin" runs "sh -c 'kubectl get pods -A | egrep -e capi- -e capo- -e cert-manager -e orc-system -e janitor -e addon'"
    Then it succeeds
    And stdout contains "capo-system"
    And stdout contains "cert-manager"
    And stdout contains "capi-janitor-system"
    And stdout contains "1/1     Running"
    When "admin" runs "kubectl get nodes -o wide"
    Then stdout contains "INTERNAL-IP"
    And stdout contains "capi-mgmt-vm   Ready"
    When "admin" runs "kubectl -n default get cluster,openstackcluster,machines -o wide"
    Then it succeeds
    And stdout contains "machine.cluster.x-k8s.io/"
