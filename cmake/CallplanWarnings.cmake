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
