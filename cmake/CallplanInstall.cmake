# Installs the library, its public headers, a CMake config package with a version file, and a
# pkg-config file. Internals (src/) are never installed.
include(CMakePackageConfigHelpers)

install(TARGETS callplan EXPORT callplanTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/callplan DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/include/callplan/version.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/callplan)

set(_cfgdir ${CMAKE_INSTALL_LIBDIR}/cmake/callplan)
install(EXPORT callplanTargets NAMESPACE callplan:: DESTINATION ${_cfgdir})
configure_package_config_file(cmake/callplanConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/callplanConfig.cmake INSTALL_DESTINATION ${_cfgdir})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/callplanConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/callplanConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/callplanConfigVersion.cmake
        DESTINATION ${_cfgdir})

configure_file(cmake/callplan.pc.in ${CMAKE_CURRENT_BINARY_DIR}/callplan.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/callplan.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
