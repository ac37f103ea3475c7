# Python bindings: pytest over tests/python (API, CLI agreement, hypothesis round trips, the
# mypy --strict usage file, the examples), importing the module and package from the build
# tree (bindings/python/CMakeLists.txt puts both in <build>/bindings/python).
#
# Under AddressSanitizer the extension is instrumented but /usr/bin/python3 is not, so the
# ASan runtime has to be loaded first: LD_PRELOAD of g++'s libasan (and libstdc++), no leak check
# (CPython keeps its interned objects until exit, which LeakSanitizer reports as leaks).
if(CALLPLAN_PYTHON)
  set(_py_env
      "PYTHONPATH=${PROJECT_BINARY_DIR}/bindings/python"
      "CALLPLAN_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
      "PYTHONDONTWRITEBYTECODE=1")
  if(TARGET callplan_cli)
    list(APPEND _py_env "CALLPLAN_BIN=$<TARGET_FILE:callplan_cli>")
  endif()
  if(CMAKE_CXX_FLAGS MATCHES "-fsanitize=[^ ]*address")
    execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=libasan.so
                    OUTPUT_VARIABLE _libasan OUTPUT_STRIP_TRAILING_WHITESPACE)
    # libstdc++ too: ASan intercepts __cxa_throw and looks the real one up when it starts;
    # python3 does not link libstdc++, so without it the first C++ exception aborts.
    execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=libstdc++.so
                    OUTPUT_VARIABLE _libstdcxx OUTPUT_STRIP_TRAILING_WHITESPACE)
    list(APPEND _py_env "LD_PRELOAD=${_libasan} ${_libstdcxx}"
         "ASAN_OPTIONS=detect_leaks=0:abort_on_error=1"
         "CALLPLAN_SANITIZED=1")
  endif()
  # mypy --strict (in test_typing.py) reads the stubs and sources, which are the same files in
  # every tree: in a sanitizer tree it would only repeat the dev tree's check (about a minute
  # of CI under ASan), so there python.typing runs its runtime checks only.
  set(_py_select_typing "")
  if(CMAKE_CXX_FLAGS MATCHES "-fsanitize")
    set(_py_select_typing -k "not mypy")
  endif()
  foreach(_suite api cli_agreement cli_agreement_generated doc_snippets many session
                 roundtrip schedule typing examples)
    add_test(NAME python.${_suite}
             COMMAND /usr/bin/python3 -m pytest -q -p no:cacheprovider
                     ${CMAKE_CURRENT_LIST_DIR}/test_${_suite}.py ${_py_select_${_suite}}
             WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    set_tests_properties(python.${_suite} PROPERTIES ENVIRONMENT "${_py_env}"
                         LABELS "python" TIMEOUT 600)
  endforeach()
endif()
