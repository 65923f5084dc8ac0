#!/usr/bin/env bash
# Performance at scale: craftpub build and check, a second build after one
# edit, and craftpub serve's rebuild after one edit, on generated corpora,
# side by side with Hugo rendering the same content. Prints a table of medians: wall time, CPU time (user + sys) and
# peak memory (max RSS), measured by GNU time (wait4's rusage).
#
#   bash benches/scale.sh                  # small and large, 3 runs each
#   RUNS=5 SIZES=small bash benches/scale.sh
#   WORK=/tmp/scale bash benches/scale.sh  # where corpora and outputs go
#
# Sizes (versions x languages x modules x requirements per module):
#   small  3 x 3 x 5 x 20
#   large  20 x 10 x 10 x 50
# Corpora come from examples/gen_corpus (seed 1), and the Hugo site from the
# same generator (--hugo): one page per chapter, language and version, with
# the text craftpub shows there. After the runs, `cp -r` of each output
# gives the floor of writing it: the same files and bytes, nothing rendered. Runs are interleaved (craftpub, then Hugo,
# in each round), so a busy machine slows both alike.
#
# Installs Debian's hugo and time packages when they are missing (CI
# machines are fresh). Not part of cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
RUNS=${RUNS:-3}
SIZES=${SIZES:-small large}
WORK=${WORK:-$REPO/target/scale}

install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}
missing=()
[ -x /usr/bin/time ] || missing+=(time)
command -v hugo >/dev/null 2>&1 || missing+=(hugo)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} (Debian packages)" >&2
  install "${missing[@]}"
fi
# Search assets come from theme/node_modules (the generated corpora link it).
[ -d theme/node_modules ] || (cd theme && npm ci --no-audit --no-fund >/dev/null)

cargo build --release --quiet --bin craftpub --example gen_corpus
CRAFTPUB=$REPO/target/release/craftpub
GEN=$REPO/target/release/examples/gen_corpus
mkdir -p "$WORK"

# ext4 skips inodes freed in the last minutes when it creates files
# (recently_deleted() in fs/ext4/ialloc.c: 60 s, 300 s while their block
# is dirty), so a build right after deleting a large output spends several
# times the usual system time. Deletions of large outputs are stamped in
# $WORK/.deleted-at; a run waits until five minutes have passed since.
SETTLE=${SETTLE:-300}
wait_for_settled_fs() {
  [ -f "$WORK/.deleted-at" ] || return 0
  local left=$(($(cat "$WORK/.deleted-at") + SETTLE - $(date +%s)))
  if [ "$left" -gt 0 ]; then
    echo "waiting ${left} s: many files were deleted here less than ${SETTLE} s ago (SETTLE=0 to skip)" >&2
    sleep "$left"
  fi
}
remove_outputs() { # remove_outputs DIR: removes DIR; stamps the time when it held many files
  [ -d "$1" ] || return 0
  local files
  files=$(find "$1" -type f | wc -l)
  rm -rf "$1"
  if [ "$files" -gt 20000 ]; then date +%s >"$WORK/.deleted-at"; fi
}

size_args() {
  case $1 in
    small) echo "--versions 3 --languages 3 --modules 5 --requirements 20" ;;
    large) echo "--versions 20 --languages 10 --modules 10 --requirements 50" ;;
    *) echo "unknown size $1 (small, large)" >&2; exit 2 ;;
  esac
}

# measure NAME CMD...: runs CMD under GNU time, appends "wall user sys rss_kb" to $WORK/NAME.times.
measure() {
  local name=$1
  shift
  local t
  t=$(mktemp)
  if ! /usr/bin/time -f "%e %U %S %M" -o "$t" "$@" >"$WORK/$name.log" 2>&1; then
    echo "failed: $* (see $WORK/$name.log)" >&2
    cat "$WORK/$name.log" >&2
    exit 1
  fi
  cat "$t" >>"$WORK/$name.times"
  rm -f "$t"
}

