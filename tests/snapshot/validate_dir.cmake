# Validates every snapshot_*.json in DIR against SCHEMA with the node validator; fails when
# fewer than MIN files exist (the writer must really have written them).
#   cmake -DNODE=... -DVALIDATOR=... -DSCHEMA=... -DDIR=... -DMIN=n -P validate_dir.cmake
file(GLOB files "${DIR}/snapshot_*.json")
list(LENGTH files n)
if(n LESS MIN)
  message(FATAL_ERROR "expected at least ${MIN} snapshot files in ${DIR}, found ${n}")
endif()
execute_process(COMMAND ${NODE} ${VALIDATOR} ${SCHEMA} ${files} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "snapshot files do not validate against ${SCHEMA}")
endif()
message(STATUS "${n} snapshot files valid")
