# Provisioning (src/provision): tests/provision/*_test.cpp -> callplan_provision_tests, label
# "provision"; readback_test.py renders through the CLI, checks every XML file with xmllint
# and reads every file back against the tenant YAML. Goldens: CALLPLAN_UPDATE_GOLDEN=1
# build/dev/tests/callplan_provision_tests rewrites tests/provision/golden.
if(TARGET callplan_provision)
  set(_provision_tests
    device_secret_test.cpp
    escape_test.cpp
    golden_test.cpp
    render_test.cpp
    request_path_test.cpp
    tenant_blocks_test.cpp
    yealink_readback_test.cpp
    zones_test.cpp
  )
  list(TRANSFORM _provision_tests PREPEND ${CMAKE_CURRENT_LIST_DIR}/)
  add_executable(callplan_provision_tests ${_provision_tests})
  target_link_libraries(callplan_provision_tests PRIVATE callplan_provision GTest::gtest_main
                        fmt::fmt date::date-tz)
  target_include_directories(callplan_provision_tests PRIVATE ${CMAKE_CURRENT_LIST_DIR})
  target_compile_definitions(callplan_provision_tests PRIVATE
    CALLPLAN_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  callplan_warnings(callplan_provision_tests)
  gtest_discover_tests(callplan_provision_tests DISCOVERY_TIMEOUT 60
                       WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} PROPERTIES LABELS provision)
endif()
# The endpoint's digest verification (needs the SIP message layer: the SIP build).
if(TARGET callplan_provision_endpoint)
  add_executable(callplan_provision_endpoint_tests ${CMAKE_CURRENT_LIST_DIR}/device_auth_test.cpp)
  target_link_libraries(callplan_provision_endpoint_tests PRIVATE callplan_provision_endpoint
                        GTest::gtest_main OpenSSL::Crypto)
  callplan_warnings(callplan_provision_endpoint_tests)
  gtest_discover_tests(callplan_provision_endpoint_tests DISCOVERY_TIMEOUT 60
                       WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} PROPERTIES LABELS provision)
endif()
if(TARGET callplan_cli)
  add_test(NAME provision.readback
           COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/readback_test.py
                   $<TARGET_FILE:callplan_cli>
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(provision.readback PROPERTIES LABELS provision)
endif()
# The endpoint of `serve --provision` over loopback (curl and raw requests, every brand's
# User-Agent, wrong password vs unknown MAC, another phone's file, path tricks, replayed nonce,
# throttling, HTTPS, reload): needs serve, so the SIP build. SIP ports 25100-25199.
if(TARGET callplan_cli AND CALLPLAN_SIP)
  add_test(NAME provision.endpoint
           COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/endpoint_test.py
                   $<TARGET_FILE:callplan_cli>
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(provision.endpoint PROPERTIES LABELS provision TIMEOUT 120)
endif()
# Provisioning follows serve's reloads: NOTIFY check-sync to a sipp phone whose file a SIGHUP
# changed (and none to the other), and several companies (--tenants DIR, CP603). SIP ports
# 31000-31199. About 10 s.
if(TARGET callplan_cli AND CALLPLAN_SIP)
  add_test(NAME provision.check_sync
           COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/check_sync_test.py
                   $<TARGET_FILE:callplan_cli>
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(provision.check_sync PROPERTIES LABELS provision TIMEOUT 120)
endif()