# median FILE COLUMN
median() {
  sort -g -k"$2","$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# The one edit of the incremental rebuild: the title of the current
# version's module 1, toggled so that every run changes the file.
edit_one_file() {
  local latest
  latest=$(grep -l 'status = "current"' "$1"/standard/*/version.toml | xargs dirname)
  local file=$latest/module-1.md
  if grep -q '^title = "Module 1: ' "$file"; then
    sed -i 's/^title = "Module 1: /title = "Module 1. /' "$file"
  else
    sed -i 's/^title = "Module 1. /title = "Module 1: /' "$file"
  fi
}

# serve_rebuilds SIZE CORPUS: starts craftpub serve on the corpus, waits for
# its first build, then makes RUNS edits one at a time, each waited for;
# appends "seconds parts_rendered parts_total" per rebuild (serve's own log:
# "rebuilt in N ms (R of T cached parts rendered ...)") to
# $WORK/SIZE.serve.times, and prints serve's peak resident memory (VmHWM).
serve_rebuilds() {
  local size=$1 corpus=$2 log=$WORK/$1.serve.log
  "$CRAFTPUB" serve --root "$corpus" --port 0 >/dev/null 2>"$log" &
  local pid=$!
  wait_for() { # wait_for PATTERN COUNT: until the log has COUNT lines matching PATTERN
    local waited=0
    while [ "$(grep -c "$1" "$log")" -lt "$2" ]; do
      sleep 0.2
      waited=$((waited + 1))
      if [ $waited -gt 6000 ] || ! kill -0 "$pid" 2>/dev/null; then
        echo "serve did not log '$1' (see $log)" >&2
        cat "$log" >&2
        exit 1
      fi
    done
  }
  wait_for "built .* files in" 1
  for run in $(seq "$RUNS"); do
    edit_one_file "$corpus"
    wait_for "rebuilt in" "$run"
  done
  serve_peak_kb=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")
  kill -INT "$pid"
  wait "$pid" || true
  sed -n 's/.*rebuilt in \([0-9]*\) ms (\([0-9]*\) of \([0-9]*\) cached parts.*/\1 \2 \3/p' "$log" |
    awk '{ printf "%.2f %d %d\n", $1 / 1000, $2, $3 }' >"$WORK/$size.serve.times"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "craftpub $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(hugo version | cut -d' ' -f1-2), $RUNS runs per figure, medians"
for size in $SIZES; do
  corpus=$WORK/$size
  hugo_src=$WORK/$size-hugo
  # shellcheck disable=SC2046
  "$GEN" --out "$corpus" $(size_args "$size") --seed 1 --hugo "$hugo_src" 2>"$WORK/$size.gen.log"
  sed 's/^gen_corpus: /  /' "$WORK/$size.gen.log"
  rm -f "$WORK/$size".*.times
  # Every run writes into new folders, removed only after the last run (see
  # wait_for_settled_fs): deleting between runs would weigh on whoever came second.
  outs=$WORK/out-$size
  remove_outputs "$outs"
  wait_for_settled_fs
  mkdir -p "$outs"
  for run in $(seq "$RUNS"); do
    measure "$size.build" "$CRAFTPUB" build --root "$corpus" --out "$outs/craftpub-$run"
    measure "$size.hugo" hugo --quiet --source "$hugo_src" --destination "$outs/hugo-$run"
    measure "$size.check" "$CRAFTPUB" check --root "$corpus"
    edit_one_file "$corpus"
    measure "$size.rebuild" "$CRAFTPUB" build --root "$corpus" --out "$outs/craftpub-$run"
    echo "  $size: round $run of $RUNS done" >&2
  done
  # The floor under any build that writes these outputs: copying them
  # (cp -r, one thread, the source in the page cache) creates the same
  # files and writes the same bytes, and renders nothing.
  measure "$size.copy" cp -r "$outs/craftpub-1" "$outs/copy-craftpub"
  measure "$size.copyhugo" cp -r "$outs/hugo-1" "$outs/copy-hugo"
  # The same on every core: the output's top folders (and api/'s) copied
  # by as many cp processes at once.
  mkdir -p "$outs/copy2-craftpub/api"
  measure "$size.copy2" bash -c 'cd "$1" && { ls -A | grep -vx api; ls -A api | sed "s|^|api/|"; } | xargs -P"$(nproc)" -I{} cp -r {} "$2/{}"' \
    copy2 "$outs/craftpub-1" "$outs/copy2-craftpub"
  serve_rebuilds "$size" "$corpus"
  files=$(find "$outs/craftpub-1" -type f | wc -l)
  bytes=$(du -sm "$outs/craftpub-1" | cut -f1)
  hugo_files=$(find "$outs/hugo-1" -type f | wc -l)
  hugo_bytes=$(du -sm "$outs/hugo-1" | cut -f1)
  echo
  echo "$size corpus: craftpub writes $files files ($bytes MB); Hugo writes $hugo_files files ($hugo_bytes MB)"
  printf "  %-34s %8s %8s %8s %8s %11s\n" "task" "wall s" "CPU s" "user s" "sys s" "max RSS MB"
  for task in build check rebuild hugo copy copy2 copyhugo; do
    f=$WORK/$size.$task.times
    label=$task
    case $task in
      build) label="craftpub build (full)" ;;
      check) label="craftpub check" ;;
      rebuild) label="craftpub build after one edit" ;;
      hugo) label="hugo (pages only, same content)" ;;
      copy) label="cp -r of craftpub's output" ;;
      copy2) label="the same, on every core" ;;
      copyhugo) label="cp -r of Hugo's output" ;;
    esac
    awk '{ printf "%.2f\n", $2 + $3 }' "$f" >"$f.cpu"
    printf "  %-34s %8s %8s %8s %8s %11s\n" "$label" "$(median "$f" 1)" "$(median "$f.cpu" 1)" \
      "$(median "$f" 2)" "$(median "$f" 3)" "$(awk -v k="$(median "$f" 4)" 'BEGIN { printf "%.0f", k / 1024 }')"
  done
  bw=$(median "$WORK/$size.build.times" 1)
  hw=$(median "$WORK/$size.hugo.times" 1)
  bc=$(median "$WORK/$size.build.times.cpu" 1)
  hc=$(median "$WORK/$size.hugo.times.cpu" 1)
  bm=$(median "$WORK/$size.build.times" 4)
  hm=$(median "$WORK/$size.hugo.times" 4)
  awk -v bw="$bw" -v hw="$hw" -v bc="$bc" -v hc="$hc" -v bm="$bm" -v hm="$hm" \
    'BEGIN { printf "  craftpub build / hugo: wall %.2f, CPU %.2f, peak memory %.2f\n", bw / hw, bc / hc, bm / hm }'
  f=$WORK/$size.serve.times
  printf "  craftpub serve, rebuild after one edit: median %s s wall, %s of %s cached parts rendered; serve's peak RSS %s MB\n" \
    "$(median "$f" 1)" "$(median "$f" 2)" "$(median "$f" 3)" "$((serve_peak_kb / 1024))"
  remove_outputs "$outs"
done
