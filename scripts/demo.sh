#!/usr/bin/env bash
# The main job, on a fresh machine: set up, get Multi30k, train an English->German transformer
# (the `small` preset) for a few minutes on the CPU, translate test_2016_flickr and score it.
#   scripts/demo.sh [MINUTES=8] [RUN_DIR=runs/demo-en-de]
# MINUTES is the run's total training time (train.max_minutes): run the script again with a
# larger value and it resumes RUN_DIR up to that total. Takes about MINUTES + 3 minutes after the
# build (vocabulary, translation, scoring).
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-8}
run=${2:-runs/demo-en-de}
data=data/multi30k

echo "[demo] takes about $((minutes + 2)) minutes after the build: $minutes of training, then translating and"
echo "[demo] scoring; on a fresh 2-core machine installing the packages (~3 min) and building (~12 min) come first"
scripts/setup.sh
nmt=build/app/nmt
data/get_multi30k.sh "$data"

echo
echo "== Training the small transformer en->de for $minutes minutes (progress below) =="
if [ -f "$run/checkpoints/last.pt" ]; then
  echo "[demo] $run exists: resuming it up to $minutes minutes in total (delete it to start over)"
  "$nmt" train --resume "$run" --set train.max_minutes="$minutes"
else
  "$nmt" train --preset small --out "$run" \
    --src "$data/train.en.gz" --tgt "$data/train.de.gz" \
    --valid-src "$data/val.en.gz" --valid-tgt "$data/val.de.gz" \
    --set train.max_minutes="$minutes" --set train.valid_every=500
fi

echo
echo "== Translating test_2016_flickr (1000 sentences, beam 5) =="
zcat "$data/test_2016_flickr.en.gz" > "$run/test_2016_flickr.en"
zcat "$data/test_2016_flickr.de.gz" > "$run/test_2016_flickr.de"
"$nmt" translate -m "$run" -i "$run/test_2016_flickr.en" -o "$run/test_2016_flickr.hyp.de"

echo
echo "== Sample translations =="
paste -d '\n' <(head -5 "$run/test_2016_flickr.en" | sed 's/^/src: /') \
              <(head -5 "$run/test_2016_flickr.hyp.de" | sed 's/^/hyp: /') \
              <(head -5 "$run/test_2016_flickr.de" | sed 's/^/ref: /') \
              <(head -5 "$run/test_2016_flickr.en" | sed 's/.*//')

echo "== Scores (sacreBLEU-compatible) =="
"$nmt" bleu -r "$run/test_2016_flickr.de" -i "$run/test_2016_flickr.hyp.de" --metrics bleu,chrf

cat <<NEXT

Next:
  $nmt translate -m $run <<< "A man is riding a bike."     # translate anything
  $nmt attention -m $run -o attention.html <<< "Two dogs play in the snow."
  $nmt report $run -o report.html                             # learning curves
  scripts/demo.sh 20 $run                          # resume, up to 20 minutes of training in total
  scripts/recipe_multi30k.sh en de   # the 90-minute recipe (README.md, "Results")
NEXT
