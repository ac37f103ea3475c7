// callplan/export.hpp — which declarations a shared libcallplan exports.
//
// The library is compiled with hidden visibility (-fvisibility=hidden and
// -fvisibility-inlines-hidden, see CMakeLists.txt), so a shared libcallplan exports nothing by
// default: internals (src/) stay private and can change without breaking the ABI. The public
// headers (include/callplan/*.hpp) each put their declarations between these two markers,
// after their own #includes, which exports every class and function they declare:
//
//   #include "callplan/export.hpp"
//   CALLPLAN_PUBLIC_API_BEGIN
//   namespace callplan { ... }
//   CALLPLAN_PUBLIC_API_END
//
// A region rather than a macro on each declaration, so that a new public function cannot be
// forgotten (tests/consumer/check_source_lists.cmake checks every public header has the region).
// For GCC and Clang on ELF platforms, the compilers and systems callplan is built with; in a
// static library the markers change nothing that matters.
#pragma once

#if defined(__GNUC__) || defined(__clang__)
#define CALLPLAN_PUBLIC_API_BEGIN _Pragma("GCC visibility push(default)")
#define CALLPLAN_PUBLIC_API_END _Pragma("GCC visibility pop")
#else
#define CALLPLAN_PUBLIC_API_BEGIN
#define CALLPLAN_PUBLIC_API_END
#endif
