#include "nmt/report/attention_extraction.h"

#include "nmt/config/special_ids.h"
#include "nmt/util/error.h"

namespace nmt::report {
namespace {

// "layer 2/3 · mean of 4 heads" or "layer 2/3 · head 1/4".
std::string describe(int64_t layer, int64_t layers, int64_t head, int64_t heads) {
  std::string s = "layer " + std::to_string(layer + 1) + "/" + std::to_string(layers) + " \u00b7 ";
  if (head < 0) return s + (heads == 1 ? "1 head" : "mean of " + std::to_string(heads) + " heads");
  return s + "head " + std::to_string(head + 1) + "/" + std::to_string(heads);
}

// Resolves a 1-based request (0 = default, returned as -1) against what the model has.
int64_t resolve(int64_t requested, int64_t available, const char* option, const std::string& name,
                const char* noun) {
  if (requested < 0 || requested > available)
    throw ConfigError(std::string(option) + " " + std::to_string(requested) + ": the model's " +
                      name + " has " + std::to_string(available) + " " + noun +
                      " (counting from 1)");
  return requested == 0 ? -1 : requested - 1;
}

// One map family (cross, encoder self or decoder self): the mean or chosen head of the requested
// layer (or of each layer), then each head when asked.
void add_figures(const std::vector<torch::Tensor>& per_layer, const std::string& name,
                 const AttentionRequest& req, const std::vector<std::string>& rows,
                 const std::vector<std::string>& cols, const std::string& row_axis,
                 const std::string& col_axis, std::vector<AttentionFigure>& out) {
  const auto layers = static_cast<int64_t>(per_layer.size());
  int64_t first = resolve(req.layer, layers, "--layer", name, "layers");
  if (first < 0) first = layers - 1;
  int64_t last = first;
  if (req.all_layers) {
    first = 0;
    last = layers - 1;
  }
  for (int64_t layer = first; layer <= last; ++layer) {
    const torch::Tensor& maps = per_layer[static_cast<size_t>(layer)];  // [1, H, rows, cols]
    TORCH_CHECK(maps.dim() == 4 && maps.size(0) == 1 &&
                    maps.size(2) == static_cast<int64_t>(rows.size()) &&
                    maps.size(3) == static_cast<int64_t>(cols.size()),
                "attention map of unexpected shape ", maps.sizes());
    const int64_t heads = maps.size(1);
    const int64_t head = resolve(req.head, heads, "--head", name, "heads");
    const auto figure = [&](const torch::Tensor& map, int64_t h) {
      AttentionFigure f;
      f.title = name + " \u00b7 " + describe(layer, layers, h, heads);
      f.row_labels = rows;
      f.col_labels = cols;
      f.row_axis = row_axis;
      f.col_axis = col_axis;
      f.weights = to_matrix(map);
      out.push_back(std::move(f));
    };
    const torch::Tensor per_head = maps[0];  // [H, rows, cols]
    figure(head < 0 ? per_head.mean(/*dim=*/0) : per_head[head], head);
    if (req.all_heads && heads > 1)
      for (int64_t h = 0; h < heads; ++h)
        if (h != head) figure(per_head[h], h);
  }
}

}  // namespace

Matrix to_matrix(const torch::Tensor& map) {
  TORCH_CHECK(map.dim() == 2, "to_matrix: expected a 2-d tensor, got ", map.sizes());
  const torch::Tensor t = map.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  Matrix m(t.size(0), t.size(1));
  std::copy(t.data_ptr<float>(), t.data_ptr<float>() + t.numel(), m.values.begin());
  return m;
}

std::vector<AttentionFigure> attention_figures(
    Seq2SeqImpl& model, const std::vector<int64_t>& src_ids, const std::vector<int64_t>& tgt_ids,
    const std::vector<std::string>& src_pieces, const std::vector<std::string>& tgt_pieces,
    const AttentionRequest& request, std::vector<std::string>* notes) {
  TORCH_CHECK(src_ids.size() == src_pieces.size() && tgt_ids.size() == tgt_pieces.size(),
              "attention_figures: ids and pieces differ in length");
  const auto device =
      model.parameters().empty() ? torch::Device(torch::kCPU) : model.parameters()[0].device();
  const auto as_row = [&](std::vector<int64_t> ids) {  // [1, n] int64
    return torch::tensor(ids, torch::kInt64).unsqueeze(0).to(device);
  };
  std::vector<int64_t> src = src_ids;
  src.push_back(kEosId);
  std::vector<int64_t> tgt_in = {kBosId};
  tgt_in.insert(tgt_in.end(), tgt_ids.begin(), tgt_ids.end());

  const bool was_training = model.is_training();
  model.eval();
  AttentionMaps maps;
  {
    torch::NoGradGuard no_grad;
    maps = model.attention_maps(as_row(src), as_row(tgt_in));
  }
  model.train(was_training);

  std::vector<std::string> src_labels = src_pieces, out_labels = tgt_pieces, in_labels = {"<s>"};
  src_labels.push_back("</s>");
  out_labels.push_back("</s>");
  in_labels.insert(in_labels.end(), tgt_pieces.begin(), tgt_pieces.end());

  std::vector<AttentionFigure> figures;
  if (maps.cross.empty()) throw std::runtime_error("the model returned no cross-attention maps");
  add_figures(maps.cross, "cross-attention", request, out_labels, src_labels, "translation",
              "source", figures);
  if (request.self_attention) {
    if (maps.encoder_self.empty() && maps.decoder_self.empty()) {
      if (notes)
        notes->push_back(model.config().arch +
                         " model: no self-attention to draw (--self skipped)");
    } else {
      if (!maps.encoder_self.empty())
        add_figures(maps.encoder_self, "encoder self-attention", request, src_labels, src_labels,
                    "source (query)", "source (key)", figures);
      if (!maps.decoder_self.empty())
        add_figures(maps.decoder_self, "decoder self-attention", request, in_labels, in_labels,
                    "target input (query)", "target input (key)", figures);
    }
  }
  return figures;
}

}  // namespace nmt::report
