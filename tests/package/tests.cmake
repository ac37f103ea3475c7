# package.deb: the Debian package of callplan as a service (cmake/CallplanPackage.cmake,
# docs/operations.md), built from this tree by `cpack -G DEB` and checked as a clean machine
# would see it (check_deb.sh). About 10 s: cpack strips and compresses the binary and the module.
# The packaging (control data, files, owners, conffiles, the unit, the module's place) is the
# same in every tree, so it runs in the sanitized tree too, the only one the CI builds; there
# the package's Depends also names the sanitizer runtimes, and the module is imported with
# the ASan runtime preloaded (CALLPLAN_TEST_ASAN_PRELOAD). A package to ship is built from
# the release preset (docs/operations.md).
if(TARGET callplan_cli AND CALLPLAN_PYTHON AND CALLPLAN_INSTALL)
  add_test(NAME package.deb
           COMMAND ${CMAKE_COMMAND} -E env "CALLPLAN_MODULE_PRELOAD=${CALLPLAN_TEST_ASAN_PRELOAD}"
                   ${CMAKE_CURRENT_LIST_DIR}/check_deb.sh ${CMAKE_BINARY_DIR}
                   ${CMAKE_BINARY_DIR}/package-test ${PROJECT_VERSION})
  set_tests_properties(package.deb PROPERTIES LABELS package TIMEOUT 300)
endif()
