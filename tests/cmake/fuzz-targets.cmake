# The fuzz targets (tests/fuzz/<target>.cpp, each defining LLVMFuzzerTestOneInput), built two ways:
#  - always, as <target>_replay: a plain executable (any compiler) that runs the target over every
#    file in tests/fuzz/regressions/<target>/ and tests/fuzz/corpus/<target>/; one CTest test each,
#    fuzz_regressions.<target>;
#  - with INSTRUCTOR_BUILD_FUZZERS (clang only; `cmake --preset fuzz`), as <target>: a libFuzzer
#    binary, the library instrumented for it. tests/fuzz/run_fuzzers.sh runs them.

option(INSTRUCTOR_BUILD_FUZZERS "Build the libFuzzer targets in tests/fuzz (clang only)" OFF)

set(INSTRUCTOR_FUZZ_TARGETS
  fuzz_framing
  fuzz_partial_json
  fuzz_provider_replies
  fuzz_extract_json
  fuzz_from_json
  fuzz_extraction
  fuzz_cassette
  fuzz_error_bodies)
set(fuzz_dir ${CMAKE_CURRENT_SOURCE_DIR}/fuzz)

if(INSTRUCTOR_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "INSTRUCTOR_BUILD_FUZZERS needs clang, whose libFuzzer it uses; this is "
                        "${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER}. Configure with "
                        "-DCMAKE_CXX_COMPILER=clang++, or use `cmake --preset fuzz`.")
  endif()
  include(CheckCXXSourceCompiles)
  set(CMAKE_REQUIRED_LINK_OPTIONS -fsanitize=fuzzer)
  set(CMAKE_REQUIRED_FLAGS -fsanitize=fuzzer)
  check_cxx_source_compiles([[
    #include <cstddef>
    #include <cstdint>
    extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t) { return 0; }
  ]] INSTRUCTOR_HAVE_LIBFUZZER)
  unset(CMAKE_REQUIRED_LINK_OPTIONS)
  unset(CMAKE_REQUIRED_FLAGS)
  if(NOT INSTRUCTOR_HAVE_LIBFUZZER)
    message(FATAL_ERROR "INSTRUCTOR_BUILD_FUZZERS: ${CMAKE_CXX_COMPILER} cannot link -fsanitize=fuzzer; its "
                        "runtime is missing (Debian 12: apt-get install libclang-rt-14-dev)")
  endif()

  # The library gets libFuzzer's coverage instrumentation and the sanitizers; a fuzzer must stop at
  # undefined behaviour, not print and go on (the fuzz preset says so too, for every file).
  set(fuzz_sanitizers -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_compile_options(instructor PRIVATE -fsanitize=fuzzer-no-link ${fuzz_sanitizers})
  # Whatever links the instrumented library needs the sanitizers' runtimes (not in the install export).
  target_link_options(instructor INTERFACE $<BUILD_INTERFACE:-fsanitize=address,undefined>)
endif()

# Every replay program: what the sanitizer and clang stages of CI build beside unit_tests.
add_custom_target(fuzz_replays)
add_dependencies(sanitized_tests fuzz_replays)
foreach(target IN LISTS INSTRUCTOR_FUZZ_TARGETS)
  add_executable(${target}_replay fuzz/${target}.cpp fuzz/replay_main.cpp)
  add_dependencies(fuzz_replays ${target}_replay)
  target_include_directories(${target}_replay PRIVATE ${CMAKE_CURRENT_SOURCE_DIR} ${fuzz_dir})
  target_link_libraries(${target}_replay PRIVATE instructor::instructor)
  instructor_set_warnings(${target}_replay)
  add_test(NAME fuzz_regressions.${target}
    COMMAND ${target}_replay ${fuzz_dir}/regressions/${target} ${fuzz_dir}/corpus/${target})
  # A regression may be a timeout: an input large enough that quadratic work takes minutes where
  # linear work takes a moment, even in a Debug build with sanitizers.
  set_tests_properties(fuzz_regressions.${target} PROPERTIES TIMEOUT 60 LABELS fuzz)

  if(INSTRUCTOR_BUILD_FUZZERS)
    add_executable(${target} fuzz/${target}.cpp)
    target_include_directories(${target} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR} ${fuzz_dir})
    target_link_libraries(${target} PRIVATE instructor::instructor)
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer ${fuzz_sanitizers})
    target_link_options(${target} PRIVATE -fsanitize=fuzzer,address,undefined)
    instructor_set_warnings(${target})
    list(APPEND fuzz_binaries ${target})
  endif()
endforeach()

if(INSTRUCTOR_BUILD_FUZZERS)
  # What the fuzz build preset builds: the library and the fuzzers, nothing else.
  add_custom_target(fuzzers)
  add_dependencies(fuzzers ${fuzz_binaries})
endif()
