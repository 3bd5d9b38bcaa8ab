#!/usr/bin/env bash
# Bazel sh_test driver: run_with_peers.sh PEER,PEER,... BINARY [ARGS...]
# Starts the named real peers (peers.sh), runs BINARY with their ports in the
# environment, and stops them whatever happens.
set -u
here="$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source=peers.sh
source "$here/peers.sh"
peers_list=$1
shift
peers_start ${peers_list//,/ } || exit 1
"$@"
rc=$?
peers_stop
exit $rc
