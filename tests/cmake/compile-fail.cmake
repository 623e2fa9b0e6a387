# Runs one compile-fail test: compiles SOURCE (syntax only) and passes only when the compiler
# rejects it with every message the source announces in `// expect-error: <regex>` lines.
#
#   cmake -DCOMPILER=... -DFLAGS_FILE=... -DSOURCE=... -P compile-fail.cmake
#
# FLAGS_FILE (written by compile-fail-tests.cmake at generate time) sets COMPILE_FAIL_FLAGS: the
# include directories and standard the library's users compile with.

foreach(var IN ITEMS COMPILER FLAGS_FILE SOURCE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "compile-fail.cmake: ${var} is not set")
  endif()
endforeach()
include("${FLAGS_FILE}")

file(STRINGS "${SOURCE}" expectations REGEX "^// expect-error: ")
if(NOT expectations)
  message(FATAL_ERROR "${SOURCE} has no `// expect-error: <regex>` line")
endif()

execute_process(
  COMMAND "${COMPILER}" ${COMPILE_FAIL_FLAGS} -fsyntax-only "${SOURCE}"
  RESULT_VARIABLE result
  OUTPUT_VARIABLE output
  ERROR_VARIABLE output)

if(result EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiled, but it must not")
endif()
# Compilers wrap and quote differently: compare with whitespace runs made single spaces.
string(REGEX REPLACE "[ \t\r\n]+" " " flat "${output}")
foreach(line IN LISTS expectations)
  string(REGEX REPLACE "^// expect-error: " "" pattern "${line}")
  if(NOT flat MATCHES "${pattern}")
    message(FATAL_ERROR "${SOURCE} failed to compile, but without a message matching\n  ${pattern}\n"
                        "The compiler said:\n${output}")
  endif()
endforeach()
message(STATUS "rejected as expected: ${SOURCE}")
