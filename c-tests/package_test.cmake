# Builds the .deb and .tar.gz with cpack (CPACK_GENERATOR is DEB;TGZ), unpacks the .deb into a scratch
# root (dpkg -x) and compiles the README's first program against it, through
# pkg-config and through find_package; runs the unpacked qssl-tool from both.
#   cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DWORK_DIR=... -P package_test.cmake
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
find_program(CPACK cpack HINTS "${CMAKE_COMMAND}/.." REQUIRED)
run("${CPACK}" --config "${BUILD_DIR}/CPackConfig.cmake" -B "${WORK_DIR}/pkg")
file(GLOB debs "${WORK_DIR}/pkg/*.deb")
file(GLOB tgzs "${WORK_DIR}/pkg/*.tar.gz")
list(LENGTH debs ndeb)
list(LENGTH tgzs ntgz)
if(NOT ndeb EQUAL 1 OR NOT ntgz EQUAL 1)
  message(FATAL_ERROR "cpack made ${ndeb} .deb and ${ntgz} .tar.gz: ${debs} ${tgzs}")
endif()

# The .deb: its metadata, then its files in a scratch root.
run(dpkg-deb -f "${debs}" Package Depends Architecture)
if(NOT LAST_OUTPUT MATCHES "Package: qssl" OR NOT LAST_OUTPUT MATCHES "libssl3")
  message(FATAL_ERROR "unexpected .deb control fields:\n${LAST_OUTPUT}")
endif()
set(root "${WORK_DIR}/root")
run(dpkg -x "${debs}" "${root}")
foreach(f usr/include/qssl.h usr/bin/qssl-tool)
  if(NOT EXISTS "${root}/${f}")
    message(FATAL_ERROR "the .deb lacks /${f}")
  endif()
endforeach()
file(GLOB_RECURSE pcs "${root}/usr/*/qssl.pc")
file(GLOB_RECURSE libs "${root}/usr/*/libqssl.so")
if(NOT pcs OR NOT libs)
  message(FATAL_ERROR "the .deb lacks qssl.pc or libqssl.so")
endif()
get_filename_component(pcdir "${pcs}" DIRECTORY)
get_filename_component(libdir "${libs}" DIRECTORY)

# readme_block(marker out): the first ```c block after `marker` in README.md.
function(readme_block marker out)
  file(READ "${SOURCE_DIR}/README.md" readme)
  string(FIND "${readme}" "${marker}" at)
  if(at LESS 0)
    message(FATAL_ERROR "README.md has no \"${marker}\"")
  endif()
  string(SUBSTRING "${readme}" ${at} -1 readme)
  string(FIND "${readme}" "```c\n" start)
  math(EXPR start "${start} + 5")
  string(SUBSTRING "${readme}" ${start} -1 program)
  string(FIND "${program}" "```" end)
  string(SUBSTRING "${program}" 0 ${end} program)
  set(${out} "${program}" PARENT_SCOPE)
endfunction()

# The README's first program, verbatim.
readme_block("A first program:" program)
file(WRITE "${WORK_DIR}/first/main.c" "${program}")
# The README's client: it must compile cleanly against the package.
readme_block("## A TLS client in C" client)
file(WRITE "${WORK_DIR}/first/client.c" "${client}")

# pkg-config, with the .pc found in the scratch root and nothing redefined.
set(ENV{PKG_CONFIG_PATH} "${pcdir}")
run(pkg-config --cflags --libs qssl)
string(STRIP "${LAST_OUTPUT}" flags)
if(NOT flags MATCHES "${root}")
  message(FATAL_ERROR "pkg-config does not point into the unpacked root: ${flags}")
endif()
separate_arguments(flags UNIX_COMMAND "${flags}")
run(cc -std=c11 -Wall -Werror "${WORK_DIR}/first/main.c" ${flags} -o "${WORK_DIR}/first-pc")
run(${CMAKE_COMMAND} -E env "LD_LIBRARY_PATH=${libdir}" "${WORK_DIR}/first-pc")
if(NOT LAST_OUTPUT MATCHES "^qssl [0-9]")
  message(FATAL_ERROR "the README program printed: ${LAST_OUTPUT}")
endif()
run(cc -std=c11 -Wall -Wextra -Werror -c "${WORK_DIR}/first/client.c" ${flags} -o "${WORK_DIR}/client.o")

# find_package, with the scratch root as the prefix path.
file(WRITE "${WORK_DIR}/first/CMakeLists.txt"
  "cmake_minimum_required(VERSION 3.22)\nproject(first LANGUAGES C)\n"
  "find_package(qssl 0.1 CONFIG REQUIRED)\n"
  "add_executable(app main.c)\ntarget_link_libraries(app PRIVATE qssl::qssl)\n")
run(${CMAKE_COMMAND} -S "${WORK_DIR}/first" -B "${WORK_DIR}/first-build"
    "-DCMAKE_PREFIX_PATH=${root}/usr")
run(${CMAKE_COMMAND} --build "${WORK_DIR}/first-build")
run("${WORK_DIR}/first-build/app")

# The unpacked tools find their library without help (relative RPATH).
run("${root}/usr/bin/qssl-tool" --help)
file(MAKE_DIRECTORY "${WORK_DIR}/tgz")
run(${CMAKE_COMMAND} -E chdir "${WORK_DIR}/tgz" ${CMAKE_COMMAND} -E tar xzf "${tgzs}")
file(GLOB_RECURSE tools "${WORK_DIR}/tgz/*/bin/qssl-tool")
if(NOT tools)
  message(FATAL_ERROR "the .tar.gz lacks bin/qssl-tool")
endif()
run("${tools}" --help)
message(STATUS "packages ok: ${debs} ${tgzs}")
