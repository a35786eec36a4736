# shellcheck shell=bash
# Which Debian archive does this machine's apt already use? Prints "URI SIGNED-BY"
# (SIGNED-BY may be empty) for the first enabled `deb` source that serves Debian's
# main archive (a suite named bookworm, or a URI ending in /debian; never -security).
# Nothing here names a mirror: the answer comes from the machine's own apt sources.
# An argument reads the sources under another root (the tests use that). Callers may run
# with pipefail and an ERR trap: nothing in here fails for a missing or unreadable file.
debian_archive() {
  local root=${1:-}
  local parts=("$root"/etc/apt/sources.list.d/*.sources)
  local lists=("$root"/etc/apt/sources.list "$root"/etc/apt/sources.list.d/*.list)
  {
    # deb822 stanzas: "Types: deb", "URIs: ...", "Suites: ...", "Signed-By: ..."
    for f in "${parts[@]}"; do if [ -r "$f" ]; then cat "$f"; echo; fi; done | awk '
      BEGIN { RS = ""; FS = "\n" }
      {
        types = uris = suites = key = ""; enabled = "yes"
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^[ \t]*#/ || index($i, ":") == 0) continue
          name = tolower(substr($i, 1, index($i, ":") - 1)); value = substr($i, index($i, ":") + 1)
          gsub(/^[ \t]+|[ \t]+$/, "", value)
          if (name == "types") types = value; else if (name == "uris") uris = value
          else if (name == "suites") suites = value; else if (name == "signed-by") key = value
          else if (name == "enabled") enabled = tolower(value)
        }
        split(uris, u, /[ \t]+/)
        if (enabled != "no" && (" " types " ") ~ / deb / && u[1] !~ /security/ &&
            ((" " suites " ") ~ / bookworm / || u[1] ~ /\/debian\/?$/)) print u[1], key
      }'
    # one-line sources: "deb [signed-by=...] URI suite component..."
    for f in "${lists[@]}"; do if [ -r "$f" ]; then cat "$f"; fi; done | awk '
      $1 == "deb" {
        key = ""; i = 2
        if ($2 ~ /^\[/) { while (i <= NF) { if ($i ~ /^\[?signed-by=/) { key = $i; sub(/^\[?signed-by=/, "", key); sub(/\]$/, "", key) }
                                             if ($i ~ /\]$/) { i++; break }; i++ } }
        uri = $i; suite = $(i + 1)
        if (uri !~ /security/ && (suite == "bookworm" || uri ~ /\/debian\/?$/)) print uri, key
      }'
  } | awk 'NR == 1'   # the first answer; awk reads to the end (head would end the pipe early: SIGPIPE)
}
