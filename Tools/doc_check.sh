#!/usr/bin/env bash
# Docs test layer: every man page lints clean, every executable has a page, every flag --help
# prints is in the page, and every EXAMPLES command runs.
#
# Usage: Tools/doc_check.sh [--bin DIR] [PAGE ...]   (DIR defaults to $BIN, else .build/debug)
#
# Conventions a page follows so this can check it:
#   - A runnable example is a line starting with "$ " inside a .Bd -literal block of the
#     EXAMPLES section (a trailing "\" joins the next line). Other lines there are not run.
#   - Examples run with bash -o pipefail in a scratch directory holding a copy of Formats/, with the
#     tools and Tools/ on PATH, after the page's setup lines:  .\" example-setup: <shell line>
#   - Flags are matched in the page rendered by mandoc (so ".Fl -json" matches --json).
set -uo pipefail
source "$(dirname "$0")/tool_env.sh"
if [[ ${1:-} == --bin ]]; then BIN_DIR=$2; shift 2; fi
use_bin_dir
pages=("$@")
[[ ${#pages[@]} -eq 0 ]] && pages=(Man/*.[1-9])
failures=0
problem() { echo "doc_check: $*"; failures=$((failures + 1)); }

# 1. Every executable product has a section-1 page (only when checking all pages).
if [[ $# -eq 0 ]]; then
  for tool in $(grep -o '\.executable(name: *"[^"]*"' Package.swift | sed 's/.*"\(.*\)"/\1/'); do
    [[ -f Man/$tool.1 ]] || problem "$tool: executable product without a page Man/$tool.1"
  done
fi

for page in "${pages[@]}"; do
  # 2. mandoc -Tlint: no messages (cross references to pages not installed here are fine).
  lint=$(mandoc -Tlint "$page" 2>&1 | grep -v 'outdated mandoc.db\|referenced manual not found')
  [[ -z $lint ]] || problem "$page: mandoc -Tlint: $lint"

  rendered=$(mandoc -Tascii "$page" 2>/dev/null | sed -e 's/.\x08//g')
  name=$(basename "$page"); tool=${name%.*}; section=${name##*.}

  # 3. Every flag in --help (and in each subcommand's --help) is in the page.
  if [[ $section == 1 ]]; then
    if [[ -x $BIN_DIR/$tool ]]; then
      help=$("$BIN_DIR/$tool" --help 2>&1)
      # A tool with subcommands: each subcommand's --help too (listed under SUBCOMMANDS:).
      for sub in $(awk '/^SUBCOMMANDS:/ { on = 1; next } on && /^$/ { on = 0 } on && /^  [a-z]/ { print $1 }' <<<"$help"); do
        help+=$'\n'$("$BIN_DIR/$tool" "$sub" --help 2>&1)
      done
      for flag in $(grep -oE '(^|[ ,[(])--?[a-zA-Z][a-zA-Z0-9-]*' <<<"$help" | grep -oE -- '--?[a-zA-Z][a-zA-Z0-9-]*' | sort -u); do
        grep -qE -- "(^|[^a-zA-Z0-9-])$flag([^a-zA-Z0-9-]|$)" <<<"$rendered" || problem "$page: flag $flag from '$tool --help' is not in the page"
      done
    else
      problem "$page: no executable $BIN_DIR/$tool to check --help against"
    fi
  fi

  # 4. EXAMPLES commands run.
  examples=$(awk '
    /^\.Sh / { inex = ($2 == "EXAMPLES") }
    inex && /^\.Bd -literal/ { lit = 1; next }
    /^\.Ed/ { lit = 0 }
    inex && lit {
      line = $0
      if (cont != "") { cmd = cmd "\n" line } else if (line ~ /^\$ /) { cmd = substr(line, 3) } else next
      if (line ~ /\\$/) { cont = 1 } else { print cmd; cmd = ""; cont = "" }
    }' "$page")
  setup=$(sed -n 's/^\.\\" example-setup: //p' "$page")
  [[ -n $examples || $section != 1 ]] || problem "$page: no runnable examples (lines starting with '\$ ' in EXAMPLES)"
  while IFS= read -r cmd; do
    [[ -z $cmd ]] && continue
    scratch=$(mktemp -d)
    cp -r Formats "$scratch/"
    if ! (cd "$scratch" && timeout 60 bash -o pipefail -c "$setup" >/dev/null 2>&1 && \
          timeout 60 bash -o pipefail -c "$cmd" >"$scratch/.out" 2>"$scratch/.err"); then
      problem "$page: example failed: $cmd: $(head -c 300 "$scratch/.err")"
    fi
    rm -rf "$scratch"
  done <<<"$examples"
done

echo "doc_check: ${#pages[@]} pages, $failures problems"
[[ $failures == 0 ]]
