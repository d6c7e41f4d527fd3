# shellcheck shell=bash
# deps.sh: the Debian packages the build, the tests and the demo need, and
# install_deps to get the missing ones (sourced by tests/run and tests/demo).

PACKAGES=(build-essential autoconf automake libtool pkg-config libevent-dev
    libssl-dev libmariadb-dev libinih-dev zlib1g-dev libzstd-dev
    mariadb-server mariadb-client mariadb-test-data sysbench clang
    libclang-rt-14-dev python3 openssl mandoc debootstrap mydumper percona-toolkit)

# Install missing packages; apt-get update once, only when needed.
install_deps() {
	local missing=() p policy=
	for p in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q 'install ok installed' || missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		echo "all ${#PACKAGES[@]} packages present"
		return 0
	fi
	echo "installing: ${missing[*]}"
	if [ "$(id -u)" != 0 ]; then
		echo "tests/run: must run as root to install ${missing[*]}" >&2
		return 1
	fi
	# Do not let mariadb-server's postinst start a system server: the
	# tests start their own.
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod +x /usr/sbin/policy-rc.d
		policy=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get update -q &&
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends "${missing[@]}"
	p=$?
	[ -n "$policy" ] && rm -f /usr/sbin/policy-rc.d
	return $p
}
