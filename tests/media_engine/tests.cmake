# tests/media_engine: the media process `callplan media` (docs/media.md "The media process and
# its control protocol"). Unit tests of the control protocol and the per-leg audio pieces ->
# callplan_media_engine_tests (label media); end to end over the control socket with Python far
# ends on 127.0.0.1 ports 25100-25999 -> media_engine_e2e (label media-e2e, about 25 s).
if(TARGET callplan_media_engine)
  set(_media_engine_tests
  ${CMAKE_CURRENT_LIST_DIR}/control_protocol_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/engine_dispatch_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/leg_audio_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/mailbox_ops_test.cpp)
  add_executable(callplan_media_engine_tests ${_media_engine_tests})
  target_link_libraries(callplan_media_engine_tests PRIVATE callplan_media_engine GTest::gtest_main)
  callplan_warnings(callplan_media_engine_tests)
  gtest_discover_tests(callplan_media_engine_tests DISCOVERY_TIMEOUT 60
                       WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} PROPERTIES LABELS media)

  if(TARGET callplan_cli)
    add_test(NAME media_engine_e2e
             COMMAND /usr/bin/python3 -m pytest -q -rs -p no:cacheprovider tests/media_engine
             WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    set_tests_properties(media_engine_e2e PROPERTIES
      LABELS "media-e2e"
      TIMEOUT 180
      ENVIRONMENT "CALLPLAN=$<TARGET_FILE:callplan_cli>")
  endif()
endif()
