# Builds and runs one packaging consumer; run by ctest through `cmake -P` (see tests.cmake).
#
#   -DMODE=install|find_package|add_subdirectory|pkg_config|shared
#   -DBUILD_DIR=<callplan build tree>  -DSOURCE_DIR=<callplan source tree>
#   -DPREFIX=<temp install prefix>     -DWORK_DIR=<consumer build dir>  -DLIBDIR=<lib dir name>
#   -DCXX=<compiler> -DGENERATOR=<generator> -DBUILD_TYPE=<type>
#   -DCXX_FLAGS=<flags> -DLINKER_FLAGS=<flags>   (the build's own, e.g. sanitizers)
#   -DEXPECT=<exact first output line>           -DJOBS=<parallel build jobs>
#   -DLIBRARY_BUILD_DIR=<consumer.add_subdirectory's build dir>   (MODE=shared)
#
# Every step fails the test with the command's output when it goes wrong.
cmake_minimum_required(VERSION 3.25)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "failed (${rc}): ${cmd}\n${out}\n${err}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

# Runs the consumer program and checks that it printed exactly EXPECT.
function(check_consumer exe)
  run(${exe})
  string(STRIP "${run_output}" got)
  if(NOT got STREQUAL EXPECT)
    message(FATAL_ERROR "consumer printed:\n${got}\nexpected:\n${EXPECT}")
  endif()
  message(STATUS "consumer printed: ${got}")
endfunction()

set(consumer_dir "${CMAKE_CURRENT_LIST_DIR}")
set(common_args -G "${GENERATOR}" "-DCMAKE_CXX_COMPILER=${CXX}" "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}"
                "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}")

if(MODE STREQUAL "install")
  # A fresh prefix every time, so a file the install no longer writes cannot hide a bug.
  file(REMOVE_RECURSE "${PREFIX}")
  foreach(component callplan_runtime callplan_dev)
    run("${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}" --component ${component})
  endforeach()
  foreach(f include/callplan/callplan.hpp include/callplan/version.hpp
            ${LIBDIR}/cmake/callplan/callplanConfig.cmake
            ${LIBDIR}/cmake/callplan/callplanConfigVersion.cmake
            ${LIBDIR}/pkgconfig/callplan.pc)
    if(NOT EXISTS "${PREFIX}/${f}")
      message(FATAL_ERROR "install did not write ${f}")
    endif()
  endforeach()
  # Internals must stay internal.
  file(GLOB_RECURSE leaked "${PREFIX}/include/*make_issue.hpp" "${PREFIX}/include/*codes.def")
  if(leaked)
    message(FATAL_ERROR "internal headers were installed: ${leaked}")
  endif()

elseif(MODE STREQUAL "find_package")
  file(REMOVE_RECURSE "${WORK_DIR}")
  run("${CMAKE_COMMAND}" -S "${consumer_dir}/find_package" -B "${WORK_DIR}" ${common_args}
      "-DCMAKE_PREFIX_PATH=${PREFIX}")
  # The package must come from the temp prefix, not from some other install on the machine.
  file(STRINGS "${WORK_DIR}/CMakeCache.txt" found REGEX "^callplan_DIR:")
  if(NOT found MATCHES "=${PREFIX}/")
    message(FATAL_ERROR "callplan was found elsewhere: ${found}")
  endif()
  run("${CMAKE_COMMAND}" --build "${WORK_DIR}" -j ${JOBS})
  check_consumer("${WORK_DIR}/consumer")

elseif(MODE STREQUAL "add_subdirectory")
  # This one compiles the library itself, the slow part. So the build dir is kept between
  # runs, and it builds without a build type (no -g, no -O) and without the parent build's
  # flags: it tests the CMake wiring, which is the same for every configuration (sanitizers
  # need not apply to a separate copy of the library). It builds the library shared, with its
  # install rules, so that consumer.shared installs this very build instead of compiling the
  # library a second time (a static callplan linked as a CMake target is what every test
  # binary of the parent tree already does).
  run("${CMAKE_COMMAND}" -S "${consumer_dir}/add_subdirectory" -B "${WORK_DIR}"
      -G "${GENERATOR}" "-DCMAKE_CXX_COMPILER=${CXX}" "-DCALLPLAN_SOURCE_DIR=${SOURCE_DIR}"
      -DBUILD_SHARED_LIBS=ON -DCALLPLAN_INSTALL=ON)
  # As a subproject every option but the ones given stays off: no tool, test, SIP server.
  file(STRINGS "${WORK_DIR}/CMakeCache.txt" options
       REGEX "^CALLPLAN_(TOOLS|TESTS|BENCH|PYTHON|SIP):BOOL=ON")
  if(options)
    message(FATAL_ERROR "as a subproject these options must default to OFF: ${options}")
  endif()
  run("${CMAKE_COMMAND}" --build "${WORK_DIR}" --target consumer callplan -j ${JOBS})
  check_consumer("${WORK_DIR}/consumer")

