# Runs ${PYTHON} ${SCRIPT} ${ARGS}, prints its output, and fails unless it exits with ${EXPECT_RC}.
execute_process(COMMAND ${PYTHON} ${SCRIPT} ${ARGS} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc EQUAL EXPECT_RC)
  message(FATAL_ERROR "exit code ${rc}, expected ${EXPECT_RC}")
endif()
message("exit code ${rc} as expected")
