#!/usr/bin/env python3
"""make test-deps: every external command the build, tests and benchmarks run is installed by
`make deps` or comes with the base image (Debian's essential packages, the Swift toolchain,
CPython with pip, git and make).

It does not trust what happens to be on this machine: it finds the commands by reading the
scripts (make recipes, Tools/ and Tests/ shell scripts, golden `cmd` files, subprocess calls in
Python, Process calls in Swift tests), then asks dpkg which package owns each command's binary
and accepts the command only if that package is in APT_PACKAGES (read from the Makefile) or is
Essential/required in Debian (dpkg-query). A command that is not installed at all, or belongs
to any other package, fails the check with one line naming the script that calls it.

Usage: Tools/check_deps.py --apt "PKG ..."   (make passes $(APT_PACKAGES))
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys

# Shell words that are not external programs.
SHELL_WORDS = {
    "if", "then", "else", "elif", "fi", "for", "in", "do", "done", "while", "until", "case", "esac",
    "function", "return", "exit", "break", "continue", "local", "export", "declare", "readonly",
    "set", "unset", "shift", "source", ".", "eval", "exec", "trap", "wait", "cd", "pwd", "echo",
    "printf", "read", "test", "[", "[[", "]]", "]", "true", "false", ":", "command", "type", "let",
    "kill", "builtin", "shopt", "umask", "ulimit", "mapfile", "getopts", "hash", "{", "}", "!",
    "time", "alias", "jobs", "disown", "pushd", "popd", "select",
}
# Functions defined by our own shell libraries (Tests/Pipeline/lib.sh, Tools/*.sh).
FUNCTION_DEF = re.compile(r"^\s*(?:function\s+)?([A-Za-z_][\w-]*)\s*\(\)\s*\{", re.M)
# Wrappers whose argument is the real command.
WRAPPERS = {"timeout", "env", "nice", "nohup", "xargs", "numactl", "exec", "command", "time", "stdbuf"}
# The base image: not from dpkg, or not worth a package entry.
BASE_COMMANDS = {
    "python3": "CPython with pip (base image)", "pip": "CPython with pip (base image)",
    "swift": "Swift toolchain (base image)", "swiftc": "Swift toolchain (base image)",
    "git": "base image (the repository is a clone)", "make": "base image (.ci/run installs it)",
    "bash": "Debian essential", "sh": "Debian essential",
}
OUR_TOOLS = {"rec-cat", "op-bench", "seq-encode", "graph-opt", "tile-plan", "capnpc-swift", "capnp-bench"}

SOURCES = {
    "make": ["Makefile", "mk/*.mk"],
    "shell": ["Tools/*.sh", "Tests/Pipeline/*.sh", "Benchmarks/**/*.sh", "Tests/Golden/*/*/cmd", ".ci/run"],
    "python": ["Tools/**/*.py", "Benchmarks/**/*.py"],
    "swift": ["Tests/**/*.swift", "Sources/**/*.swift"],
}

# Command separators; ")" is kept so that the words after a closing parenthesis (the rest of
# a command that used <( ... ) or $( ... )) are not taken for a new command.
SEPARATORS = re.compile(r"(\|\||&&|[|;&\n`]|\bthen\b|\bdo\b|\belse\b|[$<>]?\(|\))")


def shell_code(text: str, run_helper: bool = False) -> str:
    """`text` with what the shell does not run blanked out: comments, the contents of quoted
    strings (except `$( ... )` inside double quotes, which runs, and the command string of
    `bash -c "..."`, or of `run "..."` when `run_helper` says Tests/Pipeline/lib.sh's `run` is in
    scope), heredoc bodies, arithmetic."""
    out = []
    i, n = 0, len(text)
    heredocs = []
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n:
            out.append("  " if text[i + 1] != "\n" else " ")
            i += 2
            continue
        if c == "#" and (i == 0 or text[i - 1] in " \t\n;|&("):
            while i < n and text[i] != "\n":
                i += 1
            continue
        if c == "'":
            j = text.find("'", i + 1)
            j = n if j < 0 else j
            out.append("''")
            i = j + 1
            continue
        if c == '"' and re.search(r"(\brun|\bbash\b[^;|&\n]*\s-c)\s*$" if run_helper else r"\bbash\b[^;|&\n]*\s-c\s*$", "".join(out[-40:])):
            # run "..." (Tests/Pipeline/lib.sh) and bash -c "...": the string is a command line
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(" ; " + shell_code(text[i + 1:j], run_helper) + " ; ")
            i = j + 1
            continue
        if c == '"':
            j = i + 1
            kept = []
            while j < n and text[j] != '"':
                if text[j] == "\\":
                    j += 2
                    continue
                if text.startswith("$(", j) and not text.startswith("$((", j):
                    depth, k = 0, j
                    while k < n:
                        if text[k] == "(":
                            depth += 1
                        elif text[k] == ")":
                            depth -= 1
                            if depth == 0:
                                break
                        k += 1
                    kept.append(" ; " + shell_code(text[j:k + 1], run_helper) + " ; ")
                    j = k + 1
                    continue
                j += 1
            out.append('""' + "".join(kept))
            i = j + 1
            continue
        if text.startswith("${", i):  # parameter expansion: a word, whatever its default text says
            j = text.find("}", i)
            j = n if j < 0 else j
            out.append("X")
            i = j + 1
            continue
        if text.startswith("((", i) or text.startswith("=(", i):
            j = text.find(")", i)
            j = n if j < 0 else j
            out.append("=0" if c == "=" else "0")
            i = j + (2 if text.startswith("))", j) else 1)
            continue
        if text.startswith("$((", i):
            j = text.find("))", i)
            j = n if j < 0 else j
            out.append("0")
            i = j + 2
            continue
        m = re.match(r"<<-?\s*['\"]?(\w+)['\"]?", text[i:])
        if m:
            heredocs.append(m.group(1))
            out.append(" ")
            i += m.end()
            continue
        if c == "\n" and heredocs:
            out.append("\n")
            i += 1
            while heredocs and i < n:
                line_end = text.find("\n", i)
                line_end = n if line_end < 0 else line_end
                if text[i:line_end].strip() == heredocs[0]:
                    heredocs.pop(0)
                i = line_end + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def words_in_command_position(code: str):
    """The first word of each simple command (after assignments and wrapper commands)."""
    after_close = False
    for part in SEPARATORS.split(code):
        if part is None:
            continue
        if SEPARATORS.fullmatch(part):
            after_close = part == ")"
            continue
        if after_close:
            continue
        tokens = part.strip().split()
        while tokens:
            t = tokens[0]
            if t in ("[[", "[", "case"):
                break
            if re.match(r"^[A-Za-z_]\w*(\[[^]]*\])?\+?=", t) or t in ("!", "{", "}"):
                tokens = tokens[1:]
                continue
            if t in WRAPPERS:
                if t not in SHELL_WORDS:
                    yield t
                tokens = tokens[1:]
                while tokens and (tokens[0].startswith("-") or re.match(r"^[\d.]+[smh]?$", tokens[0])
                                  or re.match(r"^[A-Za-z_]\w*=", tokens[0])):
                    tokens = tokens[2:] if tokens[0] == "-u" else tokens[1:]   # env -u NAME
                continue
            if t.startswith(("/usr/bin/", "/bin/")):
                t = t.rsplit("/", 1)[1]
                if t in SHELL_WORDS:
                    t = "/usr/bin/" + t  # /usr/bin/time is the program, not the keyword
            yield t
            break


def make_recipes(text: str) -> str:
    """The shell code of a makefile's recipes (and command-valued variables), make syntax removed."""
    text = text.replace("\\\n", " ")
    lines = []
    for line in text.splitlines():
        if line.startswith("\t"):
            lines.append(line[1:].lstrip("@+-"))
        else:
            m = re.match(r"^(\w+)\s*[:?]?=\s*(.+)$", line)
            if m and m.group(1) in ("CAPNP_COMPILE", "KERNELS_PEER_ENV", "SLUICE_DEBUG_BUILD"):
                lines.append(m.group(2))
    code = "\n".join(lines)
    for var, cmd in (("$(PYTHON)", "python3"), ("$(SWIFT)", "swift"), ("$(MAKE)", "make"),
                     ("$(CAPNP_COMPILE)", "capnp"), ("$(SLUICE_DEBUG_BUILD)", "swift"), ("$(KERNELS_PEER_ENV)", "env")):
        code = code.replace(var, cmd)
    code = code.replace("$$", "\0")  # the shell's own $, kept
    while True:  # make variables and functions, innermost first
        code, count = re.subn(r"\$\([^()$]*\)", "X/", code)
        if count == 0:
            break
    code = re.sub(r"\$[@<^*|]", "X/", code)
    return code.replace("\0", "$")


