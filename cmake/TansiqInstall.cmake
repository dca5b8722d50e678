# Install rules and the Debian package (CPack DEB). `cmake --install build/default --prefix P`
# lays out P/bin/tansiq and P/share/tansiq/{web,data}; the binary finds those relative to its
# own location (cli/ops.h), so the tree can live under any prefix. The package (prefix /usr)
# adds the systemd unit, the service's environment file template and maintainer scripts that
# create the `tansiq` system user. scripts/package builds it; scripts/test-package tests it.
include_guard(GLOBAL)
include(GNUInstallDirs)

install(TARGETS tansiq RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/data/ DESTINATION ${CMAKE_INSTALL_DATADIR}/tansiq/data
        PATTERN "*.py" EXCLUDE)
# The built web UI (scripts/build-web); absent, the server says how to build it.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/web/dist/ DESTINATION ${CMAKE_INSTALL_DATADIR}/tansiq/web
        OPTIONAL)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/tansiq.service
        DESTINATION lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/tansiq.env
        DESTINATION ${CMAKE_INSTALL_DATADIR}/tansiq/examples)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/operations.md
              ${PROJECT_SOURCE_DIR}/docs/api.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tansiq)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "Tansiq")
set(CPACK_PACKAGE_CONTACT "Tansiq maintainers <tansiq@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "coalition intelligence-sharing hub (STIX 2.1 over TAXII 2.1)")
set(CPACK_PACKAGE_DESCRIPTION
    "Tansiq lets member organisations collect, exchange under originator-controlled\n\
releasability, analyse and disseminate STIX 2.1 intelligence over TAXII 2.1, in Arabic,\n\
Persian, Russian and English. This package holds the server, its web UI and reference data,\n\
and a hardened systemd unit.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Runtime libraries from dpkg-shlibdeps (Debian 12: libboost-json1.81.0, libicu72, libssl3,
# libsodium23, libsqlite3-0, …); adduser for the maintainer scripts.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${PROJECT_SOURCE_DIR}/packaging/deb/postinst;${PROJECT_SOURCE_DIR}/packaging/deb/prerm;${PROJECT_SOURCE_DIR}/packaging/deb/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_OUTPUT_FILE_PREFIX ${PROJECT_BINARY_DIR}/packages)
include(CPack)
