# `callplan graph` and `callplan diff` through the command line: svg with and without Graphviz,
# exit codes, formats. The library behaviour is tested in tests/graph/*_test.cpp.
if(TARGET callplan_cli)
  add_test(NAME graph.cli
           COMMAND /usr/bin/python3 -m pytest -q -p no:cacheprovider
                   ${CMAKE_CURRENT_LIST_DIR}/cli_test.py
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(graph.cli PROPERTIES
                       ENVIRONMENT "CALLPLAN_BIN=$<TARGET_FILE:callplan_cli>")
endif()
