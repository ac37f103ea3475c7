# Installs the library, its public headers, a CMake config package with a version file, and a
# pkg-config file. Internals (src/) are never installed.
#
# Components, so that a consumer (or tests/consumer) can install just the library:
#   callplan_runtime  the shared library (only when BUILD_SHARED_LIBS)
#   callplan_dev      the static library or the .so link, headers, CMake package, callplan.pc
# The CLI (tools/callplan) installs in the default component.
include(CMakePackageConfigHelpers)

install(TARGETS callplan EXPORT callplanTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT callplan_dev
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT callplan_runtime
                NAMELINK_COMPONENT callplan_dev
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT callplan_runtime)
install(DIRECTORY include/callplan DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        COMPONENT callplan_dev)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/include/callplan/version.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/callplan COMPONENT callplan_dev)

# CMake package: find_package(callplan CONFIG) -> callplan::callplan. The config file finds the
# private dependencies too, because a static callplan needs them when the consumer links.
set(_cfgdir ${CMAKE_INSTALL_LIBDIR}/cmake/callplan)
install(EXPORT callplanTargets NAMESPACE callplan:: DESTINATION ${_cfgdir}
        COMPONENT callplan_dev)
configure_package_config_file(cmake/callplanConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/callplanConfig.cmake INSTALL_DESTINATION ${_cfgdir})
# 0.x: a minor version may break the API, so only the same minor version is compatible.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/callplanConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/callplanConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/callplanConfigVersion.cmake
        DESTINATION ${_cfgdir} COMPONENT callplan_dev)

# pkg-config. The prefix is computed from the .pc file's own place (${pcfiledir}), so the
# package stays correct for `cmake --install build --prefix /somewhere/else` and when moved.
set(_pcdir ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(IS_ABSOLUTE "${_pcdir}")
  set(CALLPLAN_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH _up "/prefix/${_pcdir}" "/prefix")
  string(REGEX REPLACE "/$" "" _up "${_up}")
  set(CALLPLAN_PC_PREFIX "\${pcfiledir}/${_up}")
endif()
# A static library carries no record of what it needs, so its private dependencies go in
# Libs/Requires (plain `pkg-config --libs callplan` links); for a shared library they are
# private and only `--static` lists them (no public header includes a dependency, so a
# consumer of the shared library needs none of them). yaml-cpp and fmt have .pc files; date-tz
# has none (Debian ships it without one), so it is a plain -l flag, with -pthread that it needs.
if(BUILD_SHARED_LIBS)
  set(CALLPLAN_PC_REQUIRES "")
  set(CALLPLAN_PC_REQUIRES_PRIVATE "fmt yaml-cpp")
  set(CALLPLAN_PC_LIBS "-L\${libdir} -lcallplan")
  set(CALLPLAN_PC_LIBS_PRIVATE "-ldate-tz -pthread")
else()
  set(CALLPLAN_PC_REQUIRES "fmt yaml-cpp")
  set(CALLPLAN_PC_REQUIRES_PRIVATE "")
  set(CALLPLAN_PC_LIBS "-L\${libdir} -lcallplan -ldate-tz -pthread")
  set(CALLPLAN_PC_LIBS_PRIVATE "")
endif()
configure_file(cmake/callplan.pc.in ${CMAKE_CURRENT_BINARY_DIR}/callplan.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/callplan.pc DESTINATION ${_pcdir}
        COMPONENT callplan_dev)

# The Debian package of the tool as a service (cpack -G DEB).
if(CALLPLAN_TOOLS)
  include(CallplanPackage)
endif()
