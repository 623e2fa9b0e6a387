# The real-server tier: tests/real_server/test_real_server.cpp against real llama.cpp servers,
# started by tests/real_server/with_llama_server.sh with ../shared/models/stories260K.gguf.
#
#   real_server.b4748     llama.cpp of Feb 2025 (what older and vendored servers run)
#   real_server.b10156    llama.cpp of Jul 2026
#   real_server.<version>.slots     the same server with 4 slots: create_many against create
#   real_server.<version>.thinking  the same server with DeepSeek-R1's chat template and
#                                   --reasoning-format deepseek: models that think
#   real_server.fleet     three b10156 servers behind one client, one killed and restarted mid-run
#   real_server.fleet.haproxy  the same behind HAProxy
#
# Each finds its llama-server in INSTRUCTOR_LLAMA_SERVER_B4748 / _B10156 (cache variables or the
# environment at test time), else in the build cache that .ci/run fills
# (~/.cache/instructor-cpp/llama.cpp/<version>/bin/llama-server); without one the test is skipped
# and says how to get one. INSTRUCTOR_LLAMA_SERVER_URL in the environment runs the tier against a
# server that is already running instead. Run only this tier with `ctest -L real-server`.

set(INSTRUCTOR_LLAMA_SERVER_B4748 "" CACHE FILEPATH "llama-server built from shared/llama.cpp/b4748-c392e50")
set(INSTRUCTOR_LLAMA_SERVER_B10156 "" CACHE FILEPATH "llama-server built from shared/llama.cpp/b10156-91f8c9c5")
get_filename_component(_real_server_shared "${PROJECT_SOURCE_DIR}/../shared" ABSOLUTE)

add_executable(real_server_tests real_server/test_real_server.cpp)
target_link_libraries(real_server_tests PRIVATE instructor_test_support)
target_include_directories(real_server_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
instructor_set_warnings(real_server_tests)

# One test of the tier: llama-server <version>, started by with_llama_server.sh with ENVIRONMENT
# telling it how, and real_server_tests run against it with ARGS. One server at a time: each runs
# the model on one core, and the client needs the other.
function(_real_server_test name version)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "TIMEOUT" "ENVIRONMENT;ARGS")
  string(TOUPPER "${version}" upper)
  add_test(NAME ${name}
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/real_server/with_llama_server.sh
            ${version} "${INSTRUCTOR_LLAMA_SERVER_${upper}}" "${_real_server_shared}"
            $<TARGET_FILE:real_server_tests> ${arg_ARGS})
  set_tests_properties(${name} PROPERTIES
    LABELS real-server
    ENVIRONMENT "${arg_ENVIRONMENT}"
    SKIP_RETURN_CODE 77
    TIMEOUT ${arg_TIMEOUT}
    RESOURCE_LOCK llama-server)
endfunction()

foreach(_version IN ITEMS b4748 b10156)
  # b10156 answers a json_schema request about ten times slower than b4748: one seed per corpus
  # type there (tests/real_server/test_real_server.cpp, corpus_seeds) keeps the tier in CI's budget.
  if(_version STREQUAL "b10156")
    set(_corpus_seeds 1)
  else()
    set(_corpus_seeds 3)
  endif()
  _real_server_test(real_server.${_version} ${_version} TIMEOUT 900
    ENVIRONMENT INSTRUCTOR_CORPUS_SEEDS=${_corpus_seeds} ARGS --durations yes)
  # Many calls at once against a server with 4 slots: create_many beats the same calls in turn.
  _real_server_test(real_server.${_version}.slots ${_version} TIMEOUT 600
    ENVIRONMENT INSTRUCTOR_LLAMA_SERVER_SLOTS=4 INSTRUCTOR_LLAMA_SERVER_CHAT_TEMPLATE=chatml ARGS "[slots]")
  # A thinking chat template and the server's reasoning parser: reasoning apart, values in content.
  _real_server_test(real_server.${_version}.thinking ${_version} TIMEOUT 600
    ENVIRONMENT INSTRUCTOR_LLAMA_SERVER_THINKING=1 ARGS "[thinking]")
endforeach()

# Many servers (test_real_fleet.cpp): three llama-servers b10156 of 2 slots, started, killed and
# restarted by the test itself, behind the client's own pool (real_server.fleet) and behind HAProxy
# (real_server.fleet.haproxy, skipped without haproxy: INSTRUCTOR_HAPROXY, else the one on PATH).
set(INSTRUCTOR_HAPROXY "haproxy" CACHE STRING "haproxy for the real-server tier's load-balancer test")
add_executable(real_fleet_tests real_server/test_real_fleet.cpp)
target_link_libraries(real_fleet_tests PRIVATE instructor_test_support)
instructor_set_warnings(real_fleet_tests)
add_test(NAME real_server.fleet
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/real_server/with_llama_fleet.sh
          "${INSTRUCTOR_LLAMA_SERVER_B10156}" "${_real_server_shared}" ""
          $<TARGET_FILE:real_fleet_tests> "[fleet]" --durations yes)
add_test(NAME real_server.fleet.haproxy
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/real_server/with_llama_fleet.sh
          "${INSTRUCTOR_LLAMA_SERVER_B10156}" "${_real_server_shared}" "${INSTRUCTOR_HAPROXY}"
          $<TARGET_FILE:real_fleet_tests> "[haproxy]" --durations yes)
set_tests_properties(real_server.fleet real_server.fleet.haproxy PROPERTIES
  LABELS real-server
  SKIP_RETURN_CODE 77
  TIMEOUT 600
  # Three servers of one thread each: nothing else of the tier runs beside them.
  RESOURCE_LOCK llama-server)
