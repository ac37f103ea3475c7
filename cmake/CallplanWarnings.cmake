# Warnings for our own targets only (PRIVATE), never for consumers or dependencies.
option(CALLPLAN_WERROR "Treat warnings as errors" OFF)
function(callplan_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                         -Wno-sign-conversion -Wnon-virtual-dtor -Wold-style-cast
                         -Woverloaded-virtual -Wimplicit-fallthrough)
  if(CALLPLAN_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# callplan_internal_library(<target> <source>...): one of the internal static libraries above
# the engine (src/media, src/state, src/provision ...): sources relative to the calling folder,
# headers included as "<folder>/<name>.hpp" from src/, C++20, our warnings. Not installed; the
# caller adds what the library links.
function(callplan_internal_library target)
  list(TRANSFORM ARGN PREPEND ${CMAKE_CURRENT_SOURCE_DIR}/ OUTPUT_VARIABLE _sources)
  add_library(${target} STATIC ${_sources})
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/src>)
  target_compile_features(${target} PUBLIC cxx_std_20)
  callplan_warnings(${target})
endfunction()
