@compute @incidents
Feature: Compute incidents from the operations notes
  Each scenario puts the cloud into a documented state and checks that a tool under test tells it
  apart. Scenarios tagged @catches-naive must also fail when run with the naive reference tool.

  Background:
    Given a cloud from the default fixture

  @incident-N1 @catches-naive
  Scenario: After a host reboot, tenant VMs stay SHUTOFF and the checker reports them
    When host "compute-0" reboots
    And the clock advances by "200s"
    And "admin" runs the "guest-resume-check" tool
    Then it fails
    And the tool reports "PROBLEM not-running web-0"
    And the tool reports "PROBLEM not-running capi-mgmt-vm"

  @incident-N1
  Scenario: A host that resumes guests on boot brings its VMs back ACTIVE
    When host "compute-2" reboots
    And the clock advances by "200s"
    And "admin" runs the "guest-resume-check" tool
    Then it succeeds
    And the verdict is "all-running"
    When "admin" runs "openstack server list --all-projects -f value -c Name -c Status"
    Then stdout contains "db-0 ACTIVE"

  @incident-N1
  Scenario: During the reboot the compute service goes down after the service timeout
    When host "compute-1" reboots
    And the clock advances by "70s"
    And "admin" runs "openstack compute service list --service nova-compute -f value -c Host -c State"
    Then stdout contains "compute-1 down"
    And stdout contains "compute-0 up"

  @incident-O4 @catches-naive
  Scenario: An admin locates a tenant's server by name across projects
    When "admin" runs the "server-locator" tool with "web-0"
    Then it succeeds
    And the tool reports "LOCATED web-0 compute-0"

  @incident-O4
  Scenario: The admin's own project shows an empty server list
    When "admin" runs "openstack server list -f value -c Name"
    Then it succeeds
    And stdout does not contain "web-0"

  @incident-O4
  Scenario: Name lookups are project-scoped
    When "demo" runs "openstack server show web-0 -f value -c name"
    Then it succeeds
    When "alt_demo" runs "openstack server show web-0"
    Then it fails
    And stderr contains "No Server found for web-0"

  @incident-O4
  Scenario: Listing all projects is for admins only
    When "demo" runs "openstack server list --all-projects"
    Then it fails
    And stderr contains "403"

  @novalidhost @catches-naive
  Scenario: A flavor larger than any host's free memory will not be scheduled
    When "admin" runs the "capacity-check" tool with "m1.xxlarge"
    Then it succeeds
    And the verdict is "does-not-fit"

  @novalidhost
  Scenario: Creating that server ends in ERROR with NoValidHost
    When "admin" runs "openstack server create --flavor m1.xxlarge --image cirros-0.6.2-x86_64-disk --nic none too-big"
    Then it succeeds
    When the clock advances by "5s"
    And "admin" runs "openstack server show too-big -f value -c status -c fault"
    Then stdout contains "ERROR"
    And stdout contains "No valid host was found."

  @novalidhost
  Scenario: A flavor that fits one host is a candidate
    When "admin" runs the "capacity-check" tool with "m1.large"
    Then it succeeds
    And the verdict is "fits"

  @incident-T7
  Scenario: All services up
    When "admin" runs the "service-check" tool
    Then it succeeds
    And the verdict is "all-up"

  @incident-T7
  Scenario: A compute service that stops reporting is reported down
    When the fault is injected:
      """
      {"kind": "service-down", "binary": "nova-conductor", "host": "controller-2"}
      """
    And the clock advances by "70s"
    And "admin" runs the "service-check" tool
    Then it fails
    And the tool reports "PROBLEM service-down controller-2 nova-conductor"

  @incident-T7 @catches-naive
  Scenario: A volume service that stops reporting is reported down
    When the fault is injected:
      """
      {"kind": "service-down", "binary": "cinder-volume", "host": "hostgroup@tripleo_ceph"}
      """
    And the clock advances by "70s"
    And "admin" runs the "service-check" tool
    Then it fails
    And the tool reports "PROBLEM service-down hostgroup@tripleo_ceph cinder-volume"

  @incident-T7 @catches-naive
  Scenario: Dead network agents are reported
    When the fault is injected:
      """
      {"kind": "agents-down", "host": "compute-2"}
      """
    And the clock advances by "90s"
    And "admin" runs the "service-check" tool
    Then it fails
    And the tool reports "PROBLEM agent-dead compute-2"
