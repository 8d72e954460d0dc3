#!/usr/bin/env bash
# Builds every sample and corpus set (both profiles) with REV and with the working tree, and compares
# the outputs file by file: the tables, acpi.img and dom0.dtb must be byte-identical; manifest.json
# differences are listed (they are the documented log and code changes, see CHANGELOG.md), and so
# are report.html's (the record of what was written, .dom0-acpi-files.json, follows both).
# Usage: scripts/compare-builds.sh REV   (run from the repository; needs ../shared/corpus for the corpus sets)
set -euo pipefail
rev=${1:?usage: scripts/compare-builds.sh REV}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/old" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$root" worktree add --detach "$work/old" "$rev" >/dev/null 2>&1
ln -s "$root/node_modules" "$work/old/node_modules"
(cd "$work/old" && npx tsc -p tsconfig.build.json >/dev/null && node scripts/bundle.mjs >/dev/null)
# the installed command: dist/dom0-acpi.mjs up to the CommonJS launcher, dist/dom0-acpi.cjs since
oldbin="$work/old/dist/dom0-acpi.cjs"; [ -f "$work/old/dist/dom0-acpi.mjs" ] && oldbin="$work/old/dist/dom0-acpi.mjs"
(cd "$root" && npm run build --silent >/dev/null)
inputs=()
for d in "$root"/samples/*/; do [ -f "$d/acpidump.txt" ] && inputs+=("$d/acpidump.txt"); done
for f in "$root"/../shared/corpus/*/acpidump.txt; do [ -f "$f" ] && inputs+=("$f"); done
same=0 differ=0 notes=0 reports=0
keep=(-x manifest.json -x report.html -x .dom0-acpi-files.json)
for input in "${inputs[@]}"; do
  name=$(basename "$(dirname "$input")")
  extra=()
  case "$name" in qemu-sbsa-ref) extra=(--mem 0x10000000000:0x40000000 --base 0x10040000000) ;; morello-fvp) extra=(--mem 0x80000000:0x40000000 --base 0xC0000000) ;; esac
  for profile in design xen; do
    for side in old new; do
      bin="$root/dist/dom0-acpi.cjs"; [ "$side" = old ] && bin="$oldbin"
      node "$bin" build "$input" -o "$work/$side-$name-$profile" --profile "$profile" --bootargs console=hvc0 "${extra[@]}" >/dev/null 2>&1 || echo "refused" > "$work/$side-$name-$profile.refused"
    done
    if [ -e "$work/old-$name-$profile.refused" ] || [ -e "$work/new-$name-$profile.refused" ]; then
      if [ -e "$work/old-$name-$profile.refused" ] && [ -e "$work/new-$name-$profile.refused" ]; then same=$((same + 1)); else echo "DIFFER $name $profile: refused on one side only"; differ=$((differ + 1)); fi
      continue
    fi
    if diff -r -q "${keep[@]}" "$work/old-$name-$profile" "$work/new-$name-$profile" >/dev/null; then
      same=$((same + 1))
      cmp -s "$work/old-$name-$profile/manifest.json" "$work/new-$name-$profile/manifest.json" || notes=$((notes + 1))
      cmp -s "$work/old-$name-$profile/report.html" "$work/new-$name-$profile/report.html" 2>/dev/null || reports=$((reports + 1))
    else
      echo "DIFFER $name $profile:"; diff -r -q "${keep[@]}" "$work/old-$name-$profile" "$work/new-$name-$profile" || true
      differ=$((differ + 1))
    fi
  done
done
echo "$same build(s) byte-identical (tables, acpi.img, dom0.dtb), $differ differ; $notes manifest(s) changed, $reports report(s) changed"
[ "$differ" -eq 0 ]
