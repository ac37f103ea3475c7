#!/usr/bin/env bash
# Builds the Debian package from a build tree (cpack -G DEB) and checks it as a clean machine
# would see it: the control data (dpkg-deb -I), the files and their owners (dpkg-deb -c), the
# binary and the Python module run from an unpacked root (dpkg -x), and the systemd unit
# (systemd-analyze verify). Run by ctest as package.deb (tests/package/tests.cmake).
# Usage: check_deb.sh BUILD_DIR WORK_DIR VERSION
set -euo pipefail
build=$1 work=$2 version=$3
pydir=lib/python3/dist-packages   # under /usr: where Debian's python3 looks

fail() { echo "package.deb: $*" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work"
if ! (cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out") \
    >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log" >&2
  fail "cpack -G DEB failed"
fi
debs=("$work"/out/callplan_"$version"_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "expected one callplan_${version}_ARCH.deb: ${debs[*]}"
deb=${debs[0]}

# --- control data
info=$(dpkg-deb -I "$deb")
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = callplan ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version), expected $version"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture: $(field Architecture)"
depends=$(field Depends)
# dpkg-shlibdeps' work: the C library, the C++ runtime and the libraries callplan links, each
# with a version; then what no ELF file says.
for lib in libc6 libstdc++6 libyaml-cpp0.7 libfmt9 libdate-tz3 libssl3; do
  [[ "$depends" =~ (^|, )"$lib "\(\>= ]] || fail "Depends lacks a versioned $lib: $depends"
done
for want in "adduser" "python3 (>= 3." "python3 (<< 3."; do
  [[ "$depends" == *"$want"* ]] || fail "Depends lacks $want: $depends"
done
for script in postinst prerm postrm conffiles; do
  grep -Eq "^ +[0-9]+ bytes, +[0-9]+ lines +\*? *$script( |$)" <<<"$info" ||
    fail "control archive lacks $script:"$'\n'"$info"
done
conffiles=$(dpkg-deb -I "$deb" conffiles)
for f in /etc/default/callplan /etc/callplan/acme.yaml /etc/callplan/users.yaml; do
  grep -qx "$f" <<<"$conffiles" || fail "$f is not a conffile: $conffiles"
done

# --- files: the service's, owned by root, and no development files
contents=$(dpkg-deb -c "$deb")
for path in ./usr/bin/callplan ./usr/lib/systemd/system/callplan.service ./etc/default/callplan \
            ./etc/callplan/acme.yaml ./etc/callplan/tests.yaml \
            "./usr/$pydir/callplan/__init__.py" "./usr/$pydir/callplan/py.typed" \
            ./usr/share/doc/callplan/operations.md; do
  grep -q " $path\$" <<<"$contents" || fail "the package lacks $path"
done
grep -Eq " \./usr/$pydir/callplan/_core\.cpython-[^ ]+\.so\$" <<<"$contents" ||
  fail "the package lacks the Python extension"
if grep -Eq " \./usr/(include|lib/[^ ]*\.a\$|lib/[^ ]*cmake/|lib/[^ ]*pkgconfig/)" <<<"$contents"; then
  fail "development files in the package:"$'\n'"$(grep -E '/include/|\.a$|cmake/|pkgconfig/' <<<"$contents")"
fi
if awk '{print $2}' <<<"$contents" | grep -vqx "root/root"; then
  fail "files not owned by root:"$'\n'"$(awk '$2 != "root/root"' <<<"$contents")"
fi

# --- unpacked into an empty root: the binary, the example tenant, the module, the unit
root="$work/root"
dpkg -x "$deb" "$root"
got=$("$root/usr/bin/callplan" --version)
[[ "$got" == *"$version"* ]] || fail "callplan --version printed '$got', expected $version"
# The example configuration is a valid tenant as installed (its include files found in /etc).
(cd / && "$root/usr/bin/callplan" check --strict "$root/etc/callplan/acme.yaml") ||
  fail "the example tenant in /etc/callplan does not check clean"
# In a sanitized tree the module needs the ASan runtime loaded before python3 (tests.cmake).
preload=()
[ -z "${CALLPLAN_MODULE_PRELOAD:-}" ] ||
  preload=(LD_PRELOAD="$CALLPLAN_MODULE_PRELOAD" ASAN_OPTIONS=detect_leaks=0)
module=$(cd / && env -u PYTHONPATH PYTHONPATH="$root/usr/$pydir" PYTHONDONTWRITEBYTECODE=1 \
  "${preload[@]}" /usr/bin/python3 -c 'import callplan; print(callplan.__file__)')
[[ "$module" == "$root/usr/$pydir/callplan/"* ]] || fail "python3 imported callplan from $module"
# The unit as installed, against this machine's systemd (its targets, /bin/kill), with the
# binary the package installs: /usr/bin/callplan read as the unpacked one.
mkdir -p "$work/unit"
sed "s|/usr/bin/callplan|$root/usr/bin/callplan|g" \
  "$root/usr/lib/systemd/system/callplan.service" >"$work/unit/callplan.service"
grep -q "^ExecStart=$root/usr/bin/callplan serve " "$work/unit/callplan.service" ||
  fail "the unit does not start /usr/bin/callplan serve"
if ! verify=$(systemd-analyze verify --man=no "$work/unit/callplan.service" 2>&1); then
  fail "systemd-analyze verify:"$'\n'"$verify"
fi
[ -z "$verify" ] || fail "systemd-analyze verify warned:"$'\n'"$verify"
echo "package.deb: $(basename "$deb") ok ($(du -k "$deb" | cut -f1) KiB; Depends: $depends)"
