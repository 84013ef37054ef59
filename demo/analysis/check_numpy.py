"""Independent check of the demo checkpoint in plain NumPy (no DJL, no PyTorch).

Re-implements GPT-2's forward pass from the safetensors file, recomputes the held-out loss on
demo/tokens.npy, and each SAE's fraction of variance explained, mean L0 and dead features on
blocks.0.mlp.hook_post. Usage (repo root): OMP_NUM_THREADS=1 python3 demo/analysis/check_numpy.py
"""
import json, struct
import numpy as np

def load(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        lo, hi = meta["data_offsets"]
        dt = {"F16": np.float16, "F32": np.float32}[meta["dtype"]]
        out[name] = np.frombuffer(data[lo:hi], dtype=dt).reshape(meta["shape"]).astype(np.float64)
    return out

cfg = json.load(open("demo/model/config.json"))
w = load("demo/model/model.safetensors")
tokens = np.load("demo/tokens.npy")
H, eps = cfg["n_head"], cfg["layer_norm_epsilon"]

def ln(x, g, b):
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * g + b

def forward(tok):
    B, T = tok.shape
    x = w["wte.weight"][tok] + w["wpe.weight"][:T]
    posts = []
    for L in range(cfg["n_layer"]):
        p = "h.%d." % L
        qkv = ln(x, w[p + "ln_1.weight"], w[p + "ln_1.bias"]) @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]
        q, k, v = np.split(qkv, 3, axis=-1)
        d = q.shape[-1] // H
        q, k, v = (a.reshape(B, T, H, d).transpose(0, 2, 1, 3) for a in (q, k, v))
        s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(d)
        s = np.where(np.tril(np.ones((T, T), bool)), s, -np.inf)
        s = np.exp(s - s.max(-1, keepdims=True))
        z = (s / s.sum(-1, keepdims=True)) @ v
        x = x + z.transpose(0, 2, 1, 3).reshape(B, T, H * d) @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
        h = ln(x, w[p + "ln_2.weight"], w[p + "ln_2.bias"]) @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"]
        h = 0.5 * h * (1 + np.tanh(np.sqrt(2 / np.pi) * (h + 0.044715 * h ** 3)))
        posts.append(h)
        x = x + h @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
    return ln(x, w["ln_f.weight"], w["ln_f.bias"]) @ w["wte.weight"].T, posts[0]

total, count, acts = 0.0, 0, []
for b in range(0, len(tokens), 16):
    tok = tokens[b:b + 16]
    logits, post = forward(tok)
    logits = logits[:, :-1]
    mx = logits.max(-1, keepdims=True)
    lse = (mx + np.log(np.exp(logits - mx).sum(-1, keepdims=True)))[..., 0]
    picked = np.take_along_axis(logits, tok[:, 1:, None], -1)[..., 0]
    total += (lse - picked).sum()
    count += picked.size
    acts.append(post.reshape(-1, post.shape[-1]))
print("held-out loss (NumPy float64): %.5f over %d positions; recorded %s"
      % (total / count, count, json.load(open("demo/model/training.json"))["heldOutLoss"]))

X = np.concatenate(acts)
for d in ("demo/sae", "demo/sae-b"):
    s, c = load(d + "/sae_weights.safetensors"), json.load(open(d + "/cfg.json"))
    pre = (X - s["b_dec"]) @ s["W_enc"] + s["b_enc"]
    idx = np.argpartition(-pre, c["k"] - 1, axis=1)[:, :c["k"]]
    f = np.zeros_like(pre)
    np.put_along_axis(f, idx, np.maximum(np.take_along_axis(pre, idx, 1), 0), 1)
    rec = f @ s["W_dec"] + s["b_dec"]
    fve = 1 - ((X - rec) ** 2).sum() / ((X - X.mean(0)) ** 2).sum()
    print("%s: FVE %.5f, L0 %.3f, dead %d; recorded %s" % (d, fve, (f > 0).sum(1).mean(),
          int(((f > 0).sum(0) == 0).sum()), json.load(open(d + "/training.json"))["heldOut"]))
