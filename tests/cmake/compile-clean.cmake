# Runs one compile-clean test: compiles SOURCE (syntax only) with a user's usual warnings, as errors,
# and passes only when the compiler has nothing to say.
#
#   cmake -DCOMPILER=... -DFLAGS_FILE=... -DSOURCE=... -P compile-clean.cmake

foreach(var IN ITEMS COMPILER FLAGS_FILE SOURCE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "compile-clean.cmake: ${var} is not set")
  endif()
endforeach()
include("${FLAGS_FILE}")

execute_process(
  # Optimised and compiled for real: GCC's -Wmaybe-uninitialized looks only then.
  COMMAND "${COMPILER}" ${COMPILE_FAIL_FLAGS} -O2 -Wall -Wextra -Wpedantic -Werror -c "${SOURCE}" -o /dev/null
  RESULT_VARIABLE result
  OUTPUT_VARIABLE output
  ERROR_VARIABLE output)
if(NOT result EQUAL 0 OR NOT output STREQUAL "")
  message(FATAL_ERROR "${SOURCE} must compile without a warning; the compiler said:\n${output}")
endif()
message(STATUS "compiled without a warning: ${SOURCE}")
