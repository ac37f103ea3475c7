# CLI tests: golden human output (tests/cli/golden) and behaviour (exit codes, formats).
# CALLPLAN_UPDATE_GOLDEN=1 /usr/bin/python3 tests/cli/run_golden.py <callplan> rewrites goldens.
if(TARGET callplan_cli)
  add_test(NAME cli.golden
           COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/run_golden.py
                   $<TARGET_FILE:callplan_cli>)
  add_test(NAME cli.behaviour
           COMMAND /usr/bin/python3 -m pytest -q -p no:cacheprovider
                   ${CMAKE_CURRENT_LIST_DIR}/test_cli.py
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(cli.behaviour PROPERTIES
                       ENVIRONMENT "CALLPLAN_BIN=$<TARGET_FILE:callplan_cli>")
endif()