def commands_in(path: str, kind: str, functions: set):
    with open(path, errors="replace") as f:
        text = f.read()
    found = []
    if kind in ("make", "shell"):
        code = shell_code(make_recipes(text) if kind == "make" else text, run_helper=path.startswith("Tests/Pipeline/"))
        for w in words_in_command_position(code):
            if w.startswith("/usr/bin/"):
                w = w[len("/usr/bin/"):]
            elif "$" in w or "/" in w or w in functions or w in SHELL_WORDS or w.endswith((".py", ".sh")):
                continue
            if re.match(r"^[A-Za-z][\w.+-]*$", w):
                found.append(w)
    elif kind == "python":
        for m in re.finditer(r"(?:run|Popen|check_output|check_call|call)\(\s*\[\s*\"([A-Za-z][\w.+-]*)\"", text):
            found.append(m.group(1))
        for m in re.finditer(r"shutil\.which\(\"([A-Za-z][\w.+-]*)\"\)", text):
            found.append(m.group(1))
    elif kind == "swift":
        for m in re.finditer(r"arguments\s*=\s*\[([^\]]*)\]", text):
            for w in re.findall(r"\"([A-Za-z][\w.+-]*)\"", m.group(1)):
                found.append(w)
                break  # the first string literal that names a program
        for m in re.finditer(r"fileURLWithPath:\s*\"/usr/bin/([\w.+-]+)\"", text):
            found.append(m.group(1))
    return [w for w in found if w not in OUR_TOOLS]


