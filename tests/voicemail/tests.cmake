# tests/voicemail: the voicemail store -> callplan_voicemail_tests (label media-store).
# Included by tests/CMakeLists.txt. The crash tests fork a writer and SIGKILL it.
set(_voicemail_tests
  ${CMAKE_CURRENT_LIST_DIR}/default_greeting_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/message_counter_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/message_record_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/voicemail_store_test.cpp)
if(_voicemail_tests AND TARGET callplan_voicemail)
  add_executable(callplan_voicemail_tests ${_voicemail_tests})
  target_link_libraries(callplan_voicemail_tests PRIVATE callplan_voicemail date::date-tz PkgConfig::SNDFILE
                        GTest::gtest_main)
  callplan_warnings(callplan_voicemail_tests)
  gtest_discover_tests(callplan_voicemail_tests DISCOVERY_TIMEOUT 60
                       WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} PROPERTIES LABELS "media-store")
endif()
