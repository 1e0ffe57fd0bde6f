@tripleo @incidents
Feature: TripleO control-plane incidents at a controller's shell
  The overcloud behind the APIs runs its services in containers on three controllers and three
  compute nodes, with Pacemaker bundles for RabbitMQ, Galera, Redis, HAProxy and OVN, the VIPs,
  and an active/passive cinder-volume. Tools run as if on a controller: `docker`, `pcs`, `crudini`,
  `paunch` and `ssh` on their PATH are fakecloud's fake shell, acting on the same world as the
  APIs. Scenarios tagged @catches-naive must also fail with the naive reference tool.

  Scenario: A healthy overcloud passes the controller health check
    Given a cloud from the default fixture
    When "admin" runs the "overcloud-health-check" tool on "controller-0"
    Then it succeeds
    And the verdict is "healthy"

  # ---- T1: unhealthy containers and the API services they run ----

  @incident-T1
  Scenario: An unhealthy API container shows in docker ps and its service goes down
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "container-unhealthy", "node": "controller-0", "container": "nova_scheduler"}
      """
    And "admin" runs "docker ps --filter health=unhealthy --format '{{.Names}} {{.Status}}'" on "controller-0"
    Then stdout contains "nova_scheduler Up 26 hours (unhealthy)"
    When the clock advances by "61s"
    And "admin" runs "openstack compute service list --service nova-scheduler -f value -c Host -c State"
    Then stdout contains "controller-0 down"
    And stdout contains "controller-1 up"

  @incident-T1
  Scenario: Restarting the container brings the service back once its health check passes
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "container-unhealthy", "node": "controller-0", "container": "nova_scheduler"}
      """
    And the clock advances by "61s"
    And "admin" runs "docker restart nova_scheduler" on "controller-0"
    Then it succeeds
    When "admin" runs "docker ps --filter name=nova_scheduler --format '{{.Status}}'" on "controller-0"
    Then stdout contains "(health: starting)"
    When "admin" runs "openstack compute service list --service nova-scheduler -f value -c Host -c State"
    Then stdout contains "controller-0 down"
    When the clock advances by "30s"
    And "admin" runs "docker ps --filter name=nova_scheduler --format '{{.Status}}'" on "controller-0"
    Then stdout contains "(healthy)"
    When "admin" runs "openstack compute service list --service nova-scheduler -f value -c Host -c State"
    Then stdout contains "controller-0 up"

  @incident-T1 @catches-naive
  Scenario: The health check reports an exited container, not only unhealthy ones
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "container-exited", "node": "controller-0", "container": "heat_engine"}
      """
    And "admin" runs the "overcloud-health-check" tool on "controller-0"
    Then it fails
    And the tool reports "PROBLEM container-exited heat_engine"

  # ---- T2: Pacemaker failures and the loss of a controller ----

  @incident-T2
  Scenario: Losing a controller moves its VIPs, stops its replicas and promotes a new Redis master
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "controller-offline", "node": "controller-0"}
      """
    And "admin" runs "pcs status" on "controller-1"
    Then it succeeds
    And stdout contains "OFFLINE: [ controller-0 ]"
    And stdout contains "Online: [ controller-1 controller-2 ]"
    And stdout does not contain "Started controller-0"
    When "admin" runs "bash -c 'pcs status | grep redis-bundle-1'" on "controller-1"
    Then stdout contains "Master controller-1"
    When "admin" runs "ssh controller-0 docker ps"
    Then it fails
    And stderr contains "No route to host"
    When "admin" runs 'docker exec galera-bundle-docker-1 mysql -N -s -e "SHOW GLOBAL STATUS LIKE \"wsrep_cluster_size\""' on "controller-1"
    Then stdout contains "wsrep_cluster_size	2"

  @incident-T2 @catches-naive
  Scenario: The health check reports a Pacemaker failed action
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "pacemaker-action-failure", "resource": "rabbitmq-bundle", "node": "controller-1"}
      """
    And "admin" runs the "overcloud-health-check" tool on "controller-0"
    Then it fails
    And the tool reports "PROBLEM pacemaker-failed-action"

  @incident-T2
  Scenario: A resource cleanup clears the failed action and starts the replica again
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "pacemaker-action-failure", "resource": "rabbitmq-bundle", "node": "controller-1"}
      """
    And "admin" runs "pcs resource cleanup rabbitmq-bundle" on "controller-0"
    Then it succeeds
    When "admin" runs "pcs status" on "controller-0"
    Then stdout does not contain "Failed Actions"
    And stdout does not contain "Stopped"

  # ---- T3: Galera ----

  @incident-T3 @catches-naive
  Scenario: The health check reports a desynced Galera node even though its evs state is OPERATIONAL
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "galera-desync", "node": "controller-0"}
      """
    And "admin" runs the "overcloud-health-check" tool on "controller-0"
    Then it fails
    And the tool reports "PROBLEM galera-not-synced Donor/Desynced"

  @incident-T3
  Scenario: A node that lost the primary component says so in its wsrep status
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "galera-non-primary", "node": "controller-2"}
      """
    And "admin" runs 'docker exec -ti galera-bundle-docker-2 mysql -e "SHOW GLOBAL STATUS LIKE \"wsrep_%\""' on "controller-2"
    Then it succeeds
    And stdout contains "non-Primary"
    And stdout does not contain "OPERATIONAL"

  # ---- T4: RabbitMQ ----

  @incident-T4 @catches-naive
  Scenario: The health check reports a RabbitMQ memory alarm
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "rabbitmq-alarm", "node": "controller-0", "alarm": "memory"}
      """
    And "admin" runs the "overcloud-health-check" tool on "controller-0"
    Then it fails
    And the tool reports "PROBLEM rabbitmq-alarms"

  @incident-T4
  Scenario: A partitioned node shows in cluster_status
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "rabbitmq-partition", "node": "controller-1"}
      """
    And "admin" runs the "overcloud-health-check" tool on "controller-0"
    Then it fails
    And the tool reports "PROBLEM rabbitmq-partitions"

  # ---- T5: HAProxy checks, fall 5 inter 2000 rise 2 ----

  @incident-T5 @catches-naive
  Scenario: A backend failing its checks is not an outage until HAProxy declares it DOWN
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "haproxy-backend-failing", "node": "controller-1", "listen": "nova_osapi"}
      """
    And the clock advances by "6s"
    And "admin" runs the "overcloud-health-check" tool on "controller-0"
    Then it succeeds
    When the clock advances by "4s"
    And "admin" runs the "overcloud-health-check" tool on "controller-0"
    Then it fails
    And the tool reports "PROBLEM haproxy-backend-down nova_osapi/controller-1.internalapi.localdomain"

  @incident-T5
  Scenario: A DOWN backend is UP again after two good checks
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "haproxy-backend-failing", "node": "controller-1", "listen": "nova_osapi"}
      """
    And the clock advances by "30s"
    And the "haproxy-backend-failing" faults are removed
    And the clock advances by "2s"
    And "admin" runs "docker exec haproxy-bundle-docker-0 bash -c 'echo show stat | socat stdio /var/lib/haproxy/stats'" on "controller-0"
    Then stdout contains "nova_osapi,controller-1.internalapi.localdomain,0,0,0,1,,40,3400,6800,,0,,0,0,0,0,DOWN 1/2,"
    When the clock advances by "2s"
    And "admin" runs the "overcloud-health-check" tool on "controller-0"
    Then it succeeds

  # ---- T6: config edited but not applied ----

  @incident-T6
  Scenario: An edit on the host reaches the running service only after a restart
    Given a cloud from the default fixture
    When "admin" runs "crudini --set /var/lib/config-data/puppet-generated/nova/etc/nova/nova.conf DEFAULT debug True" on "controller-0"
    Then it succeeds
    When "admin" runs "crudini --get /var/lib/config-data/puppet-generated/nova/etc/nova/nova.conf DEFAULT debug" on "controller-0"
    Then stdout contains "True"
    When "admin" runs "docker exec nova_scheduler crudini --get /etc/nova/nova.conf DEFAULT debug" on "controller-0"
    Then stdout contains "False"
    When "admin" runs "docker restart nova_scheduler" on "controller-0"
    And "admin" runs "docker exec nova_scheduler crudini --get /etc/nova/nova.conf DEFAULT debug" on "controller-0"
    Then stdout contains "True"

  @incident-T6 @catches-naive
  Scenario: A config repair restarts the container and checks what it runs with
    Given a cloud from the default fixture
    When "admin" runs the "config-repair" tool with "nova_scheduler /var/lib/config-data/puppet-generated/nova/etc/nova/nova.conf DEFAULT debug True" on "controller-0"
    Then it succeeds
    When "admin" runs "docker exec nova_scheduler crudini --get /etc/nova/nova.conf DEFAULT debug" on "controller-0"
    Then stdout contains "True"

  # ---- T7: service-level checks see what the containers do ----

  @incident-T7 @catches-naive
  Scenario: A scheduler whose container hangs is reported down by the service check
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "container-unhealthy", "node": "controller-1", "container": "cinder_scheduler"}
      """
    And the clock advances by "61s"
    And "admin" runs "openstack volume service list -f value -c Binary -c Host -c State"
    Then stdout contains "cinder-scheduler controller-1 down"
    When "admin" runs the "service-check" tool
    Then it fails

  # ---- T8: Ceph ----

  @incident-T8 @catches-naive
  Scenario: The health check reports OSDs down (HEALTH_WARN)
    Given a cloud from the default fixture
    When the fault is injected:
      """
      {"kind": "ceph-osd-down", "osds": 2}
      """
    And "admin" runs the "overcloud-health-check" tool on "controller-0"
    Then it fails
    And the tool reports "PROBLEM ceph-health HEALTH_WARN"
    When "admin" runs "docker exec ceph-mon-controller-0 ceph -s" on "controller-0"
    Then stdout contains "2 osds down"

  # ---- T9: container forensics ----

  @incident-T9
  Scenario: A container's run line, startup config, logs and filesystem
    Given a cloud from the default fixture
    When "admin" runs 'docker inspect --format "{{range .Config.Env}} -e \"{{.}}\" {{end}} {{range .Mounts}} -v {{.Source}}:{{.Destination}}{{if .Mode}}:{{.Mode}}{{end}}{{end}} -ti {{.Config.Image}}" nova_scheduler' on "controller-0"
    Then it succeeds
    And stdout contains '-e "KOLLA_CONFIG_STRATEGY=COPY_ALWAYS"'
    And stdout contains "-v /var/lib/config-data/puppet-generated/nova/:/var/lib/kolla/config_files/src:ro"
    And stdout contains "-ti docker.io/tripleotrain/centos-binary-nova-scheduler:current-tripleo"
    When "admin" runs "paunch debug --file /var/lib/tripleo-config/container-startup-config-step_4.json --container nova_scheduler --action print-cmd" on "controller-0"
    Then stdout contains "docker run --name nova_scheduler"
    When "admin" runs "paunch debug --file /var/lib/tripleo-config/container-startup-config-step_4.json --container nova_scheduler --action dump-json" on "controller-0"
    Then stdout contains '"healthcheck"'
    When "admin" runs "docker logs nova_scheduler" on "controller-0"
    Then stderr contains "Kolla config strategy set to: COPY_ALWAYS"
    When "admin" runs "ssh controller-0 ls /var/log/containers/nova"
    Then stdout contains "nova-scheduler.log"
    When "admin" runs "ssh controller-0 tail -n 2 /var/log/containers/nova/nova-scheduler.log"
    Then stdout contains "INFO oslo_service.service [-] Starting nova-scheduler"
    When "admin" runs "bash -c 'd=$(mktemp -d) && docker export -o $d/c.tar nova_scheduler && tar -tf $d/c.tar'" on "controller-0"
    Then it succeeds
    And stdout contains "etc/nova/nova.conf"

  Scenario: Bad arguments fail as the real tools do
    Given a cloud from the default fixture
    When "admin" runs "docker ps --bogus" on "controller-0"
    Then the exit status is 125
    And stderr contains "unknown flag: --bogus"
    When "admin" runs "docker restart" on "controller-0"
    Then the exit status is 1
    And stderr contains '"docker restart" requires at least 1 argument.'
    When "admin" runs "docker inspect no_such_container" on "controller-0"
    Then the exit status is 1
    And stderr contains "No such object: no_such_container"
    When "admin" runs "crudini --get /etc/nope.conf DEFAULT debug" on "controller-0"
    Then it fails
    When "admin" runs "pcs bogus" on "controller-0"
    Then it fails

  # ---- the guide's runbook lines, replayed as written ----

  Scenario: The guide's Horizon check answers as Horizon behind HAProxy, and fails when no horizon container can serve
    Given a cloud from the default fixture
    When "admin" runs "sh -c 'curl -sIL $FAKECLOUD_URL/dashboard'"
    Then it succeeds
    And stdout contains "HTTP/1.1 302 Found"
    And stdout contains "/dashboard/auth/login/?next=/dashboard/"
    And stdout contains "HTTP/1.1 200 OK"
    And stdout contains "SERVERID=controller-0.internalapi.localdomain"
    When the fault is injected:
      """
      {"kind": "container-exited", "node": "controller-0", "container": "horizon"}
      """
    And "admin" runs "sh -c 'curl -sIL $FAKECLOUD_URL/dashboard'"
    Then stdout contains "SERVERID=controller-1.internalapi.localdomain"
    When the fault is injected:
      """
      {"kind": "container-exited", "node": "controller-1", "container": "horizon"}
      """
    And the fault is injected:
      """
      {"kind": "container-exited", "node": "controller-2", "container": "horizon"}
      """
    And "admin" runs "sh -c 'curl -sIL $FAKECLOUD_URL/dashboard'"
    Then stdout contains "HTTP/1.1 503 Service Unavailable"
    And stdout does not contain "200 OK"

  Scenario: The guide's paunch lines know the cinder-volume bundle that docker ps shows
    Given a cloud from the default fixture
    When "admin" runs "docker ps --format '{{.Names}}'" on "controller-1"
    Then stdout contains "openstack-cinder-volume-docker-0"
    When "admin" runs "paunch debug --file /var/lib/tripleo-config/container-startup-config-step_4.json --container openstack-cinder-volume-docker-0 --action dump-json" on "controller-1"
    Then it succeeds
    And stdout contains "centos-binary-cinder-volume:pcmklatest"
    When "admin" runs "paunch debug --file /var/lib/tripleo-config/container-startup-config-step_4.json --container openstack-cinder-volume-docker-0 --action print-cmd" on "controller-1"
    Then stdout contains "docker run --name openstack-cinder-volume-docker-0"
