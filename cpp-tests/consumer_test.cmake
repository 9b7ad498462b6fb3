# Installs qssl into a temporary prefix and builds a C++ consumer of qssl.hpp
# against it, through find_package or pkg-config.
#   cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DWORK_DIR=... -DMODE=cmake|pkgconfig -DCXX=... -P consumer_test.cmake
cmake_minimum_required(VERSION 3.22)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(LAST_OUTPUT "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")
run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")
foreach(h qssl.h qssl.hpp qssl/qt_names.hpp)
  file(GLOB found "${prefix}/include/${h}")
  if(NOT found)
    message(FATAL_ERROR "${h} is not installed under ${prefix}/include")
  endif()
endforeach()
file(GLOB libs "${prefix}/lib*/libqssl.so.*.*.*")
list(GET libs 0 lib)
get_filename_component(libdir "${lib}" DIRECTORY)

if(MODE STREQUAL "cmake")
  run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/cpp-tests/consumer" -B "${WORK_DIR}/build"
      "-DCMAKE_PREFIX_PATH=${prefix}" "-DCMAKE_CXX_COMPILER=${CXX}")
  run(${CMAKE_COMMAND} --build "${WORK_DIR}/build")
  run("${WORK_DIR}/build/consumer")
else()
  file(GLOB pcdirs "${prefix}/lib*/pkgconfig")
  set(ENV{PKG_CONFIG_PATH} "${pcdirs}")
  run(pkg-config --define-variable=prefix=${prefix} --cflags --libs qssl)
  string(STRIP "${LAST_OUTPUT}" flags)
  separate_arguments(flags UNIX_COMMAND "${flags}")
  run(${CXX} -std=c++17 -Wall -Wextra -Wpedantic -Werror "${SOURCE_DIR}/cpp-tests/consumer/main.cpp"
      ${flags} -o "${WORK_DIR}/consumer-pc")
  run(${CMAKE_COMMAND} -E env "LD_LIBRARY_PATH=${libdir}" "${WORK_DIR}/consumer-pc")
endif()
message(STATUS "C++ consumer (${MODE}) ok: ${LAST_OUTPUT}")
