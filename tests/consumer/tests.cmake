# Packaging tests: three ten-line consumers of callplan (SPEC section 8), registered with ctest.
#   consumer.install           cmake --install of this build tree into a temp prefix
#   consumer.find_package      find_package(callplan CONFIG) against that prefix
#   consumer.pkg_config        plain compiler + `pkg-config --cflags --libs callplan`
#   consumer.add_subdirectory  add_subdirectory of the source tree (builds only the library,
#                              shared, with its install rules)
#   consumer.shared            that shared libcallplan installed: its exported symbols, then
#                              the find_package and pkg-config consumers on it (the library is
#                              compiled once for both: about 90 s of CI each time)
# They build whole projects, so they run alone (RUN_SERIAL) and with generous time-outs.
# And build.source_lists: every source is in its CMake list, every public header exported and
# in the umbrella header (check_source_lists.cmake; instant).
add_test(NAME build.source_lists
         COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
                 -P ${CMAKE_CURRENT_LIST_DIR}/check_source_lists.cmake)
set_tests_properties(build.source_lists PROPERTIES LABELS build TIMEOUT 60)
# And build.stage_order: no include from a stage of src/ to a later one, public headers
# include only public headers (check_stage_order.cmake, DESIGN.md section 1; instant).
add_test(NAME build.stage_order
         COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
                 -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}
                 -P ${CMAKE_CURRENT_LIST_DIR}/check_stage_order.cmake)
set_tests_properties(build.stage_order PROPERTIES LABELS build TIMEOUT 60)

if(NOT CALLPLAN_INSTALL)
  return()
endif()

include(GNUInstallDirs)
include(ProcessorCount)
ProcessorCount(_consumer_jobs)
if(_consumer_jobs EQUAL 0)
  set(_consumer_jobs 2)
endif()

set(_consumer_build_type "${CMAKE_BUILD_TYPE}")
if(NOT _consumer_build_type)
  set(_consumer_build_type Debug)
endif()
set(_consumer_common
  -DBUILD_DIR=${CMAKE_BINARY_DIR} -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
  -DPREFIX=${CMAKE_BINARY_DIR}/consumer-install -DLIBDIR=${CMAKE_INSTALL_LIBDIR}
  -DCXX=${CMAKE_CXX_COMPILER} -DGENERATOR=${CMAKE_GENERATOR} -DBUILD_TYPE=${_consumer_build_type}
  "-DCXX_FLAGS=${CMAKE_CXX_FLAGS}" "-DLINKER_FLAGS=${CMAKE_EXE_LINKER_FLAGS}"
  "-DEXPECT=callplan ${PROJECT_VERSION}: 3 users" -DJOBS=${_consumer_jobs})
set(_consumer_script ${CMAKE_CURRENT_LIST_DIR}/run_consumer.cmake)

add_test(NAME consumer.install
         COMMAND ${CMAKE_COMMAND} ${_consumer_common} -DMODE=install -P ${_consumer_script})
set_tests_properties(consumer.install PROPERTIES
  FIXTURES_SETUP callplan_installed RUN_SERIAL TRUE TIMEOUT 120 LABELS consumer)

# consumer.add_subdirectory and consumer.shared build their own copy of the library without
# this tree's flags (no sanitizers, no build type), so they do the same in every tree; the CI
# runs them in the sanitized tree, the only one it builds.
foreach(mode find_package pkg_config add_subdirectory shared)
  add_test(NAME consumer.${mode}
           COMMAND ${CMAKE_COMMAND} ${_consumer_common} -DMODE=${mode}
                   -DWORK_DIR=${CMAKE_BINARY_DIR}/consumer-${mode}
                   -DLIBRARY_BUILD_DIR=${CMAKE_BINARY_DIR}/consumer-add_subdirectory
                   -P ${_consumer_script})
  set_tests_properties(consumer.${mode} PROPERTIES RUN_SERIAL TRUE LABELS consumer)
endforeach()
set_tests_properties(consumer.find_package consumer.pkg_config PROPERTIES
  FIXTURES_REQUIRED callplan_installed TIMEOUT 300)
if(TEST consumer.add_subdirectory)
  set_tests_properties(consumer.add_subdirectory PROPERTIES
    FIXTURES_SETUP callplan_shared_built TIMEOUT 900)
  set_tests_properties(consumer.shared PROPERTIES
    FIXTURES_REQUIRED callplan_shared_built TIMEOUT 300)
endif()

# The shipped example must check clean: no errors and, with --strict, no warnings either.
if(TARGET callplan_cli)
  add_test(NAME example.acme_checks_clean
           COMMAND callplan_cli check --strict examples/acme/acme.yaml
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  # --strict exits 1 on warnings; the regex also catches a note-only or reworded report.
  set_tests_properties(example.acme_checks_clean PROPERTIES TIMEOUT 60
                       FAIL_REGULAR_EXPRESSION "(error|warning|note):")
endif()
