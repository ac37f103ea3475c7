# The order ctest starts the long tests in. ctest starts tests by COST, highest first, and
# learns each test's time in Testing/Temporary/CTestCostData.txt; a clean checkout (the CI)
# has no such file, so without these every long test started in declaration order and the
# longest (python.cli_agreement, 160 s under ASan) could start last and run alone at the end.
# The figures are seconds measured under ASan/UBSan in a clean-clone run (2026-12-07);
# only their order matters. The SIP end-to-end entries set theirs in sip/e2e/tests.cmake.
set(_callplan_test_costs
  python.cli_agreement 160
  consumer.add_subdirectory 126   # RUN_SERIAL: first, while nothing else waits for a slot
  package.deb 114
  python.cli_agreement_generated 106
  provision.endpoint 95
  panel_browser 133
  cluster_e2e 69
  graph.cli 57
  plantest.simulate_cli 46
  schema.agreement 46
  media_engine_e2e 46
  cli.behaviour 44
  panel_serve 43
  sip_load_no_amplification 28
  sip_metrics 27
  provision.readback 27)
while(_callplan_test_costs)
  list(POP_FRONT _callplan_test_costs _name _cost)
  if(TEST ${_name})
    set_tests_properties(${_name} PROPERTIES COST ${_cost})
  endif()
endwhile()
