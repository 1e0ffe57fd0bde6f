@placement
Feature: Placement as osc-placement sees it
  The pinned osc-placement plugin against the default fixture, whose compute hosts (compute-0,
  compute-1, compute-2) are resource providers with VCPU, MEMORY_MB and DISK_GB inventories.
  osc-placement first asks for the version document at 1.29; the cloud serves up to 1.39, so the
  client keeps 1.29. Commands that need a provider's uuid look it up by name in a shell, as an
  operator would.

  Background:
    Given a cloud from the default fixture

  Scenario: The admin lists the compute hosts' resource providers
    When "admin" runs "openstack resource provider list -f value -c name -c generation -c root_provider_uuid"
    Then it succeeds
    And stdout contains "compute-0"
    And stdout contains "compute-1"
    And stdout contains "compute-2"
    And the journal shows these calls in order:
      | method | path                          | status |
      | GET    | /placement                    | 200    |
      | GET    | /placement/resource_providers | 200    |
    And the journal has no call answered 406

  Scenario: The admin filters providers by name
    When "admin" runs "openstack resource provider list --name compute-2 -f value -c name"
    Then it succeeds
    And stdout contains "compute-2"
    And stdout does not contain "compute-0"

  Scenario: A host's inventory lists every class with its usage
    When "admin" runs "sh -c 'openstack resource provider inventory list $(openstack resource provider list --name compute-0 -f value -c uuid) -f value -c resource_class -c total -c reserved -c used'"
    Then it succeeds
    And stdout contains "MEMORY_MB 4096 32768"
    And stdout contains "VCPU 0 16"
    And stdout contains "DISK_GB 0 400"
    And the journal shows these calls in order:
      | method | path                                        | status |
      | GET    | /placement/resource_providers               | 200    |
      | GET    | /placement/resource_providers/*/inventories | 200    |
      | GET    | /placement/resource_providers/*/usages      | 200    |

  Scenario: A host's usage names every inventory class
    When "admin" runs "sh -c 'openstack resource provider usage show $(openstack resource provider list --name compute-1 -f value -c uuid) -f value -c resource_class'"
    Then it succeeds
    And stdout contains "VCPU"
    And stdout contains "MEMORY_MB"
    And stdout contains "DISK_GB"
    And the journal shows these calls in order:
      | method | path                                   | status |
      | GET    | /placement/resource_providers/*/usages | 200    |

  Scenario: Allocation candidates show each host's capacity, (total - reserved) * ratio, and traits
    When "admin" runs "openstack allocation candidate list --resource MEMORY_MB=1024"
    Then it succeeds
    And stdout contains "MEMORY_MB=1024"
    And stdout contains "/28672"
    And stdout contains "/12288"
    And stdout contains "COMPUTE_NODE"
    And the journal shows these calls in order:
      | method | path                             | status |
      | GET    | /placement                       | 200    |
      | GET    | /placement/allocation_candidates | 200    |

  Scenario: A request larger than any host has no candidates
    When "admin" runs "openstack allocation candidate list --resource MEMORY_MB=999999"
    Then it succeeds
    And stdout does not contain "MEMORY_MB=999999"
    And stdout does not contain "COMPUTE_NODE"

  Scenario: A member is refused by Placement's admin-only policy
    When "demo" runs "openstack resource provider list"
    Then it fails
    And stderr contains "Policy does not allow placement:resource_providers:list to be performed."
    And stderr contains "HTTP 403"
    And the journal shows these calls in order:
      | method | path                          | status |
      | GET    | /placement/resource_providers | 403    |

  Scenario: A member cannot ask for allocation candidates either
    When "demo" runs "openstack allocation candidate list --resource VCPU=1"
    Then it fails
    And stderr contains "Policy does not allow placement:allocation_candidates:list to be performed."

  @incident-O4 @catches-naive
  Scenario: An allocation whose consumer is no longer a server is reported as leaked, and only that one
    When "admin" runs "sh -c 'openstack resource provider allocation set 7d1a4c86-0c55-4d7b-9a49-5b1b1b8e2d10 --allocation rp=$(openstack resource provider list --name compute-0 -f value -c uuid),MEMORY_MB=2048,VCPU=1 --project-id 5f2b6a3e9c1d4e8fa0b7c6d5e4f3a2b1 --user-id 8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f'"
    Then it succeeds
    When "admin" runs the "allocation-audit" tool
    Then it fails
    And the tool reports "PROBLEM leaked 7d1a4c86-0c55-4d7b-9a49-5b1b1b8e2d10 compute-0 MEMORY_MB=2048,VCPU=1"
    And the tool reports "COUNT leaked 1"
