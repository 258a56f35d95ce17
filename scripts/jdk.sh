# Sourced by the launcher and the build scripts: sets JAVA_HOME to a JDK >= 22 (Temurin 25 preferred).
# Order: $JAVA25_HOME, $JAVA_HOME, Temurin 25, any other JDK under /usr/lib/jvm, then `java` on the PATH.
sf_java_major() {  # prints the major version of the JDK at $1, or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -n 1
}
sf_find_jdk() {
  local c v
  for c in "${JAVA25_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [ -n "$c" ] || continue
    v=$(sf_java_major "$c")
    if [ -n "$v" ] && [ "$v" -ge 22 ]; then echo "$c"; return 0; fi
  done
  if command -v javac >/dev/null 2>&1; then
    c=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    v=$(sf_java_major "$c")
    if [ -n "$v" ] && [ "$v" -ge 22 ]; then echo "$c"; return 0; fi
  fi
  return 1
}
if ! SF_JDK=$(sf_find_jdk); then
  echo "sparsefeat: no JDK >= 22 found (looked at \$JAVA25_HOME, \$JAVA_HOME, /usr/lib/jvm/*, PATH)." >&2
  echo "  Install Temurin 25 (https://adoptium.net) or any JDK >= 22 and set JAVA_HOME to it." >&2
  exit 3
fi
export JAVA_HOME="$SF_JDK"
