#include "nmt/serving/page.h"

namespace nmt::serving {

// Long only because it holds the page: HTML, CSS and the script, as one raw string.
const std::string& translation_page() {
  static const std::string page = R"PAGE(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nmt translate</title>
<style>
  body { font: 16px/1.45 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d232b; }
  main { max-width: 980px; margin: 0 auto; padding: 24px; }
  h1 { font-size: 22px; margin: 0 0 4px; }
  .sub { color: #5b6673; margin: 0 0 18px; font-size: 14px; }
  .panes { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
  textarea, #result { width: 100%; box-sizing: border-box; min-height: 180px; padding: 12px;
    border: 1px solid #c9d0d8; border-radius: 8px; font: inherit; background: #fff; }
  #result { white-space: pre-wrap; }
  .bar { display: flex; gap: 14px; align-items: center; margin: 14px 0; flex-wrap: wrap; }
  button { font: inherit; padding: 8px 22px; border: 0; border-radius: 8px; background: #2563eb;
    color: #fff; cursor: pointer; }
  button:disabled { background: #94a3b8; }
  label { font-size: 14px; color: #374151; }
  input[type=number] { width: 4em; font: inherit; }
  #timing { color: #5b6673; font-size: 14px; }
  #error { color: #b91c1c; font-size: 14px; }
  #attention { margin-top: 18px; overflow-x: auto; background: #fff; border-radius: 8px; }
</style>
</head>
<body>
<main>
  <h1>nmt translate</h1>
  <p class="sub" id="model">Translate with the model this server loaded. One sentence a line.</p>
  <div class="panes">
    <textarea id="source" placeholder="Type text to translate" autofocus></textarea>
    <div id="result" aria-live="polite"></div>
  </div>
  <div class="bar">
    <button id="translate" type="button">Translate</button>
    <label>Beam <input id="beam" type="number" min="1" max="64" value="5"></label>
    <label><input id="show-attention" type="checkbox"> Attention of the first line</label>
    <span id="timing"></span>
    <span id="error"></span>
  </div>
  <div id="attention"></div>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
async function post(path, body) {
  const r = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" },
                                body: JSON.stringify(body) });
  const j = await r.json();
  if (!r.ok) throw new Error(j.error || ("HTTP " + r.status));
  return j;
}
async function translate() {
  const lines = $("source").value.split("\n");
  const beam = parseInt($("beam").value, 10) || 5;
  $("error").textContent = "";
  $("translate").disabled = true;
  const t0 = performance.now();
  try {
    const j = await post("/translate", { q: lines, beam: beam });
    $("result").textContent = j.translatedText.join("\n");
    const ms = performance.now() - t0;
    $("timing").textContent = lines.length + (lines.length === 1 ? " line" : " lines") +
        " in " + ms.toFixed(0) + " ms" + (j.warnings ? " (" + j.warnings.join("; ") + ")" : "");
    $("attention").textContent = "";
    const first = lines.find((l) => l.trim() !== "");
    if ($("show-attention").checked && first) {
      const a = await post("/attention", { q: first, beam: beam });
      $("attention").innerHTML = a.svg;
    }
  } catch (e) {
    $("error").textContent = e.message;
  } finally {
    $("translate").disabled = false;
  }
}
$("translate").addEventListener("click", translate);
$("source").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) translate();
});
fetch("/info").then((r) => r.json()).then((i) => {
  $("model").textContent = "Model " + i.model_file + " \u00b7 " + i.parameters + " \u00b7 " +
      i.precision + " \u00b7 Ctrl+Enter translates. One sentence a line.";
  $("beam").value = i.decode.beam;
}).catch(() => {});
</script>
</body>
</html>
)PAGE";
  return page;
}

}  // namespace nmt::serving
