# shellcheck shell=bash
# roots.sh: build and reuse the chroots that hold the servers Debian 12
# cannot install itself (MySQL 9.7 from sid, MariaDB 11.8 from trixie).
#
#   . tests/lib/roots.sh
#   roots_ensure mysql-9.7        # prints the root's path; builds it once
#   roots_path mariadb-11.8       # the path, without building
#
# A root is made with debootstrap --variant=minbase, then the server and
# client packages are installed inside it with apt.  Roots live in a cache
# outside the checkout, $MYSHIFT_ROOTS (default /var/cache/myshift-roots),
# one directory per flavour; a root that is missing or whose server does not
# answer --version is rebuilt.  A lock (flock) keeps two tests from
# building the same root at once; a build goes to NAME.new and is renamed
# into place only when it works, so an interrupted build never looks whole.
#
# The sid Release file on the archive reachable here is past its
# Valid-Until date: apt inside the root runs with
# -o Acquire::Check-Valid-Until=false.

MYSHIFT_ROOTS=${MYSHIFT_ROOTS:-/var/cache/myshift-roots}
ROOTS_MIRROR=${ROOTS_MIRROR:-}

# roots_flavours: the flavours that need a root.
roots_flavours() {
	echo mysql-9.7 mariadb-11.8
}

# _roots_spec FLAVOUR: print "SUITE PACKAGES..." for a flavour.
_roots_spec() {
	case $1 in
	mysql-9.7) echo "sid mysql-server-core mysql-client-core" ;;
	mariadb-11.8) echo "trixie mariadb-server-core mariadb-client-core" ;;
	*) return 1 ;;
	esac
}

# roots_path FLAVOUR: the root's directory.
roots_path() {
	echo "$MYSHIFT_ROOTS/$1"
}

# _roots_mirror: the Debian mirror the host's apt uses.
_roots_mirror() {
	local m
	if [ -n "$ROOTS_MIRROR" ]; then
		echo "$ROOTS_MIRROR"
		return
	fi
	m=$(grep -h -o -E '^URIs: *[^ ]+' /etc/apt/sources.list.d/*.sources 2>/dev/null |
	    awk '{print $2}' | grep -v security | head -n 1)
	[ -n "$m" ] || m=$(awk '$1 == "deb" && $0 !~ /security/ {print $2; exit}' \
	    /etc/apt/sources.list 2>/dev/null)
	echo "${m:-http://deb.debian.org/debian}"
}

# _roots_ok FLAVOUR DIR: does the server in DIR run?
_roots_ok() {
	local prog=mysqld
	[ -d "$2" ] || return 1
	case $1 in mariadb-*) prog=mariadbd ;; esac
	chroot "$2" "/usr/sbin/$prog" --version >/dev/null 2>&1
}

# _roots_build FLAVOUR DIR: debootstrap DIR and install the server in it.
_roots_build() {
	local flavour=$1 dir=$2 spec suite pkgs mirror
	spec=$(_roots_spec "$flavour") || return 1
	suite=${spec%% *}
	pkgs=${spec#* }
	mirror=$(_roots_mirror)
	if ! command -v debootstrap >/dev/null 2>&1; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		    --no-install-recommends debootstrap >&2 || {
			DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 &&
			    DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			    --no-install-recommends debootstrap >&2
		} || return 1
	fi
	rm -rf "$dir"
	echo "roots: debootstrap --variant=minbase $suite $dir ($mirror)" >&2
	debootstrap --variant=minbase "$suite" "$dir" "$mirror" >&2 || return 1
	cp /etc/hosts "$dir/etc/hosts"
	cp /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null
	# Nothing started by a postinst inside the root.
	printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
	chmod +x "$dir/usr/sbin/policy-rc.d"
	echo "roots: apt-get install $pkgs in $dir" >&2
	chroot "$dir" env DEBIAN_FRONTEND=noninteractive apt-get \
	    -o Acquire::Check-Valid-Until=false update -q >&2 || return 1
	# shellcheck disable=SC2086
	chroot "$dir" env DEBIAN_FRONTEND=noninteractive apt-get \
	    -o Acquire::Check-Valid-Until=false install -y -q \
	    --no-install-recommends $pkgs >&2 || return 1
	chroot "$dir" apt-get clean >&2
	mkdir -p "$dir/var/tmp"
}

# roots_ensure FLAVOUR: print the path of a working root, building it first
# when it is missing or broken.
roots_ensure() {
	local flavour=$1 dir new rc
	_roots_spec "$flavour" >/dev/null || {
		echo "roots: unknown flavour '$flavour'" >&2
		return 1
	}
	dir=$(roots_path "$flavour")
	mkdir -p "$MYSHIFT_ROOTS" || return 1
	if ! _roots_ok "$flavour" "$dir"; then
		exec 9>"$MYSHIFT_ROOTS/.$flavour.lock"
		flock 9
		if ! _roots_ok "$flavour" "$dir"; then
			new=$dir.new
			_roots_build "$flavour" "$new"
			rc=$?
			if [ $rc -eq 0 ] && _roots_ok "$flavour" "$new"; then
				rm -rf "$dir"
				mv "$new" "$dir"
			else
				echo "roots: building the $flavour root failed" >&2
				exec 9>&-
				return 1
			fi
		fi
		exec 9>&-
	fi
	echo "$dir"
}
