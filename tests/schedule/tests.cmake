# Schedule tests driven by Python: the probe executable evaluates schedules given as JSON, and
# pytest compares it with independent implementations (zoneinfo for DST, dateutil for Easter).
add_executable(callplan_schedule_probe ${CMAKE_CURRENT_LIST_DIR}/schedule_probe.cpp)
target_link_libraries(callplan_schedule_probe PRIVATE callplan_internal fmt::fmt
                      nlohmann_json::nlohmann_json)
target_include_directories(callplan_schedule_probe PRIVATE ${PROJECT_SOURCE_DIR}/src)
callplan_warnings(callplan_schedule_probe)

foreach(_suite easter dst)
  add_test(NAME schedule.python.${_suite}
           COMMAND /usr/bin/python3 -m pytest -q -p no:cacheprovider
                   ${CMAKE_CURRENT_LIST_DIR}/test_${_suite}.py)
  set_tests_properties(schedule.python.${_suite} PROPERTIES
    ENVIRONMENT "CALLPLAN_SCHEDULE_PROBE=$<TARGET_FILE:callplan_schedule_probe>"
    LABELS "schedule;python")
endforeach()
