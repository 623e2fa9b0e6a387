# Batch jobs against the loopback batch server (tests/conformance/batch-server.mjs), which checks
# every request and file line against the providers' official specs in ../shared/specs. It runs
# on Node.js with the npm packages the conformance tests install (fixture instructor_conformance_npm).
#
#   batch_server.loopback      the [batch-server] tests of tests_batch_job, lines answered by the
#                              server's stand-in model
#   batch_server.real_engine   the [real-engine] test: each line run on a real llama-server b10156
#                              (started by tests/real_server/with_llama_server.sh), re-asks included
#
# Without node, the npm packages, the specs or the llama-server, each says so and is skipped.
# Run them with `ctest -L batch`.

set(_batch_server_script "${CMAKE_CURRENT_BINARY_DIR}/conformance/with-batch-server.sh")
if(NOT INSTRUCTOR_NODE_EXECUTABLE OR NOT INSTRUCTOR_NPM_EXECUTABLE)
  foreach(_batch_test IN ITEMS batch_server.loopback batch_server.real_engine)
    add_test(NAME ${_batch_test}
      COMMAND "${CMAKE_COMMAND}" -E echo "SKIPPED: node or npm not found when CMake configured this build")
    set_tests_properties(${_batch_test} PROPERTIES SKIP_REGULAR_EXPRESSION "^SKIPPED: " LABELS batch)
  endforeach()
  return()
endif()

add_test(NAME batch_server.loopback
  COMMAND bash "${_batch_server_script}" "${INSTRUCTOR_NODE_EXECUTABLE}" "${_conf_work_dir}" "${_conf_specs_dir}"
          $<TARGET_FILE:tests_batch_job> "[batch-server]")
set_tests_properties(batch_server.loopback PROPERTIES
  FIXTURES_REQUIRED instructor_conformance_npm
  SKIP_RETURN_CODE 77
  LABELS "batch;conformance"
  TIMEOUT 300)

add_test(NAME batch_server.real_engine
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/real_server/with_llama_server.sh
          b10156 "${INSTRUCTOR_LLAMA_SERVER_B10156}" "${_real_server_shared}"
          bash "${_batch_server_script}" "${INSTRUCTOR_NODE_EXECUTABLE}" "${_conf_work_dir}" "${_conf_specs_dir}"
          $<TARGET_FILE:tests_batch_job> "[real-engine]" --durations yes)
set_tests_properties(batch_server.real_engine PROPERTIES
  FIXTURES_REQUIRED instructor_conformance_npm
  ENVIRONMENT "INSTRUCTOR_LLAMA_SERVER_CHAT_TEMPLATE=chatml"
  SKIP_RETURN_CODE 77
  LABELS "batch;real-server"
  TIMEOUT 900
  RESOURCE_LOCK llama-server)
