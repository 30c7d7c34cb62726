#!/bin/sh
# Runs INSIDE the Debian 11 build chroot (packaging/linux/build_release.py): bullseye's build tools and
# the runtime libraries the bundle links against, SQLite and CPython 3.11 from source, the build venv.
# Its text is part of the root's cache key: change it and the next build makes a new root.
set -eu
PREFIX=/opt/python3.11
SRC=/tmp/recipe
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
JOBS=$(nproc)

apt-get update -qq
apt-get upgrade -y -qq >/dev/null
# Build tools and CPython's build dependencies. NOTE: no libsqlite3-dev: bullseye's SQLite is 3.34,
# and the program's UPDATE/INSERT … RETURNING needs 3.35 (our own SQLite below, found by the rpath).
# tcl: SQLite's full source tree generates its amalgamation (sqlite3.c) with tclsh.
apt-get install -y -qq --no-install-recommends \
  gcc make pkg-config binutils xz-utils ca-certificates tcl \
  libssl-dev libffi-dev zlib1g-dev libbz2-dev liblzma-dev libreadline-dev libncursesw5-dev \
  uuid-dev libgdbm-dev >/dev/null
# The libraries of packaging/linux/depends.txt: build_deb.py maps each library the bundle needs to the
# package that provides it (ldconfig, dpkg -S) on this root, so they must be installed here.
apt-get install -y -qq --no-install-recommends $(grep -v '^#' "$SRC/depends.txt" | sed 's/ |.*//') >/dev/null
apt-get clean

# SQLite 3.40.1 (Debian 12's orig tarball) with the compile options Debian builds it with that matter here.
mkdir -p /tmp/build && cd /tmp/build
tar xJf "$SRC"/sqlite3_*.orig.tar.xz
cd sqlite3-*/
CFLAGS="-O2 -DSQLITE_ENABLE_COLUMN_METADATA -DSQLITE_ENABLE_FTS3 -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_RTREE \
  -DSQLITE_ENABLE_DBSTAT_VTAB -DSQLITE_ENABLE_UNLOCK_NOTIFY -DSQLITE_SECURE_DELETE -DSQLITE_MAX_VARIABLE_NUMBER=250000" \
  ./configure --prefix="$PREFIX" --enable-shared --disable-static --disable-tcl >/dev/null
make -j"$JOBS" >/dev/null 2>&1 || make  # NOTE: rerun serially on failure so the log shows the error
make install >/dev/null

# CPython 3.11.2 (Debian 12's orig tarball), shared (PyInstaller bundles libpython3.11.so), against
# bullseye's OpenSSL 1.1.1, libffi7, zlib … and the SQLite above; the rpath makes it find that SQLite
# and its own libpython before the system's. NOTE: pyexpat keeps CPython's own expat (as the host's
# Python does): a bundled libexpat.so.1 would also be what the PC's fontconfig gets.
cd /tmp/build
tar xzf "$SRC"/python3.11_*.orig.tar.gz
cd Python-3.11.*/
PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig" ./configure --prefix="$PREFIX" --enable-shared --with-ensurepip=install \
  CPPFLAGS="-I$PREFIX/include" LDFLAGS="-L$PREFIX/lib -Wl,-rpath,$PREFIX/lib" >/dev/null
make -j"$JOBS" >/dev/null 2>&1 || make
make install >/dev/null
cd / && rm -rf /tmp/build

# Every C module the program or the build uses must have been built: CPython skips a missing one quietly.
"$PREFIX/bin/python3.11" - <<'EOF'
import bz2, ctypes, decimal, hashlib, lzma, readline, sqlite3, ssl, uuid, zlib  # noqa: F401
version = tuple(int(p) for p in sqlite3.sqlite_version.split("."))
assert version >= (3, 35), f"SQLite {sqlite3.sqlite_version}: RETURNING needs 3.35"
print(f"Python {__import__('sys').version.split()[0]}, SQLite {sqlite3.sqlite_version}, {ssl.OPENSSL_VERSION}")
EOF

# The build venv: requirements.lock less the font package (the font is prepared on the host and copied
# in), with release-pins.txt's versions in place of the lock's for the same names.
"$PREFIX/bin/python3.11" -m venv /opt/build-venv
replaced=$(sed -n '/^#/d; s/==.*//p' "$SRC/release-pins.txt" | paste -sd'|')
grep -v -i -E "^(justmytype-intl-cjk|$replaced)==" "$SRC/requirements.lock" > /tmp/requirements.txt
grep -v '^#' "$SRC/release-pins.txt" >> /tmp/requirements.txt
/opt/build-venv/bin/python -m pip install --quiet --disable-pip-version-check --no-cache-dir --upgrade pip
/opt/build-venv/bin/python -m pip install --quiet --disable-pip-version-check --no-cache-dir -r /tmp/requirements.txt
rm -f /tmp/requirements.txt
