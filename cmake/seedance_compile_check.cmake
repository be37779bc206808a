# Compile-check script for the compile-fail tests, run as
#   cmake -DSOURCE=<file> -DEXPECT=fail|pass -DFLAGS_FILE=<generated flags> -P seedance_compile_check.cmake
#
# EXPECT=fail: the source must NOT compile, and the compiler output must contain the text that follows
#              "// expect-error: " on the source's first line (so it fails for the intended reason).
# EXPECT=pass: the source must compile cleanly with -Wall -Wextra -Wpedantic -Werror.
# FLAGS_FILE (written by tests/CMakeLists.txt) sets SEEDANCE_CHECK_COMPILER, SEEDANCE_CHECK_STD_FLAG,
# SEEDANCE_CHECK_INCLUDE_DIRS, SEEDANCE_CHECK_IMPLICIT_INCLUDE_DIRS and SEEDANCE_CHECK_DEFINITIONS.
cmake_minimum_required(VERSION 3.25)

foreach(var SOURCE EXPECT FLAGS_FILE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "seedance_compile_check.cmake: -D${var}=... is required")
  endif()
endforeach()
include("${FLAGS_FILE}")

set(args ${SEEDANCE_CHECK_STD_FLAG} -fsyntax-only -fdiagnostics-color=never)
# The compiler's own directories stay implicit: -I/usr/include would change the search order of system headers.
list(REMOVE_DUPLICATES SEEDANCE_CHECK_INCLUDE_DIRS)
foreach(dir IN LISTS SEEDANCE_CHECK_INCLUDE_DIRS)
  if(NOT dir IN_LIST SEEDANCE_CHECK_IMPLICIT_INCLUDE_DIRS)
    list(APPEND args "-I${dir}")
  endif()
endforeach()
foreach(definition IN LISTS SEEDANCE_CHECK_DEFINITIONS)
  list(APPEND args "-D${definition}")
endforeach()

if(EXPECT STREQUAL "fail")
  file(STRINGS "${SOURCE}" first_line LIMIT_COUNT 1)
  if(NOT first_line MATCHES "^// expect-error: (.+)$")
    message(FATAL_ERROR "${SOURCE}: the first line must be '// expect-error: <text the compiler prints>'")
  endif()
  string(STRIP "${CMAKE_MATCH_1}" expected)
elseif(EXPECT STREQUAL "pass")
  list(APPEND args -Wall -Wextra -Wpedantic -Werror)
else()
  message(FATAL_ERROR "EXPECT must be 'fail' or 'pass', not '${EXPECT}'")
endif()

# LC_ALL=C keeps the diagnostics in plain ASCII quotes, so expectations match on every machine.
execute_process(
  COMMAND "${CMAKE_COMMAND}" -E env LC_ALL=C "${SEEDANCE_CHECK_COMPILER}" ${args} "${SOURCE}"
  RESULT_VARIABLE result
  OUTPUT_VARIABLE output
  ERROR_VARIABLE output)

if(EXPECT STREQUAL "pass")
  if(NOT result EQUAL 0)
    message(NOTICE "${output}")
    message(FATAL_ERROR "${SOURCE} must compile without warnings but did not (compiler output above)")
  endif()
  message(STATUS "compiled cleanly, as expected")
  return()
endif()

if(result EQUAL 0)
  message(NOTICE "${output}")
  message(FATAL_ERROR "${SOURCE} compiled, but it must be rejected with: ${expected}")
endif()
string(FIND "${output}" "${expected}" position)
if(position EQUAL -1)
  message(NOTICE "${output}")
  message(FATAL_ERROR "${SOURCE} was rejected, but the compiler output above does not contain the expected "
                      "text: ${expected}")
endif()
message(STATUS "rejected as expected with: ${expected}")
