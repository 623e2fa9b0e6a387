# instructor::llama against a real model in the process: tests/llama/test_llama.cpp with
# ../shared/models/stories260K.gguf (INSTRUCTOR_LLAMA_TEST_MODEL names another). Without llama.cpp
# or without the model file the test is skipped, and says which is missing.

get_filename_component(_llama_shared "${PROJECT_SOURCE_DIR}/../shared" ABSOLUTE)
set(INSTRUCTOR_LLAMA_TEST_MODEL "${_llama_shared}/models/stories260K.gguf" CACHE FILEPATH
    "The GGUF model the in-process tests and benchmark run")

if(NOT INSTRUCTOR_HAS_LLAMA)
  add_test(NAME llama.in_process COMMAND ${CMAKE_COMMAND} -E echo
    "skipped: instructor::llama is not built (llama.cpp not found when configuring; see README, A model in the process)")
  set_tests_properties(llama.in_process PROPERTIES LABELS llama SKIP_REGULAR_EXPRESSION "^skipped:")
  return()
endif()

add_executable(llama_tests llama/test_llama.cpp)
target_link_libraries(llama_tests PRIVATE instructor::llama instructor_test_support)
target_include_directories(llama_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_compile_definitions(llama_tests PRIVATE
  INSTRUCTOR_LLAMA_TEST_MODEL="${INSTRUCTOR_LLAMA_TEST_MODEL}"
  INSTRUCTOR_LLAMA_TEST_NOT_A_MODEL="${PROJECT_SOURCE_DIR}/LICENSE")
instructor_set_warnings(llama_tests)

if(EXISTS "${INSTRUCTOR_LLAMA_TEST_MODEL}")
  add_test(NAME llama.in_process COMMAND llama_tests --durations yes)
  set_tests_properties(llama.in_process PROPERTIES LABELS llama TIMEOUT 900)
  # The threaded part alone, for the ThreadSanitizer preset.
  add_test(NAME llama.threads COMMAND llama_tests "calls from several threads share one loaded model")
  set_tests_properties(llama.threads PROPERTIES LABELS "llama;threads" TIMEOUT 300)
  add_dependencies(threaded_tests llama_tests)
  add_dependencies(sanitized_tests llama_tests)
else()
  add_test(NAME llama.in_process COMMAND ${CMAKE_COMMAND} -E echo
    "skipped: no model file at ${INSTRUCTOR_LLAMA_TEST_MODEL} (set INSTRUCTOR_LLAMA_TEST_MODEL)")
  set_tests_properties(llama.in_process PROPERTIES LABELS llama SKIP_REGULAR_EXPRESSION "^skipped:")
endif()

# Tokens per second in the process, with and without the grammar, beside a bare llama.cpp loop and
# (with INSTRUCTOR_LLAMA_SERVER_URL) llama-server. CTest runs it briefly so that it keeps working.
add_executable(bench_llama bench_llama.cpp)
target_link_libraries(bench_llama PRIVATE instructor::llama llama)
instructor_set_warnings(bench_llama)
if(EXISTS "${INSTRUCTOR_LLAMA_TEST_MODEL}")
  add_test(NAME bench.llama.runs COMMAND bench_llama "${INSTRUCTOR_LLAMA_TEST_MODEL}" 20 1)
  set_tests_properties(bench.llama.runs PROPERTIES LABELS "llama;bench")
endif()
