#!/bin/sh
# install-deps.sh: installs the Debian packages in scripts/debian-packages.txt
# that are missing.  Idempotent: runs apt-get only when something is missing.
# As root it installs; otherwise it prints the exact command and fails.
set -eu
here=$(dirname "$0")
list="$here/debian-packages.txt"
missing=""
for pkg in $(sed -e 's/#.*//' "$list"); do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $pkg" ;;
	esac
done
if [ -z "$missing" ]; then
	exit 0
fi
echo "install-deps: missing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: run as root:"
	echo "  apt-get update && apt-get install -y --no-install-recommends$missing"
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
