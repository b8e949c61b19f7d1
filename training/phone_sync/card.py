"""The phone_openness model card: data, recipe, the learned values and what they separate in training."""

from __future__ import annotations

from pathlib import Path

from interview_guard.lipsync.openness import PhoneOpenness
from training.phone_sync.fit import REAL_QUANTILE, Calibration, PhoneShape

_MEASURED = "## Measured on ../shared/media"


def write_card(path: Path, model: PhoneOpenness, shapes: dict[str, PhoneShape], cal: Calibration,
               run: dict) -> None:
    """Write the card, keeping a measured section already there (bench/eval_lip_sync.py fills it in)."""
    kept = ""
    if path.is_file() and _MEASURED in path.read_text():
        kept = path.read_text()[path.read_text().index(_MEASURED):]
    ranked = sorted(model.opening.items(), key=lambda kv: kv[1])
    values = ", ".join(f"{k} {v:+.2f} ({shapes[k].seen})" for k, v in ranked)
    widths = ", ".join(f"{k} {v:+.2f}" for k, v in sorted(model.width.items(), key=lambda kv: kv[1]))
    path.write_text(f"""# phone_openness: lip opening and mouth width per phone

How open the lips are and how wide the mouth is while each ARPAbet phone is spoken, in standard deviations of
the speaker's own inner-lip gap (over the mouth width) and mouth width (over the eye distance) over a clip.
`interview_guard/lipsync/openness.py` lays these values on a segment's aligned phones, smooths them by
{model.smooth_s * 1000:.0f} ms (coarticulation) and correlates each with the mouth on screen at lags within
±{model.search_s * 1000:.0f} ms (and around the window's own offset estimate); the mean of the two
correlations at the best lag is the phone sync strength behind `low_sync`: a window with at least {model.min_phones} phones and a strength
under {model.low_below:.3f} is a voice that does not follow its mouth.

## Data
{run['clips']} real talking clips in {run['data']} (MEAD, VoxCeleb2, LRS2 and other research clips under their own
terms; see ../shared/training/MANIFEST.md); none of it is in the repository. Nothing from ../shared/media (where
the check is judged) was used. Treat the values as research-use.

## Recipe (training/phone_sync; `python -m training.phone_sync --out models/`, deterministic)
- Each clip through the project's own stages: the landmarker and tracker at the video's rate (lip gap), Whisper
  tiny.en words and pocketsphinx forced alignment (phones).
- Per phone: the mean z-scored lip gap and mouth width over its span, over every clip; phones seen fewer than 5
  times are left out (they count as unknown).
- The two channels were chosen on these training clips, in an exploration that compared the lip gap, the mouth
  width, the outer lip height and ten MediaPipe mouth blendshapes (jawOpen, mouthPucker, mouthFunnel, ...)
  alone and combined: gap + width separated own voices from other voices best there. The lip gap alone (the
  model before this one) flagged 16 of 25 other voices at 2 of 25 own voices.
- Negatives for free: each clip's mouth with the phones of the clip three on, from its own start (a dub).
- The decision value is the {REAL_QUANTILE:.0%} quantile of the training clips' own-voice strengths.

## This run
finished {run['finished']}, sha256 `{run['sha256']}`.

Learned opening (z, phones seen): {values}.

Learned width (z): {widths}.

| training clips | strength (sorted) | under {model.low_below:.3f} |
|---|---|---|
| own voice | {' '.join(f'{r:.2f}' for r in cal.reals)} | {cal.reals_flagged}/{len(cal.reals)} |
| another clip's voice | {' '.join(f'{d:.2f}' for d in cal.dubs)} | {cal.dubs_flagged}/{len(cal.dubs)} |

These are the clips the values were learned from: they say the task was learned, not how well it generalises.

{kept}""")
