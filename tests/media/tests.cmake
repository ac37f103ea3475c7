# The media library (src/media): tests/media/*.cpp -> callplan_media_tests. Included by
# tests/CMakeLists.txt. One file per line, sorted, so that parallel additions merge cleanly.
if(TARGET callplan_media)
  set(_media_tests
    dtmf_inband_test.cpp
    dtmf_rfc4733_test.cpp
    g711_test.cpp
    jitter_buffer_test.cpp
    media_clock_test.cpp
    packet_io_test.cpp
    pcap_reader.cpp
    recorder_test.cpp
    rtp_packet_test.cpp
    rtp_stream_test.cpp
    sdp_answer_table_test.cpp
    sdp_test.cpp
    sequence_loss_test.cpp
    tone_test.cpp
  )
  list(TRANSFORM _media_tests PREPEND ${CMAKE_CURRENT_LIST_DIR}/)
  add_executable(callplan_media_tests ${_media_tests})
  target_link_libraries(callplan_media_tests PRIVATE callplan_media GTest::gtest_main)
  target_include_directories(callplan_media_tests PRIVATE ${CMAKE_CURRENT_LIST_DIR})
  # The RFC 4733 pcaps that sipp ships (Debian sip-tester) and the espeak-ng / sox programs
  # for the in-band detector's speech test.
  target_compile_definitions(callplan_media_tests PRIVATE
    CALLPLAN_SIPP_PCAP_DIR="/usr/share/sip-tester")
  callplan_warnings(callplan_media_tests)
  gtest_discover_tests(callplan_media_tests DISCOVERY_TIMEOUT 60
                       WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} PROPERTIES LABELS media)
endif()
