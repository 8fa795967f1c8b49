#!/usr/bin/env bash
# The Multi30k recipe: the best model this project trains on a 2-core CPU in 90 minutes of wall
# time (models/multi30k.json), then checkpoint averaging, beam search and scores on
# test_2016_flickr and test_2017_flickr with sacreBLEU-compatible signatures.
#   scripts/recipe_multi30k.sh [SRC=en] [TGT=de] [RUN_DIR=runs/multi30k-SRC-TGT] [TRAIN_ARGS...]
# TRAIN_ARGS go to `nmt train` for a new run (experiments, docs/experiments.md), e.g.
#   scripts/recipe_multi30k.sh en de runs/exp-tiny --config exp.json --set train.max_minutes=30
# Needs the build (scripts/setup.sh). Running it again resumes an unfinished run (the 90 minutes
# are counted over all sessions) and redoes averaging and scoring.
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:-en}
tgt=${2:-de}
run=${3:-runs/multi30k-$src-$tgt}
shift $(($# < 3 ? $# : 3))
data=data/multi30k
nmt=build/app/nmt
[ -x "$nmt" ] || scripts/setup.sh
data/get_multi30k.sh "$data"

echo "== Training $src->$tgt with models/multi30k.json (90 minutes of wall time) =="
if [ -f "$run/checkpoints/last.pt" ]; then
  "$nmt" train --resume "$run"
else
  "$nmt" train --preset multi30k --out "$run" \
    --src "$data/train.$src.gz" --tgt "$data/train.$tgt.gz" \
    --valid-src "$data/val.$src.gz" --valid-tgt "$data/val.$tgt.gz" "$@"
fi

# The last 5 step checkpoints (fewer in a short run; none to average with only one).
steps=$(find "$run/checkpoints" -name 'step-*.pt' | wc -l)
last=$((steps < 5 ? steps : 5))
rm -rf "$run/averaged"  # a re-run averages again
candidates=("$run")
if [ "$last" -ge 2 ]; then
  echo "== Averaging the last $last step checkpoints into $run/averaged =="
  "$nmt" average --last "$last" "$run" --out "$run/averaged"
  candidates+=("$run/averaged")
fi

# The model that scores best on the validation set (BLEU, beam 5) is the one tested.
zcat "$data/val.$src.gz" > "$run/val.$src"
zcat "$data/val.$tgt.gz" > "$run/val.$tgt"
best_bleu=-1
for model in "${candidates[@]}"; do
  bleu=$("$nmt" translate -m "$model" -i "$run/val.$src" | "$nmt" bleu -r "$run/val.$tgt" -b -w 2)
  echo "validation BLEU (beam 5) of $model: $bleu"
  if awk -v a="$bleu" -v b="$best_bleu" 'BEGIN { exit !(a > b) }'; then best_bleu=$bleu; best=$model; fi
done
echo "testing $best"

for test in test_2016_flickr test_2017_flickr; do
  zcat "$data/$test.$src.gz" > "$run/$test.$src"
  zcat "$data/$test.$tgt.gz" > "$run/$test.$tgt"
  "$nmt" translate -m "$best" -i "$run/$test.$src" -o "$run/$test.hyp.$tgt"
  echo "== $test $src->$tgt =="
  "$nmt" bleu -r "$run/$test.$tgt" -i "$run/$test.hyp.$tgt" --metrics bleu,chrf
  "$nmt" bleu -r "$run/$test.$tgt" -i "$run/$test.hyp.$tgt" --lowercase
  # Comparable with papers that score lowercased tokenized text: against the dataset's own
  # lowercased Moses-tokenized reference, both sides lowercased and 13a-tokenized (which leaves
  # that tokenization as it is, apart from unescaping &quot;).
  tok_ref="$data/tok/$test.lc.norm.tok.$tgt.gz"
  if [ -f "$tok_ref" ]; then
    zcat "$tok_ref" > "$run/$test.tok.$tgt"
    echo "tokenized-reference BLEU (lowercased, 13a, vs tok/$test.lc.norm.tok.$tgt): $(
      "$nmt" bleu -r "$run/$test.tok.$tgt" -i "$run/$test.hyp.$tgt" --lowercase -b -w 2)"
  fi
done
