@octavia
Feature: Octavia as the real CLI and gophercloud see it
  The load-balancer plane of the default fixture: the kube-api load balancer CAPO made for the
  workload cluster (project capi-mgmt, one STANDALONE amphora on compute-1, a TCP listener and pool
  on 6443 with a TCP monitor and the three control-plane VMs as members), read and driven through
  the pinned openstack CLI and the gophercloud check program. The admin sees every project's load
  balancers.

  Background:
    Given a cloud from the default fixture

  Scenario: The admin lists the load balancers of every project
    When "admin" runs "openstack loadbalancer list -f value -c name -c provisioning_status -c operating_status -c provider"
    Then it succeeds
    And stdout contains "k8s-clusterapi-cluster-default-kube-kubeapi ACTIVE ONLINE amphora"
    When "demo" runs "openstack loadbalancer list -f value -c name"
    Then it succeeds
    And stdout does not contain "k8s-clusterapi-cluster-default-kube-kubeapi"

  Scenario: A load balancer is shown by name and by id
    When "admin" runs "openstack loadbalancer show k8s-clusterapi-cluster-default-kube-kubeapi -f value -c provisioning_status"
    Then it succeeds
    And stdout contains "ACTIVE"
    And the journal shows these calls in order:
      | method | path                                      | status |
      | GET    | /load-balancer/v2.0/lbaas/loadbalancers   | 200    |
      | GET    | /load-balancer/v2.0/lbaas/loadbalancers/* | 200    |
    When "admin" runs "sh -c 'openstack loadbalancer show $(openstack loadbalancer list --name k8s-clusterapi-cluster-default-kube-kubeapi -f value -c id) -f value -c provisioning_status -c vip_address'"
    Then it succeeds
    And stdout contains "ACTIVE"
    And stdout contains "10.6.0.7"

  Scenario: A member creates a load balancer, it becomes ACTIVE, and a cascade delete removes it
    When "demo" runs "openstack loadbalancer create --name app-lb --vip-subnet-id private-subnet -f value -c provisioning_status"
    Then it succeeds
    And stdout contains "PENDING_CREATE"
    When the clock advances by "60s"
    And "demo" runs "openstack loadbalancer show app-lb -f value -c provisioning_status -c operating_status"
    Then stdout contains "ACTIVE"
    And stdout contains "ONLINE"
    When "demo" runs "openstack loadbalancer listener create --name app-lb-80 --protocol HTTP --protocol-port 80 app-lb"
    Then it succeeds
    When the clock advances by "5s"
    And "demo" runs "openstack loadbalancer delete app-lb"
    Then it fails
    And stderr contains "it has children"
    When "demo" runs "openstack loadbalancer delete --cascade app-lb"
    Then it succeeds
    When "demo" runs "openstack loadbalancer show app-lb -f value -c provisioning_status"
    Then stdout contains "PENDING_DELETE"
    When the clock advances by "10s"
    And "demo" runs "openstack loadbalancer show app-lb"
    Then it fails
    And stderr contains "Unable to locate app-lb"
    When "demo" runs "openstack loadbalancer list -f value -c name"
    Then stdout does not contain "app-lb"

  Scenario: Listeners, pools and health monitors of the kube-api load balancer
    When "admin" runs "openstack loadbalancer listener list -f value -c name -c protocol -c protocol_port"
    Then it succeeds
    And stdout contains "k8s-clusterapi-cluster-default-kube-kubeapi-6443 TCP 6443"
    When "admin" runs "openstack loadbalancer pool list -f value -c name -c provisioning_status -c protocol -c lb_algorithm"
    Then it succeeds
    And stdout contains "k8s-clusterapi-cluster-default-kube-kubeapi-6443 ACTIVE TCP ROUND_ROBIN"
    When "admin" runs "openstack loadbalancer healthmonitor list -f value -c name -c type"
    Then it succeeds
    And stdout contains "k8s-clusterapi-cluster-default-kube-kubeapi-6443 TCP"
    When "admin" runs "openstack loadbalancer healthmonitor show k8s-clusterapi-cluster-default-kube-kubeapi-6443 -f json"
    Then stdout is JSON whose "delay" is "10"
    And stdout is JSON whose "max_retries_down" is "3"
    When "demo" runs "openstack loadbalancer pool list -f value -c name"
    Then it succeeds
    And stdout does not contain "k8s-clusterapi"

  Scenario: The admin adds, updates and removes a member of the kube-api pool
    When "admin" runs "openstack loadbalancer member list k8s-clusterapi-cluster-default-kube-kubeapi-6443 -f value -c name -c address -c provisioning_status -c operating_status"
    Then it succeeds
    And stdout contains "k8s-clusterapi-cluster-default-kube-kubeapi-6443-kube-cp-0 ACTIVE 10.6.0.4 ONLINE"
    And stdout contains "k8s-clusterapi-cluster-default-kube-kubeapi-6443-kube-cp-2 ACTIVE 10.6.0.6 ONLINE"
    When "admin" runs "openstack loadbalancer member create --name extra --address 10.6.0.60 --protocol-port 6443 --subnet-id capi-mgmt-subnet k8s-clusterapi-cluster-default-kube-kubeapi-6443 -f value -c provisioning_status"
    Then it succeeds
    And stdout contains "PENDING_CREATE"
    When "admin" runs "openstack loadbalancer show k8s-clusterapi-cluster-default-kube-kubeapi -f value -c provisioning_status"
    Then stdout contains "PENDING_UPDATE"
    When the clock advances by "5s"
    And "admin" runs "openstack loadbalancer member show k8s-clusterapi-cluster-default-kube-kubeapi-6443 extra -f value -c provisioning_status -c operating_status"
    Then stdout contains "ACTIVE"
    And stdout contains "ONLINE"
    When "admin" runs "openstack loadbalancer member set --weight 5 k8s-clusterapi-cluster-default-kube-kubeapi-6443 extra"
    Then it succeeds
    When the clock advances by "5s"
    And "admin" runs "openstack loadbalancer member show k8s-clusterapi-cluster-default-kube-kubeapi-6443 extra -f json"
    Then stdout is JSON whose "weight" is "5"
    And stdout is JSON whose "provisioning_status" is "ACTIVE"
    When "admin" runs "openstack loadbalancer member delete k8s-clusterapi-cluster-default-kube-kubeapi-6443 extra"
    Then it succeeds
    When the clock advances by "5s"
    And "admin" runs "openstack loadbalancer member list k8s-clusterapi-cluster-default-kube-kubeapi-6443 -f value -c name"
    Then stdout does not contain "extra"
    And stdout contains "kube-cp-1"
    And the load balancer "k8s-clusterapi-cluster-default-kube-kubeapi" was never without a serving member

  Scenario: Amphorae are listed for the admin only
    When "admin" runs "openstack loadbalancer amphora list -f value -c status -c role -c ha_ip"
    Then it succeeds
    And stdout contains "ALLOCATED STANDALONE"
    And stdout contains "10.6.0.7"
    When "demo" runs "openstack loadbalancer amphora list"
    Then it fails
    And stderr contains "403"

  Scenario: An amphora failover builds the replacement before the old one goes
    When "admin" runs "sh -c 'openstack loadbalancer amphora failover $(openstack loadbalancer amphora list -f value -c id)'"
    Then it succeeds
    When "admin" runs "openstack loadbalancer amphora list -f value -c status"
    Then stdout contains "PENDING_DELETE"
    And stdout contains "BOOTING"
    When the clock advances by "120s"
    And "admin" runs "openstack loadbalancer show k8s-clusterapi-cluster-default-kube-kubeapi -f value -c provisioning_status"
    Then stdout contains "ACTIVE"
    When "admin" runs "openstack loadbalancer amphora list -f value -c status"
    Then stdout contains "ALLOCATED"
    And stdout does not contain "PENDING_DELETE"
    When "admin" runs "openstack server list --all-projects --name ^amphora- -f value -c Status"
    Then stdout contains "ACTIVE"
    And stdout does not contain "ERROR"

  Scenario: A load balancer failover is accepted, takes under two minutes and keeps the VIP
    When "admin" runs "openstack loadbalancer failover k8s-clusterapi-cluster-default-kube-kubeapi"
    Then it succeeds
    And the journal shows these calls in order:
      | method | path                                               | status |
      | PUT    | /load-balancer/v2.0/lbaas/loadbalancers/*/failover | 202    |
    When "admin" runs "openstack loadbalancer show k8s-clusterapi-cluster-default-kube-kubeapi -f value -c provisioning_status -c operating_status"
    Then stdout contains "PENDING_UPDATE"
    And stdout contains "ONLINE"
    When the clock advances by "120s"
    And "admin" runs "openstack loadbalancer show k8s-clusterapi-cluster-default-kube-kubeapi -f value -c provisioning_status -c vip_address"
    Then stdout contains "ACTIVE"
    And stdout contains "10.6.0.7"
    And the load balancer "k8s-clusterapi-cluster-default-kube-kubeapi" was unavailable for at most 15 seconds

  Scenario: The status tree shows listener, pool, monitor and members
    When "admin" runs "openstack loadbalancer status show k8s-clusterapi-cluster-default-kube-kubeapi"
    Then it succeeds
    And stdout contains "k8s-clusterapi-cluster-default-kube-kubeapi-6443-kube-cp-0"
    And stdout contains "10.6.0.4"
    And stdout contains "health_monitor"
    And stdout contains "ONLINE"

  Scenario: The gophercloud program polls a lagging member until it is ACTIVE
    When the fault is injected:
      """
      {"kind": "member-lag", "seconds": 20, "match": {"pool": "k8s-*"}}
      """
    And "admin" runs the "go-member-check" tool with "member-create --pool k8s-clusterapi-cluster-default-kube-kubeapi-6443 --address 10.6.0.60 --port 6443 --name extra"
    Then it succeeds
    And the tool reports "observed: load balancer ACTIVE while member PENDING_CREATE"
    And the tool reports "member"
    And the load balancer "k8s-clusterapi-cluster-default-kube-kubeapi" was never without a serving member

  Scenario: The gophercloud program manages L7 policies and rules, amphorae and providers
    When "admin" runs "openstack loadbalancer listener create --name kube-http --protocol HTTP --protocol-port 8080 k8s-clusterapi-cluster-default-kube-kubeapi"
    Then it succeeds
    When the clock advances by "30s"
    And "admin" runs "gocheck l7policy-create kube-http deny-admin" through clouds.yaml
    Then it succeeds
    And stdout contains "l7policy=deny-admin action=REJECT position=1 status=PENDING_CREATE"
    When the clock advances by "30s"
    And "admin" runs "gocheck l7policy-create kube-http deny-all 1" through clouds.yaml
    Then it succeeds
    When the clock advances by "30s"
    And "admin" runs "gocheck l7rule-create deny-admin /admin" through clouds.yaml
    Then it succeeds
    And stdout contains "l7rule policy=deny-admin type=PATH compare=STARTS_WITH value=/admin status=PENDING_CREATE"
    When the clock advances by "30s"
    And "admin" runs "gocheck l7policies kube-http" through clouds.yaml
    Then it succeeds
    And stdout contains "l7policy=deny-admin action=REJECT position=2 status=ACTIVE"
    And stdout contains "l7policy=deny-all action=REJECT position=1 status=ACTIVE"
    And stdout contains "l7rule policy=deny-admin type=PATH compare=STARTS_WITH value=/admin status=ACTIVE"
    When "admin" runs "gocheck lb-providers" through clouds.yaml
    Then it succeeds
    And stdout contains "provider=amphora"
    When "admin" runs "gocheck amphorae k8s-clusterapi-cluster-default-kube-kubeapi" through clouds.yaml
    Then it succeeds
    And stdout contains "role=STANDALONE status=ALLOCATED"
    When "admin" runs "gocheck amphora-failover k8s-clusterapi-cluster-default-kube-kubeapi" through clouds.yaml
    Then it succeeds
    And stdout contains "accepted"
    When "admin" runs "openstack loadbalancer show k8s-clusterapi-cluster-default-kube-kubeapi -f value -c provisioning_status"
    Then stdout contains "PENDING_UPDATE"

  @member-health @catches-naive
  Scenario: A load balancer stays ACTIVE when a member's server stops; the health report reads operating_status
    When "admin" runs "openstack --os-project-name capi-mgmt server stop kube-cp-2"
    Then it succeeds
    When the clock advances by "30s"
    And "admin" runs the "lb-health" tool
    Then it fails
    And the tool reports "PROBLEM not-serving k8s-clusterapi-cluster-default-kube-kubeapi ACTIVE DEGRADED"
    And the tool reports "PROBLEM member-failing k8s-clusterapi-cluster-default-kube-kubeapi-6443-kube-cp-2 10.6.0.6:6443 ERROR"
    And the verdict is "not-serving"
