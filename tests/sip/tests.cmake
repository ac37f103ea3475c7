# The SIP message layer: tests/sip/*_test.cpp -> callplan_sip_tests (included by
# tests/CMakeLists.txt; the stage loop there covers the callplan library only). The RFC 4475 /
# RFC 5118 torture messages are read from tests/sip/torture through CALLPLAN_SIP_TORTURE_DIR.
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
