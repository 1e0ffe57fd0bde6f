@network
Feature: Neutron as the real clients see it
  The pinned python-openstackclient lists and changes networks, subnets, ports, routers, floating
  IPs, security groups and agents on a fresh cloud from the default fixture. Neutron hides other
  projects' resources, keeps agents admin-only, and refuses what real Neutron refuses.

  Background:
    Given a cloud from the default fixture

  Scenario: The admin lists every agent, alive, by type
    When "admin" runs "openstack network agent list"
    Then it succeeds
    And stdout contains ":-)"
    And stdout does not contain "XXX"
    And stdout contains "Open vSwitch agent"
    And stdout contains "DHCP agent"
    And stdout contains "L3 agent"
    And stdout contains "Metadata agent"
    And stdout contains "neutron-openvswitch-agent"
    And stdout contains "compute-2"
    And stdout contains "controller-0"
    And the journal shows these calls in order:
      | method | path                   | status |
      | GET    | /network/v2.0/agents   | 200    |

  Scenario: Agents can be listed by host and type
    When "admin" runs "openstack network agent list --host controller-1 --agent-type l3 -f value -c Host -c Binary"
    Then it succeeds
    And stdout contains "controller-1 neutron-l3-agent"
    And stdout does not contain "controller-0"

  Scenario: A member's agent list is empty, as Neutron filters agents by policy
    When "demo" runs "openstack network agent list -f value -c Host -c Binary"
    Then it succeeds
    And stdout does not contain "controller"
    And stdout does not contain "neutron-"

  Scenario: A member sees its own networks and the external one, not another project's
    When "demo" runs "openstack network list -f value -c Name"
    Then it succeeds
    And stdout contains "private"
    And stdout contains "public"
    And stdout does not contain "alt-private"
    And stdout does not contain "lb-mgmt-net"

  Scenario: The admin sees every network with its provider details
    When "admin" runs "openstack network list --long -f value -c Name -c 'Network Type'"
    Then it succeeds
    And stdout contains "private vxlan"
    And stdout contains "public flat"
    And stdout contains "lb-mgmt-net vxlan"

  Scenario: Subnets list their CIDRs
    When "demo" runs "openstack subnet list -f value -c Name -c Subnet"
    Then it succeeds
    And stdout contains "private-subnet 10.0.0.0/24"
    And stdout contains "public-subnet 172.24.4.0/24"
    And stdout does not contain "alt-private-subnet"

  Scenario: The router's interface holds the subnet's gateway address
    When "demo" runs "openstack port list --device-owner network:router_interface -f value -c 'Fixed IP Addresses'"
    Then it succeeds
    And stdout contains "10.0.0.1"
    And the journal shows these calls in order:
      | method | path                 | status |
      | GET    | /network/v2.0/ports  | 200    |

  Scenario: Routers are the project's own
    When "demo" runs "openstack router list -f value -c Name -c Status"
    Then it succeeds
    And stdout contains "demo-router ACTIVE"
    And stdout does not contain "capi-mgmt-router"

  Scenario: A router shows its external gateway and interfaces
    When "demo" runs "openstack router show demo-router -f json"
    Then it succeeds
    And stdout contains "172.24.4.10"
    And stdout contains "10.0.0.1"

  Scenario: Each project has its default security group
    When "alt_demo" runs "openstack security group list -f value -c Name -c Description"
    Then it succeeds
    And stdout contains "default Default security group"

  Scenario: Floating IPs can be listed
    When "demo" runs "openstack floating ip list -f json"
    Then it succeeds
    And the journal shows these calls in order:
      | method | path                       | status |
      | GET    | /network/v2.0/floatingips  | 200    |

  Scenario: A member builds a network, subnet and port, then tears them down
    When "demo" runs "openstack network create blue -f value -c name -c mtu -c status"
    Then it succeeds
    And stdout contains "blue"
    And stdout contains "1442"
    And stdout contains "ACTIVE"
    When "demo" runs "openstack subnet create --network blue --subnet-range 10.77.0.0/28 blue-subnet -f value -c cidr -c gateway_ip"
    Then it succeeds
    And stdout contains "10.77.0.0/28"
    And stdout contains "10.77.0.1"
    When "demo" runs "openstack port create --network blue blue-port -f value -c fixed_ips"
    Then it succeeds
    And stdout contains "10.77.0.3"
    When "demo" runs "openstack network delete blue"
    Then it fails
    And stderr contains "There are one or more ports still in use on the network."
    When "demo" runs "openstack port delete blue-port"
    Then it succeeds
    When "demo" runs "openstack network delete blue"
    Then it succeeds
    And the journal shows these calls in order:
      | method | path                     | status |
      | DELETE | /network/v2.0/networks/* | 204    |
    When "demo" runs "openstack network list -f value -c Name"
    Then it succeeds
    And stdout does not contain "blue"

  Scenario: Another project's network cannot be used
    When "alt_demo" runs "openstack port create --network private intruder"
    Then it fails
    And stderr contains "No Network found for private"

  Scenario: A floating IP goes ACTIVE a few seconds after it is associated
    When "demo" runs "openstack port create --network private --device-owner compute:nova --device vm-1 vm-port -f value -c status"
    Then it succeeds
    And stdout contains "DOWN"
    When "demo" runs "openstack floating ip create public --port vm-port --description web -f value -c status"
    Then it succeeds
    And stdout contains "DOWN"
    When the clock advances by "10s"
    And "demo" runs "openstack floating ip list --port vm-port --long -f value -c Status -c Description"
    Then it succeeds
    And stdout contains "ACTIVE web"

  Scenario: Security group rules are added and duplicates refused
    When "demo" runs "openstack security group create web -f value -c name"
    Then it succeeds
    When "demo" runs "openstack security group rule create --protocol tcp --dst-port 443 web -f value -c port_range_min -c protocol"
    Then it succeeds
    And stdout contains "443"
    And stdout contains "tcp"
    When "demo" runs "openstack security group rule create --protocol tcp --dst-port 443 web"
    Then it fails
    And stderr contains "Security group rule already exists."

  Scenario: A host's agents are shown dead once agent_down_time passes without a report
    When the fault is injected:
      """
      {"kind": "agents-down", "host": "compute-1"}
      """
    And the clock advances by "44s"
    And "admin" runs "openstack network agent list --host compute-1"
    Then it succeeds
    And stdout contains ":-)"
    And stdout does not contain "XXX"
    When the clock advances by "46s"
    And "admin" runs "openstack network agent list --host compute-1"
    Then it succeeds
    And stdout contains "XXX"
    When "admin" runs "openstack network agent list --host compute-0"
    Then it succeeds
    And stdout contains ":-)"

  @incident-T7 @catches-naive
  Scenario: A router stays ACTIVE when the L3 agent hosting it dies; the router check asks the agent
    When the fault is injected:
      """
      {"kind": "agents-down", "host": "controller-0"}
      """
    And the clock advances by "90s"
    And "admin" runs the "router-check" tool
    Then it fails
    And the tool reports "PROBLEM agent-dead demo-router controller-0"
    And the tool reports "OK forwarding capi-mgmt-router"
