// The translation page `nmt serve` answers GET / with: one self-contained HTML document (inline
// CSS and script, no external URL) with a text box, a Translate button, the translation, the
// time it took, and on request the cross-attention heatmap of the first line (POST /attention).
#pragma once

#include <string>

namespace nmt::serving {

const std::string& translation_page();

}  // namespace nmt::serving
