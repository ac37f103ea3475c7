# Checks the hand-written lists that globbing used to make unnecessary, so that a file added to
# the tree but not to its list fails a test instead of silently not being built:
#   - every source file is named in the CMake list that builds it;
#   - every public header is included by the umbrella header callplan/callplan.hpp, and puts
#     its declarations in the exported region (CALLPLAN_PUBLIC_API_BEGIN/_END, export.hpp).
# Run by ctest (build.source_lists): cmake -DSOURCE_DIR=<callplan source tree> -P <this file>
cmake_minimum_required(VERSION 3.25)

set(problems "")

# expect_listed(<list file> <how the name is written: NAME|STEM|FUZZ|PATH> <glob>...)
# NAME: the file name (route_bench.cpp); STEM: without extension (route_bench); FUZZ: the
# stem without fuzz_ (fuzz_load.cpp -> load); PATH: relative to the list file's folder.
function(expect_listed list_file form)
  file(READ "${SOURCE_DIR}/${list_file}" text)
  string(APPEND text "\n${ALSO_LISTED_IN}")  # a second list that may name the file
  get_filename_component(list_dir "${SOURCE_DIR}/${list_file}" DIRECTORY)
  file(GLOB_RECURSE files LIST_DIRECTORIES false ${ARGN})
  foreach(f ${files})
    get_filename_component(name "${f}" NAME)
    get_filename_component(stem "${f}" NAME_WE)
    if(form STREQUAL "NAME")
      set(word "${name}")
    elseif(form STREQUAL "STEM")
      set(word "${stem}")
    elseif(form STREQUAL "FUZZ")
      string(REGEX REPLACE "^fuzz_" "" word "${stem}")
    else()
      file(RELATIVE_PATH word "${list_dir}" "${f}")
    endif()
    string(REGEX REPLACE "([][+.*()^$?|\\\\])" "\\\\\\1" pattern "${word}")
    if(NOT text MATCHES "(^|[ \t\n/(])${pattern}([ \t\n)]|$)")
      file(RELATIVE_PATH shown "${SOURCE_DIR}" "${f}")
      string(APPEND problems "${shown} is not in ${list_file}\n")
    endif()
  endforeach()
  set(problems "${problems}" PARENT_SCOPE)
endfunction()

set(S "${SOURCE_DIR}")
# A source is listed by the CMake file of its folder or, when the folder has none, of the
# nearest folder above that has one (the top-level CMakeLists.txt names src/<stage>/ files by
# path; the libraries with their own CMakeLists.txt, like src/sip or src/media, by name).
file(GLOB_RECURSE sources LIST_DIRECTORIES false "${S}/src/*.cpp")
foreach(f ${sources})
  get_filename_component(dir "${f}" DIRECTORY)
  while(NOT EXISTS "${dir}/CMakeLists.txt")
    get_filename_component(dir "${dir}" DIRECTORY)
  endwhile()
  file(RELATIVE_PATH list_file "${S}" "${dir}/CMakeLists.txt")
  if(list_file STREQUAL "CMakeLists.txt")
    expect_listed(${list_file} PATH "${f}")
  else()
    expect_listed(${list_file} NAME "${f}")
  endif()
endforeach()
expect_listed(tests/CMakeLists.txt NAME "${S}/tests/support/*.cpp")
# Test folders with a tests.cmake list their own test files; the others are stage binaries
# listed in tests/CMakeLists.txt. Every tests.cmake must itself be included from there.
file(READ "${S}/tests/CMakeLists.txt" tests_list)
file(GLOB test_dirs LIST_DIRECTORIES true "${S}/tests/*")
foreach(dir ${test_dirs})
  get_filename_component(dir_name "${dir}" NAME)
  if(NOT IS_DIRECTORY "${dir}" OR dir_name MATCHES "^(sip|support|fuzz)$")
    continue()
  endif()
  if(EXISTS "${dir}/tests.cmake")
    # (a stage binary of tests/CMakeLists.txt may live there too: tests/cli, graph, schedule)
    set(ALSO_LISTED_IN "${tests_list}")
    expect_listed(tests/${dir_name}/tests.cmake NAME "${dir}/*_test.cpp")
    set(ALSO_LISTED_IN "")
    if(NOT tests_list MATCHES "[ (]${dir_name}[ )]")
      string(APPEND problems "tests/${dir_name}/tests.cmake is not included by tests/CMakeLists.txt\n")
    endif()
  else()
    expect_listed(tests/CMakeLists.txt NAME "${dir}/*_test.cpp")
  endif()
endforeach()
expect_listed(tests/sip/tests.cmake NAME "${S}/tests/sip/*_test.cpp")
expect_listed(tests/fuzz/CMakeLists.txt FUZZ "${S}/tests/fuzz/fuzz_*.cpp")
expect_listed(tools/callplan/CMakeLists.txt NAME "${S}/tools/callplan/*.cpp")
expect_listed(bench/CMakeLists.txt STEM "${S}/bench/*.cpp")
expect_listed(bindings/python/CMakeLists.txt NAME "${S}/bindings/python/*.cpp"
              "${S}/bindings/python/callplan/*.py" "${S}/bindings/python/callplan/*.pyi"
              "${S}/bindings/python/callplan/py.typed")

file(READ "${S}/include/callplan/callplan.hpp" umbrella)
file(GLOB headers "${S}/include/callplan/*.hpp")
foreach(h ${headers})
  get_filename_component(name "${h}" NAME)
  if(name STREQUAL "callplan.hpp")
    continue()
  endif()
  if(NOT umbrella MATCHES "#include \"callplan/${name}\"")
    string(APPEND problems "include/callplan/callplan.hpp does not include callplan/${name}\n")
  endif()
  if(NOT name STREQUAL "export.hpp")
    file(READ "${h}" text)
    if(NOT text MATCHES "\nCALLPLAN_PUBLIC_API_BEGIN\n.*\nCALLPLAN_PUBLIC_API_END\n")
      string(APPEND problems "include/callplan/${name} does not put its declarations between "
                             "CALLPLAN_PUBLIC_API_BEGIN and CALLPLAN_PUBLIC_API_END "
                             "(callplan/export.hpp): a shared libcallplan would hide them\n")
    endif()
  endif()
endforeach()
# version.hpp is generated (cmake/version.hpp.in) and declares only constants.

if(problems)
  message(FATAL_ERROR "source lists out of date:\n${problems}")
endif()
message(STATUS "every source is listed and every public header exported")
