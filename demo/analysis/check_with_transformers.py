"""Independent check of the demo checkpoint with Hugging Face transformers/tokenizers and PyTorch.

Loads demo/model as GPT2LMHeadModel and demo/model/tokenizer.json with `tokenizers`, re-tokenizes the
held-out addresses (JSON files in the folder given as argv[1]) and compares with demo/tokens.npy,
recomputes the held-out loss, and recomputes each SAE's FVE / L0 / dead count from its safetensors.
Usage: python3 demo/analysis/check_with_transformers.py HELD_OUT_JSON_DIR
"""
import glob, json, sys
import numpy as np
import torch
from safetensors.torch import load_file
from tokenizers import Tokenizer
from transformers import GPT2LMHeadModel

dev = "cuda" if torch.cuda.is_available() else "cpu"
tokens = torch.from_numpy(np.load("demo/tokens.npy").astype(np.int64))
print("tokens.npy", tuple(tokens.shape))
tok = Tokenizer.from_file("demo/model/tokenizer.json")
eot = tok.token_to_id("<|endoftext|>")
stream = []
for f in sorted(glob.glob(sys.argv[1] + "/*.json")):
    stream += tok.encode(json.load(open(f))["text"], add_special_tokens=False).ids + [eot]
n = len(stream) // tokens.shape[1]
ref = torch.tensor(stream[: n * tokens.shape[1]]).view(n, -1)
print("tokenizer: sequences", n, "identical to tokens.npy:", bool(torch.equal(ref, tokens)))

model = GPT2LMHeadModel.from_pretrained("demo/model").float().to(dev).eval()
acts = []
h = model.transformer.h[0].mlp.act.register_forward_hook(lambda m, i, o: acts.append(o.detach()))
tot, cnt = 0.0, 0
with torch.no_grad():
    for b in range(0, tokens.shape[0], 64):
        x = tokens[b : b + 64].to(dev)
        logits = model(x).logits.double()
        lp = torch.log_softmax(logits[:, :-1], -1).gather(2, x[:, 1:, None]).squeeze(2)
        tot += -lp.sum().item()
        cnt += lp.numel()
h.remove()
print("held-out loss (transformers, float64 log-softmax): %.5f" % (tot / cnt))
print("recorded:", json.load(open("demo/model/training.json"))["heldOutLoss"])
X = torch.cat([a.reshape(-1, a.shape[-1]) for a in acts]).double()
for d in ["demo/sae", "demo/sae-b"]:
    try:
        w = {k: v.double().to(dev) for k, v in load_file(d + "/sae_weights.safetensors").items()}
    except FileNotFoundError:
        continue
    cfg = json.load(open(d + "/cfg.json"))
    pre = (X - w["b_dec"]) @ w["W_enc"] + w["b_enc"]
    v, i = pre.topk(cfg["k"], dim=-1)
    f = torch.zeros_like(pre).scatter(-1, i, v.clamp(min=0))
    rec = f @ w["W_dec"] + w["b_dec"]
    fve = 1 - ((X - rec) ** 2).sum() / ((X - X.mean(0)) ** 2).sum()
    l0 = (f > 0).sum(-1).double().mean()
    dead = int(((f > 0).sum(0) == 0).sum())
    print(d, "cfg", cfg["architecture"], cfg["metadata"]["hook_name"], "FVE %.5f L0 %.3f dead %d" % (fve, l0, dead))
    print("  recorded:", json.load(open(d + "/training.json"))["heldOut"])
