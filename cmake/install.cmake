# Install rules: the libraries, the public headers and the ports' headers, a
# CMake package (find_package(dfu_target CONFIG) gives dfu_target::dfu and,
# when built, dfu_target::sim, dfu_target::crypto_mbedtls,
# dfu_target::crypto_psa) and pkg-config files (dfu_target, dfu_target-sim,
# dfu_target-crypto-mbedtls, dfu_target-crypto-psa).
include(CMakePackageConfigHelpers)

set(DFU_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/dfu_target)
set(DFU_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/dfu
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")

# dfu_install_pc(TARGET pc-name description header-dir requires libs): the
# libraries are static, so what they need goes into Libs.
function(dfu_install_pc target pc desc subdir requires libs)
  set(cflags "-I\${includedir}")
  if(subdir)
    set(cflags "-I\${includedir}/${subdir}")
  endif()
  set(defs "")
  get_target_property(d ${target} INTERFACE_COMPILE_DEFINITIONS)
  if(d)
    foreach(x IN LISTS d)
      string(APPEND defs " -D${x}")
    endforeach()
  endif()
  # Relocatable: the prefix is found from the .pc file's own place.
  file(RELATIVE_PATH up /${DFU_PC_DIR} /)
  string(REGEX REPLACE "/$" "" up "${up}")
  file(GENERATE OUTPUT ${PROJECT_BINARY_DIR}/pkgconfig/${pc}.pc CONTENT
"prefix=\${pcfiledir}/${up}
includedir=\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}
libdir=\${prefix}/${CMAKE_INSTALL_LIBDIR}

Name: ${pc}
Description: ${desc}
Version: ${PROJECT_VERSION}
Requires: ${requires}
Cflags: ${cflags}${defs}
Libs: -L\${libdir} -l$<TARGET_FILE_BASE_NAME:${target}> ${libs}
")
  install(FILES ${PROJECT_BINARY_DIR}/pkgconfig/${pc}.pc DESTINATION ${DFU_PC_DIR})
endfunction()

set_target_properties(dfu PROPERTIES EXPORT_NAME dfu)
dfu_install_pc(dfu dfu_target "Portable firmware-update (DFU target) library" "" "" "")
if(TARGET dfu_sim)
  set_target_properties(dfu_sim PROPERTIES EXPORT_NAME sim)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/ports/sim/
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/dfu_sim FILES_MATCHING PATTERN "*.h")
  dfu_install_pc(dfu_sim dfu_target-sim "dfu_target simulated device port (flash, store, clock, modem)"
    dfu_sim dfu_target "")
endif()
if(TARGET dfu_crypto_mbedtls)
  set_target_properties(dfu_crypto_mbedtls PROPERTIES EXPORT_NAME crypto_mbedtls)
  install(FILES ${PROJECT_SOURCE_DIR}/ports/mbedtls/dfu_crypto_mbedtls.h
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  dfu_install_pc(dfu_crypto_mbedtls dfu_target-crypto-mbedtls "dfu_target crypto port on mbedTLS 2.x"
    "" dfu_target -lmbedcrypto)
endif()
if(TARGET dfu_crypto_psa)
  set_target_properties(dfu_crypto_psa PROPERTIES EXPORT_NAME crypto_psa)
  install(FILES ${PROJECT_SOURCE_DIR}/ports/psa/dfu_crypto_psa.h
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  dfu_install_pc(dfu_crypto_psa dfu_target-crypto-psa "dfu_target crypto port on the PSA Crypto API"
    "" dfu_target -lmbedcrypto)
endif()

install(TARGETS ${DFU_INSTALL_TARGETS} EXPORT dfu_targetTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT dfu_targetTargets NAMESPACE dfu_target:: DESTINATION ${DFU_CMAKE_DIR})
file(WRITE ${PROJECT_BINARY_DIR}/dfu_targetConfig.cmake.in [=[
@PACKAGE_INIT@
include("${CMAKE_CURRENT_LIST_DIR}/dfu_targetTargets.cmake")
check_required_components(dfu_target)
]=])
configure_package_config_file(${PROJECT_BINARY_DIR}/dfu_targetConfig.cmake.in
  ${PROJECT_BINARY_DIR}/dfu_targetConfig.cmake INSTALL_DESTINATION ${DFU_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/dfu_targetConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/dfu_targetConfig.cmake
  ${PROJECT_BINARY_DIR}/dfu_targetConfigVersion.cmake DESTINATION ${DFU_CMAKE_DIR})
