# Shared by the scripts and benchmarks: sourced, never run.

# require_tools TOOL...: each TOOL (a command or a path, or python3:MODULE for Debian's python3) must
# be there. Otherwise says which are missing and how to install them, and exits 1: a benchmark
# never installs anything itself.
require_tools() {
  local missing=() tool
  for tool in "$@"; do
    case "$tool" in
      python3:*) /usr/bin/python3 -c "import ${tool#python3:}" 2>/dev/null || missing+=("$tool") ;;
      *) command -v "$tool" >/dev/null 2>&1 || missing+=("$tool") ;;
    esac
  done
  if ((${#missing[@]})); then
    echo "missing: ${missing[*]}; install them with: sudo bash scripts/install-deps.sh --bench" >&2
    exit 1
  fi
}
