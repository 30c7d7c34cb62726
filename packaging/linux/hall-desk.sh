#!/bin/sh
# HallDesk launcher (/usr/bin/hall-desk): the frozen program in /opt/halldesk, on X11 (xcb) unless told otherwise.
# NOTE: the bundle carries only Qt's xcb, offscreen and minimal platform plugins (no Wayland):
# 统信UOS and 银河麒麟 desktops are X11 sessions; QT_QPA_PLATFORM set by the caller still wins.
: "${QT_QPA_PLATFORM:=xcb}"
export QT_QPA_PLATFORM
exec /opt/halldesk/hall-desk "$@"
