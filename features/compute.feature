@compute @foundation-compute
Feature: Nova, Placement and their neighbours as the real CLI sees them
  The compute plane of the default fixture (three hosts, five servers in three projects) read and
  driven through the pinned openstack CLI.

  Background:
    Given a cloud from the default fixture

  Scenario: The admin lists every server with its host
    When "admin" runs "openstack server list --all-projects --long -f json"
    Then it succeeds
    And stdout contains "web-0"
    And stdout contains "alt-app-0"
    And stdout contains "capi-mgmt-vm"
    And stdout contains "compute-2"
    And stdout contains "m1.small"
    And the journal shows these calls in order:
      | method | path                         | status |
      | GET    | /compute/v2.1/servers/detail | 200    |

  Scenario: A server is shown by name and by id
    When "demo" runs "openstack server show web-0 -f json"
    Then it succeeds
    And stdout contains "ACTIVE"
    And stdout contains "10.0.0."
    And the journal shows these calls in order:
      | method | path                                       | status |
      | GET    | /compute/v2.1/servers/web-0                | 404    |
      | GET    | /compute/v2.1/servers/detail               | 200    |

  Scenario: A server is shown by its id
    When "demo" runs "sh -c 'openstack server show $(openstack server list --name ^web-1$ -f value -c ID) -f value -c name -c status'"
    Then it succeeds
    And stdout contains "web-1"
    And stdout contains "ACTIVE"

  Scenario: A server is created, stopped, started and deleted
    When "demo" runs "openstack server create --flavor m1.small --image cirros-0.6.2-x86_64-disk --network private app-1 -f value -c status"
    Then it succeeds
    And stdout contains "BUILD"
    When the clock advances by "20s"
    And "demo" runs "openstack server show app-1 -f value -c status"
    Then stdout contains "ACTIVE"
    When "demo" runs "openstack server stop app-1"
    Then it succeeds
    When the clock advances by "5s"
    And "demo" runs "openstack server show app-1 -f value -c status"
    Then stdout contains "SHUTOFF"
    When "demo" runs "openstack server start app-1"
    And the clock advances by "5s"
    And "demo" runs "openstack server show app-1 -f value -c status"
    Then stdout contains "ACTIVE"
    When "demo" runs "openstack server delete app-1"
    Then it succeeds
    When "demo" runs "openstack server list -f value -c Name"
    Then stdout does not contain "app-1"

  Scenario: A build whose port cannot bind on a host with a dead OVS agent is rescheduled
    When the fault is injected:
      """
      {"kind": "agents-down", "host": "compute-0"}
      """
    And the fault is injected:
      """
      {"kind": "agents-down", "host": "compute-1"}
      """
    And the clock advances by "80s"
    And "demo" runs "openstack server create --flavor m1.small --image cirros-0.6.2-x86_64-disk --network private app-2"
    Then it succeeds
    When the clock advances by "20s"
    And "admin" runs "openstack server list --all-projects --name app-2 --long -f value -c Status -c Host"
    Then stdout contains "ACTIVE compute-2"
    When "demo" runs "openstack port list --server app-2 -f value -c Status"
    Then stdout contains "ACTIVE"

  Scenario: With no host able to bind its port, a build ends in MaxRetriesExceeded
    When the fault is injected:
      """
      {"kind": "agents-down", "host": "compute-0"}
      """
    And the fault is injected:
      """
      {"kind": "agents-down", "host": "compute-1"}
      """
    And the fault is injected:
      """
      {"kind": "agents-down", "host": "compute-2"}
      """
    And the clock advances by "80s"
    And "demo" runs "openstack server create --flavor m1.small --image cirros-0.6.2-x86_64-disk --network private app-3"
    And the clock advances by "20s"
    And "demo" runs "openstack server show app-3 -f value -c status -c fault"
    Then it succeeds
    And stdout contains "ERROR"
    And stdout contains "Exceeded maximum number of retries. Exhausted all hosts available for retrying build failures"

  Scenario: Starting a running server is refused with Nova's 409
    When "demo" runs "openstack server start web-0"
    Then it fails
    And stderr contains "while it is in vm_state active"

  Scenario: Hypervisors at the newest microversion have no usage columns
    When "admin" runs "openstack hypervisor list --long -f json"
    Then it succeeds
    And stdout contains "compute-0"
    And stdout contains "192.168.24.12"
    And stdout does not contain "Memory MB Used"

  Scenario: Hypervisors at 2.87 show memory including the reserved memory
    When "admin" runs "openstack --os-compute-api-version 2.87 hypervisor list --long -f value -c 'Hypervisor Hostname' -c 'Memory MB Used' -c 'Memory MB' -c 'vCPUs Used'"
    Then it succeeds
    And stdout contains "compute-0 4 12288 32768"
    And stdout contains "compute-1 4 11264 32768"
    And stdout contains "compute-2 3 10240 16384"

  Scenario: Compute services are listed with their state
    When "admin" runs "openstack compute service list -f value -c Binary -c Host -c State"
    Then it succeeds
    And stdout contains "nova-compute compute-1 up"
    And stdout contains "nova-scheduler controller-0 up"

  Scenario: Flavors and images are listed
    When "demo" runs "openstack flavor list -f value -c Name"
    Then it succeeds
    And stdout contains "m1.small"
    And stdout does not contain "amphora"
    When "demo" runs "openstack image list -f value -c Name"
    Then stdout contains "cirros-0.6.2-x86_64-disk"

  Scenario: Admin-only compute views refuse a member
    When "demo" runs "openstack hypervisor list"
    Then it fails
    And stderr contains "os_compute_api:os-hypervisors"
    When "demo" runs "openstack compute service list"
    Then it fails
    And stderr contains "os_compute_api:os-services:list"
    When "demo" runs "openstack server list --all-projects"
    Then it fails
    And stderr contains "get_all_tenants"

  Scenario: The gophercloud program lists servers across tenants, hypervisors and services
    When "admin" runs "gocheck servers --all-projects" through clouds.yaml
    Then it succeeds
    And stdout contains "name=alt-app-0"
    And stdout contains "name=web-0"
    When "admin" runs "gocheck hypervisors" through clouds.yaml
    Then it succeeds
    And stdout contains "hypervisor=compute-0"
    When "admin" runs "gocheck services" through clouds.yaml
    Then it succeeds
    And stdout contains "service=nova-compute host=compute-2"
    When "admin" runs "gocheck providers" through clouds.yaml
    Then it succeeds
    And stdout contains "provider=compute-1"

  @incident-N1 @catches-naive
  Scenario: Guests of a rebooting host still say ACTIVE; the health report reads host_status
    When host "compute-2" reboots
    And the clock advances by "70s"
    And "admin" runs the "server-health" tool
    Then it fails
    And the tool reports "PROBLEM host-not-up db-0 compute-2 DOWN"
    And the tool reports "PROBLEM host-not-up kube-cp-2 compute-2 DOWN"
    And the tool does not report "PROBLEM host-not-up web-0"
    And the tool does not report "PROBLEM error web-0"
