# Compile-fail tests: each tests/compile_fail/<name>.cpp is a small program the library must
# refuse at compile time (a mistake that would otherwise compile and fail silently), with the
# messages its `// expect-error: <regex>` lines name. Test name: compile_fail.<name>.
#
# Usage, from tests/CMakeLists.txt:  include(cmake/compile-fail-tests.cmake)
# Run only these with `ctest -L compile-fail`.

set(_cf_flags_file "${CMAKE_CURRENT_BINARY_DIR}/compile_fail/flags-$<CONFIG>.cmake")
set(_cf_includes
  "$<TARGET_PROPERTY:instructor,INTERFACE_INCLUDE_DIRECTORIES>"
  "$<TARGET_PROPERTY:nlohmann_json::nlohmann_json,INTERFACE_INCLUDE_DIRECTORIES>"
  "$<TARGET_PROPERTY:Boost::headers,INTERFACE_INCLUDE_DIRECTORIES>"
  "$<TARGET_PROPERTY:CURL::libcurl,INTERFACE_INCLUDE_DIRECTORIES>")
# The compiler's own directories stay out: `-I/usr/include` would break libstdc++'s #include_next.
set(_cf_implicit "")
foreach(_cf_dir IN LISTS CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES)
  string(REGEX REPLACE "([][+.*()^$?|\\])" "\\\\\\1" _cf_dir "${_cf_dir}")
  list(APPEND _cf_implicit "${_cf_dir}")
endforeach()
list(JOIN _cf_implicit "|" _cf_implicit)
set(_cf_includes "$<REMOVE_DUPLICATES:${_cf_includes}>")
if(_cf_implicit)
  set(_cf_includes "$<FILTER:${_cf_includes},EXCLUDE,^(${_cf_implicit})$>")
endif()
file(GENERATE OUTPUT "${_cf_flags_file}" CONTENT
  "set(COMPILE_FAIL_FLAGS -std=c++20 \"-I$<JOIN:${_cf_includes},\" \"-I>\")\n")

file(GLOB _cf_sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/compile_fail/*.cpp")
foreach(_cf_source IN LISTS _cf_sources)
  get_filename_component(_cf_name "${_cf_source}" NAME_WE)
  add_test(NAME compile_fail.${_cf_name}
    COMMAND "${CMAKE_COMMAND}"
            "-DCOMPILER=${CMAKE_CXX_COMPILER}"
            "-DFLAGS_FILE=${CMAKE_CURRENT_BINARY_DIR}/compile_fail/flags-$<CONFIG>.cmake"
            "-DSOURCE=${_cf_source}"
            -P "${CMAKE_CURRENT_SOURCE_DIR}/cmake/compile-fail.cmake")
  set_tests_properties(compile_fail.${_cf_name} PROPERTIES LABELS compile-fail TIMEOUT 120)
endforeach()

# Compile-clean tests: each tests/compile_clean/<name>.cpp is a user's program that must compile
# without a single warning under -Wall -Wextra -Wpedantic -Werror, as users build (GCC 12 included,
# whose -Wextra warns about option structs' members left out of designated initializers).
file(GLOB _cc_sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/compile_clean/*.cpp")
foreach(_cc_source IN LISTS _cc_sources)
  get_filename_component(_cc_name "${_cc_source}" NAME_WE)
  add_test(NAME compile_clean.${_cc_name}
    COMMAND "${CMAKE_COMMAND}"
            "-DCOMPILER=${CMAKE_CXX_COMPILER}"
            "-DFLAGS_FILE=${CMAKE_CURRENT_BINARY_DIR}/compile_fail/flags-$<CONFIG>.cmake"
            "-DSOURCE=${_cc_source}"
            -P "${CMAKE_CURRENT_SOURCE_DIR}/cmake/compile-clean.cmake")
  set_tests_properties(compile_clean.${_cc_name} PROPERTIES LABELS compile-fail TIMEOUT 120)
endforeach()
