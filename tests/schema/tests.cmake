# The JSON Schema and the loader agree on well-formed tenants (tests/schema/fixtures).
if(TARGET callplan_cli)
  add_test(NAME schema.agreement
           COMMAND /usr/bin/python3 -m pytest -q -p no:cacheprovider
                   ${CMAKE_CURRENT_LIST_DIR}/test_schema_agreement.py
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(schema.agreement PROPERTIES
                       ENVIRONMENT "CALLPLAN_BIN=$<TARGET_FILE:callplan_cli>")
endif()