def owning_package(command: str):
    path = shutil.which(command)
    if path is None:
        return None, None
    real = os.path.realpath(path)
    for candidate in (path, real):
        r = subprocess.run(["dpkg-query", "-S", candidate], capture_output=True, text=True)
        if r.returncode == 0:
            return r.stdout.split(":")[0].strip(), path
        # /bin is a symlink to /usr/bin on Debian 12: dpkg may record either spelling.
        alt = candidate.replace("/usr/bin/", "/bin/") if candidate.startswith("/usr/bin/") else candidate.replace("/bin/", "/usr/bin/", 1)
        r = subprocess.run(["dpkg-query", "-S", alt], capture_output=True, text=True)
        if r.returncode == 0:
            return r.stdout.split(":")[0].strip(), path
    return "", path


def essential(package: str) -> bool:
    r = subprocess.run(["dpkg-query", "-W", "-f=${Essential} ${Priority}", package], capture_output=True, text=True)
    return r.returncode == 0 and (r.stdout.startswith("yes") or r.stdout.split()[-1:] == ["required"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--apt", required=True, help="the Makefile's APT_PACKAGES")
    ap.add_argument("--list", action="store_true", help="print every command with its provider")
    a = ap.parse_args()
    apt = set(a.apt.split())
    shell_files = [p for pat in SOURCES["shell"] + SOURCES["make"] for p in glob.glob(pat, recursive=True)]
    functions = set()
    for p in shell_files:
        with open(p, errors="replace") as f:
            functions |= set(FUNCTION_DEF.findall(f.read()))
    callers = {}
    for kind, patterns in SOURCES.items():
        for pat in patterns:
            for path in sorted(glob.glob(pat, recursive=True)):
                if "/Generated/" in path or "/.build" in path:
                    continue
                for c in commands_in(path, kind, functions):
                    callers.setdefault(c, path)
    problems = []
    for command in sorted(callers):
        if command in BASE_COMMANDS:
            provider = BASE_COMMANDS[command]
        else:
            package, path = owning_package(command)
            if package is None:
                problems.append(f"test-deps: {command} (called by {callers[command]}) is not installed; add its package to APT_PACKAGES")
                continue
            if package == "":
                problems.append(f"test-deps: {command} ({path}, called by {callers[command]}) belongs to no Debian package; install it through make deps")
                continue
            if package in apt:
                provider = f"{package} (make deps)"
            elif essential(package):
                provider = f"{package} (Debian essential/required)"
            else:
                problems.append(f"test-deps: {command} (called by {callers[command]}) comes from {package}, which make deps does not install; add it to APT_PACKAGES")
                continue
        if a.list:
            print(f"{command:16} {provider:44} {callers[command]}")
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        return 1
    print(f"test-deps: {len(callers)} external commands, each installed by make deps or the base image")
    return 0


if __name__ == "__main__":
    sys.exit(main())
