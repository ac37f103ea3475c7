# Load and abuse tests of `callplan serve` (tests/sip/load): what an unauthenticated request
# costs in datagrams and bytes out (issue 18). Fixed ports 22900-22919, sources 127.0.0.x.
# Label sip-load; about 20 s.
if(TARGET callplan_cli)
  add_test(NAME sip_load_no_amplification
           COMMAND /usr/bin/python3 -m pytest -q -rs -p no:cacheprovider tests/sip/load
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(sip_load_no_amplification PROPERTIES
    LABELS "sip-load"
    TIMEOUT 120
    ENVIRONMENT "CALLPLAN_BIN=$<TARGET_FILE:callplan_cli>")
endif()
