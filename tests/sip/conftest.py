"""pytest settings shared by the SIP end-to-end suites (tests/sip/e2e, tests/sip/metrics)."""


def pytest_configure(config) -> None:  # type: ignore[no-untyped-def]
    # Tests that time real ringing to a second or less: the ctest entry `sip_e2e_timing` runs
    # them alone (RUN_SERIAL), everything else beside the unit tests (tests/sip/e2e/tests.cmake).
    config.addinivalue_line(
        "markers", "ringing_times: asserts how long phones ring, so needs an idle machine")
