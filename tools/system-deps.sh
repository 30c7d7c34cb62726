#!/usr/bin/env bash
# Debian/Ubuntu packages HallDesk needs: the libraries of Qt's xcb platform plugin (a real window on
# an X11 desktop: without libxcb-cursor0 & co. Qt aborts at start), and for the tests pdftoppm
# (render papers to look at them), zbarimg (read the printed barcodes back), a PostgreSQL server
# (hall mode), Xvfb, openbox, xprop and xdotool (the program in a real window, driven by keys). Installs what is missing when it can (root or password-less sudo);
# otherwise it says what to install, and the tests that need a tool skip with that reason.
set -u
need=()
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v Xvfb >/dev/null 2>&1 || need+=(xvfb)
command -v openbox >/dev/null 2>&1 || need+=(openbox)
command -v xprop >/dev/null 2>&1 || need+=(x11-utils)
command -v xdotool >/dev/null 2>&1 || need+=(xdotool)
# Issue 17, printers and the keyring for real: a CUPS scheduler with the cups-pdf printer (a real
# print queue whose output the tests read back), gnome-keyring on a D-Bus session (a real Secret Service).
command -v cupsd >/dev/null 2>&1 || need+=(cups-daemon)
command -v lpadmin >/dev/null 2>&1 || need+=(cups-client)
[ -e /usr/lib/cups/backend/cups-pdf ] || need+=(printer-driver-cups-pdf)
command -v gnome-keyring-daemon >/dev/null 2>&1 || need+=(gnome-keyring)
command -v dbus-run-session >/dev/null 2>&1 || need+=(dbus-daemon)
# make package: readelf/objdump check the .deb's Depends against the bundle, dpkg-deb builds it.
command -v readelf >/dev/null 2>&1 || need+=(binutils)
command -v dpkg-deb >/dev/null 2>&1 || need+=(dpkg)
# make package builds the release .deb in a Debian 11 chroot, make check-package installs it in another.
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
# NOTE: what libqxcb.so and its xcb helpers link against (ldd of PySide6's plugin on Debian 12).
for pkg in libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-randr0 \
           libxcb-shape0 libxcb-xfixes0 libxcb-xkb1 libxcb-sync1 libxcb-xinput0 libxcb-shm0 \
           libxkbcommon-x11-0 libx11-xcb1 libxrender1; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || need+=("$pkg")
done
for lib in libEGL.so.1 libxkbcommon.so.0 libfontconfig.so.1 libdbus-1.so.3 libGL.so.1; do
  ldconfig -p 2>/dev/null | grep -q "$lib" || { case $lib in
    libEGL.so.1) need+=(libegl1);; libxkbcommon.so.0) need+=(libxkbcommon0);;
    libfontconfig.so.1) need+=(libfontconfig1);; libdbus-1.so.3) need+=(libdbus-1-3);;
    libGL.so.1) need+=(libgl1);; esac; }
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "HallDesk: please install: ${need[*]} (apt-get install ${need[*]})" >&2; exit 0; fi
echo "HallDesk: installing ${need[*]} ..." >&2
$SUDO apt-get update -qq >/dev/null 2>&1 || true
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 \
  || echo "HallDesk: could not install ${need[*]}; tests that need them will be skipped" >&2
exit 0
