# Installs qssl into a temporary prefix, moves the installed tree elsewhere
# (the package must be relocatable) and builds a consumer against it.
#   cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DWORK_DIR=... -DMODE=cmake|pkgconfig -P consumer_test.cmake
cmake_minimum_required(VERSION 3.22)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(LAST_OUTPUT "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(prefix "${WORK_DIR}/moved/prefix")
run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${WORK_DIR}/installed")
file(MAKE_DIRECTORY "${WORK_DIR}/moved")
file(RENAME "${WORK_DIR}/installed" "${prefix}")

# The installed qssl-tool finds the moved library (RPATH $ORIGIN/../lib...).
if(EXISTS "${prefix}/bin/qssl-tool")
  run("${prefix}/bin/qssl-tool" --help)
  if(NOT LAST_OUTPUT MATCHES "qssl-tool [0-9]")
    message(FATAL_ERROR "qssl-tool --help: ${LAST_OUTPUT}")
  endif()
endif()

# The installed library exports only qssl_ symbols.
file(GLOB libs "${prefix}/lib*/libqssl.so.*.*.*")
list(GET libs 0 lib)
run(nm -D --defined-only "${lib}")
string(REGEX MATCHALL "\n[0-9a-f]+ [A-Za-z] [^\n]+" lines "\n${LAST_OUTPUT}")
foreach(line IN LISTS lines)
  if(NOT line MATCHES " qssl_[A-Za-z0-9_]+(@.*)?$")
    message(FATAL_ERROR "installed library exports a foreign symbol:${line}")
  endif()
endforeach()

if(MODE STREQUAL "cmake")
  run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/c-tests/consumer" -B "${WORK_DIR}/build"
      "-DCMAKE_PREFIX_PATH=${prefix}")
  run(${CMAKE_COMMAND} --build "${WORK_DIR}/build")
  run("${WORK_DIR}/build/consumer")
else()
  file(GLOB pcdirs "${prefix}/lib*/pkgconfig")
  set(ENV{PKG_CONFIG_PATH} "${pcdirs}")
  # No --define-variable: qssl.pc must find the moved prefix by itself.
  run(pkg-config --cflags --libs qssl)
  string(STRIP "${LAST_OUTPUT}" flags)
  separate_arguments(flags UNIX_COMMAND "${flags}")
  run(cc -std=c11 -Wall -Werror "${SOURCE_DIR}/c-tests/consumer/main.c" ${flags}
      -o "${WORK_DIR}/consumer-pc")
  get_filename_component(libdir "${lib}" DIRECTORY)
  run(${CMAKE_COMMAND} -E env "LD_LIBRARY_PATH=${libdir}" "${WORK_DIR}/consumer-pc")
endif()
message(STATUS "consumer (${MODE}) ok: ${LAST_OUTPUT}")
