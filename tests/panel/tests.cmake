# The panel (src/panel): tests/panel/*_test.cpp -> callplan_yaml_edit_tests, label "panel".
# Included by tests/CMakeLists.txt. One file per line, sorted, so parallel additions merge.
if(TARGET callplan_yaml_edit)
  set(_yaml_edit_tests
    editor_test.cpp
    golden_test.cpp
    property_test.cpp
    scalar_text_test.cpp
  )
  list(TRANSFORM _yaml_edit_tests PREPEND ${CMAKE_CURRENT_LIST_DIR}/)
  add_executable(callplan_yaml_edit_tests ${_yaml_edit_tests})
  target_link_libraries(callplan_yaml_edit_tests PRIVATE callplan_yaml_edit GTest::gtest_main)
  target_compile_definitions(callplan_yaml_edit_tests PRIVATE
    CALLPLAN_PANEL_GOLDEN="${CMAKE_CURRENT_LIST_DIR}/golden")
  callplan_warnings(callplan_yaml_edit_tests)
  gtest_discover_tests(callplan_yaml_edit_tests DISCOVERY_TIMEOUT 60
                       WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} PROPERTIES LABELS panel)
endif()

# The panel's server side (src/panel): accounts, guards, workspace, API -> callplan_panel_tests.
if(TARGET callplan_panel)
  set(_panel_tests
    accounts_test.cpp
    api_test.cpp
    guards_test.cpp
    number_changes_test.cpp
    plan_changes_test.cpp
    schedule_changes_test.cpp
    settings_dashboard_test.cpp
    static_files_test.cpp
    tenant_set_test.cpp
    text_diff_test.cpp
    workspace_test.cpp
  )
  list(TRANSFORM _panel_tests PREPEND ${CMAKE_CURRENT_LIST_DIR}/server/)
  add_executable(callplan_panel_tests ${_panel_tests})
  target_link_libraries(callplan_panel_tests PRIVATE callplan_panel GTest::gtest_main)
  target_compile_definitions(callplan_panel_tests PRIVATE
    CALLPLAN_EXAMPLES="${PROJECT_SOURCE_DIR}/examples"
    CALLPLAN_FIXTURES="${CMAKE_CURRENT_LIST_DIR}/fixtures")
  callplan_warnings(callplan_panel_tests)
  gtest_discover_tests(callplan_panel_tests DISCOVERY_TIMEOUT 60
                       WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} PROPERTIES LABELS panel)
endif()

# The plan editor's model, the graph layout and the schedules form in Node.js (node --test): no npm
# install needed; not added where there is no node.
find_program(CALLPLAN_NODE node)
if(CALLPLAN_NODE)
  add_test(NAME panel_plan_steps
           COMMAND ${CALLPLAN_NODE} --test ${PROJECT_SOURCE_DIR}/panel/web/src/plan/steps.test.js
                   ${PROJECT_SOURCE_DIR}/panel/web/src/graph/layout.test.js
                   ${PROJECT_SOURCE_DIR}/panel/web/src/screens/schedule_form.test.js)
  set_tests_properties(panel_plan_steps PROPERTIES LABELS panel)
endif()

# The panel in a real browser (panel/web/tests, Playwright with Debian's chromium): needs the
# web app built by scripts/build-panel.sh. Skipped (77) on a machine without node or chromium,
# failed in CI. Port 26100.
if(TARGET callplan_cli AND CALLPLAN_SIP)
  add_test(NAME panel_browser
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/run_browser_tests.sh $<TARGET_FILE:callplan_cli>)
  set_tests_properties(panel_browser PROPERTIES LABELS panel SKIP_RETURN_CODE 77 TIMEOUT 300
                       PROCESSORS 2)
endif()

# `callplan serve --panel`: a save reloads the SIP server, the dashboard shows a sipp phone's
# registration, and under --tenants DIR two companies are kept apart (tests/panel/serve_panel,
# the SIP e2e harness). 18 s at load average 10; ports 37300-37399.
if(TARGET callplan_cli AND CALLPLAN_SIP)
  add_test(NAME panel_serve
           COMMAND /usr/bin/python3 -m pytest -q -rs -p no:cacheprovider tests/panel/serve_panel
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(panel_serve PROPERTIES
    LABELS "panel;sip"
    TIMEOUT 120
    ENVIRONMENT "CALLPLAN_BIN=$<TARGET_FILE:callplan_cli>"
    SKIP_REGULAR_EXPRESSION "SKIPPED .*sipp \\(Debian sip-tester\\) is not installed")
endif()
