# Includes run down the layers only (check-layers.cmake), and the check can fail: each planted
# include below must be reported, by file and by rule.
set(check_layers ${CMAKE_COMMAND} -DROOT=${PROJECT_SOURCE_DIR} -P ${CMAKE_CURRENT_LIST_DIR}/check-layers.cmake)

add_test(NAME layers.includes_run_down_the_layers COMMAND ${check_layers})

add_test(NAME layers.an_upward_include_is_reported
  COMMAND ${CMAKE_COMMAND} "-DPLANT=src/stream/stream_framing.cpp|#include <instructor/client.hpp>"
          -DROOT=${PROJECT_SOURCE_DIR} -P ${CMAKE_CURRENT_LIST_DIR}/check-layers.cmake)
set_tests_properties(layers.an_upward_include_is_reported PROPERTIES
  PASS_REGULAR_EXPRESSION "src/stream/stream_framing.cpp: includes instructor/client.hpp of the client layer; the stream layer may include only stream, json, core")

add_test(NAME layers.a_private_header_of_another_layer_is_reported
  COMMAND ${CMAKE_COMMAND} "-DPLANT=src/client/streaming.cpp|#include \"../providers/common.hpp\""
          -DROOT=${PROJECT_SOURCE_DIR} -P ${CMAKE_CURRENT_LIST_DIR}/check-layers.cmake)
set_tests_properties(layers.a_private_header_of_another_layer_is_reported PROPERTIES
  PASS_REGULAR_EXPRESSION "src/client/streaming.cpp: includes \\.\\./providers/common\\.hpp, a header private to the providers layer")

# The manual's table of layers must say what the layers' READMEs say: a difference either way fails.
add_test(NAME layers.a_rule_the_manual_tells_differently_is_reported
  COMMAND ${CMAKE_COMMAND} "-DDOCS_FROM=StreamAssembly | core json |" "-DDOCS_TO=StreamAssembly | core json transport |"
          -DROOT=${PROJECT_SOURCE_DIR} -P ${CMAKE_CURRENT_LIST_DIR}/check-layers.cmake)
set_tests_properties(layers.a_rule_the_manual_tells_differently_is_reported PROPERTIES
  PASS_REGULAR_EXPRESSION "docs/how-it-is-built.md: the stream layer may include \"core json transport\" there, but \"core json\" in src/stream/README.md")

add_test(NAME layers.a_layer_the_manual_leaves_out_is_reported
  COMMAND ${CMAKE_COMMAND} "-DDOCS_FROM=| `cassette/` |" "-DDOCS_TO=| cassette |"
          -DROOT=${PROJECT_SOURCE_DIR} -P ${CMAKE_CURRENT_LIST_DIR}/check-layers.cmake)
set_tests_properties(layers.a_layer_the_manual_leaves_out_is_reported PROPERTIES
  PASS_REGULAR_EXPRESSION "docs/how-it-is-built.md: no row for the cassette layer in its table of layers")

set_property(TEST layers.includes_run_down_the_layers layers.an_upward_include_is_reported
             layers.a_private_header_of_another_layer_is_reported
             layers.a_rule_the_manual_tells_differently_is_reported
             layers.a_layer_the_manual_leaves_out_is_reported APPEND PROPERTY LABELS docs)

# One CMake minimum version: the presets', every cmake_minimum_required(), the README's, Debian's.
add_test(NAME build.one_cmake_minimum_version_everywhere
  COMMAND ${CMAKE_COMMAND} -DROOT=${PROJECT_SOURCE_DIR} -P ${CMAKE_CURRENT_LIST_DIR}/check-cmake-minimum.cmake)
set_tests_properties(build.one_cmake_minimum_version_everywhere PROPERTIES LABELS docs)
