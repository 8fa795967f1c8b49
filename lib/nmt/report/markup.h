// Small helpers shared by the SVG and HTML writers: escaping text for XML/HTML, compact number
// formatting for coordinates, and an estimate of how wide a label renders (SVG has no layout
// engine, so margins for labels are computed from this estimate).
#pragma once

#include <string>
#include <string_view>

namespace nmt::report {

// Escapes text for use in XML/HTML character data and attribute values (both quote kinds).
// Invalid UTF-8 and characters XML 1.0 forbids (C0 controls other than tab/newline/CR) become
// U+FFFD, so any SentencePiece piece or user sentence yields a well-formed document.
std::string escape_xml(std::string_view text);

// A coordinate with at most `decimals` decimals and no trailing zeros: 12, 12.5, -0.25.
std::string format_coord(double value, int decimals = 1);

// Number of Unicode code points in valid UTF-8 (invalid bytes count one each).
size_t utf8_length(std::string_view text);

// Estimated rendered width in pixels of `text` in a sans-serif font of `font_size` pixels:
// 0.6 em per ordinary character, 1 em per wide (CJK, Hangul, full-width, emoji) character.
// Generous on purpose: a label that fits its estimate never overlaps the plot.
double text_width(std::string_view text, double font_size);

// Cuts `text` to at most `max_chars` code points, ending with "…" when cut.
std::string truncate_utf8(std::string_view text, size_t max_chars);

}  // namespace nmt::report
