# Script-driven tests of `callplan simulate` and `callplan test` (included by
# tests/CMakeLists.txt). They need the CLI; Python is Debian's /usr/bin/python3 with pytest.
if(TARGET callplan_cli)
  # The example tenant's own plan tests: what a CI pipeline would run.
  add_test(NAME plantest.acme_example
           COMMAND callplan_cli test examples/acme/tests.yaml
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})

  find_program(CALLPLAN_SYSTEM_PYTHON /usr/bin/python3)
  if(CALLPLAN_SYSTEM_PYTHON)
    foreach(suite simulate_cli plantest_cli)
      add_test(NAME plantest.${suite}
               COMMAND ${CALLPLAN_SYSTEM_PYTHON} -m pytest -q -p no:cacheprovider
                       ${PROJECT_SOURCE_DIR}/tests/cli/${suite}_test.py
               WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
      set_tests_properties(plantest.${suite} PROPERTIES
                           ENVIRONMENT "CALLPLAN_BIN=$<TARGET_FILE:callplan_cli>")
    endforeach()
  endif()
endif()
