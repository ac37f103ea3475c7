# The SIP layers. tests/sip/*_test.cpp -> callplan_sip_tests (the message layer; the RFC 4475 /
# RFC 5118 torture messages are read from tests/sip/torture through CALLPLAN_SIP_TORTURE_DIR),
# and tests/sip/<layer>/*_test.cpp -> callplan_sip_<layer>_tests for each server layer.
# Included by tests/CMakeLists.txt when CALLPLAN_SIP is on.
add_executable(callplan_sip_tests
  ${CMAKE_CURRENT_LIST_DIR}/digest_test.cpp ${CMAKE_CURRENT_LIST_DIR}/framing_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/message_test.cpp ${CMAKE_CURRENT_LIST_DIR}/rfc4475_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/rfc5118_test.cpp ${CMAKE_CURRENT_LIST_DIR}/uri_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/via_received_test.cpp ${CMAKE_CURRENT_LIST_DIR}/writer_test.cpp)
target_link_libraries(callplan_sip_tests PRIVATE callplan_sip GTest::gtest_main)
target_compile_definitions(callplan_sip_tests PRIVATE
  CALLPLAN_SIP_TORTURE_DIR="${CMAKE_CURRENT_LIST_DIR}/torture")
callplan_warnings(callplan_sip_tests)
gtest_discover_tests(callplan_sip_tests DISCOVERY_TIMEOUT 60
                     WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})

# callplan_sip_layer_tests(<layer> <file>...): tests/sip/<layer>/<file> ->
# callplan_sip_<layer>_tests, linked with that layer's library.
function(callplan_sip_layer_tests layer)
  list(TRANSFORM ARGN PREPEND ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/${layer}/ OUTPUT_VARIABLE _sources)
  add_executable(callplan_sip_${layer}_tests ${_sources})
  target_link_libraries(callplan_sip_${layer}_tests PRIVATE callplan_sip_${layer}
                        GTest::gtest_main GTest::gmock)
  target_compile_definitions(callplan_sip_${layer}_tests PRIVATE
    CALLPLAN_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  # support/captured_stderr.hpp (header-only; these binaries do not link the test support).
  target_include_directories(callplan_sip_${layer}_tests PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  callplan_warnings(callplan_sip_${layer}_tests)
  gtest_discover_tests(callplan_sip_${layer}_tests DISCOVERY_TIMEOUT 60
                       WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
endfunction()

callplan_sip_layer_tests(transport datagram_batch_test.cpp limits_test.cpp peer_test.cpp
                         tcp_transport_test.cpp timer_driver_test.cpp timer_queue_test.cpp
                         udp_transport_test.cpp)
callplan_sip_layer_tests(transaction cancel_test.cpp client_invite_test.cpp
                         client_non_invite_test.cpp matching_test.cpp own_request_test.cpp
                         reentrancy_test.cpp server_invite_test.cpp server_non_invite_test.cpp
                         stateless_refusal_test.cpp)
callplan_sip_layer_tests(registrar contact_match_test.cpp credentials_test.cpp
                         digest_auth_test.cpp digest_policy_test.cpp location_test.cpp
                         registrar_test.cpp)
callplan_sip_layer_tests(security auth_throttle_test.cpp keyed_hash_test.cpp
                         rate_limiter_test.cpp security_log_test.cpp)
callplan_sip_layer_tests(proxy call_record_test.cpp dead_bindings_test.cpp dialog_token_test.cpp
                         dialogs_test.cpp directory_test.cpp next_hop_test.cpp reach_test.cpp
                         trunk_side_test.cpp)
callplan_sip_layer_tests(b2bua dialog_request_test.cpp reinvite_test.cpp)
callplan_sip_layer_tests(server dialog_secret_test.cpp log_test.cpp metrics_test.cpp
                         state_keeper_test.cpp)
callplan_sip_layer_tests(events notifier_test.cpp)
callplan_sip_layer_tests(media_side control_client_test.cpp supervisor_test.cpp)
callplan_sip_layer_tests(companies companies_test.cpp tenant_files_test.cpp)

# The fail2ban filter in contrib/ matches the lines SecurityLog writes (emulating fail2ban's
# own regex expansion; fail2ban itself is not needed).
add_test(NAME sip_security_fail2ban_filter
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/security/fail2ban_filter_test.py)

# End-to-end tests with real peers (sipp) against `callplan serve`: tests/sip/e2e.
include(${CMAKE_CURRENT_LIST_DIR}/e2e/tests.cmake)

# Load and abuse tests (stateless refusals): tests/sip/load.
include(${CMAKE_CURRENT_LIST_DIR}/load/tests.cmake)

# `callplan serve --metrics` scraped and parsed with Prometheus' text parser while sipp phones
# register and call (tests/sip/metrics): about 5 s, ports 29100-29199 for the metrics listener.
if(TARGET callplan_cli)
  add_test(NAME sip_metrics
           COMMAND /usr/bin/python3 -m pytest -q -rs -p no:cacheprovider tests/sip/metrics
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(sip_metrics PROPERTIES
    LABELS "sip"
    TIMEOUT 60
    ENVIRONMENT "CALLPLAN_BIN=$<TARGET_FILE:callplan_cli>"
    SKIP_REGULAR_EXPRESSION "SKIPPED .*sipp \\(Debian sip-tester\\) is not installed")
endif()
