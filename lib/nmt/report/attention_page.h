// Attention pictures for `nmt attention`: per sentence, one heatmap per requested map (the
// decoder's cross-attention, optionally per head, and encoder/decoder self-attention), written
// either as one HTML page or as one SVG with the heatmaps stacked. Plain C++: the figures are
// computed from a model by attention_extraction.h.
#pragma once

#include <string>
#include <vector>

#include "nmt/report/attention_figure.h"
#include "nmt/report/svg_heatmap.h"

namespace nmt::report {

// Heatmap options for an attention figure: colour scale from 0 to the largest weight, cells sized
// so a 40-piece sentence stays on a screen, tooltips with the weight of each (query, key) pair.
HeatmapOptions attention_heatmap_options(const AttentionFigure& figure, const std::string& id);

// A self-contained HTML page: each sentence with its translation, notes and heatmaps.
std::string attention_html(const std::vector<AttentionSentence>& sentences,
                           const std::string& title);

// One standalone SVG: per sentence a caption line, then its heatmaps one below the other.
std::string attention_svg(const std::vector<AttentionSentence>& sentences);

}  // namespace nmt::report
