@keystone @foundation
Feature: Keystone identity as the real clients see it
  Every tool under test starts by asking Keystone for a token. These scenarios drive the pinned
  python-openstackclient and a gophercloud program against a fresh cloud on the default fixture,
  and check both what the tool printed and what the cloud journaled.

  Background:
    Given a cloud from the default fixture

  Scenario: The CLI gets a project-scoped token
    When "admin" runs "openstack token issue -f json"
    Then it succeeds
    And stdout contains the id of project "admin"
    And the journal shows these calls in order:
      | method | path                     | status |
      | GET    | /identity                | 300    |
      | POST   | /identity/v3/auth/tokens | 201    |

  Scenario: A token the CLI was given is accepted when it is used again
    When "admin" runs "openstack token issue -f json"
    And the token "admin" got is remembered
    And the remembered token is used to run "openstack project list -f value -c Name"
    Then it succeeds
    And stdout contains "demo"
    And the journal shows these calls in order:
      | method | path                     | status |
      | POST   | /identity/v3/auth/tokens | 201    |
      | GET    | /identity/v3/projects    | 200    |

  Scenario: A token stops working once the clock passes its lifetime
    When "admin" runs "openstack token issue -f json"
    And the token "admin" got is remembered
    And the clock advances by "3601s"
    And the remembered token is used to run "openstack project list"
    Then it fails
    And stderr contains "401"
    And the journal shows these calls in order:
      | method | path                     | status |
      | POST   | /identity/v3/auth/tokens | 401    |

  Scenario: A token is still good just before its lifetime ends
    When "admin" runs "openstack token issue -f json"
    And the token "admin" got is remembered
    And the clock advances by "59m"
    And the remembered token is used to run "openstack project list"
    Then it succeeds

  Scenario: A wrong password is refused clearly
    When "admin" with password "not-the-password" runs "openstack token issue"
    Then it fails
    And stderr contains "The request you have made requires authentication."
    And stderr contains "HTTP 401"
    And the journal shows these calls in order:
      | method | path                     | status |
      | POST   | /identity/v3/auth/tokens | 401    |

  Scenario: The catalog lists every service with public endpoints
    When "admin" runs "openstack catalog list -f value -c Type"
    Then it succeeds
    And stdout contains "identity"
    And stdout contains "compute"
    And stdout contains "placement"
    And stdout contains "load-balancer"
    And stdout contains "container-infra"
    And stdout contains "network"
    And stdout contains "image"
    And stdout contains "block-storage"

  Scenario: The admin lists every project
    When "admin" runs "openstack project list -f value -c Name"
    Then it succeeds
    And stdout contains "admin"
    And stdout contains "demo"
    And stdout contains "service"

  Scenario: A member sees only its own projects
    When "demo" runs "openstack project list -f value -c Name"
    Then it succeeds
    And stdout contains "demo"
    And stdout does not contain "alt_demo"
    And the journal shows these calls in order:
      | method | path                             | status |
      | GET    | /identity/v3/projects            | 403    |
      | GET    | /identity/v3/users/*/projects    | 200    |

  Scenario: A member token is refused on an admin-only route
    When "demo" runs "openstack user list"
    Then it fails
    And stderr contains "You are not authorized to perform the requested action: identity:list_users."
    And stderr contains "403: Client Error"
    And the journal shows these calls in order:
      | method | path               | status |
      | GET    | /identity/v3/users | 403    |

  Scenario: The CLI works through the generated clouds.yaml
    When "demo" runs "openstack token issue -f json" through clouds.yaml
    Then it succeeds
    And stdout contains the id of project "demo"

  Scenario: An application credential logs in to its own project
    When "appcred-demo-ci" runs "openstack token issue -f json" through clouds.yaml
    Then it succeeds
    And stdout contains the id of project "demo"

  Scenario: The gophercloud program authenticates through clouds.yaml
    When "admin" runs "gocheck auth" through clouds.yaml
    Then it succeeds
    And stdout contains the id of project "admin"
    And stdout contains "service=identity"
    And stdout contains "service=load-balancer"

  @token-lifetime @catches-naive
  Scenario: A job that reuses one token logs in again once Keystone refuses it as expired
    When "admin" runs the "token-keeper" tool with "3 1900"
    Then it succeeds
    And the tool reports "ROUND 2 ok"
    And the tool reports "ROUND 3 relogin"
    And the tool reports "ROUND 3 ok"
    And the journal shows these calls in order:
      | method | path                     | status |
      | POST   | /identity/v3/auth/tokens | 201    |
      | POST   | /identity/v3/auth/tokens | 401    |
      | POST   | /identity/v3/auth/tokens | 201    |
