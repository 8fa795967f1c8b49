#!/usr/bin/env bash
# Gets Multi30k (task 1: train, val, test_2016_flickr, test_2017_flickr in en, de, fr, cs where
# they exist) as the dataset's own raw .gz files, into DEST_DIR (default: data/multi30k, which git
# ignores). Without network when it can: from --from DIR, or from ../shared/data/multi30k next to
# the repository when that exists; otherwise it downloads from the dataset's GitHub repository
# (multi30k/dataset, data/task1/raw/). Files already in DEST_DIR and intact are kept.
# Also the dataset's lowercased, Moses-tokenized en/de references of val and the test sets
# (data/task1/tok/*.lc.norm.tok.*) into DEST_DIR/tok/, for BLEU comparable with papers.
#
#   data/get_multi30k.sh                      # -> data/multi30k/train.en.gz, ...
#   data/get_multi30k.sh /tmp/m30k --from ~/corpora/multi30k --copy
set -euo pipefail

usage() {
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
  echo "usage: $0 [DEST_DIR] [--from DIR] [--copy] [--download]"
  echo "  --from DIR   take the files from DIR (no network)"
  echo "  --copy       copy instead of symlinking files taken from a local directory"
  echo "  --download   always download, even when a local copy exists"
}

repo_root="$(cd "$(dirname "$0")/.." && pwd)"
dest="" from="" copy=0 download=0
while [ $# -gt 0 ]; do
  case "$1" in
    --from) [ $# -ge 2 ] || { usage >&2; exit 2; }; from="$2"; shift 2 ;;
    --from=*) from="${1#--from=}"; shift ;;
    --copy) copy=1; shift ;;
    --download) download=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "error: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) [ -z "$dest" ] || { echo "error: more than one DEST_DIR" >&2; exit 2; }; dest="$1"; shift ;;
  esac
done
dest="${dest:-$repo_root/data/multi30k}"
if [ -z "$from" ] && [ "$download" = 0 ] && [ -d "$repo_root/../shared/data/multi30k" ]; then
  from="$repo_root/../shared/data/multi30k"
fi
if [ -n "$from" ] && [ ! -d "$from" ]; then
  echo "error: --from $from: no such directory" >&2
  exit 1
fi

# MULTI30K_URL overrides the source (e.g. a mirror, or file:///... to test this script offline).
base_url="${MULTI30K_URL:-https://raw.githubusercontent.com/multi30k/dataset/master/data/task1/raw}"
# split:expected line count, and the languages each split exists in.
splits="train:29000 val:1014 test_2016_flickr:1000 test_2017_flickr:1000"
languages() { case "$1" in test_2017_flickr) echo "en de fr" ;; *) echo "en de fr cs" ;; esac; }

fetch() {  # URL OUT
  if command -v curl > /dev/null; then curl -fsSL --retry 3 -o "$2" "$1"
  elif command -v wget > /dev/null; then wget -q -O "$2" "$1"
  else echo "error: neither curl nor wget is installed; use --from DIR" >&2; return 1
  fi
}

mkdir -p "$dest"
[ -z "$from" ] || from="$(cd "$from" && pwd)"
status=0
for entry in $splits; do
  split="${entry%%:*}" expected="${entry##*:}"
  for lang in $(languages "$split"); do
    name="$split.$lang.gz"
    out="$dest/$name"
    if [ -e "$out" ] && gzip -t "$out" 2> /dev/null; then
      :  # already there and intact
    elif [ -n "$from" ]; then
      if [ ! -f "$from/$name" ]; then
        echo "error: $from/$name is missing" >&2; status=1; continue
      fi
      rm -f "$out"
      if [ "$copy" = 1 ]; then cp "$from/$name" "$out"; else ln -s "$from/$name" "$out"; fi
    else
      echo "downloading $name" >&2
      if ! fetch "$base_url/$name" "$out.part" || ! gzip -t "$out.part" 2> /dev/null; then
        echo "error: could not download $base_url/$name" >&2; rm -f "$out.part"; status=1; continue
      fi
      mv "$out.part" "$out"
    fi
    lines="$(gzip -cd "$out" | wc -l | tr -d ' ')"
    if [ "$lines" != "$expected" ]; then
      echo "error: $out has $lines lines, expected $expected" >&2; status=1
    else
      printf '%-28s %6s lines\n' "$name" "$lines"
    fi
  done
done
# The tokenized references (upstream: plain text in data/task1/tok/; kept gzipped here).
tok_url="${MULTI30K_TOK_URL:-${base_url%/raw}/tok}"
mkdir -p "$dest/tok"
for entry in $splits; do
  split="${entry%%:*}" expected="${entry##*:}"
  [ "$split" != train ] || continue
  for lang in en de; do
    name="$split.lc.norm.tok.$lang"
    out="$dest/tok/$name.gz"
    if [ -e "$out" ] && gzip -t "$out" 2> /dev/null; then
      :
    elif [ -n "$from" ] && [ -f "$from/tok/$name.gz" ]; then
      rm -f "$out"
      if [ "$copy" = 1 ]; then cp "$from/tok/$name.gz" "$out"; else ln -s "$from/tok/$name.gz" "$out"; fi
    elif [ -n "$from" ]; then
      echo "warning: $from/tok/$name.gz is missing (only paper-comparable BLEU needs it)" >&2
      continue
    else
      echo "downloading tok/$name" >&2
      if ! fetch "$tok_url/$name" "$out.part.txt"; then
        echo "error: could not download $tok_url/$name" >&2; rm -f "$out.part.txt"; status=1; continue
      fi
      gzip -c "$out.part.txt" > "$out" && rm -f "$out.part.txt"
    fi
    lines="$(gzip -cd "$out" | wc -l | tr -d ' ')"
    if [ "$lines" != "$expected" ]; then
      echo "error: $out has $lines lines, expected $expected" >&2; status=1
    else
      printf '%-28s %6s lines\n' "tok/$name.gz" "$lines"
    fi
  done
done
[ "$status" = 0 ] && echo "Multi30k is in $dest" >&2
exit "$status"
