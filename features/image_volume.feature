@image @volume
Feature: Glance images and Cinder volumes as the real CLI sees them
  The pinned python-openstackclient lists and shows images (after discovering Glance's versions
  without a token), lists Cinder's services and a project's volumes, and creates a volume that
  becomes available as simulated time passes.

  Background:
    Given a cloud from the default fixture

  Scenario: The admin lists every image after Glance's version discovery
    When "admin" runs "openstack image list -f value -c Name"
    Then it succeeds
    And stdout contains "cirros-0.6.2-x86_64-disk"
    And stdout contains "ubuntu-2204-kube-v1.28.5"
    And stdout contains "amphora-x64-haproxy"
    And the journal shows these calls in order:
      | method | path             | status |
      | GET    | /image           | 300    |
      | GET    | /image/v2/images | 200    |

  Scenario: A member sees the public images but not the service project's amphora image
    When "demo" runs "openstack image list -f value -c Name"
    Then it succeeds
    And stdout contains "cirros-0.6.2-x86_64-disk"
    And stdout contains "ubuntu-2204-kube-v1.28.5"
    And stdout does not contain "amphora"

  Scenario: An image is shown by name
    When "demo" runs "openstack image show cirros-0.6.2-x86_64-disk -f json"
    Then it succeeds
    And stdout is JSON whose "name" is "cirros-0.6.2-x86_64-disk"
    And stdout is JSON whose "status" is "active"
    And stdout is JSON whose "disk_format" is "qcow2"
    And stdout is JSON whose "visibility" is "public"
    And the journal shows these calls in order:
      | method | path                                        | status |
      | GET    | /image/v2/images/cirros-0.6.2-x86_64-disk   | 404    |
      | GET    | /image/v2/images                            | 200    |

  Scenario: A member cannot show another project's private image
    When "demo" runs "openstack image show amphora-x64-haproxy"
    Then it fails
    And stderr contains "No Image found for amphora-x64-haproxy"

  Scenario: A member creates an image and it becomes active once its data is uploaded
    When "demo" runs "openstack image create --disk-format raw --container-format bare mine -f json"
    Then it succeeds
    And stdout is JSON whose "status" is "active"
    And stdout is JSON whose "visibility" is "shared"
    And the journal shows these calls in order:
      | method | path                  | status |
      | POST   | /image/v2/images      | 201    |
      | PUT    | /image/v2/images/*/file | 204  |

  Scenario: The admin sees both volume services up
    When "admin" runs "openstack volume service list -f value -c Binary -c Host -c Zone -c Status -c State"
    Then it succeeds
    And stdout contains "cinder-scheduler controller-0 nova enabled up"
    And stdout contains "cinder-scheduler controller-2 nova enabled up"
    And stdout contains "cinder-volume hostgroup@tripleo_ceph nova enabled up"
    And the journal shows these calls in order:
      | method | path                        | status |
      | GET    | /volume/v3/                 | 200    |
      | GET    | /volume/v3/*/os-services    | 200    |

  Scenario: A member may not list the volume services
    When "demo" runs "openstack volume service list"
    Then it fails
    And stderr contains "Policy doesn't allow volume_extension:services:index to be performed."
    And stderr contains "403"
    And the journal shows these calls in order:
      | method | path                     | status |
      | GET    | /volume/v3/*/os-services | 403    |

  Scenario: A member lists its project's volumes
    When "demo" runs "openstack volume list -f value -c Name -c Size"
    Then it succeeds
    And stdout contains "scratch 5"
    And stdout contains "db-data 20"
    And the journal shows these calls in order:
      | method | path                        | status |
      | GET    | /volume/v3/*/volumes/detail | 200    |

  Scenario: Another project sees none of them
    When "alt_demo" runs "openstack volume list -f value -c Name"
    Then it succeeds
    And stdout does not contain "scratch"
    And stdout does not contain "db-data"

  Scenario: A new volume is creating until the clock moves, then available
    When "demo" runs "openstack volume create --size 1 x -f json"
    Then it succeeds
    And stdout is JSON whose "status" is "creating"
    And stdout is JSON whose "size" is "1"
    And the journal shows these calls in order:
      | method | path                 | status |
      | POST   | /volume/v3/*/volumes | 202    |
    When "demo" runs "openstack volume list -f value -c Name -c Status"
    Then stdout contains "x creating"
    When the clock advances by "10s"
    And "demo" runs "openstack volume list -f value -c Name -c Status"
    Then it succeeds
    And stdout contains "x available"
    And stdout contains "scratch available"

  Scenario: A volume larger than the project's quota is refused
    When "demo" runs "openstack volume create --size 2000 huge"
    Then it fails
    And stderr contains "Requested volume or snapshot exceeds allowed gigabytes quota."
    And the journal shows these calls in order:
      | method | path                 | status |
      | POST   | /volume/v3/*/volumes | 413    |

  Scenario: A stopped cinder-volume is reported down once a minute passes without a report
    When the fault is injected:
      """
      {"kind": "service-down", "binary": "cinder-volume", "host": "hostgroup@tripleo_ceph"}
      """
    And the clock advances by "30s"
    And "admin" runs "openstack volume service list -f value -c Binary -c State"
    Then it succeeds
    And stdout contains "cinder-volume up"
    When the clock advances by "31s"
    And "admin" runs "openstack volume service list -f value -c Binary -c State"
    Then it succeeds
    And stdout contains "cinder-volume down"
    And stdout contains "cinder-scheduler up"

  Scenario: With cinder-volume down the scheduler finds no backend and the new volume goes to error
    When the fault is injected:
      """
      {"kind": "service-down", "binary": "cinder-volume", "host": "hostgroup@tripleo_ceph"}
      """
    And the clock advances by "61s"
    And "demo" runs "openstack volume create --size 1 y -f json"
    Then it succeeds
    And stdout is JSON whose "status" is "creating"
    When the clock advances by "10s"
    And "demo" runs "openstack volume list -f value -c Name -c Status"
    Then stdout contains "y error"

  @stuck-volume @catches-naive
  Scenario: A volume cast to a cinder-volume that has just stopped stays creating, and is reported stuck
    When the fault is injected:
      """
      {"kind": "service-down", "binary": "cinder-volume", "host": "hostgroup@tripleo_ceph"}
      """
    And "demo" runs "openstack volume create --size 1 stuck-1 -f value -c status"
    Then stdout contains "creating"
    When the clock advances by "1h"
    And "admin" runs the "volume-check" tool
    Then it fails
    And the tool reports "RECHECK 300"
    And the tool reports "PROBLEM stuck stuck-1 creating"
    And the tool does not report "PROBLEM stuck scratch"
    And the tool does not report "PROBLEM error scratch"

  @stuck-volume
  Scenario: A volume still creating at the first look is not reported once it becomes available
    When "demo" runs "openstack volume create --size 1 busy-1"
    And "admin" runs the "volume-check" tool
    Then it succeeds
    And the tool reports "RECHECK 300"
    And the verdict is "ok"
