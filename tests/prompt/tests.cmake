# tests/prompt: callplan_prompt (audio files, resampling, espeak-ng, the speech cache, durable
# files, the hosts' prompt meter) -> callplan_prompt_tests. Included by tests/CMakeLists.txt. Tests that need espeak-ng
# skip themselves when it is not installed. Fixtures are written with libsndfile at run time.
set(_prompt_tests
  ${CMAKE_CURRENT_LIST_DIR}/audio_file_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/durable_file_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/prompt_cache_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/prompt_meter_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/run_program_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/text_to_speech_test.cpp)
if(_prompt_tests AND TARGET callplan_prompt)
  add_executable(callplan_prompt_tests ${_prompt_tests})
  target_link_libraries(callplan_prompt_tests PRIVATE callplan_prompt PkgConfig::SNDFILE GTest::gtest_main)
  callplan_warnings(callplan_prompt_tests)
  gtest_discover_tests(callplan_prompt_tests DISCOVERY_TIMEOUT 60
                       WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} PROPERTIES LABELS "media-store")
endif()
