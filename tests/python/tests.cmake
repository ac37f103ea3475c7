# Python bindings: pytest over tests/python (API, CLI agreement, hypothesis round trips, the
# mypy --strict usage file, the examples), importing the module and package from the build
# tree (bindings/python/CMakeLists.txt puts both in <build>/bindings/python).
#
# Under AddressSanitizer the extension is instrumented but /usr/bin/python3 is not, so the
# ASan runtime is preloaded (CALLPLAN_TEST_ASAN_PRELOAD, tests/CMakeLists.txt), with no leak
# check (CPython keeps its interned objects until exit, which LeakSanitizer reports as leaks).
# mypy --strict (test_typing.py) runs in every tree: the CI builds only the sanitized one.
if(CALLPLAN_PYTHON)
  set(_py_env
      "PYTHONPATH=${PROJECT_BINARY_DIR}/bindings/python"
      "CALLPLAN_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
      "PYTHONDONTWRITEBYTECODE=1")
  if(TARGET callplan_cli)
    list(APPEND _py_env "CALLPLAN_BIN=$<TARGET_FILE:callplan_cli>")
  endif()
  if(CALLPLAN_TEST_ASAN_PRELOAD)
    list(APPEND _py_env "LD_PRELOAD=${CALLPLAN_TEST_ASAN_PRELOAD}"
         "ASAN_OPTIONS=detect_leaks=0:abort_on_error=1"
         "CALLPLAN_SANITIZED=1")
  endif()
  foreach(_suite api cli_agreement cli_agreement_generated doc_snippets many session
                 roundtrip schedule typing examples)
    add_test(NAME python.${_suite}
             COMMAND /usr/bin/python3 -m pytest -q -p no:cacheprovider
                     ${CMAKE_CURRENT_LIST_DIR}/test_${_suite}.py
             WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    set_tests_properties(python.${_suite} PROPERTIES ENVIRONMENT "${_py_env}"
                         LABELS "python" TIMEOUT 600)
  endforeach()
endif()
