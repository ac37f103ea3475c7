# package.deb: the Debian package of callplan as a service (cmake/CallplanPackage.cmake,
# docs/operations.md), built from this tree by `cpack -G DEB` and checked as a clean machine
# would see it (check_deb.sh). The package is the same in every tree, and a sanitizer build's
# binary and module need the ASan runtime preloaded, so it runs in the plain trees only.
# About 10 s: cpack strips and compresses the binary and the module.
if(TARGET callplan_cli AND CALLPLAN_PYTHON AND CALLPLAN_INSTALL
   AND NOT CMAKE_CXX_FLAGS MATCHES "-fsanitize")
  add_test(NAME package.deb
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/check_deb.sh ${CMAKE_BINARY_DIR}
                   ${CMAKE_BINARY_DIR}/package-test ${PROJECT_VERSION})
  set_tests_properties(package.deb PROPERTIES LABELS package TIMEOUT 300)
endif()
