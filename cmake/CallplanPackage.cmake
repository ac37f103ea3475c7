# The Debian package of callplan as a service (docs/operations.md): `cpack -G DEB` in a build
# tree gives callplan_<version>_<arch>.deb with
#   /usr/bin/callplan                              the CLI and server (component Unspecified)
#   /usr/lib/python3/dist-packages/callplan/       the Python module (callplan_python)
#   /usr/lib/systemd/system/callplan.service       the hardened unit (callplan_service)
#   /etc/default/callplan, /etc/callplan/*.yaml     its options and the example tenant
#   /usr/share/doc/callplan/operations.md
# and the maintainer scripts of contrib/debian (the `callplan` system user). Depends comes from
# dpkg-shlibdeps (the libraries the binaries link) plus what no ELF file says: python3 of the
# version the module was built for, adduser for postinst. Tested by tests/package (package.deb).
#
# The service files go to /etc and to the unit directory, which only a package should write, so
# they are left out of a plain `cmake --install` (EXCLUDE_FROM_ALL): only the package (or
# `--component callplan_service`) installs them. Included by CallplanInstall.cmake when the
# tool is built.
set(_contrib ${PROJECT_SOURCE_DIR}/contrib)

install(FILES ${_contrib}/systemd/callplan.service
        DESTINATION lib/systemd/system
        COMPONENT callplan_service EXCLUDE_FROM_ALL)
install(FILES ${_contrib}/systemd/callplan.default DESTINATION /etc/default RENAME callplan
        COMPONENT callplan_service EXCLUDE_FROM_ALL)
install(FILES ${PROJECT_SOURCE_DIR}/examples/acme/acme.yaml
              ${PROJECT_SOURCE_DIR}/examples/acme/users.yaml
              ${PROJECT_SOURCE_DIR}/examples/acme/devices.yaml
              ${PROJECT_SOURCE_DIR}/examples/acme/plans.yaml
              ${PROJECT_SOURCE_DIR}/examples/acme/schedules.yaml
              ${PROJECT_SOURCE_DIR}/examples/acme/tests.yaml
              # The prompts the plans name, so the example checks clean and speaks.
              ${PROJECT_SOURCE_DIR}/examples/acme/closed.wav
              ${PROJECT_SOURCE_DIR}/examples/acme/service-menu.wav
        DESTINATION /etc/callplan COMPONENT callplan_service EXCLUDE_FROM_ALL)
install(FILES ${PROJECT_SOURCE_DIR}/docs/operations.md
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/callplan
        COMPONENT callplan_service EXCLUDE_FROM_ALL)

# The Python module where Debian's python3 finds it (not site-packages: that is pip's).
if(TARGET _core)
  set(CALLPLAN_PYTHON_INSTALL_DIR lib/python3/dist-packages CACHE STRING
      "Where the package installs the Python module, relative to the prefix")
  install(TARGETS _core LIBRARY DESTINATION ${CALLPLAN_PYTHON_INSTALL_DIR}/callplan
          COMPONENT callplan_python EXCLUDE_FROM_ALL)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/bindings/python/callplan/
          DESTINATION ${CALLPLAN_PYTHON_INSTALL_DIR}/callplan
          COMPONENT callplan_python EXCLUDE_FROM_ALL
          FILES_MATCHING PATTERN "*.py" PATTERN "*.pyi" PATTERN "py.typed"
          PATTERN "__pycache__" EXCLUDE)
  # The interpreter bindings/python built the module for (a variable of that directory).
  set(_python "${Python_EXECUTABLE}")
  if(NOT _python)
    set(_python /usr/bin/python3)
  endif()
  execute_process(COMMAND ${_python} -c
                          "import sys; print('%d.%d' % sys.version_info[:2])"
                  OUTPUT_VARIABLE _python_version OUTPUT_STRIP_TRAILING_WHITESPACE)
  string(REGEX REPLACE "^([0-9]+)\\.([0-9]+)$" "\\2" _python_minor "${_python_version}")
  math(EXPR _python_next "${_python_minor} + 1")
  set(_python_depends
      "python3 (>= ${_python_version}), python3 (<< 3.${_python_next})")
endif()

# /etc files are conffiles: dpkg keeps an administrator's edits across upgrades.
set(_conffiles /etc/default/callplan)
foreach(f acme users devices plans schedules tests)
  list(APPEND _conffiles /etc/callplan/${f}.yaml)
endforeach()
foreach(f closed service-menu)
  list(APPEND _conffiles /etc/callplan/${f}.wav)
endforeach()
list(JOIN _conffiles "\n" _conffiles)
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/package/conffiles "${_conffiles}\n")

set(CPACK_PACKAGE_NAME callplan)
set(CPACK_PACKAGE_VENDOR callplan)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
    "callplan routes calls by a YAML tenant file: the `callplan` tool checks, simulates, "
    "tests and draws call plans, and `callplan serve` is a SIP registrar and proxy that "
    "routes by them. This package also installs a hardened systemd unit and the Python module.")
set(CPACK_PACKAGE_CONTACT "callplan developers <callplan@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
set(CPACK_COMPONENTS_ALL Unspecified callplan_python callplan_service)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION comm)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
if(_python_depends)
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", ${_python_depends}")
endif()
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${_contrib}/debian/postinst ${_contrib}/debian/prerm ${_contrib}/debian/postrm
    ${CMAKE_CURRENT_BINARY_DIR}/package/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
