# Runs fa-check on examples/wrong/ in FORMAT as PAGE (default docs/analyzer/ci.md) documents, then
# checks that the page quotes the output verbatim (check_quotes.py), so the sample is real and current. EXCERPT=ON:
# the page quotes a part of it (SARIF and JUnit hold absolute paths and timings elsewhere).
#   cmake -DFA_CHECK=... -DBUILD_DIR=... -DFORMAT=... -DOUT=... -DPYTHON=... -DQUOTES=... [-DEXCERPT=ON] [-DPAGE=...] -P ci_sample.cmake
# Run from the source root (paths in the report are relative to it).
execute_process(COMMAND ${FA_CHECK} -p ${BUILD_DIR} --format ${FORMAT} -o ${OUT} examples/wrong/frame_mistakes.cpp
  RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "fa-check exited with ${rc}, expected 1 (findings): ${err}")
endif()
if(NOT PAGE)
  set(PAGE docs/analyzer/ci.md)
endif()
set(mode)
if(EXCERPT)
  set(mode --excerpt)
endif()
execute_process(COMMAND ${PYTHON} ${QUOTES} ${mode} ${PAGE} ${OUT} RESULT_VARIABLE qrc OUTPUT_VARIABLE out)
message("${out}")
if(NOT qrc EQUAL 0)
  message(FATAL_ERROR "${PAGE} is out of date: regenerate its ${FORMAT} sample")
endif()
