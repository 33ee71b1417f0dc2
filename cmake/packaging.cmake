# Installing cartable and packaging it as a .deb (CPack), so that a
# participant's portfolio-only repository builds with an installed binary:
# the executable, the default theme under share/cartable/themes/ (found
# beside the executable, render/theme.h), and the man page.

# `cartable --version`.
target_compile_definitions(cartable PRIVATE CARTABLE_VERSION="${PROJECT_VERSION}")

include(GNUInstallDirs)
install(TARGETS cartable RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# render/theme.h, bundled_themes_dir(): <prefix>/share/cartable/themes.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/themes/default DESTINATION ${CMAKE_INSTALL_DATADIR}/cartable/themes)
configure_file(${PROJECT_SOURCE_DIR}/docs/cartable.1.in ${CMAKE_BINARY_DIR}/cartable.1 @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/cartable.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# `cpack -G DEB` in the build folder: cartable_<version>_<arch>.deb. Its
# dependencies are the runtime libraries the executable links to, as
# dpkg-shlibdeps finds them (Debian dpkg-dev), and tzdata (sessions' times).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME cartable)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "HEP-BEJUNE")
set(CPACK_PACKAGE_CONTACT "cartable maintainers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "publishes a training programme, its calendar and participants' portfolios")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION text)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "tzdata")
set(CPACK_STRIP_FILES ON)
include(CPack)
