# End-to-end SIP tests (tests/sip/e2e/test_sip_e2e.py): `callplan serve` on loopback with
# sipp peers as phones and trunk, the torture corpus, a SIGHUP reload and sipvicious; and
# test_sip_phones.py: real baresip phones, about 20 s; test_linphone.py: linphonec, about 25 s;
# test_phones_presence.py: presence on the wire, about 10 s; test_phones_acme.py: the example
# company with real phones at two shifted clock times (libfaketime), about 17 s (the phone
# tests fail, not skip, without their programs under CI=true);
# test_sip_companies.py: many companies in one server (SPEC 11), about 25 s (six servers, one restarted after a kill -9). The whole run
# took about 395 s on the shared 2-core machine.
# Included by tests/sip/tests.cmake. One ctest entry (label sip-e2e) runs the whole pytest
# file; each test inside is bounded (< 30 s), the whole run by TIMEOUT.
# Without sipp the module skips itself; -rs prints the reason, which ctest reports as skipped.
if(TARGET callplan_cli)
  add_test(NAME sip_e2e
           COMMAND /usr/bin/python3 -m pytest -q -rs -p no:cacheprovider tests/sip/e2e
                   --ignore=tests/sip/e2e/test_mailbox.py --ignore=tests/sip/e2e/test_own_media_more.py
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(sip_e2e PROPERTIES
    LABELS "sip-e2e"
    TIMEOUT 900  # about 400 s measured; room for a loaded machine
    RUN_SERIAL TRUE   # fixed timing assertions (cascade, memory hunt) need an idle machine
    ENVIRONMENT "CALLPLAN_BIN=$<TARGET_FILE:callplan_cli>"
    SKIP_REGULAR_EXPRESSION "SKIPPED .*sipp \\(Debian sip-tester\\) is not installed")
  # The mailbox by phone, the lamp, and more of the own media side (test_mailbox.py,
  # test_own_media_more.py, about 95 s): ports of their own (35000-35999) and timing
  # tolerances of a second, so they run next to other tests rather than serially.
  add_test(NAME sip_e2e_mailbox
           COMMAND /usr/bin/python3 -m pytest -q -rs -p no:cacheprovider
                   tests/sip/e2e/test_mailbox.py tests/sip/e2e/test_own_media_more.py
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(sip_e2e_mailbox PROPERTIES
    LABELS "sip-e2e"
    TIMEOUT 300
    ENVIRONMENT "CALLPLAN_BIN=$<TARGET_FILE:callplan_cli>"
    SKIP_REGULAR_EXPRESSION "SKIPPED .*is not installed")
endif()
