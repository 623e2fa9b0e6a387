# Conformance tests: the golden request bodies (tests/golden/requests/<provider>/<name>.json)
# must validate against each provider's official request schema, read from the OpenAPI specs
# in ../shared/specs (beside the repository). tests/conformance/validate-requests.mjs does
# the validation with Node.js and the npm packages pinned in tests/conformance/package-lock.json.
#
#   conformance.npm_ci                       npm ci into a build-tree copy of tests/conformance
#                                            (fixture setup; needs the npm registry)
#   conformance.validator_accepts_valid      the validator's own valid samples pass
#   conformance.validator_rejects_invalid    its invalid samples are each rejected, each for
#                                            the reason named in expected-errors.json
#   conformance.request_bodies               the golden request bodies pass
#
# Missing specs folder: the validator prints "SKIPPED: ..." and exits 77, which CTest shows
# as skipped. Missing node or npm: every test is registered as one that only says so and is
# shown as skipped. (.ci/install-deps installs both.)
#
# Usage, from tests/CMakeLists.txt:  include(cmake/conformance-tests.cmake)
# Run only these with `ctest -L conformance`, skip them with `ctest -LE conformance`.

set(_conf_source_dir "${CMAKE_CURRENT_LIST_DIR}/../conformance")
get_filename_component(_conf_source_dir "${_conf_source_dir}" ABSOLUTE)
set(_conf_work_dir "${CMAKE_CURRENT_BINARY_DIR}/conformance")
set(_conf_specs_dir "${PROJECT_SOURCE_DIR}/../shared/specs")
get_filename_component(_conf_specs_dir "${_conf_specs_dir}" ABSOLUTE)
set(_conf_golden_dir "${PROJECT_SOURCE_DIR}/tests/golden/requests")
set(_conf_validator_tests
  conformance.validator_accepts_valid
  conformance.validator_rejects_invalid
  conformance.request_bodies)

find_program(INSTRUCTOR_NODE_EXECUTABLE NAMES node nodejs
  DOC "Node.js, for the request-body conformance tests")
find_program(INSTRUCTOR_NPM_EXECUTABLE NAMES npm
  DOC "npm, for the request-body conformance tests")

if(NOT INSTRUCTOR_NODE_EXECUTABLE OR NOT INSTRUCTOR_NPM_EXECUTABLE)
  set(_conf_missing "")
  if(NOT INSTRUCTOR_NODE_EXECUTABLE)
    list(APPEND _conf_missing node)
  endif()
  if(NOT INSTRUCTOR_NPM_EXECUTABLE)
    list(APPEND _conf_missing npm)
  endif()
  list(JOIN _conf_missing " and " _conf_missing)
  message(STATUS "${_conf_missing} not found: the conformance.* tests will be skipped "
                 "(install Debian's nodejs and npm, e.g. with .ci/install-deps)")
  foreach(_conf_test IN ITEMS conformance.npm_ci ${_conf_validator_tests})
    add_test(NAME ${_conf_test}
      COMMAND "${CMAKE_COMMAND}" -E echo
              "SKIPPED: ${_conf_missing} not found when CMake configured this build")
    set_tests_properties(${_conf_test} PROPERTIES
      SKIP_REGULAR_EXPRESSION "^SKIPPED: "
      LABELS conformance)
  endforeach()
  return()
endif()

# A build-tree copy, so that npm ci leaves the source tree alone (node resolves the
# packages from the script's own folder). configure_file re-runs CMake when one changes.
foreach(_conf_file IN ITEMS package.json package-lock.json validate-requests.mjs openapi-schemas.mjs
                            batch-server.mjs with-batch-server.sh)
  configure_file("${_conf_source_dir}/${_conf_file}" "${_conf_work_dir}/${_conf_file}" COPYONLY)
endforeach()

add_test(NAME conformance.npm_ci
  COMMAND "${INSTRUCTOR_NPM_EXECUTABLE}" ci --no-audit --no-fund
  WORKING_DIRECTORY "${_conf_work_dir}")
set_tests_properties(conformance.npm_ci PROPERTIES
  FIXTURES_SETUP instructor_conformance_npm
  ENVIRONMENT "npm_config_update_notifier=false"
  LABELS conformance
  TIMEOUT 600)

set(_conf_node "${INSTRUCTOR_NODE_EXECUTABLE}" "${_conf_work_dir}/validate-requests.mjs")

add_test(NAME conformance.validator_accepts_valid
  COMMAND ${_conf_node} "${_conf_specs_dir}" "${_conf_source_dir}/self-test/valid")
add_test(NAME conformance.validator_rejects_invalid
  COMMAND ${_conf_node} --expect-fail "${_conf_specs_dir}" "${_conf_source_dir}/self-test/invalid")
add_test(NAME conformance.request_bodies
  COMMAND ${_conf_node} "${_conf_specs_dir}" "${_conf_golden_dir}")

set_tests_properties(${_conf_validator_tests} PROPERTIES
  FIXTURES_REQUIRED instructor_conformance_npm
  SKIP_RETURN_CODE 77
  LABELS conformance
  TIMEOUT 300)
