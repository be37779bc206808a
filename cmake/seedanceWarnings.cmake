# seedance_target_warnings(<target>): the project's warning set for its own tests, examples and tools.
# Never applied to the seedance INTERFACE target, so consumers keep their own flags.
function(seedance_target_warnings target)
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4 $<$<BOOL:${SEEDANCE_WARNINGS_AS_ERRORS}>:/WX>)
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic $<$<BOOL:${SEEDANCE_WARNINGS_AS_ERRORS}>:-Werror>)
  endif()
endfunction()
