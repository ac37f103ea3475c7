# tests/mail: the voicemail mail, outbox and sender -> callplan_mail_tests (label media-store),
# and end to end against a real SMTP server (aiosmtpd on 127.0.0.1:24025-24049) through the
# mail_driver program: test_mail_e2e.py (label mail-e2e). Included by tests/CMakeLists.txt.
set(_mail_tests
  ${CMAKE_CURRENT_LIST_DIR}/mime_test.cpp ${CMAKE_CURRENT_LIST_DIR}/outbox_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/smtp_settings_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/voicemail_mail_test.cpp)
if(_mail_tests AND TARGET callplan_mail)
  find_package(OpenSSL REQUIRED)  # the test decodes base64 with it
  add_executable(callplan_mail_tests ${_mail_tests})
  target_link_libraries(callplan_mail_tests PRIVATE callplan_mail OpenSSL::Crypto date::date-tz GTest::gtest_main)
  callplan_warnings(callplan_mail_tests)
  gtest_discover_tests(callplan_mail_tests DISCOVERY_TIMEOUT 60
                       WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} PROPERTIES LABELS "media-store")

  add_executable(callplan_mail_driver ${CMAKE_CURRENT_LIST_DIR}/mail_driver.cpp)
  target_link_libraries(callplan_mail_driver PRIVATE callplan_mail)
  callplan_warnings(callplan_mail_driver)

  # Without aiosmtpd (Debian python3-aiosmtpd) the module skips itself.
  add_test(NAME mail_e2e
           COMMAND /usr/bin/python3 -m pytest -q -rs -p no:cacheprovider tests/mail
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(mail_e2e PROPERTIES
    LABELS "mail-e2e"
    TIMEOUT 300
    ENVIRONMENT "CALLPLAN_MAIL_DRIVER=$<TARGET_FILE:callplan_mail_driver>"
    SKIP_REGULAR_EXPRESSION "SKIPPED .*aiosmtpd")
endif()
