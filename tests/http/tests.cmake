# The shared HTTP server (src/http): tests/http/*_test.cpp -> callplan_http_tests, label
# "http", loopback only (port 0: the kernel picks free ports). The TLS tests use the self-signed
# certificate in tests/http/fixtures (CN localhost, 127.0.0.1 and ::1, valid for 100 years).
set(_http_tests
  listen_url_test.cpp
  server_test.cpp
)
list(TRANSFORM _http_tests PREPEND ${CMAKE_CURRENT_LIST_DIR}/)
add_executable(callplan_http_tests ${_http_tests})
target_link_libraries(callplan_http_tests PRIVATE callplan_http GTest::gtest_main)
target_compile_definitions(callplan_http_tests PRIVATE
  CALLPLAN_HTTP_FIXTURES="${CMAKE_CURRENT_LIST_DIR}/fixtures")
callplan_warnings(callplan_http_tests)
gtest_discover_tests(callplan_http_tests DISCOVERY_TIMEOUT 60
                     WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} PROPERTIES LABELS http)
