# Sourced by the Tools/*.sh test drivers (golden, pipeline, doc_check), before their options:
# moves to the repository root ($ROOT) and sets BIN_DIR to $BIN, else .build/debug. After parsing
# --bin DIR into BIN_DIR, a driver calls use_bin_dir: BIN_DIR made absolute, and the tools and
# Tools/ put first on PATH.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
BIN_DIR=${BIN:-.build/debug}

use_bin_dir() {
  [[ $BIN_DIR == /* ]] || BIN_DIR=$ROOT/$BIN_DIR
  export PATH="$BIN_DIR:$ROOT/Tools:$PATH"
}
