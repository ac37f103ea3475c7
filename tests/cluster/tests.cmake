# `callplan serve --cluster` (SPEC 12, docs/cluster.md), label "cluster":
# - callplan_cluster_tests (gtest): the Redis address, the record and message formats, the
#   scripts' digests, the cluster secret; and two nodes' shared registrations, round-robin
#   positions, message-waiting counts and call records against a redis-server each test
#   starts on a Unix socket and stops by its PID (redis_server.hpp, parts_node.hpp); about 5 s.
# - cluster_e2e (pytest, tests/cluster/test_cluster.py): a redis-server on a Unix socket
#   started by each test and stopped by its PID, two or three nodes on 127.0.0.1/.3/.4, sipp
#   phones and trunk; ports 37000-37999. About 40 s (the phones reached through their node,
#   on 127.0.0.71-79 and ports 47000-47999: about 9 s of it). Without sipp or redis-server
#   it skips, and fails under CI=true.
# Included by tests/CMakeLists.txt. One file per line, sorted, so parallel additions merge.
if(TARGET callplan_cluster)
  set(_cluster_tests
    binding_record_test.cpp
    cluster_secret_test.cpp
    redis_address_test.cpp
    redis_credentials_test.cpp
    relay_token_test.cpp
    shared_mailboxes_test.cpp
    shared_registrations_test.cpp
    shared_round_robin_test.cpp
  )
  list(TRANSFORM _cluster_tests PREPEND ${CMAKE_CURRENT_LIST_DIR}/)
  add_executable(callplan_cluster_tests ${_cluster_tests})
  target_link_libraries(callplan_cluster_tests PRIVATE callplan_cluster PkgConfig::HIREDIS
                        GTest::gtest_main)
  callplan_warnings(callplan_cluster_tests)
  gtest_discover_tests(callplan_cluster_tests DISCOVERY_TIMEOUT 60
                       WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} PROPERTIES LABELS cluster)
endif()
if(TARGET callplan_cli AND TARGET callplan_cluster)
  add_test(NAME cluster_e2e
           COMMAND /usr/bin/python3 -m pytest -q -rs -p no:cacheprovider tests/cluster
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(cluster_e2e PROPERTIES
    LABELS "cluster"
    TIMEOUT 180  # about 40 s measured (45 s at load average 8; 116 s at 15); room for a loaded machine
    ENVIRONMENT "CALLPLAN_BIN=$<TARGET_FILE:callplan_cli>"
    SKIP_REGULAR_EXPRESSION "SKIPPED .*is not installed")
endif()
