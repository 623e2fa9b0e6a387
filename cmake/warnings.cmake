# Warnings for the library's own targets (never forced on consumers).
function(instructor_set_warnings target)
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4)
    if(INSTRUCTOR_WARNINGS_AS_ERRORS)
      target_compile_options(${target} PRIVATE /WX)
    endif()
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      # GCC before 14 warns when a designated initializer leaves members out, which is the point of
      # option structs ({.model = ..., .messages = ...}); clang does not.
      target_compile_options(${target} PRIVATE -Wno-missing-field-initializers)
    endif()
    if(INSTRUCTOR_WARNINGS_AS_ERRORS)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()
