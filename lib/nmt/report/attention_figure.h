// An attention map ready to draw: weights with the pieces that label its rows and columns. Plain
// data shared by `nmt attention` (attention_page.h) and the training report (report_data.h);
// attention_extraction.h fills it from a model.
#pragma once

#include <string>
#include <vector>

#include "nmt/report/matrix.h"

namespace nmt::report {

struct AttentionFigure {
  std::string title;  // e.g. "cross-attention · layer 3/3 · mean of 4 heads"
  std::vector<std::string>
      row_labels;  // queries: produced target pieces (or inputs, self-attention)
  std::vector<std::string> col_labels;  // keys: source pieces (or target inputs)
  std::string row_axis;                 // e.g. "translation"
  std::string col_axis;                 // e.g. "source"
  Matrix weights;                       // [rows, cols], each row a distribution
};

struct AttentionSentence {
  std::string source;       // the input sentence
  std::string translation;  // the target the maps were computed for
  std::vector<AttentionFigure> figures;
  std::vector<std::string> notes;  // e.g. "rnn: no self-attention to draw"
};

}  // namespace nmt::report
