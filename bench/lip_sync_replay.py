"""Try a lip-sync change fast: record once what the lip-sync checks are fed, then replay it.

    python bench/lip_sync_replay.py record DIR [--quick]   # bench/eval_lip_sync.py's run, feeds kept in DIR
    python bench/lip_sync_replay.py replay DIR [--quick]   # the same tables from the kept feeds, in seconds

`record` runs bench/eval_lip_sync.py unchanged and keeps, for every copy it analyses, the face frames,
audio and transcript segments (with their phones) the analysis gave its checks. `replay` feeds them to
the lip-sync checks (LipSyncAnalyzer, VisemeMismatchAnalyzer) of the code as it is now and prints the
same tables. Faces and transcripts are those of the recording run: a change to the face or speech stages
needs a new `record`. The feeds hold the test copies' landmarks and words, not their pictures; they stay
in DIR, never in the repository.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import eval_lip_sync  # noqa: E402
from bench.tables import print_table  # noqa: E402
from interview_guard.analyzers.lip_sync import LipSyncAnalyzer  # noqa: E402
from interview_guard.analyzers.viseme_mismatch import VisemeMismatchAnalyzer  # noqa: E402
from interview_guard.engine.run import AnalysisRun  # noqa: E402
from interview_guard.media.convert import FramePicker  # noqa: E402

_CHECKS = (LipSyncAnalyzer, VisemeMismatchAnalyzer)


def _feed_path(store: Path, copy: Path) -> Path:
    # the copies live in a temp folder whose name changes from run to run: key by the copy's own name
    return store / f"{hashlib.sha256(copy.name.encode()).hexdigest()[:16]}_{copy.stem[:60]}.pkl"


def record(store: Path, quick: bool, media: Path) -> None:
    """eval_lip_sync's tables, keeping every copy's feed: AnalysisRun's calls, lightened of pictures."""
    feed: list[tuple[str, Any]] = []
    originals = {name: getattr(AnalysisRun, name) for name in ("on_faces", "on_audio", "on_segments", "finish")}

    def recorder(name: str):
        def call(self, arg):
            if name == "on_faces":
                keep = arg.analysed or any(a.full_rate for a in self.analyzers if isinstance(a, _CHECKS))
                if keep:
                    feed.append((name, _without_picture(arg)))
            else:
                feed.append((name, arg))
            return originals[name](self, arg)
        return call

    for name in originals:
        setattr(AnalysisRun, name, recorder(name))
    analyze = eval_lip_sync.analyze

    def analyze_and_keep(path: Path) -> dict[str, Any]:
        fresh = path not in eval_lip_sync._SUMMARIES
        feed.clear()
        summary = analyze(path)
        if fresh:
            _feed_path(store, path).write_bytes(pickle.dumps(list(feed), protocol=pickle.HIGHEST_PROTOCOL))
        return summary

    eval_lip_sync.analyze = analyze_and_keep
    _tables(media, quick)


def _without_picture(frame):
    return replace(frame, picture=None) if frame.picture is not None else frame


def load_feed(store: Path, copy: Path) -> list[tuple[str, Any]]:
    """The recorded AnalysisRun calls of one copy."""
    kept = _feed_path(store, copy)
    if not kept.exists():
        sys.exit(f"no recorded feed for {copy.name} in {store}: run `bench/lip_sync_replay.py record` first")
    return pickle.loads(kept.read_bytes())


def judged(feed: list[tuple[str, Any]]) -> dict[str, Any]:
    """The feed through fresh lip-sync checks of the code as it is now, as much of a summary dict as
    eval_lip_sync reads (series and indicator checks)."""
    checks = [cls.from_settings(eval_lip_sync.OPTIONS) for cls in _CHECKS]
    found = [ind for name, arg in feed for a in checks for ind in _feed(a, name, arg)]
    return {"series": [{"name": s.name, "values": list(s.values)} for a in checks for s in a.series()],
            "indicators": [{"check": i.check} for i in found]}


def replay(store: Path, quick: bool, media: Path, mouth_fps: float = 0.0) -> None:
    """The tables from the kept feeds, judged by the lip-sync checks of the code as it is now; mouth_fps > 0
    keeps only the analysed frames and the others a picker at that rate takes (lip-sync at a lower rate)."""

    def replayed(path: Path) -> dict[str, Any]:
        if path not in eval_lip_sync._SUMMARIES:
            picker = FramePicker(mouth_fps) if mouth_fps > 0 else None
            feed = [(name, arg) for name, arg in load_feed(store, path)
                    if picker is None or name != "on_faces" or _kept(picker, arg)]
            eval_lip_sync._SUMMARIES[path] = judged(feed)
        return eval_lip_sync._SUMMARIES[path]

    eval_lip_sync.analyze = replayed
    _tables(media, quick)


def _kept(picker: FramePicker, frame) -> bool:
    """As the reader picks: the full-rate picker sees every frame; analysed frames pass anyway."""
    taken = picker.take(frame.t)
    return taken or frame.analysed


def _feed(analyzer, name: str, arg: Any) -> list:
    """One recorded AnalysisRun call, as AnalysisRun hands it to this analyzer."""
    if name == "on_faces":
        return analyzer.on_faces(arg) if arg.analysed or analyzer.full_rate else []
    if name == "on_segments":
        return [ind for seg in arg for ind in analyzer.on_speech(seg)]
    return analyzer.on_audio(arg) if name == "on_audio" else analyzer.finish(arg)


def _tables(media: Path, quick: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="ig-lipsync-") as tmp:
        eval_lip_sync.lip_sync_tables(media, Path(tmp), print_table, quick=quick)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=("record", "replay"))
    parser.add_argument("store", help="folder for the kept feeds (made if missing)")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--mouth-fps", type=float, default=0.0,
                        help="replay: keep the analysed frames and others at this rate only (0: every kept frame)")
    parser.add_argument("--media", default=str(Path(__file__).resolve().parents[2] / "shared" / "media"))
    args = parser.parse_args()
    store_path = Path(args.store)
    store_path.mkdir(parents=True, exist_ok=True)
    if args.mode == "record":
        record(store_path, args.quick, Path(args.media))
    else:
        replay(store_path, args.quick, Path(args.media), args.mouth_fps)