elseif(MODE STREQUAL "pkg_config")
  file(REMOVE_RECURSE "${WORK_DIR}")
  file(MAKE_DIRECTORY "${WORK_DIR}")
  set(ENV{PKG_CONFIG_PATH} "${PREFIX}/${LIBDIR}/pkgconfig")
  run(pkg-config --modversion callplan)
  string(STRIP "${run_output}" version)
  if(NOT EXPECT MATCHES "^callplan ${version}:")
    message(FATAL_ERROR "pkg-config reports version ${version}; expected output: ${EXPECT}")
  endif()
  run(pkg-config --cflags --libs callplan)
  string(STRIP "${run_output}" flags)
  separate_arguments(flags UNIX_COMMAND "${flags}")
  # The .pc file is relocatable (prefix=${pcfiledir}/../..): its -I must lead into PREFIX.
  list(FILTER flags INCLUDE REGEX "^-I")
  list(GET flags 0 include_dir)
  string(SUBSTRING "${include_dir}" 2 -1 include_dir)
  file(REAL_PATH "${include_dir}" include_dir)
  file(REAL_PATH "${PREFIX}/include" want_dir)
  if(NOT include_dir STREQUAL want_dir)
    message(FATAL_ERROR "pkg-config points at ${include_dir}, not at ${want_dir}")
  endif()
  run(pkg-config --cflags --libs callplan)
  string(STRIP "${run_output}" flags)
  separate_arguments(flags UNIX_COMMAND "${flags}")
  separate_arguments(extra UNIX_COMMAND "${CXX_FLAGS} ${LINKER_FLAGS}")
  # A plain compiler command line, as a Makefile user would write it: sources, then libraries.
  run("${CXX}" ${extra} "${consumer_dir}/consumer.cpp" -o "${WORK_DIR}/consumer" ${flags})
  check_consumer("${WORK_DIR}/consumer")

elseif(MODE STREQUAL "shared")
  # The shared libcallplan that consumer.add_subdirectory built (LIBRARY_BUILD_DIR, just the
  # library, no build type: what a distribution package builds), installed, then used by the
  # find_package and the pkg-config consumers. It must export the public API and nothing else
  # (hidden visibility, callplan/export.hpp). The prefix is fresh every time.
  set(lib_build "${LIBRARY_BUILD_DIR}")
  set(lib_prefix "${WORK_DIR}/prefix")
  file(REMOVE_RECURSE "${lib_prefix}" "${WORK_DIR}/find_package" "${WORK_DIR}/pkg_config")
  foreach(component callplan_runtime callplan_dev)
    run("${CMAKE_COMMAND}" --install "${lib_build}" --prefix "${lib_prefix}"
        --component ${component})
  endforeach()

  file(GLOB libraries "${lib_prefix}/${LIBDIR}/libcallplan.so.*.*.*")
  list(LENGTH libraries count)
  if(NOT count EQUAL 1)
    message(FATAL_ERROR "expected one libcallplan.so.X.Y.Z in ${lib_prefix}/${LIBDIR}: ${libraries}")
  endif()
  run(nm -D --defined-only -C "${libraries}")
  set(exported "${run_output}")
  # Public: declared in include/callplan. Internal: declared only in src/ (load/reader.hpp,
  # compile/program.hpp), so hidden.
  foreach(symbol "callplan::load_string(" "callplan::Engine::compile(" "callplan::check("
                 "typeinfo for callplan::Error")
    string(FIND "${exported}" "${symbol}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "libcallplan.so does not export ${symbol}")
    endif()
  endforeach()
  foreach(symbol "callplan::load::" "callplan::detail::compile_program(")
    string(FIND "${exported}" "${symbol}" at)
    if(NOT at EQUAL -1)
      message(FATAL_ERROR "libcallplan.so exports an internal symbol (${symbol}...): the "
                          "library must be built with hidden visibility")
    endif()
  endforeach()

  set(ENV{LD_LIBRARY_PATH} "${lib_prefix}/${LIBDIR}")
  set(consumer_args -G "${GENERATOR}" "-DCMAKE_CXX_COMPILER=${CXX}")
  run("${CMAKE_COMMAND}" -S "${consumer_dir}/find_package" -B "${WORK_DIR}/find_package"
      ${consumer_args} "-DCMAKE_PREFIX_PATH=${lib_prefix}")
  run("${CMAKE_COMMAND}" --build "${WORK_DIR}/find_package" -j ${JOBS})
  check_consumer("${WORK_DIR}/find_package/consumer")

  file(MAKE_DIRECTORY "${WORK_DIR}/pkg_config")
  set(ENV{PKG_CONFIG_PATH} "${lib_prefix}/${LIBDIR}/pkgconfig")
  run(pkg-config --cflags --libs callplan)
  string(STRIP "${run_output}" flags)
  separate_arguments(flags UNIX_COMMAND "${flags}")
  run("${CXX}" "${consumer_dir}/consumer.cpp" -o "${WORK_DIR}/pkg_config/consumer" ${flags})
  check_consumer("${WORK_DIR}/pkg_config/consumer")

else()
  message(FATAL_ERROR "unknown MODE '${MODE}'")
endif()
