# The SIP layers. tests/sip/*_test.cpp -> callplan_sip_tests (the message layer; the RFC 4475 /
# RFC 5118 torture messages are read from tests/sip/torture through CALLPLAN_SIP_TORTURE_DIR),
# and tests/sip/<layer>/*_test.cpp -> callplan_sip_<layer>_tests for each server layer.
# Included by tests/CMakeLists.txt; the stage loop there covers the callplan library only.
file(GLOB _sip_tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*_test.cpp)
if(_sip_tests AND TARGET callplan_sip)
  add_executable(callplan_sip_tests ${_sip_tests})
  target_link_libraries(callplan_sip_tests PRIVATE callplan_sip GTest::gtest_main)
  target_compile_definitions(callplan_sip_tests PRIVATE
    CALLPLAN_SIP_TORTURE_DIR="${CMAKE_CURRENT_LIST_DIR}/torture")
  callplan_warnings(callplan_sip_tests)
  gtest_discover_tests(callplan_sip_tests DISCOVERY_TIMEOUT 60
                       WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
endif()

foreach(_layer transport transaction registrar security proxy server)
  file(GLOB _layer_tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/${_layer}/*_test.cpp)
  if(_layer_tests AND TARGET callplan_sip_${_layer})
    add_executable(callplan_sip_${_layer}_tests ${_layer_tests})
    target_link_libraries(callplan_sip_${_layer}_tests PRIVATE callplan_sip_${_layer}
                          GTest::gtest_main GTest::gmock)
    target_compile_definitions(callplan_sip_${_layer}_tests PRIVATE
      CALLPLAN_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    # support/captured_stderr.hpp (header-only; these binaries do not link the test support).
    target_include_directories(callplan_sip_${_layer}_tests PRIVATE ${PROJECT_SOURCE_DIR}/tests)
    callplan_warnings(callplan_sip_${_layer}_tests)
    gtest_discover_tests(callplan_sip_${_layer}_tests DISCOVERY_TIMEOUT 60
                         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  endif()
endforeach()

# The fail2ban filter in contrib/ matches the lines SecurityLog writes (emulating fail2ban's
# own regex expansion; fail2ban itself is not needed).
add_test(NAME sip_security_fail2ban_filter
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/security/fail2ban_filter_test.py)

# End-to-end tests with real peers (sipp) against `callplan serve`: tests/sip/e2e.
include(${CMAKE_CURRENT_LIST_DIR}/e2e/tests.cmake OPTIONAL)
