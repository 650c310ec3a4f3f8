#!/bin/sh
# Writes the properties `fcproc --version` prints: the project version and the git commit the
# jar is built from. Run by `mvn package` (exec-maven-plugin, generate-resources phase):
#   build-info.sh <project root> <project version> <output file>
# The commit is `git describe --always --dirty` with no tag allowed to match, so it is the full
# commit id, with -dirty when the work tree had changes. It is "unknown commit" when there is no
# git, no repository, or when the repository found is not this project's own (a source tarball
# unpacked inside some other repository must not claim that repository's commit). It never fails
# the build.
root=$1
version=$2
out=$3
commit="unknown commit"
if command -v git >/dev/null 2>&1; then
  top=$(git -C "$root" rev-parse --show-toplevel 2>/dev/null)
  here=$(cd "$root" 2>/dev/null && pwd -P)
  if [ -n "$top" ] && [ "$(cd "$top" && pwd -P)" = "$here" ]; then
    described=$(git -C "$root" describe --always --dirty --abbrev=40 --match='no tag matches this' 2>/dev/null) \
      && [ -n "$described" ] && commit=$described
  fi
fi
mkdir -p "$(dirname "$out")" || exit 0
printf 'version=%s\ncommit=%s\n' "$version" "$commit" > "$out" || exit 0
exit 0
