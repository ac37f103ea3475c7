# The state store (src/state): tests/state/*_test.cpp -> callplan_state_tests, label "state".
# Included by tests/CMakeLists.txt. One file per line, sorted, so parallel additions merge.
if(TARGET callplan_state)
  set(_state_tests
    durability_test.cpp
    errors_test.cpp
    migration_test.cpp
    round_trip_test.cpp
  )
  list(TRANSFORM _state_tests PREPEND ${CMAKE_CURRENT_LIST_DIR}/)
  add_executable(callplan_state_tests ${_state_tests})
  target_link_libraries(callplan_state_tests PRIVATE callplan_state GTest::gtest_main GTest::gmock)
  target_include_directories(callplan_state_tests PRIVATE ${CMAKE_CURRENT_LIST_DIR})
  target_compile_definitions(callplan_state_tests PRIVATE
    CALLPLAN_STATE_FIXTURES="${CMAKE_CURRENT_LIST_DIR}/fixtures")
  callplan_warnings(callplan_state_tests)
  gtest_discover_tests(callplan_state_tests DISCOVERY_TIMEOUT 60
                       WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} PROPERTIES LABELS state)
endif()
