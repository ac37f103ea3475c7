# End-to-end SIP tests: `callplan serve` on loopback with sipp peers as phones and trunk,
# real softphones (baresip, linphonec), the media process, sipvicious. Every test inside is
# bounded (< 30 s); the phone tests fail, not skip, without their programs under CI=true.
# Included by tests/sip/tests.cmake.
#
# Six ctest entries over the folder, so that the CI's two cores run them beside each other
# and beside the unit tests (one entry of them all took 570 s alone under ASan):
#   sip_e2e_timing   the tests of test_sip_e2e.py marked `ringing_times` (cascade, memory hunt,
#                    ring-all start, the other phone's CANCEL, a transfer's time-out, a rate
#                    limit's burst): they time real ringing to a second or less, so they run
#                    alone (RUN_SERIAL), and first (COST);
#   sip_e2e          the rest of test_sip_e2e.py: sipp phones and trunk, the torture corpus,
#                    reloads, sipvicious;
#   sip_e2e_phones   baresip, linphonec, presence, the example company at shifted clock times;
#   sip_e2e_media    the own media side: announcements, menus, voicemail, transfers (RTP
#                    ports 30000-30999, 34000-34999, 36000-36499);
#   sip_e2e_more     many companies, events, keep-alives, MESSAGE, NAT, restarts;
#   sip_e2e_mailbox  the mailbox by phone and more of the media side (RTP 35000-35999).
# SIP ports are the kernel's pick per test (sip_e2e_server.free_udp_port), RTP ranges are
# per file, so the entries never share a port. Timing tolerances outside sip_e2e_timing are
# a second or more. Without sipp a module skips itself; -rs prints the reason, which ctest
# reports as skipped.
if(NOT TARGET callplan_cli)
  return()
endif()

set(_sip_e2e_files "")
# callplan_sip_e2e(NAME TIMEOUT COST [MARK EXPR] FILE...): one ctest entry running FILEs,
# only their tests that match the pytest marker expression EXPR when given.
function(callplan_sip_e2e name timeout cost)
  cmake_parse_arguments(PARSE_ARGV 3 E2E "" "MARK" "")
  set(_sip_e2e_files ${_sip_e2e_files} ${E2E_UNPARSED_ARGUMENTS} PARENT_SCOPE)
  set(files ${E2E_UNPARSED_ARGUMENTS})
  list(TRANSFORM files PREPEND tests/sip/e2e/)
  set(mark "")
  if(DEFINED E2E_MARK)
    set(mark -m "${E2E_MARK}")
  endif()
  add_test(NAME ${name}
           COMMAND /usr/bin/python3 -m pytest -q -rs -p no:cacheprovider ${mark} ${files}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(${name} PROPERTIES
    LABELS "sip-e2e"
    TIMEOUT ${timeout}
    COST ${cost}   # the long ones first: nothing long is left for the end, on one core
    ENVIRONMENT "CALLPLAN_BIN=$<TARGET_FILE:callplan_cli>"
    SKIP_REGULAR_EXPRESSION "SKIPPED .*is not installed")
endfunction()

callplan_sip_e2e(sip_e2e_timing 300 1000 MARK ringing_times test_sip_e2e.py)
set_tests_properties(sip_e2e_timing PROPERTIES RUN_SERIAL TRUE)
callplan_sip_e2e(sip_e2e 600 400 MARK "not ringing_times" test_sip_e2e.py)
callplan_sip_e2e(sip_e2e_phones 600 300
  test_sip_phones.py test_linphone.py test_phones_presence.py test_phones_acme.py)
callplan_sip_e2e(sip_e2e_media 600 300
  test_own_media.py test_own_media_calls.py test_transfer.py)
callplan_sip_e2e(sip_e2e_more 600 300
  test_sip_companies.py test_sip_events.py test_sip_keepalive.py test_sip_messages.py
  test_sip_nat.py test_sip_restart.py)
callplan_sip_e2e(sip_e2e_mailbox 300 200 test_mailbox.py test_own_media_more.py)

# A test file in no entry would never run: say so when configuring.
file(GLOB _sip_e2e_present RELATIVE ${CMAKE_CURRENT_LIST_DIR} ${CMAKE_CURRENT_LIST_DIR}/test_*.py)
list(REMOVE_ITEM _sip_e2e_present ${_sip_e2e_files})
if(_sip_e2e_present)
  message(FATAL_ERROR "tests/sip/e2e: ${_sip_e2e_present} in no ctest entry of tests.cmake")
endif()
